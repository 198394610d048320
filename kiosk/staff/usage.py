"""What the Usage screen shows: counts per day from the tally, read only.

Score information comes only from released score windows; the pending window
(fewer than k tests) is never read here, so a small group cannot be singled out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kiosk.catalog.model import pick
from kiosk.shared.bands import ScoreWindow
from kiosk.tally import Tally

DAYS = 14
TOP = 8
SERIES = (
    "sessions_started",
    "activity_views",
    "activity_prints",
    "tests_completed",
    "consent_declined",
    "abandoned",
)


@dataclass(frozen=True)
class TopActivity:
    id: str
    title: str
    views: int
    prints: int


@dataclass(frozen=True)
class Usage:
    days: list[str]  # ISO dates, oldest first, today last
    series: dict[str, list[int]]  # metric -> one value per day
    today: dict[str, int]
    top: list[TopActivity]
    windows: list[ScoreWindow]

    def chart_data(self) -> dict[str, Any]:
        return {"days": self.days, "series": self.series}


def gather(tally: Tally, catalog: Any, lang: str, today: date | None = None) -> Usage:
    last = today or tally.today()
    days = [last - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    series: dict[str, list[int]] = {name: [] for name in SERIES}
    views: Counter[str] = Counter()
    prints: Counter[str] = Counter()
    for day in days:
        counts = tally.day(day)
        for name in SERIES:
            series[name].append(sum(counts.get(name, {}).values()))
        views.update(counts.get("activity_views", {}))
        prints.update(counts.get("activity_prints", {}))
    top = [
        TopActivity(aid, _title(catalog, aid, lang), views[aid], prints[aid])
        for aid, _ in (views + prints).most_common(TOP)
    ]
    return Usage(
        days=[d.isoformat() for d in days],
        series=series,
        today={name: values[-1] for name, values in series.items()},
        top=top,
        windows=tally.released_windows(),
    )


def _title(catalog: Any, activity_id: str, lang: str) -> str:
    activity = catalog.get(activity_id)
    return pick(activity.title, lang) if activity is not None else activity_id
