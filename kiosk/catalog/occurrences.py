"""When an activity takes place: expanding one-off dates and weekly rules (pure).

All times are naive local wall times in the kiosk's time zone. Dates, not
instants, decide "today" and "this week", so the 23- and 25-hour days of the
daylight-saving changes need no special case: a weekly 10:00 stays 10:00.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _rule_dates(rule: WeeklyRule, first: date, last: date, fallback: date | None) -> list[date]:
    offset = (rule.weekday - first.weekday()) % 7
    day = first + timedelta(days=offset)
    anchor = rule.anchor or fallback
    out = []
    while day <= last:
        # Monday-based weeks, so an anchor on another weekday still fixes the parity.
        weeks = (_monday(day) - _monday(anchor)).days // 7 if anchor else 0
        if rule.interval <= 1 or weeks % rule.interval == 0:
            out.append(day)
        day += timedelta(days=7)
    return out


def occurrences_between(activity: Activity, first: date, last: date) -> list[Occurrence]:
    """Every occurrence whose start falls on a local date in [first, last], in time order."""
    if activity.valid_from and activity.valid_from > first:
        first = activity.valid_from
    if activity.valid_until and activity.valid_until < last:
        last = activity.valid_until
    if first > last:
        return []
    found = [o for o in activity.occurrences if first <= o.start.date() <= last]
    skip = set(activity.exceptions)
    for rule in activity.weekly:
        for day in _rule_dates(rule, first, last, activity.valid_from):
            if day in skip:
                continue
            start = datetime.combine(day, rule.start)
            end = datetime.combine(day, rule.end) if rule.end else None
            if end is not None and end < start:  # ends after midnight
                end += timedelta(days=1)
            found.append(Occurrence(start, end))
    return sorted(found, key=lambda o: o.start)


def last_day(o: Occurrence) -> date:
    """The last date an occurrence takes up: one ending at midnight takes none of the
    day it ends on (an evening until 24.00 is over when that day begins)."""
    if o.end is None or o.end <= o.start:
        return o.start.date()
    return (o.end - timedelta(microseconds=1)).date()


def still_running_since(activity: Activity, day: date) -> date:
    """The first date whose occurrences may still be running on ``day``.

    The day before, for one past midnight; or the start of a one-off lasting several
    days (a camp, an exhibition) that runs into ``day`` or later.
    """
    starts = [o.start.date() for o in activity.occurrences if last_day(o) >= day]
    return min([day - timedelta(days=1), *starts])


def next_occurrences(
    activity: Activity, now: datetime, count: int, days: int = 400
) -> list[Occurrence]:
    """The next ``count`` occurrences not yet over (one on now counts), up to ``days`` ahead."""
    found: list[Occurrence] = []
    first = still_running_since(activity, now.date())
    last_day = now.date() + timedelta(days=days)
    while first <= last_day and len(found) < count:
        last = min(first + timedelta(days=90), last_day)
        found += [
            o for o in occurrences_between(activity, first, last) if (o.end or o.start) >= now
        ]
        first = last + timedelta(days=1)
    return found[:count]


def last_date(activity: Activity) -> date | None:
    """Local date of the last occurrence; None when it recurs without an end."""
    if activity.weekly and activity.valid_until is None:
        return None
    dates = [o.start.date() for o in activity.occurrences]
    if activity.weekly and activity.valid_until is not None:
        dates.append(activity.valid_until)
    return max(dates) if dates else None


def week_range(today: date) -> tuple[date, date]:
    """'The next 7 days': today and the six days after it.

    Not "to the coming Sunday": on a Friday that would be three days.
    """
    return today, today + timedelta(days=6)
