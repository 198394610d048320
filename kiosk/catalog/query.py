"""Browsing the catalogue: filters for the activity list (pure).

The kiosk keeps the whole catalogue in memory (a few thousand activities at most)
and answers every list from it; SQLite is where it is kept between starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from kiosk.catalog.model import CATEGORIES, Activity, Occurrence
from kiosk.catalog.occurrences import (
    last_day,
    occurrences_between,
    still_running_since,
    week_range,
)
from kiosk.catalog.wording import SOON

# '' any day; 'now' on now or starting within SOON; 'today'; 'week' the next 7 days.
WHEN = ("", "now", "today", "week")
HORIZON_DAYS = 120

# activity id -> its occurrences from a day on, for HORIZON_DAYS (see agenda()).
Agenda = dict[str, list[Occurrence]]


def agenda(activities: list[Activity], today: date) -> Agenda:
    """Every activity's occurrences not over before ``today``, up to HORIZON_DAYS ahead.

    Computed once per day and catalogue. One that began earlier and runs into today
    (past midnight, or a one-off of several days) is on it.
    """
    last = today + timedelta(days=HORIZON_DAYS)
    return {
        a.id: [
            o
            for o in occurrences_between(a, still_running_since(a, today), last)
            if last_day(o) >= today
        ]
        for a in activities
    }


@dataclass(frozen=True)
class Filters:
    category: str = ""
    when: str = ""  # one of WHEN
    free: bool = False
    language: str = ""  # a language spoken at the activity
    page: int = 1

    @classmethod
    def from_args(cls, args: dict[str, str]) -> Filters:
        """From query parameters; anything unknown is ignored rather than an error page."""
        category = args.get("category", "")
        when = args.get("when", "")
        language = args.get("language", "")
        try:
            page = max(1, int(args.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            category=category if category in CATEGORIES else "",
            when=when if when in WHEN else "",
            free=args.get("free") == "1",
            language=language if language.isalpha() and len(language) <= 3 else "",
            page=page,
        )

    def args(self, **changes: object) -> dict[str, str]:
        """Query parameters for a link with some filters changed."""
        values = {
            "category": self.category,
            "when": self.when,
            "free": "1" if self.free else "",
            "language": self.language,
            "page": str(self.page) if self.page > 1 else "",
        }
        for key, value in changes.items():
            if key == "free":
                values[key] = "1" if value else ""
            else:
                values[key] = "" if value in (None, 1) and key == "page" else str(value or "")
        return {k: v for k, v in values.items() if v}


def first_upcoming(occurrences: list[Occurrence], now: datetime, last: date) -> Occurrence | None:
    """The first occurrence not yet over, on or before ``last`` (the list is in time order)."""
    for o in occurrences:
        if o.start.date() > last:
            return None
        if (o.end or o.start) >= now:
            return o
    return None


@dataclass(frozen=True)
class Listed:
    activity: Activity
    next: Occurrence | None


@dataclass(frozen=True)
class Page:
    items: list[Listed]
    total: int
    page: int
    pages: int


def is_current(activity: Activity, today: date) -> bool:
    """Still on screen: not past its last occurrence and not before its first."""
    if activity.valid_until and activity.valid_until < today:
        return False
    if not activity.weekly:
        if activity.status == "postponed" and not activity.occurrences:
            return True  # listed with its label, without a time, until valid_until
        return any(last_day(o) >= today for o in activity.occurrences)
    return True


def listing(
    activities: list[Activity],
    filters: Filters,
    now: datetime,
    days: Agenda | None = None,
) -> list[Listed]:
    """Every activity the filters (page aside) choose, soonest first."""
    today = now.date()
    if days is None:
        days = agenda(activities, today)
    # The agenda holds nothing over before today, so only the end of the period needs choosing.
    if filters.when in ("today", "now"):
        last = today
    elif filters.when == "week":
        last = week_range(today)[1]
    else:
        last = today + timedelta(days=HORIZON_DAYS)
    chosen = []
    for activity in activities:
        if filters.category and filters.category not in activity.categories:
            continue
        if filters.free and not activity.free:
            continue
        if filters.language and filters.language not in activity.languages:
            continue
        if not is_current(activity, today):
            continue
        nxt = first_upcoming(days.get(activity.id, []), now, last)
        if filters.when and nxt is None:
            continue
        if filters.when == "now" and nxt is not None and nxt.start > now + SOON:
            continue
        chosen.append(Listed(activity, nxt))
    # Soonest first; activities without a known next time last, by title.
    chosen.sort(key=lambda x: (x.next is None, x.next.start if x.next else now, x.activity.id))
    return chosen


def paginate(chosen: list[Listed], page: int, page_size: int) -> Page:
    pages = max(1, -(-len(chosen) // page_size))
    number = min(page, pages)
    start = (number - 1) * page_size
    return Page(chosen[start : start + page_size], len(chosen), number, pages)


def select(
    activities: list[Activity],
    filters: Filters,
    now: datetime,
    page_size: int,
    days: Agenda | None = None,
) -> Page:
    return paginate(listing(activities, filters, now, days), filters.page, page_size)


def spoken_languages(activities: list[Activity]) -> list[str]:
    """Languages spoken at some activity, for the language filter."""
    return sorted({lang for a in activities for lang in a.languages})
