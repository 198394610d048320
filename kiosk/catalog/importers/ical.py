"""iCalendar (RFC 5545) -> activities, one per event UID.

Recurrences are expanded by recurring-ical-events, which honours TZID, EXDATE,
RDATE and moved or cancelled instances (RECURRENCE-ID), from ``today`` to ``today +
horizon_days``. A plain weekly series (FREQ=WEEKLY, BYDAY without ordinals, no
moved instances, wall-clock time in the kiosk's zone or floating) is kept as weekly
rules instead, so it stays on screen beyond the horizon; its EXDATEs become
exceptions and UNTIL becomes valid_until.

Expansion is bounded before any of it happens. A rule that repeats more often
than once a day is refused, naming the event and the rule. Then every series is
*counted* within the horizon (dateutil, stopping past the cap): one activity lists
at most ``max_occurrences`` times (the first ones; the rest are reported as left
out), and a file whose series add up to more than ``max_occurrences_total`` is
refused. Only then is each series expanded, one at a time, so that memory holds
one series' instances, never the whole calendar's.

Every event is checked before it is used: its time zones must be known (to
zoneinfo, or defined by a VTIMEZONE in the file), its end must come after its
start, and its dates must lie within the years of
:func:`kiosk.catalog.importers.common.year_window`.

Times are converted to the kiosk's local wall-clock time. LOCATION "Name, street,
town" is split at the first comma into place and address. CATEGORIES go through
the category map; unknown keywords are ignored (calendars carry many). Cancelled
and all-day events, and series with no instance in the horizon, are skipped and
listed as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.catalog.importers.common import (
    FieldError,
    Limits,
    ParseResult,
    Problem,
    clean_text,
    clean_url,
    describe,
    map_category,
    shorten,
    stable_id,
)
from kiosk.catalog.importers.ical_bounds import check_event, expand, plan_expansion
from kiosk.catalog.importers.ical_weekly import as_weekly, local_time
from kiosk.catalog.model import Activity, Occurrence, WeeklyRule

# Properties RFC 5545 allows once per event; a file with two is refused, not guessed.
_SINGLE = (
    "UID",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "DTSTART",
    "DTEND",
    "DURATION",
    "RRULE",
    "ORGANIZER",
    "STATUS",
    "RECURRENCE-ID",
)


def parse_ical(data: bytes, *, file: str, source: str, limits: Limits, today: date) -> ParseResult:
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes / 1024 / 1024
        return ParseResult(problems=[Problem(file, f"the file is larger than {mb:g} MB")])
    import icalendar

    try:
        cal = icalendar.Calendar.from_ical(data)
    except MemoryError:
        raise
    except Exception as e:  # icalendar raises ValueError, but also others on odd input
        return ParseResult(problems=[Problem(file, f"not an iCalendar file: {describe(e)}")])
    if not isinstance(cal, icalendar.Calendar) or cal.name != "VCALENDAR":
        return ParseResult(problems=[Problem(file, "not an iCalendar file (no VCALENDAR)")])
    tz = ZoneInfo(limits.timezone)
    result = ParseResult()
    masters: dict[str, Any] = {}
    moved: dict[str, list[Any]] = defaultdict(list)
    for ev in cal.walk("VEVENT"):
        uid = str(ev.get("UID", "")).strip()
        if not uid:
            result.problems.append(Problem(file, "an event without UID", field="UID"))
            continue
        item = f"event '{shorten(uid, 40)}'"
        twice = [n for n in _SINGLE if isinstance(ev.get(n), list)]
        if twice:
            result.problems.append(
                Problem(file, "appears more than once", item=item, field=twice[0])
            )
        elif ev.get("DTSTART") is None:
            result.problems.append(Problem(file, "no start", item=item, field="DTSTART"))
        elif ev.get("RECURRENCE-ID") is not None:
            moved[uid].append(ev)
        elif uid in masters:
            result.problems.append(Problem(file, "two events with the same UID", item=item))
        else:
            masters[uid] = ev
    if result.problems:
        return result
    if len(masters) > limits.max_rows:
        result.problems.append(Problem(file, f"more than {limits.max_rows} events"))
        return result
    for uid, ev in masters.items():
        check_event(ev, f"event '{shorten(uid, 40)}'", file, today, result.problems)
    for uid, instances in moved.items():
        for ev in instances:
            check_event(ev, f"event '{shorten(uid, 40)}'", file, today, result.problems)
    if result.problems:
        return result
    start = datetime.combine(today, datetime.min.time())
    end = start + timedelta(days=limits.horizon_days)
    weekly: dict[str, tuple[tuple[WeeklyRule, ...], date, date | None, tuple[date, ...]]] = {}
    occurrences: dict[str, list[Occurrence]] = {}
    all_day: set[str] = set()
    try:
        for uid, ev in masters.items():
            if uid not in moved and (w := as_weekly(ev, tz)) is not None:
                weekly[uid] = w
        # One-off events are taken as they are: expanding them through the library
        # copies every component and doubles the time a large calendar takes.
        repeating = [u for u in masters if u not in weekly and not _one_off(masters[u], moved)]
        plan = plan_expansion(
            {u: masters[u] for u in repeating}, moved, tz, start, end, limits, file, result
        )
        if plan is None:
            return result
        timezones = [c for c in cal.subcomponents if c.name == "VTIMEZONE"]
        for uid, ev in masters.items():
            if uid in weekly:
                continue
            if uid in plan:
                found = expand(ev, moved.get(uid, []), timezones, start, plan[uid])
            elif _in_window(ev, tz, start, end):
                found = [ev]
            else:
                found = []
            times, whole_days = _times(found, tz)
            occurrences[uid] = times
            if whole_days:
                all_day.add(uid)
    except MemoryError:
        raise
    except Exception as e:  # a broken RRULE or TZID inside a well-formed file
        result.problems.append(Problem(file, f"the recurrences cannot be read: {describe(e)}"))
        return result
    for uid, ev in masters.items():
        item = f"event '{shorten(uid, 40)}'"
        if str(ev.get("STATUS", "")).upper() == "CANCELLED":
            result.skipped.append(Problem(file, "cancelled", item=item))
            continue
        times = sorted(occurrences.get(uid, []), key=lambda o: o.start)
        if len(times) > limits.max_occurrences or plan.get(uid, end) < end:
            times = times[: limits.max_occurrences]
            result.skipped.append(
                Problem(
                    file,
                    f"only its first {limits.max_occurrences} times within the next "
                    f"{limits.horizon_days} days are listed ([catalog] max_occurrences)",
                    item=item,
                )
            )
        rules: tuple[WeeklyRule, ...] = ()
        valid_from = valid_until = None
        exceptions: tuple[date, ...] = ()
        if uid in weekly:
            rules, valid_from, valid_until, exceptions = weekly[uid]
            if valid_until is not None and valid_until < today:
                result.skipped.append(Problem(file, "ended before today", item=item))
                continue
        elif not times:
            why = (
                "an all-day event (no start time)"
                if uid in all_day
                else "no date within the horizon"
            )
            result.skipped.append(Problem(file, why, item=item))
            continue
        activity = _activity(ev, uid, item, file, source, limits, result.problems)
        if activity is not None:
            result.activities.append(
                _with_times(activity, times, rules, valid_from, valid_until, exceptions)
            )
    return result


def _times(instances: list[Any], tz: ZoneInfo) -> tuple[list[Occurrence], bool]:
    """The instances as occurrences (cancelled ones left out); True when some were
    all-day instances, which have no time to show."""
    found: list[Occurrence] = []
    whole_days = False
    for inst in instances:
        if str(inst.get("STATUS", "")).upper() == "CANCELLED":
            continue
        o = _occurrence(inst, tz)
        if o is None:
            whole_days = True
        else:
            found.append(o)
    return found, whole_days


def _with_times(
    a: Activity,
    occurrences: list[Occurrence],
    rules: tuple[WeeklyRule, ...],
    valid_from: date | None,
    valid_until: date | None,
    exceptions: tuple[date, ...],
) -> Activity:
    return replace(
        a,
        occurrences=tuple(sorted(occurrences, key=lambda o: o.start)),
        weekly=rules,
        valid_from=valid_from,
        valid_until=valid_until,
        exceptions=exceptions,
    )


def _one_off(ev: Any, moved: Mapping[str, object]) -> bool:
    uid = str(ev.get("UID", "")).strip()
    return ev.get("RRULE") is None and ev.get("RDATE") is None and uid not in moved


def _in_window(ev: Any, tz: ZoneInfo, start: datetime, end: datetime) -> bool:
    o = _occurrence(ev, tz)
    if o is None:
        return True  # all day: reported as such
    return (o.end or o.start) >= start and o.start < end


def _occurrence(inst: Any, tz: ZoneInfo) -> Occurrence | None:
    start = local_time(inst.decoded("DTSTART"), tz)
    if start is None:
        return None
    end = local_time(inst.decoded("DTEND"), tz) if inst.get("DTEND") is not None else None
    if end is None and inst.get("DURATION") is not None:
        end = start + inst.decoded("DURATION")
    return Occurrence(start, end if end is not None and end > start else None)


def _text(ev: Any, name: str, limits: Limits) -> str:
    value = ev.get(name)
    return clean_text(str(value), limits) if value is not None else ""


def _activity(
    ev: Any, uid: str, item: str, file: str, source: str, limits: Limits, problems: list[Problem]
) -> Activity | None:
    before = len(problems)
    fields: dict[str, str] = {}
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "URL"):
        try:
            fields[name] = _text(ev, name, limits)
        except FieldError as e:
            problems.append(Problem(file, str(e), item=item, field=name))
    try:
        url = clean_url(fields.get("URL", ""))
    except FieldError as e:
        problems.append(Problem(file, str(e), item=item, field="URL"))
    if not fields.get("SUMMARY") and len(problems) == before:
        problems.append(Problem(file, "no title", item=item, field="SUMMARY"))
    if len(problems) > before:
        return None
    lang = str(ev["SUMMARY"].params.get("LANGUAGE", "fi"))[:2].lower()
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    place, _, address = fields["LOCATION"].partition(",")
    organiser = ev.get("ORGANIZER")
    try:
        organiser_name = (
            clean_text(str(organiser.params.get("CN", "")), limits) if organiser is not None else ""
        )
    except FieldError as e:
        problems.append(Problem(file, str(e), item=item, field="ORGANIZER"))
        return None
    cats: list[str] = []
    raw_cats = ev.get("CATEGORIES")
    for group in raw_cats if isinstance(raw_cats, list) else [raw_cats] if raw_cats else []:
        for word in getattr(group, "cats", []):
            cat = map_category(str(word), limits.category_map)
            if cat and cat not in cats:
                cats.append(cat)
    return Activity(
        id=stable_id(source, uid),
        title={lang: fields["SUMMARY"]},
        description={lang: fields["DESCRIPTION"]} if fields.get("DESCRIPTION") else {},
        categories=tuple(cats),
        place=place.strip(),
        address=address.strip(),
        organiser=organiser_name,
        url=url,
        source=source,
    )
