"""What every importer shares: problems, limits, and the cleaning of hostile text.

Parsers are pure: bytes in, :class:`ParseResult` out, no IO. A problem never stops
the parse early (except where the rest could not be read at all), so the person
fixing the file sees every mistake in one go. ``skipped`` lists what was left out on
purpose (a cancelled event, an all-day entry); it does not block an import.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from kiosk.catalog.model import CATEGORIES, Activity, Occurrence

if TYPE_CHECKING:
    from kiosk.settings import Settings

SUPPORTED_EXTENSIONS = (".csv", ".xlsx", ".ics", ".ical", ".json")


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None  # spreadsheet row as the spreadsheet shows it (header = 1)
    line: int | None = None  # text line, for encoding and syntax errors
    field: str = ""  # column or field name
    item: str = ""  # e.g. "event 'helsinki:abc'" where there are no rows

    def __str__(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.item:
            where.append(self.item)
        if self.field:
            where.append(f"column '{self.field}'" if self.row is not None else f"'{self.field}'")
        return ", ".join(where) + ": " + self.message if where else self.message


@dataclass
class ParseResult:
    activities: list[Activity] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    # Imported, but a visitor will miss something (places not found): does not block.
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Limits:
    """The settings a parser needs, as plain data (see CatalogSection)."""

    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 10_000
    max_text_chars: int = 4000
    horizon_days: int = 180
    max_pages: int = 20
    timezone: str = "Europe/Helsinki"
    category_map: Mapping[str, str] = field(default_factory=dict)
    # Dated times within the horizon: per activity (more are left out, and said so)
    # and in the whole file (more refuse the file).
    max_occurrences: int = 500
    max_occurrences_total: int = 50_000
    # Places a feed names only by reference: how many are looked up, for how long.
    max_place_lookups: int = 200
    place_lookup_seconds: int = 60

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        cat = settings.catalog
        return cls(
            max_bytes=cat.max_file_mb * 1024 * 1024,
            max_rows=cat.max_rows,
            max_text_chars=cat.max_text_chars,
            horizon_days=cat.horizon_days,
            max_pages=cat.max_pages,
            timezone=settings.kiosk.timezone,
            category_map=dict(cat.category_map),
            max_occurrences=cat.max_occurrences,
            max_occurrences_total=cat.max_occurrences_total,
            max_place_lookups=cat.max_place_lookups,
            place_lookup_seconds=cat.place_lookup_seconds,
        )


class FieldError(ValueError):
    """One cell or field that cannot be used; the message names the value."""


def describe(exc: BaseException) -> str:
    """An exception as words for a message: never empty (MemoryError() has no text)."""
    text = " ".join(str(exc).split())
    return shorten(text) if text else type(exc).__name__


# --- dates within reason ------------------------------------------------------------

# No date may lie after the fifth year ahead (a year 9999 is a typo or an attack).
# Typed dates (spreadsheets) may not lie before last year either, except the start of
# weekly times, which may go SERIES_YEARS_BACK years back. Calendars and feeds carry
# their history: their older events are skipped as past, but nothing before
# EARLIEST_YEAR is taken (a rule walked from year 1 costs time for nothing).
YEARS_BACK = 1
YEARS_AHEAD = 5
SERIES_YEARS_BACK = 10
EARLIEST_YEAR = 1970


def check_year(value: date, today: date, *, earliest: int | None = None) -> None:
    """FieldError when ``value`` lies before ``earliest`` (default: last year) or after
    the fifth year ahead."""
    first = today.year - YEARS_BACK if earliest is None else earliest
    last = today.year + YEARS_AHEAD
    if not first <= value.year <= last:
        shown = value.date() if isinstance(value, datetime) else value
        raise FieldError(
            f"the date {shown.isoformat()} is not between {first} and {last}; check the year"
        )


# --- hostile text -----------------------------------------------------------------

_SKIP_TAGS = {"script", "style", "head", "title"}
_BREAK_TAGS = {"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BREAK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BREAK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Plain text of ``text``: tags dropped (script/style with their content), entities
    decoded, runs of blank space collapsed. Plain text passes through unchanged."""
    if "<" not in text and "&" not in text:
        return _squeeze(text)
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    return _squeeze("".join(parser.parts))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _squeeze(text: str) -> str:
    text = _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    # One line per paragraph: slips and tiles are narrow, blank lines waste them.
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


# A leading = always; +, - or @ only when a function call, a cell reference or a DDE
# pipe follows, so that "+358 40 123 4567" and "- kahvi" stay as they are.
_FORMULA = re.compile(
    r"^(=|[+\-@]\s*([A-Za-z_][A-Za-z0-9_.]*\(|\$?[A-Za-z]{1,3}\$?\d+\b|[=+\-@]|.*\|))"
)


def is_formula(text: str) -> bool:
    return bool(_FORMULA.match(text.strip()))


def clean_text(raw: str, limits: Limits, *, html: bool = True) -> str:
    """A text field ready for the screen, or FieldError (formula, too long)."""
    if not raw or raw.isspace():
        return ""
    if is_formula(raw):
        raise FieldError(f"'{shorten(raw)}' looks like a spreadsheet formula; formulas are refused")
    text = strip_html(raw) if html else _squeeze(raw)
    if len(text) > limits.max_text_chars:
        raise FieldError(f"text is {len(text)} characters, more than {limits.max_text_chars}")
    return text


def clean_url(raw: str) -> str:
    """An http(s) address, or FieldError; empty stays empty."""
    url = raw.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        raise FieldError(f"'{shorten(url)}' is not an http(s) address")
    if len(url) > 2000:
        raise FieldError("address is longer than 2000 characters")
    return url


def shorten(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


_ID_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$")


def clean_id(raw: str) -> str:
    value = raw.strip()
    if not _ID_OK.match(value):
        raise FieldError(
            f"'{shorten(value)}' is not a usable id (letters, digits, . _ : - ; at most 80)"
        )
    return value


def stable_id(source: str, *parts: str) -> str:
    """The same activity of the same source gets the same id on every import."""
    key = "\x1f".join([source, *(" ".join(p.casefold().split()) for p in parts)])
    return "a-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def map_category(word: str, category_map: Mapping[str, str]) -> str | None:
    """A kiosk category id for a category id, a mapped keyword, or None."""
    key = " ".join(word.casefold().split())
    if key in CATEGORIES:
        return key
    mapped = category_map.get(key)
    return mapped if mapped in CATEGORIES else None


def last_date(activity: Activity) -> str:
    """ISO date of the last occurrence, '' when it repeats without an end."""
    if activity.weekly:
        return activity.valid_until.isoformat() if activity.valid_until else ""
    if activity.occurrences:
        return max(_occurrence_last_day(o) for o in activity.occurrences).isoformat()
    return activity.valid_until.isoformat() if activity.valid_until else ""


def _occurrence_last_day(o: Occurrence) -> date:
    end: datetime = o.end if o.end is not None and o.end > o.start else o.start
    return end.date()
