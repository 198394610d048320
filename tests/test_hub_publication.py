"""The publication rules on their own: what may be shown, and what subtraction finds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.publication import (
    HIDDEN,
    MIN_KIOSKS,
    MIN_TESTS,
    SHOWN,
    SMALL,
    BandRow,
    band_row_ok,
    concentrated,
    primary,
    protect_counts,
    publish_bands,
)
from tests.hub_support import feasible
from tests.hub_support import region_tree as tree
from tests.profiles import examples

Tree = tuple[dict[Any, int], list[tuple[Any, tuple[Any, ...]]]]


def published(values: dict[Any, int], relations: Any) -> dict[Any, tuple[str, int]]:
    return {k: (f.mark, f.value) for k, f in protect_counts(values, relations).items()}


def test_small_counts_are_marked_and_zero_and_five_are_shown() -> None:
    assert [primary(v) for v in range(7)] == [SHOWN, SMALL, SMALL, SMALL, SMALL, SHOWN, SHOWN]


def test_region_minus_its_other_kiosks_does_not_give_a_small_count() -> None:
    values, relations = tree([[2, 10, 20], [30, 40]])
    shown = published(values, relations)
    assert shown["r0k0"][0] == SMALL
    assert shown["r0k1"][0] == HIDDEN  # the smallest neighbour that protects it
    assert shown["r0"][0] == SHOWN and shown["fleet"][0] == SHOWN
    found = feasible(shown, relations)
    assert found["r0k0"] == {1, 2, 3, 4}


def test_fleet_minus_the_other_regions_does_not_give_a_small_region() -> None:
    values, relations = tree([[3], [30, 40]])
    shown = published(values, relations)
    assert shown["r0"][0] == SMALL and shown["r0k0"][0] == SMALL
    assert shown["fleet"][0] == HIDDEN  # r1 is a sum of published kiosks: only this helps
    assert feasible(shown, relations)["r0"] == {1, 2, 3, 4}


def test_a_table_without_small_counts_is_published_whole() -> None:
    values, relations = tree([[0, 10, 20], [30, 5]])
    assert all(mark == SHOWN for mark, _ in published(values, relations).values())


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.lists(st.integers(0, 9), min_size=1, max_size=3),
        min_size=1,
        max_size=3,
    )
)
def test_no_small_count_can_be_narrowed_down_by_subtraction(regions: list[list[int]]) -> None:
    values, relations = tree(regions)
    shown = published(values, relations)
    for mark, value in shown.values():
        assert mark == primary(value) or mark == HIDDEN
        assert mark != HIDDEN or value >= 5  # a zero is never "withheld"
    told = feasible(shown, relations)
    marks_only = feasible(shown, relations, numbers=False, cap=12)
    for key, (mark, value) in shown.items():
        assert value in told[key]
        if mark == SMALL:
            # Everything published says no more about it than its "< 5" does.
            assert told[key] == marks_only[key], (key, shown)


# --- score bands --------------------------------------------------------------------------
def test_concentration_on_either_side_of_the_50_point_line() -> None:
    assert concentrated((5, 0, 0, 0))  # everyone in one band
    assert concentrated((0, 0, 4, 1))  # everyone at 50 or over
    assert concentrated((1, 0, 3, 1))  # all but one at 50 or over
    assert concentrated((0, 6, 0, 1))  # all but one in one band
    assert not concentrated((1, 1, 2, 1))
    assert not concentrated((0, 2, 0, 3))  # zeros in bands, two on each side


def test_a_row_needs_kiosks_tests_and_spread() -> None:
    spread = (2, 1, 1, 1)
    assert band_row_ok(BandRow(MIN_KIOSKS, MIN_TESTS, spread))
    assert not band_row_ok(BandRow(MIN_KIOSKS - 1, 40, (10, 10, 10, 10)))
    assert not band_row_ok(BandRow(MIN_KIOSKS, MIN_TESTS - 1, (1, 1, 1, 1)))
    assert not band_row_ok(BandRow(5, 5, (0, 0, 5, 0)))


def test_fleet_minus_published_regions_never_gives_a_withheld_region() -> None:
    small = BandRow(1, 6, (1, 2, 2, 1))  # one kiosk: never published
    busy = BandRow(3, 20, (2, 4, 8, 6))
    busier = BandRow(4, 30, (3, 6, 12, 9))
    fleet = small + busy + busier
    fleet_ok, shown = publish_bands(fleet, {"Kylä": small, "Kaupunki": busy, "Keskus": busier})
    assert fleet_ok and shown == {"Keskus"}
    assert band_row_ok(fleet + BandRow(-4, -30, (-3, -6, -12, -9)))  # what subtraction gives


def rows() -> st.SearchStrategy[BandRow]:
    bands = st.tuples(*[st.integers(0, 6)] * 4)
    return st.builds(lambda k, b: BandRow(k, sum(b), b), st.integers(1, 4), bands)


@settings(max_examples=examples(200), deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDE"), rows(), min_size=1))
def test_every_published_band_row_and_every_difference_passes(regions: dict[str, BandRow]) -> None:
    fleet = BandRow(0, 0, (0, 0, 0, 0))
    for row in regions.values():
        fleet = fleet + row
    fleet_ok, shown = publish_bands(fleet, regions)
    assert fleet_ok == band_row_ok(fleet)
    assert all(band_row_ok(regions[name]) for name in shown)
    withheld = [row for name, row in regions.items() if name not in shown]
    if fleet_ok and withheld:
        rest = withheld[0]
        for row in withheld[1:]:
            rest = rest + row
        assert band_row_ok(rest)
