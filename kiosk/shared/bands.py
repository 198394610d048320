"""Score bands of the self-test and the pooled window that carries them (pure).

A completed test adds one to a band of its pack's pending window; a window is
released only with at least k tests, and only its band counts ever leave the
kiosk (in a batch, under ``score_windows``).
"""

from __future__ import annotations

from dataclasses import dataclass

BAND_EDGES = (19, 29, 39, 50)  # raw sums 10-19, 20-29, 30-39, 40-50
BANDS_ID = "esis4-v1"  # the batch's name for these four bands
# The one rule for k: the fewest tests a released score window holds. The kiosk
# refuses a ``selftest.k`` below it at start and the hub refuses a window under it,
# so a kiosk can never be set to make windows the hub will not take.
MIN_K = 5


def band_of(raw_sum: int) -> int:
    """Index of the score band of a raw ESIS sum (10-50)."""
    if not 10 <= raw_sum <= 50:
        raise ValueError(f"raw sum {raw_sum} is outside 10-50")
    return next(i for i, edge in enumerate(BAND_EDGES) if raw_sum <= edge)


@dataclass(frozen=True)
class ScoreWindow:
    pack: str
    period_start: str
    period_end: str
    n: int
    bands: tuple[int, int, int, int]
