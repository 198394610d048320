"""Scoring of the participation indicator (pure).

THL's rule: the points of all statements are summed (10-50 on the official
form) and the sum is turned into 0-100 by (sum - 10) x 2.5. Missing answers are
not allowed: a test with one unanswered statement has no score. "Very weak"
experience of inclusion is a score *under* 50; 50 itself is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from kiosk.selftest.packs import Pack


def raw_sum(pack: Pack, answers: Sequence[int | None]) -> int | None:
    """The sum of points, or None when any statement is unanswered or an answer is invalid."""
    valid = {o.points for o in pack.options}
    if len(answers) != len(pack.statements) or any(a not in valid for a in answers):
        return None
    return sum(a for a in answers if a is not None)


def score(pack: Pack, total: int) -> Fraction:
    """0-100 from a raw sum; exact (a multiple of 2.5 on the official form)."""
    low, high = pack.sum_range
    if not low <= total <= high:
        raise ValueError(f"sum {total} is outside {low}-{high}")
    return Fraction(total - low) * 100 / (high - low)


def very_weak(pack: Pack, value: Fraction) -> bool:
    return value < pack.cutoff
