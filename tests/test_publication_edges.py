"""The publication rules at their edges: the attacker's interval reasoning on small
tables worked by hand, which cell is withheld when several would do, and band rows
added and withheld exactly."""

from __future__ import annotations

from hub.publication import (
    HIDDEN,
    INF,
    SHOWN,
    SMALL,
    BandRow,
    bounds,
    exposed,
    protect_counts,
    publish_bands,
)
from tests.hub_support import region_tree as tree

Relations = list[tuple[str, tuple[str, ...]]]


def marks(values: dict[str, int], relations: Relations) -> dict[str, str]:
    """The cells not shown as they are."""
    return {k: f.mark for k, f in protect_counts(values, relations).items() if f.mark != SHOWN}


# --- what an attacker can work out ---------------------------------------------------------


def test_a_withheld_part_is_the_total_minus_the_others() -> None:
    relations = [("t", ("a", "b"))]
    assert bounds(relations, {"t": (10, 10), "a": (3, 3), "b": (5, INF)}) == {
        "t": (10, 10),
        "a": (3, 3),
        "b": (7, 7),
    }


def test_a_withheld_total_is_the_sum_of_its_parts() -> None:
    relations = [("t", ("a", "b"))]
    assert bounds(relations, {"t": (5, INF), "a": (3, 3), "b": (4, 4)}) == {
        "t": (7, 7),
        "a": (3, 3),
        "b": (4, 4),
    }


def test_a_small_part_beside_known_ones_is_pinned_down() -> None:
    relations = [("t", ("a", "b", "c"))]
    assert bounds(relations, {"t": (8, 8), "a": (1, 4), "b": (2, 2), "c": (3, 3)})["a"] == (3, 3)


def test_a_lower_bound_of_a_total_is_carried_to_its_one_open_part() -> None:
    relations = [("t", ("a", "b"))]
    assert bounds(relations, {"t": (12, INF), "a": (3, 3), "b": (5, INF)}) == {
        "t": (12, INF),
        "a": (3, 3),
        "b": (9, INF),
    }


def test_two_withheld_cells_stay_open_upwards() -> None:
    relations = [("t", ("a", "b"))]
    assert bounds(relations, {"t": (5, INF), "a": (5, INF), "b": (3, 3)}) == {
        "t": (8, INF),
        "a": (5, INF),
        "b": (3, 3),
    }


def test_what_one_sum_gives_away_is_carried_into_the_next() -> None:
    # b is found from a - c; only then does b - e give d.
    relations = [("b", ("d", "e")), ("a", ("b", "c"))]
    start = {"a": (10, 10), "b": (5, INF), "c": (4, 4), "d": (0, INF), "e": (2, 2)}
    assert bounds(relations, start) == {
        "a": (10, 10),
        "b": (6, 6),
        "c": (4, 4),
        "d": (4, 4),
        "e": (2, 2),
    }


def test_a_withheld_neighbour_is_known_to_be_at_least_five() -> None:
    relations = [("r", ("s", "w"))]
    kinds = {"r": SHOWN, "s": SMALL, "w": HIDDEN}
    # 7 minus at least 5 leaves at most 2: the "< 5" is narrowed down.
    assert exposed({"r": 7, "s": 2, "w": 5}, kinds, relations) == ["s"]
    # 10 minus at least 5 leaves at most 5: "< 5" says as much.
    assert exposed({"r": 10, "s": 3, "w": 7}, kinds, relations) == []


# --- which cell is withheld ------------------------------------------------------------------


def test_of_equal_neighbours_the_first_by_name_is_withheld() -> None:
    values = {"r": 22, "s": 2, "b": 10, "a": 10}
    assert marks(values, [("r", ("s", "b", "a"))]) == {"s": SMALL, "a": HIDDEN}


def test_the_smallest_neighbour_that_protects_is_withheld_not_merely_the_smallest() -> None:
    # Withholding b (6) would leave s at most 28 - 20 - 5 = 3: still narrowed down.
    values = {"r": 28, "s": 2, "b": 6, "c": 20}
    assert marks(values, [("r", ("s", "b", "c"))]) == {"s": SMALL, "c": HIDDEN}


def test_each_region_is_settled_before_the_fleet() -> None:
    values, relations = tree([[20, 10, 20], [1, 0], [2], [2, 20]])
    # Withholding inside the fourth region suffices: the fleet's total stays published.
    assert marks(values, relations) == {
        "r1k0": SMALL,
        "r1": SMALL,
        "r2k0": SMALL,
        "r2": SMALL,
        "r3k0": SMALL,
        "r3k1": HIDDEN,
        "r3": HIDDEN,
    }


def test_when_no_one_cell_protects_the_largest_nearest_is_withheld_and_the_search_goes_on() -> None:
    values, relations = tree([[5, 1, 7], [9]])
    assert marks(values, relations) == {
        "r0k1": SMALL,
        "r0k0": HIDDEN,
        "r0k2": HIDDEN,
        "r0": HIDDEN,
        "fleet": HIDDEN,
    }


def test_zeros_are_never_withheld_even_beside_many_small_counts() -> None:
    values, relations = tree([[0, 2, 0, 2], [1, 0, 4, 9], [0], [9]])
    assert marks(values, relations) == {
        "r0k1": SMALL,
        "r0k3": SMALL,
        "r0": SMALL,
        "r1k0": SMALL,
        "r1k2": SMALL,
        "r1": HIDDEN,
        "r3": HIDDEN,
    }


# --- score bands --------------------------------------------------------------------------


def test_band_rows_add_band_by_band() -> None:
    total = BandRow(1, 10, (1, 2, 3, 4)) + BandRow(2, 100, (10, 20, 30, 40))
    assert total == BandRow(3, 110, (11, 22, 33, 44))


def test_of_two_equally_small_regions_the_first_by_name_is_withheld() -> None:
    small = BandRow(1, 6, (1, 2, 2, 1))
    even = BandRow(3, 20, (2, 8, 8, 2))
    rows = {"Kylä": small, "B-alue": even, "A-alue": even, "Z-alue": BandRow(3, 40, (8, 12, 12, 8))}
    fleet = small + even + even + rows["Z-alue"]
    fleet_ok, shown = publish_bands(fleet, rows)
    assert fleet_ok and shown == {"B-alue", "Z-alue"}


def test_the_region_with_fewer_tests_is_withheld_whatever_its_name() -> None:
    small = BandRow(1, 6, (1, 2, 2, 1))
    fewer = BandRow(3, 20, (2, 8, 8, 2))
    more = BandRow(3, 24, (3, 9, 9, 3))
    rows = {"Kylä": small, "Z-alue": fewer, "A-alue": more, "M-alue": more}
    fleet_ok, shown = publish_bands(small + fewer + more + more, rows)
    assert fleet_ok and shown == {"A-alue", "M-alue"}


def test_two_small_counts_under_a_total_of_five_need_nothing_withheld() -> None:
    # 5 = s + t with both "< 5": s and t are each 1 to 4, which the marks say already.
    assert marks({"r": 5, "s": 2, "t": 3}, [("r", ("s", "t"))]) == {"s": SMALL, "t": SMALL}
