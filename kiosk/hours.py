"""Staff presence hours: the ``[staff] present_hours`` text, parsed and asked.

The text is written by a coordinator in ``kiosk.toml``, so the format is forgiving
but never guesses::

    ma-pe 10-16; la 10-14
    ma, ke 9.30-11.30, 12-15; to 17:00-20:00; pe 20-02

* Entries are separated by ``;``. Each entry is days, then one or more time ranges
  separated by ``,`` or spaces.
* Days are Finnish (ma ti ke to pe la su), Swedish (må ti on to fr lö sö) or
  English (mo tu we th fr sa su, or mon ... sun) abbreviations; ``ma-pe`` is a
  range and may wrap over the week end (``la-ma``). Several days or ranges are
  separated by ``,``.
* Times are ``10``, ``10.30`` or ``10:30``; ``24`` means midnight at the end of the
  day. A range whose end is not after its start (``20-02``) runs past midnight
  into the next day.

Times are wall-clock times: callers pass ``now`` in the kiosk's own time zone
(``kiosk.timezone``). A bad text raises :class:`ValueError` naming the text and
the part that could not be read; an empty text means "no hours" (never open).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAY_MINUTES = 24 * 60

# Weekday numbers as datetime.weekday(): Monday is 0. The Finnish and Swedish
# abbreviations that look alike (ti, to) mean the same day, so one table works.
DAY_NAMES: dict[str, int] = {
    # suomi
    "ma": 0, "ti": 1, "ke": 2, "to": 3, "pe": 4, "la": 5, "su": 6,
    # svenska
    "må": 0, "on": 2, "fr": 4, "lö": 5, "sö": 6,
    # English
    "mo": 0, "tu": 1, "we": 2, "th": 3, "sa": 5,
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
}  # fmt: skip

_DASH = r"\s*[-–—]\s*"  # coordinators paste en and em dashes from documents
_TIME = r"(\d{1,2})(?:[.:](\d{2}))?"
_RANGE_RE = re.compile(rf"^{_TIME}{_DASH}{_TIME}$")
_DAY_RANGE_RE = re.compile(rf"^([^\W\d_]+)(?:{_DASH}([^\W\d_]+))?$")


@dataclass(frozen=True, order=True)
class Span:
    """Staff present on ``weekday`` from ``start`` to ``end`` (minutes after midnight).

    ``end`` may exceed 24 h: the span then runs into the next day.
    """

    weekday: int
    start: int
    end: int


def parse_hours(text: str) -> tuple[Span, ...]:
    """All spans of a present-hours text, sorted; raise ValueError if unreadable."""
    spans: set[Span] = set()
    for entry in text.split(";"):
        entry = re.sub(_DASH, "-", entry).strip()
        if not entry:
            continue
        days_part, ranges_part = _split_entry(text, entry)
        days = _parse_days(text, days_part)
        ranges = [_parse_range(text, r) for r in re.split(r"[,\s]+(?=\d)", ranges_part)]
        spans.update(Span(d, s, e) for d in days for s, e in ranges)
    return tuple(sorted(spans))


def _fail(text: str, why: str) -> ValueError:
    return ValueError(f"present hours {text!r}: {why} (example: 'ma-pe 10-16; la 10-14')")


def _split_entry(text: str, entry: str) -> tuple[str, str]:
    match = re.search(r"\d", entry)
    if match is None:
        raise _fail(text, f"no times in {entry!r}")
    days_part, ranges_part = entry[: match.start()].strip(), entry[match.start() :].strip()
    if not days_part:
        raise _fail(text, f"no days before the times in {entry!r}")
    return days_part, ranges_part


def _day(text: str, name: str) -> int:
    day = DAY_NAMES.get(name.lower())
    if day is None:
        raise _fail(text, f"unknown day {name!r}; use ma ti ke to pe la su")
    return day


def _parse_days(text: str, part: str) -> list[int]:
    days: list[int] = []
    for item in re.split(r"[,\s]+", part):
        match = _DAY_RANGE_RE.match(item)
        if match is None:
            raise _fail(text, f"cannot read the days {item!r}")
        first = _day(text, match.group(1))
        last = first if match.group(2) is None else _day(text, match.group(2))
        days.extend((first + i) % 7 for i in range((last - first) % 7 + 1))
    return days


def _minutes(text: str, hours: str, minutes: str | None, raw: str) -> int:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        raise _fail(text, f"no such time in {raw!r}")
    return h * 60 + m


def _parse_range(text: str, raw: str) -> tuple[int, int]:
    match = _RANGE_RE.match(raw.strip())
    if match is None:
        raise _fail(text, f"cannot read the time range {raw.strip()!r}; write e.g. 10-16")
    start = _minutes(text, match.group(1), match.group(2), raw)
    end = _minutes(text, match.group(3), match.group(4), raw)
    if start == DAY_MINUTES:
        raise _fail(text, f"a range cannot start at 24 in {raw.strip()!r}")
    if end <= start:
        end += DAY_MINUTES  # past midnight, into the next day
    return start, end


def _open_at(spans: tuple[Span, ...], moment: datetime) -> bool:
    minute = moment.hour * 60 + moment.minute
    today, yesterday = moment.weekday(), (moment.weekday() - 1) % 7
    for span in spans:
        if span.weekday == today and span.start <= minute < span.end:
            return True
        if span.weekday == yesterday and minute < span.end - DAY_MINUTES:
            return True
    return False


def staff_open(hours_text: str, now: datetime) -> bool:
    """Whether staff are present at ``now`` (wall-clock time of the kiosk)."""
    return _open_at(parse_hours(hours_text), now)


def within_hours(hours_text: str, now: datetime) -> bool:
    """Whether ``now`` falls in the hours of ``hours_text``; an empty text is always."""
    return not hours_text.strip() or _open_at(parse_hours(hours_text), now)


def next_opening(hours_text: str, now: datetime) -> datetime | None:
    """When staff are next present: ``now`` if they are, None if never.

    The result carries ``now``'s tzinfo and is a whole minute.
    """
    spans = parse_hours(hours_text)
    if not spans:
        return None
    if _open_at(spans, now):
        return now
    best: datetime | None = None
    for days_ahead in range(8):
        date = now.date() + timedelta(days=days_ahead)
        for span in spans:
            if span.weekday != date.weekday():
                continue
            start = datetime.combine(
                date, time(span.start // 60, span.start % 60), tzinfo=now.tzinfo
            )
            if start > now and (best is None or start < best):
                best = start
        if best is not None:
            return best
    return best  # pragma: no cover - every weekday with a span is reached in 8 days
