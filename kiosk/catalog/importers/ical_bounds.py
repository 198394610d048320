"""The bounds of iCalendar recurrence: every event checked, every series counted
before it is expanded (used by kiosk.catalog.importers.ical).

The cost of a calendar is the number of instances its rules make, not its size:
400 bytes with ``FREQ=MINUTELY`` and no end are 259,000 instances in half a year.
So a rule that repeats more often than once a day is refused outright; every other
series is counted with dateutil between today and the horizon, stopping one past
the cap, and only then expanded, one series at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.catalog.importers.common import (
    EARLIEST_YEAR,
    FieldError,
    Limits,
    ParseResult,
    Problem,
    check_year,
    describe,
    shorten,
)
from kiosk.catalog.importers.ical_weekly import local_time

FINER_THAN_DAILY = ("SECONDLY", "MINUTELY", "HOURLY")
# More than one value in any of these makes a rule repeat several times a day.
SEVERAL_A_DAY = ("BYHOUR", "BYMINUTE", "BYSECOND")
# Time zones and summer time move an instance by hours: a day on each side keeps
# the count an upper bound of what the expansion then finds.
SLACK = timedelta(days=1)


def check_event(ev: Any, item: str, file: str, today: date, problems: list[Problem]) -> None:
    """Add a problem for each thing wrong with one event's times and rule."""
    checks: list[tuple[str, Callable[[], None]]] = [
        *((name, _time_check(ev, name, today)) for name in ("DTSTART", "DTEND", "RECURRENCE-ID")),
        *((name, _dates_check(ev, name, today)) for name in ("RDATE", "EXDATE")),
        ("RRULE", lambda: _check_rule(ev.get("RRULE"), today)),
    ]
    before = len(problems)
    for name, check in checks:
        _run(check, name, item, file, problems)
    if len(problems) == before:  # times that cannot be read cannot be compared
        name = "DURATION" if ev.get("DTEND") is None and ev.get("DURATION") else "DTEND"
        _run(lambda: _check_end(ev), name, item, file, problems)


def _run(
    check: Callable[[], None], name: str, item: str, file: str, problems: list[Problem]
) -> None:
    try:
        check()
    except FieldError as e:
        problems.append(Problem(file, str(e), item=item, field=name))
    except MemoryError:
        raise
    except Exception as e:  # a value icalendar cannot decode
        problems.append(Problem(file, f"cannot be read: {describe(e)}", item=item, field=name))


def _zone_error(zone: object) -> FieldError:
    return FieldError(
        f"the time zone '{shorten(str(zone))}' is not known; "
        "use a zone name such as Europe/Helsinki"
    )


def _time_check(ev: Any, name: str, today: date) -> Callable[[], None]:
    def check() -> None:
        prop = ev.get(name)
        if prop is None:
            return
        value = ev.decoded(name)
        zone = prop.params.get("TZID")
        # icalendar quietly reads an unknown TZID as floating time: refuse it instead.
        if zone and isinstance(value, datetime) and value.tzinfo is None:
            raise _zone_error(zone)
        check_year(value, today, earliest=EARLIEST_YEAR)

    return check


def _dates_check(ev: Any, name: str, today: date) -> Callable[[], None]:
    def check() -> None:
        for group in groups(ev.get(name)):
            zone = group.params.get("TZID")
            for d in group.dts:
                value = d.dt[0] if isinstance(d.dt, tuple) else d.dt
                if zone and isinstance(value, datetime) and value.tzinfo is None:
                    raise _zone_error(zone)
                check_year(value, today, earliest=EARLIEST_YEAR)

    return check


def _check_rule(rule: Any, today: date) -> None:
    if rule is None:
        return
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq in FINER_THAN_DAILY or any(len(rule.get(k) or []) > 1 for k in SEVERAL_A_DAY):
        text = rule.to_ical().decode("utf-8", "replace")
        raise FieldError(
            f"the rule '{shorten(text)}' repeats more often than once a day; "
            "an activity may repeat at most daily (write one event per time of day)"
        )
    for until in rule.get("UNTIL") or []:
        check_year(until, today, earliest=EARLIEST_YEAR)


def _check_end(ev: Any) -> None:
    start = ev.decoded("DTSTART")
    if ev.get("DTEND") is not None:
        end = ev.decoded("DTEND")
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise FieldError("DTSTART and DTEND must both be dates or both be times")
        # RFC 5545 forbids mixing them; the recurrence library would read the floating
        # time as UTC and show a moved instance at another time than written.
        if isinstance(start, datetime) and (start.tzinfo is None) != (end.tzinfo is None):
            raise FieldError("DTSTART and DTEND must both have a time zone or both have none")
        # Moments, not wall-clock times: 00:50Z-01:10Z on the night summer time ends
        # reads 03:50-03:10 in Helsinki and is twenty minutes long all the same.
        if end <= start:
            raise FieldError(f"the end {_shown(end)} is not after the start {_shown(start)}")
    elif ev.get("DURATION") is not None:
        duration = ev.decoded("DURATION")
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            raise FieldError("the duration is not longer than zero")


