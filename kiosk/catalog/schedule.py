"""When an activity takes place next: pure functions over :class:`Activity`.

Times are naive local wall-clock datetimes (the kiosk's time zone), as in the
model. An occurrence that has started but not ended still counts as "next", so a
visitor at 14:10 learns of the 14-16 group that is on right now. ``valid_from``
and ``valid_until`` bound every occurrence; ``exceptions`` cancel weekly dates
only (one-off dates are listed explicitly, so they are cancelled by removal).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule

# How far ahead weekly rules are expanded; an activity further away is not "next".
HORIZON_DAYS = 400


def next_occurrences(activity: Activity, now: datetime, count: int) -> list[Occurrence]:
    """Up to ``count`` occurrences not yet over at ``now``, earliest first."""
    if count <= 0:
        return []
    found: set[Occurrence] = set()
    for occ in activity.occurrences:
        if _is_valid_day(activity, occ.start.date()) and _not_over(occ, now):
            found.add(occ)
    for rule in activity.weekly:
        found.update(_expand(activity, rule, now, count))
    return sorted(found, key=lambda o: (o.start, o.end or o.start))[:count]


def _not_over(occ: Occurrence, now: datetime) -> bool:
    return (occ.end or occ.start) >= now


def _is_valid_day(activity: Activity, day: date) -> bool:
    if activity.valid_from is not None and day < activity.valid_from:
        return False
    return activity.valid_until is None or day <= activity.valid_until


def _week_matches(rule: WeeklyRule, day: date, fallback_anchor: date | None) -> bool:
    anchor = rule.anchor or fallback_anchor
    if rule.interval <= 1 or anchor is None:
        return True
    # Compare Monday-based weeks so an anchor on another weekday still fixes the parity.
    weeks = ((day - timedelta(days=day.weekday())) - (anchor - timedelta(anchor.weekday()))).days
    return (weeks // 7) % rule.interval == 0


def _expand(activity: Activity, rule: WeeklyRule, now: datetime, count: int) -> list[Occurrence]:
    start_day = now.date()
    if activity.valid_from is not None and activity.valid_from > start_day:
        start_day = activity.valid_from
    day = start_day + timedelta(days=(rule.weekday - start_day.weekday()) % 7)
    last_day = now.date() + timedelta(days=HORIZON_DAYS)
    if activity.valid_until is not None:
        last_day = min(last_day, activity.valid_until)
    result: list[Occurrence] = []
    while day <= last_day and len(result) < count:
        if day not in activity.exceptions and _week_matches(rule, day, activity.valid_from):
            start = datetime.combine(day, rule.start)
            end = datetime.combine(day, rule.end) if rule.end is not None else None
            if end is not None and end < start:  # past midnight
                end += timedelta(days=1)
            occ = Occurrence(start, end)
            if _not_over(occ, now):
                result.append(occ)
        day += timedelta(days=7)
    return result
