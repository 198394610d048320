"""Times written the way Finnish (and Swedish) sheets write them.

Understood, as items separated by ``;``, a new line or ``,``::

    ti 10-12                      every Tuesday 10.00-12.00
    ma, ke 13.00-15.00            Mondays and Wednesdays
    ma-pe 9-11                    Monday to Friday
    joka toinen to klo 18         every other Thursday at 18 (needs an anchor date)
    varannan on 17-19             the same in Swedish
    MO 10:00-12:00                iCalendar-style day names
    må, on 9.30-11                Swedish day abbreviations
    1.12.2026 klo 18-20           a one-off date
    2026-12-01T18:00/20:00        ISO 8601 start/end

Anything else is an error that quotes the text: a time is never guessed. Day
names: ma ti ke to pe la su (and full Finnish names, also "-sin" forms), må ti on
to fr lö sö (and full Swedish names), mo tu we th fr sa su.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk.catalog.model import Occurrence, WeeklyRule


class TimesError(ValueError):
    """The text could not be understood; the message quotes it."""


@dataclass(frozen=True)
class Schedule:
    weekly: tuple[WeeklyRule, ...] = ()
    occurrences: tuple[Occurrence, ...] = ()


_DAY_NAMES: dict[str, int] = {}
for _i, _names in enumerate(
    (
        "ma maanantai maanantaisin må mån måndag måndagar mo mon monday mondays",
        "ti tiistai tiistaisin tis tisdag tisdagar tu tue tuesday tuesdays",
        "ke keskiviikko keskiviikkoisin on ons onsdag onsdagar we wed wednesday wednesdays",
        "to torstai torstaisin tor tors torsdag torsdagar th thu thursday thursdays",
        "pe perjantai perjantaisin fr fre fredag fredagar fri friday fridays",
        "la lauantai lauantaisin lö lör lördag lördagar sa sat saturday saturdays",
        "su sunnuntai sunnuntaisin sö sön söndag söndagar sun sunday sundays",
    )
):
    for _n in _names.split():
        _DAY_NAMES[_n] = _i

_DAY = "(?:" + "|".join(sorted(map(re.escape, _DAY_NAMES), key=len, reverse=True)) + r")\.?"
_DAY_ITEM = rf"{_DAY}(?:\s*-\s*{_DAY})?"
_DAYS = rf"{_DAY_ITEM}(?:\s*(?:,|&|\bja\b|\boch\b|\band\b)\s*{_DAY_ITEM})*"
_HM = r"\d{1,2}(?:[.:]\d{2})?"
_TIMES = rf"(?P<start>{_HM})(?:\s*-\s*(?P<end>{_HM}))?"
_KLO = r"(?:(?:klo|kl|at)\.?\s*)?"
_EVERY = r"(?P<every>joka\s+toinen|varannan|every\s+other|every\s+second|joka|varje|every)"
_END = r"(?=\s*(?:[,;\n]|$))"

_WEEKLY = re.compile(rf"(?:{_EVERY}\s+)?(?P<days>{_DAYS})\s+{_KLO}{_TIMES}{_END}")
_DATE = r"(?P<date>\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})"
_ONE_OFF = re.compile(rf"(?:{_DAY}\s+)?{_DATE}\.?\s+{_KLO}{_TIMES}{_END}")
_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})t(?P<start>\d{2}:\d{2})(?::00)?"
    r"(?:/(?:(?P<enddate>\d{4}-\d{2}-\d{2})t)?(?P<end>\d{2}:\d{2})(?::00)?)?" + _END
)
_SEP = re.compile(r"\s*[,;\n]\s*")


def _normal(text: str) -> str:
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    text = text.replace("\u00a0", " ").replace("\r", "\n").casefold()
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def parse_schedule(text: str, anchor: date | None = None) -> Schedule:
    """Weekly rules and one-off occurrences in ``text``, or TimesError.

    ``anchor`` is the date that fixes which weeks "joka toinen" means (the row's first
    date or valid_from): the rule's anchor is the first matching weekday on or after it.
    """
    norm = _normal(text)
    if not norm:
        return Schedule()
    weekly: list[WeeklyRule] = []
    once: list[Occurrence] = []
    pos = 0
    while pos < len(norm):
        m = _ISO.match(norm, pos) or _ONE_OFF.match(norm, pos)
        if m:
            once.append(_occurrence(m, text))
        else:
            m = _WEEKLY.match(norm, pos)
            if not m:
                raise TimesError(f"'{text.strip()}' is not a time this kiosk understands")
            weekly.extend(_weekly(m, text, anchor))
        pos = m.end()
        sep = _SEP.match(norm, pos)
        if sep and sep.end() > pos:
            pos = sep.end()
        elif pos < len(norm):
            raise TimesError(f"'{text.strip()}' is not a time this kiosk understands")
    return Schedule(tuple(weekly), tuple(once))


def _clock(value: str, text: str) -> time:
    hours, _, minutes = value.replace(":", ".").partition(".")
    h, m = int(hours), int(minutes or 0)
    if h > 23 or m > 59:
        raise TimesError(f"'{text.strip()}': {value} is not a time of day")
    return time(h, m)


def _span(m: re.Match[str], text: str) -> tuple[time, time | None]:
    start = _clock(m["start"], text)
    end = _clock(m["end"], text) if m["end"] else None
    return start, end


def _weekly(m: re.Match[str], text: str, anchor: date | None) -> list[WeeklyRule]:
    start, end = _span(m, text)
    if end is not None and end <= start:
        raise TimesError(f"'{text.strip()}': the end {end:%H.%M} is not after {start:%H.%M}")
    every = " ".join((m["every"] or "").split())
    interval = 2 if every in ("joka toinen", "varannan", "every other", "every second") else 1
    if interval > 1 and anchor is None:
        raise TimesError(
            f"'{text.strip()}': every other week needs a start date (valid_from or dates)"
        )
    rules = []
    for day in _days(m["days"], text):
        rule_anchor = None
        if anchor is not None and interval > 1:
            rule_anchor = anchor + timedelta(days=(day - anchor.weekday()) % 7)
        rules.append(WeeklyRule(day, start, end, interval, rule_anchor))
    return rules


def _days(spec: str, text: str) -> list[int]:
    days: list[int] = []
    for item in re.split(r"\s*(?:,|&|\bja\b|\boch\b|\band\b)\s*", spec):
        first, _, last = (p.strip().rstrip(".") for p in item.partition("-"))
        a = _DAY_NAMES[first]
        b = _DAY_NAMES[last] if last else a
        if b < a:
            raise TimesError(f"'{text.strip()}': the day range {item} runs backwards")
        days.extend(d for d in range(a, b + 1) if d not in days)
    return days


def _date(value: str, text: str) -> date:
    try:
        if "." in value:
            d, mo, y = (int(p) for p in value.split("."))
            return date(y, mo, d)
        return date.fromisoformat(value)
    except ValueError:
        if value == text.strip():
            raise TimesError(f"'{value}' is not a date") from None
        raise TimesError(f"'{text.strip()}': {value} is not a date") from None


def _occurrence(m: re.Match[str], text: str) -> Occurrence:
    day = _date(m["date"], text)
    start, end_time = _span(m, text)
    begins = datetime.combine(day, start)
    if end_time is None:
        return Occurrence(begins)
    end_day = _date(m["enddate"], text) if m.groupdict().get("enddate") else day
    ends = datetime.combine(end_day, end_time)
    if ends <= begins:
        raise TimesError(f"'{text.strip()}': the end is not after the start")
    return Occurrence(begins, ends)


def parse_date(value: str) -> date:
    """A date written d.m.yyyy or yyyy-mm-dd, or TimesError naming the value."""
    v = value.strip()
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2}", v):
        return _date(v, v)
    raise TimesError(f"'{v}' is not a date (write 31.12.2026 or 2026-12-31)")


def format_rule(rule: WeeklyRule) -> str:
    """A rule the way the template writes it ("ti 10-12"), for previews and tests."""
    names = ("ma", "ti", "ke", "to", "pe", "la", "su")
    span = f"{rule.start:%H.%M}" + (f"-{rule.end:%H.%M}" if rule.end else "")
    every = "joka toinen " if rule.interval == 2 else ""
    return f"{every}{names[rule.weekday]} {span}"
