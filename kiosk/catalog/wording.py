"""When things happen, in the words people use, per language (pure, Babel).

One place formats times and weekdays for the screens and the slips, so both say
"11.00" in every language: the locales are Finland's own (``fi_FI``, ``sv_FI``,
``en_FI``), whose CLDR time format is ``9.00`` in all three.

Weekly patterns are condensed the way a notice board writes them: Monday to
Friday at the same time is "ma–pe 9.00–15.00", not five lines.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta

from kiosk.catalog.model import Occurrence, WeeklyRule

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_FI"}
DASH = "–"
# "Starts in 20 minutes" is shown from this long before the start.
SOON = timedelta(minutes=60)


# Parsing a locale and formatting with CLDR patterns is most of the CPU time of a
# list of times; the answers never change, and a kiosk shows a few hundred of them.
@functools.lru_cache(maxsize=8)
def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, LOCALES["fi"]))


def clock(value: time | datetime, lang: str) -> str:
    """'9.00', '13.30' (CLDR short time of the language in Finland)."""
    return _clock(value.time() if isinstance(value, datetime) else value, lang)


@functools.lru_cache(maxsize=2048)
def _clock(moment: time, lang: str) -> str:
    return str(format_time(moment, "short", locale=locale(lang)))


def clock_range(start: time | datetime, end: time | datetime | None, lang: str) -> str:
    text = clock(start, lang)
    return f"{text}{DASH}{clock(end, lang)}" if end is not None else text


def weekday_short(weekday: int, lang: str) -> str:
    """'ma', 'mån', 'Mon' (stand-alone, as on a notice board)."""
    return str(locale(lang).days["stand-alone"]["abbreviated"][weekday])


def weekday_wide(weekday: int, lang: str) -> str:
    """'maanantai', 'måndag', 'Monday' (English keeps its capital)."""
    return str(locale(lang).days["stand-alone"]["wide"][weekday])


def day(value: date | datetime, lang: str) -> str:
    """'pe 28.11.', 'fre 28.11.', 'Fri 28.11.'."""
    return _day(value.date() if isinstance(value, datetime) else value, lang)


@functools.lru_cache(maxsize=2048)
def _day(value: date, lang: str) -> str:
    return str(format_date(value, "EEE d.M.", locale=locale(lang)))


def span(occurrence: Occurrence, lang: str) -> str:
    """'pe 28.11. 12.00–13.30'."""
    return f"{day(occurrence.start, lang)} {clock_range(occurrence.start, occurrence.end, lang)}"


def day_ranges(weekdays: Iterable[int], lang: str) -> str:
    """Weekdays as a notice board writes them: 'ma–pe', 'la, su', 'ma, ke, pe'.

    Three or more days in a row are a range; the week does not wrap (su–ma would
    read as a typo), so Sunday to Monday stays 'ma, su'.
    """
    days = sorted(set(weekdays))
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{weekday_short(run[0], lang)}{DASH}{weekday_short(run[-1], lang)}")
        else:
            parts.extend(weekday_short(d, lang) for d in run)
    return ", ".join(parts)


@dataclass(frozen=True)
class Weekly:
    """One weekday at one time, every ``interval`` weeks (a rule, or staff hours)."""

    weekday: int
    start: time
    end: time | None = None
    interval: int = 1


def condensed(entries: Iterable[Weekly], lang: str) -> list[tuple[int, str]]:
    """Patterns grouped by time: [(interval, 'ma–pe 9.00–15.00'), (1, 'la 11.00–14.00')].

    Groups come in the order of their first weekday, so the week reads from Monday.
    """
    groups: dict[tuple[time, time | None, int], set[int]] = {}
    for e in entries:
        groups.setdefault((e.start, e.end, e.interval), set()).add(e.weekday)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][2], min(kv[1]), kv[0][0]))
    return [
        (interval, f"{day_ranges(days, lang)} {clock_range(start, end, lang)}")
        for (start, end, interval), days in ordered
    ]


def rules_as_weekly(rules: Iterable[WeeklyRule]) -> list[Weekly]:
    return [Weekly(r.weekday, r.start, r.end, max(1, r.interval)) for r in rules]


def status(occurrence: Occurrence | None, now: datetime) -> tuple[str, int] | None:
    """('on', 0) while it runs, ('soon', minutes) within SOON of its start, else None.

    An occurrence without an end time is 'on' only at its start minute: the
    catalogue does not know how long it lasts.
    """
    if occurrence is None:
        return None
    start = occurrence.start
    end = occurrence.end or start + timedelta(minutes=1)
    if start <= now < end:
        return ("on", 0)
    if now < start <= now + SOON:
        minutes = max(1, -(-int((start - now).total_seconds()) // 60))
        return ("soon", minutes)
    return None


def in_minutes(minutes: int, lang: str) -> str:
    """'20 minuutin päästä', 'om 20 minuter', 'in 20 minutes'; 'in 1 minute'.

    threshold=2 keeps 60 minutes from reading "in 1 hour"; the minute granularity
    keeps 1 minute from reading "in 60 seconds".
    """
    return str(
        format_timedelta(
            timedelta(minutes=minutes),
            add_direction=True,
            threshold=2,
            granularity="minute",
            locale=locale(lang),
        )
    )
