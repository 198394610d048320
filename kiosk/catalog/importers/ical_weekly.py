"""A plain weekly iCalendar series as weekly rules, so it outlives the horizon.

Only what means the same wall-clock time every week qualifies: FREQ=WEEKLY with
BYDAY (no ordinals), INTERVAL, UNTIL and WKST only, no RDATE, a start in the
kiosk's own zone or floating, and an end on the same day. Anything else is left to
recurring-ical-events to expand (kiosk.catalog.importers.ical).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.catalog.model import WeeklyRule

_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_WEEKLY_KEYS = {"FREQ", "BYDAY", "INTERVAL", "UNTIL", "WKST"}

Weekly = tuple[tuple[WeeklyRule, ...], date, date | None, tuple[date, ...]]


def local_time(value: Any, tz: ZoneInfo) -> datetime | None:
    """Naive local wall-clock time; None for a date (an all-day value)."""
    if isinstance(value, datetime):
        return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value
    return None


def as_weekly(ev: Any, tz: ZoneInfo) -> Weekly | None:
    """(rules, valid_from, valid_until, exceptions) for a plain weekly series, else None."""
    rrule = ev.get("RRULE")
    if rrule is None or ev.get("RDATE") is not None or isinstance(rrule, list):
        return None
    if set(rrule) - _WEEKLY_KEYS or rrule.get("FREQ") != ["WEEKLY"]:
        return None
    dtstart = ev.decoded("DTSTART")
    if not isinstance(dtstart, datetime):
        return None
    zone = getattr(dtstart.tzinfo, "key", None)
    if dtstart.tzinfo is not None and zone != tz.key:
        return None  # wall-clock time would move with DST: expand instead
    days = [str(d).upper() for d in rrule.get("BYDAY", [])] or [list(_WEEKDAYS)[dtstart.weekday()]]
    if any(d not in _WEEKDAYS for d in days):
        return None  # "2TU" and the like
    interval = int(rrule.get("INTERVAL", [1])[0])
    duration = None
    if ev.get("DTEND") is not None:
        duration = ev.decoded("DTEND") - dtstart
    elif ev.get("DURATION") is not None:
        duration = ev.decoded("DURATION")
    start = dtstart.replace(tzinfo=None)
    end_dt = start + duration if duration is not None else None
    if end_dt is not None and end_dt.date() != start.date():
        return None
    end_t = end_dt.time() if end_dt is not None and end_dt > start else None
    anchor = start.date()
    rules = tuple(
        WeeklyRule(
            _WEEKDAYS[d],
            start.time(),
            end_t,
            interval,
            anchor + timedelta(days=(_WEEKDAYS[d] - anchor.weekday()) % 7)
            if interval > 1
            else None,
        )
        for d in days
    )
    until = None
    if rrule.get("UNTIL"):
        u = rrule["UNTIL"][0]
        until = u.astimezone(tz) if isinstance(u, datetime) and u.tzinfo else u
        until = until.date() if isinstance(until, datetime) else until
    exdates: set[date] = set()
    raw = ev.get("EXDATE")
    for group in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        for d in group.dts:
            value = d.dt
            local = local_time(value, tz)
            exdates.add(local.date() if local is not None else value)
    return rules, anchor, until, tuple(sorted(exdates))
