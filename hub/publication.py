"""What the hub may publish: the rules every table, chart and export goes through.

Pure functions over plain data; docs/privacy.md gives the reasoning for each rule.

**Counts** (visits, prints, tests... per kiosk and day, summed per region and for
the fleet) form, for one day and one measure, a table in which each region is the
sum of its kiosks and the fleet the sum of its regions:

* primary rule: a count of 1 to 4 is shown as "< 5" (:data:`SMALL`); 0 is shown;
* complementary rule: no published number may narrow down a "< 5" cell: whatever
  the other cells of the table say, each "< 5" cell must stay as open as its mark
  alone leaves it. Where subtraction would narrow one down (a region minus its
  other kiosks, the fleet minus the other regions), more cells are withheld
  (:data:`HIDDEN`, shown as ".."), the smallest that suffice.

The check is an attacker's: :func:`bounds` works out, from every published number
and mark, the lowest and highest value each withheld cell can have. In a tree of
sums (kiosks in regions in a fleet) this interval reasoning is exact.

**Score bands** are published only for a form and a calendar month pooled over a
region or the fleet (never per kiosk), and only when the row

* holds at least :data:`MIN_KIOSKS` kiosks and :data:`MIN_TESTS` tests, and
* is not concentrated: neither side of the 50-point cut (bands 0+1, bands 2+3)
  holds all or all but one of the tests (:func:`concentrated`), which also keeps
  any single band from holding all or all but one;

and when the fleet row is published, the regions withheld taken together must pass
the same test, since the fleet minus the published regions gives their sum.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from kiosk.shared.bands import MIN_K

SMALL_BELOW = 5
MIN_KIOSKS = 3
MIN_TESTS = MIN_K  # a published band cell pools at least what one kiosk window holds

SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"
INF = 10**15  # "no upper limit" in interval reasoning

K = TypeVar("K", bound=Hashable)
Relation = tuple[K, tuple[K, ...]]  # (total, parts): total = sum of parts


# --- counts -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Figure:
    """One published cell: its value and how it is shown."""

    value: int
    mark: str = SHOWN

    @property
    def number(self) -> int | None:
        """The number a reader sees, or None where the cell is withheld."""
        return self.value if self.mark == SHOWN else None


def primary(value: int) -> str:
    return SMALL if 0 < value < SMALL_BELOW else SHOWN


def bounds(
    relations: Sequence[Relation[K]], start: Mapping[K, tuple[int, int]]
) -> dict[K, tuple[int, int]]:
    """The narrowest interval each cell can be in, given every sum relation.

    ``start`` holds what is known of each cell on its own: (v, v) for a published
    number, (1, 4) for "< 5", (5, INF) for "..". Propagates until nothing changes.
    """
    lo = {k: v[0] for k, v in start.items()}
    hi = {k: v[1] for k, v in start.items()}
    for _ in range(4 * len(relations) + 8):
        changed = False
        for total, parts in relations:
            parts_lo = sum(lo[p] for p in parts)
            unbounded = sum(1 for p in parts if hi[p] >= INF)
            finite_hi = sum(hi[p] for p in parts if hi[p] < INF)
            new_lo = max(lo[total], parts_lo)
            new_hi = hi[total] if unbounded else min(hi[total], finite_hi)
            if (new_lo, new_hi) != (lo[total], hi[total]):
                lo[total], hi[total], changed = new_lo, new_hi, True
            for p in parts:
                others_lo = parts_lo - lo[p]
                open_others = unbounded - (1 if hi[p] >= INF else 0)
                p_lo, p_hi = lo[p], hi[p]
                if not open_others:
                    others_hi = finite_hi - (hi[p] if hi[p] < INF else 0)
                    p_lo = max(p_lo, lo[total] - others_hi)
                if hi[total] < INF:
                    p_hi = min(p_hi, hi[total] - others_lo)
                if (p_lo, p_hi) != (lo[p], hi[p]):
                    lo[p], hi[p], changed = p_lo, p_hi, True
        if not changed:
            break
    return {k: (lo[k], hi[k]) for k in start}


def _known(
    values: Mapping[K, int], marks: Mapping[K, str], keys: Iterable[K], *, numbers: bool
) -> dict[K, tuple[int, int]]:
    out: dict[K, tuple[int, int]] = {}
    for key in keys:
        mark = marks[key]
        if mark == SMALL:
            out[key] = (1, SMALL_BELOW - 1)
        elif mark == HIDDEN:
            out[key] = (SMALL_BELOW, INF)
        elif numbers:
            out[key] = (values[key], values[key])
        else:
            out[key] = (0, INF)
    return out


def exposed(
    values: Mapping[K, int], marks: Mapping[K, str], relations: Sequence[Relation[K]]
) -> list[K]:
    """The "< 5" cells that the published numbers narrow down beyond their mark."""
    keys = list(dict.fromkeys(k for total, parts in relations for k in (total, *parts)))
    told = bounds(relations, _known(values, marks, keys, numbers=True))
    marked = bounds(relations, _known(values, marks, keys, numbers=False))
    return [k for k in keys if marks[k] == SMALL and told[k] != marked[k]]


def protect_counts(values: Mapping[K, int], relations: Sequence[Relation[K]]) -> dict[K, Figure]:
    """Primary and complementary suppression of one table of counts."""
    marks = {key: primary(v) for key, v in values.items()}
    if SMALL not in marks.values():
        return {key: Figure(v) for key, v in values.items()}
    # Each sum on its own first, smallest first (cheap: one region's kiosks), then the
    # whole table, which finds what only several sums taken together would give away.
    for relation in sorted(relations, key=lambda r: len(r[1])):
        _withhold(values, marks, [relation])
    _withhold(values, marks, relations)
    return {key: Figure(values[key], marks[key]) for key in values}


def _withhold(
    values: Mapping[K, int], marks: dict[K, str], relations: Sequence[Relation[K]]
) -> None:
    """Withhold cells until no "< 5" cell of these relations is exposed."""
    members: dict[K, list[Relation[K]]] = defaultdict(list)
    for relation in relations:
        for key in (relation[0], *relation[1]):
            members[key].append(relation)
    while True:
        found = exposed(values, marks, relations)
        if not found:
            return
        choice = _complement(found[0], values, marks, relations, members)
        if choice is None:  # nothing left to withhold (see docs/privacy.md)
            return
        marks[choice] = HIDDEN


def _complement(
    target: K,
    values: Mapping[K, int],
    marks: dict[K, str],
    relations: Sequence[Relation[K]],
    members: Mapping[K, list[Relation[K]]],
) -> K | None:
    """The cell to withhold next for ``target``: nearest first, then the smallest that
    protects it alone; when none does, the largest of the nearest (it widens most)."""
    seen, frontier = {target}, [target]
    while frontier:
        near: list[K] = []
        for key in frontier:
            for total, parts in members[key]:
                for other in (total, *parts):
                    if other not in seen:
                        seen.add(other)
                        near.append(other)
        candidates = sorted(
            (k for k in near if marks[k] == SHOWN and values[k] > 0),
            key=lambda k: (values[k], str(k)),
        )
        for candidate in candidates:
            marks[candidate] = HIDDEN
            still = target in exposed(values, marks, relations)
            marks[candidate] = SHOWN
            if not still:
                return candidate
        if candidates:
            return candidates[-1]
        frontier = near
    return None


# --- score bands ------------------------------------------------------------------------
@dataclass(frozen=True)
class BandRow:
    """Released score windows of one form and month, pooled: kiosks, tests, bands."""

    kiosks: int
    n: int
    bands: tuple[int, int, int, int]

    def __add__(self, other: BandRow) -> BandRow:
        b = tuple(x + y for x, y in zip(self.bands, other.bands, strict=True))
        return BandRow(self.kiosks + other.kiosks, self.n + other.n, (b[0], b[1], b[2], b[3]))


NO_ROW = BandRow(0, 0, (0, 0, 0, 0))


def concentrated(bands: Sequence[int]) -> bool:
    """All or all but one of the tests on one side of the 50-point cut.

    Anyone who knows a person took the test in this cell would then know (or, being
    the one exception, could tell) which side that person is on; a single band
    holding all or all but one is the special case of this.
    """
    n = sum(bands)
    under, over = bands[0] + bands[1], bands[2] + bands[3]
    return max(under, over) >= n - 1


def band_row_ok(row: BandRow) -> bool:
    return row.kiosks >= MIN_KIOSKS and row.n >= MIN_TESTS and not concentrated(row.bands)


def publish_bands(fleet: BandRow, regions: Mapping[str, BandRow]) -> tuple[bool, set[str]]:
    """Whether the fleet row is published, and which region rows are."""
    shown = {name for name, row in regions.items() if band_row_ok(row)}
    fleet_ok = band_row_ok(fleet)
    while fleet_ok and shown != set(regions):
        rest = sum((row for name, row in regions.items() if name not in shown), NO_ROW)
        if band_row_ok(rest):
            break
        # The fleet minus the published regions would give a row that fails the
        # rules: withhold the smallest published region as well.
        shown.discard(min(shown, key=lambda name: (regions[name].n, name)))
    return fleet_ok, shown