def _shown(value: date) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return value.isoformat()


def naive(value: date, tz: ZoneInfo) -> datetime:
    """Local wall-clock time of a DATE or DATE-TIME value (a date: its midnight)."""
    if isinstance(value, datetime):
        local = local_time(value, tz)
        assert local is not None
        return local
    return datetime.combine(value, datetime.min.time())


def groups(value: Any) -> list[Any]:
    """An RDATE or EXDATE property, which may appear once or many times, as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


# --- counting first ---------------------------------------------------------------


def plan_expansion(
    series: Mapping[str, Any],
    moved: Mapping[str, list[Any]],
    tz: ZoneInfo,
    start: datetime,
    end: datetime,
    limits: Limits,
    file: str,
    result: ParseResult,
) -> dict[str, datetime] | None:
    """For each series, the time its expansion stops: the horizon's end, or (earlier)
    the start of its first instance past ``max_occurrences``. None, with a problem
    added, when the series together go past ``max_occurrences_total``."""
    plan: dict[str, datetime] = {}
    total = 0
    cap = limits.max_occurrences
    for uid, ev in series.items():
        starts, n = _count(ev, len(moved.get(uid, ())), start, end, cap, tz)
        total += min(n, cap)
        if total > limits.max_occurrences_total:
            result.problems.append(
                Problem(
                    file,
                    f"the events repeat more than {limits.max_occurrences_total} times within "
                    f"the next {limits.horizon_days} days ([catalog] max_occurrences_total); "
                    "split the calendar or shorten the series",
                )
            )
            return None
        # Past the cap, expansion stops at the first instance beyond it.
        inside = [when for when in starts if when + _length(ev, tz) > start]
        plan[uid] = max(min(inside[cap], end), start) if len(inside) > cap else end
    return plan


def _count(
    ev: Any, moved: int, start: datetime, end: datetime, cap: int, tz: ZoneInfo
) -> tuple[list[datetime], int]:
    """The sorted instance starts near the window (at most cap + 1 from the rule) and
    an upper bound of the series' instances overlapping it."""
    first = naive(ev.decoded("DTSTART"), tz)
    lo, hi = start - _length(ev, tz) - SLACK, end + SLACK
    starts: list[datetime] = []
    if ev.get("RRULE") is None and lo <= first < hi:
        starts.append(first)  # without a rule, the start is an instance beside its RDATEs
    for when in _rule_starts(ev, first, hi):
        if when >= lo:
            starts.append(when)
            if len(starts) > cap:
                break
    for group in groups(ev.get("RDATE")):
        for d in group.dts:
            when = naive(d.dt[0] if isinstance(d.dt, tuple) else d.dt, tz)
            if lo <= when < hi:
                starts.append(when)
    starts = sorted(set(starts))  # an RDATE on the start (or twice) is one instance
    return starts, len(starts) + moved


def _rule_starts(ev: Any, first: datetime, hi: datetime) -> Iterator[datetime]:
    from dateutil.rrule import rrulestr
    from icalendar import vRecur

    rule = ev.get("RRULE")
    if rule is None:
        return
    # UNTIL left out: the count stays an upper bound, and dateutil's rules on UNTIL's
    # time zone (which recurring-ical-events works around) cannot refuse a good file.
    without_until: Any = vRecur({k: v for k, v in rule.items() if k != "UNTIL"})
    text = without_until.to_ical().decode()
    for when in rrulestr(text, dtstart=first):
        if when >= hi:
            return
        yield when


def _length(ev: Any, tz: ZoneInfo) -> timedelta:
    start = ev.decoded("DTSTART")
    if ev.get("DTEND") is not None:
        return max(timedelta(0), naive(ev.decoded("DTEND"), tz) - naive(start, tz))
    if ev.get("DURATION") is not None:
        duration = ev.decoded("DURATION")
        return duration if isinstance(duration, timedelta) else timedelta(0)
    return timedelta(0)


def expand(
    ev: Any, moved: list[Any], timezones: list[Any], start: datetime, stop: datetime
) -> list[Any]:
    """One series' instances from ``start`` to ``stop``, as components."""
    import icalendar
    import recurring_ical_events

    one = icalendar.Calendar()
    for component in [*timezones, ev, *moved]:
        one.add_component(component)
    return list(recurring_ical_events.of(one).between(start, stop))
