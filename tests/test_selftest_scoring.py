"""Scoring: THL's formula, every possible score, no score with a missing answer."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from kiosk.selftest.packs import load
from kiosk.selftest.scoring import raw_sum, score, very_weak
from kiosk.shared.bands import band_of
from tests.selftest_support import OFFICIAL

PACK = load(OFFICIAL)
answers = st.lists(st.integers(1, 5), min_size=10, max_size=10)


@given(answers)
def test_score_is_the_official_formula(vector: list[int]) -> None:
    total = raw_sum(PACK, list(vector))
    assert total == sum(vector)
    value = score(PACK, total)
    assert value == Fraction(sum(vector) - 10) * Fraction(5, 2)
    assert 0 <= value <= 100


@given(answers, st.integers(0, 9))
def test_a_missing_answer_gives_no_score(vector: list[int], hole: int) -> None:
    with_hole: list[int | None] = list(vector)
    with_hole[hole] = None
    assert raw_sum(PACK, with_hole) is None
    assert raw_sum(PACK, list(vector)[:9]) is None


@given(answers, st.integers(0, 9), st.sampled_from([0, 6, -1, 42]))
def test_an_answer_outside_the_options_gives_no_score(
    vector: list[int], where: int, bad: int
) -> None:
    broken: list[int | None] = list(vector)
    broken[where] = bad
    assert raw_sum(PACK, broken) is None


def test_each_of_the_41_scores_is_reachable() -> None:
    seen = set()
    for total in range(10, 51):
        # A vector with this sum: fill from the first statement.
        vector, left = [], total
        for i in range(10):
            points = min(5, left - (9 - i))
            vector.append(points)
            left -= points
        assert raw_sum(PACK, list(vector)) == total
        seen.add(score(PACK, total))
    assert len(seen) == 41
    assert seen == {Fraction(5, 2) * n for n in range(41)}


def test_very_weak_is_exactly_under_50() -> None:
    assert very_weak(PACK, score(PACK, 29))  # 47.5
    assert not very_weak(PACK, score(PACK, 30))  # 50 itself is not very weak
    assert score(PACK, 30) == 50


def test_bands_split_at_the_official_cutoff() -> None:
    below = {band_of(total) for total in range(10, 30)}
    at_or_above = {band_of(total) for total in range(30, 51)}
    assert below == {0, 1} and at_or_above == {2, 3}
