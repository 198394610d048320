"""One spreadsheet row (CSV or XLSX, as text cells) -> one Activity.

The columns are those of docs/catalogue-template.csv and are documented in
docs/catalogue-import.md. Header names are matched without regard to case or
surrounding spaces; an unknown column is an error (a typo would otherwise drop a
whole column silently). Rows are numbered as the spreadsheet shows them: the header
is row 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from kiosk.catalog.importers.common import (
    SERIES_YEARS_BACK,
    FieldError,
    Limits,
    ParseResult,
    Problem,
    check_year,
    clean_id,
    clean_text,
    clean_url,
    map_category,
    shorten,
    stable_id,
)
from kiosk.catalog.importers.times import Schedule, TimesError, parse_date, parse_schedule
from kiosk.catalog.model import LANGUAGES, Activity

MULTILINGUAL = ("title", "description", "accessibility", "price")
PLAIN = ("id", "categories", "place", "address", "organiser", "contact", "free", "languages")
PLAIN2 = ("url", "times", "dates", "valid_from", "valid_until", "exceptions", "status")
COLUMNS = (
    *(f"{name}_{lang}" for name in MULTILINGUAL[:2] for lang in LANGUAGES),
    *PLAIN[:2],
    *PLAIN[2:4],
    *(f"accessibility_{lang}" for lang in LANGUAGES),
    *PLAIN[4:7],
    *(f"price_{lang}" for lang in LANGUAGES),
    *PLAIN[7:],
    *PLAIN2,
)
YES = {"kyllä", "k", "yes", "y", "ja", "true", "1", "x"}
NO = {"ei", "e", "no", "n", "nej", "false", "0"}
# The status column: an announced change, in the words a coordinator would write.
STATUS_WORDS = {
    "rescheduled": "rescheduled",
    "new time": "rescheduled",
    "uusi aika": "rescheduled",
    "ny tid": "rescheduled",
    "postponed": "postponed",
    "siirretty": "postponed",
    "lykätty": "postponed",
    "uppskjutet": "postponed",
    "moved-online": "moved-online",
    "moved online": "moved-online",
    "verkossa": "moved-online",
    "siirtynyt verkkoon": "moved-online",
    "på nätet": "moved-online",
}
KNOWN_LANGUAGES = {"fi", "sv", "en", "se", "ru", "et", "so", "ar", "uk", "fa", "ku", "sme"}


def parse_rows(
    rows: Iterable[Sequence[str]], *, file: str, source: str, limits: Limits, today: date
) -> ParseResult:
    """Rows of text cells, the first with anything in it being the header, into
    activities and problems. Empty rows above the header are skipped (a sheet often
    starts lower down); rows keep their numbers in the file."""
    result = ParseResult()
    it = iter(rows)
    header_at = 1
    header_row = next(it, None)
    while header_row is not None and not any(c.strip() for c in header_row):
        header_row = next(it, None)
        header_at += 1
    if header_row is None:
        result.problems.append(Problem(file, "the file is empty"))
        return result
    header = [h.strip().lstrip("\ufeff").casefold() for h in header_row]
    for i, name in enumerate(header):
        if name and name not in COLUMNS:
            result.problems.append(
                Problem(file, f"unknown column '{shorten(header_row[i])}'", row=header_at)
            )
        elif name and header.index(name) != i:
            result.problems.append(Problem(file, f"column '{name}' appears twice", row=header_at))
    if not any(h.startswith("title_") for h in header):
        result.problems.append(Problem(file, "no title column (title_fi, title_sv, title_en)"))
    if result.problems:
        return result
    seen: dict[str, int] = {}
    count = 0
    for number, cells in enumerate(it, start=header_at + 1):
        values = {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(header) if h}
        extra = [c for c in cells[len(header) :] if c.strip()]
        if not any(v.strip() for v in values.values()) and not extra:
            continue  # blank rows between blocks are common and harmless
        count += 1
        if count > limits.max_rows:
            result.problems.append(
                Problem(file, f"more than {limits.max_rows} rows; split the file", row=number)
            )
            break
        if extra:
            result.problems.append(Problem(file, "cells beyond the last column", row=number))
            continue
        activity = _row(values, number, file, source, limits, today, result.problems)
        if activity is None:
            continue
        if activity.id in seen:
            result.problems.append(
                Problem(
                    file,
                    f"the same activity as row {seen[activity.id]} (id {activity.id})",
                    row=number,
                    field="id",
                )
            )
            continue
        seen[activity.id] = number
        result.activities.append(activity)
    return result


def _row(
    values: dict[str, str],
    number: int,
    file: str,
    source: str,
    limits: Limits,
    today: date,
    problems: list[Problem],
) -> Activity | None:
    before = len(problems)

    def cell(name: str) -> str:
        raw = values.get(name, "")
        try:
            return clean_text(raw, limits)
        except FieldError as e:
            problems.append(Problem(file, str(e), row=number, field=name))
            return ""

    def texts(name: str) -> dict[str, str]:
        return {lang: v for lang in LANGUAGES if (v := cell(f"{name}_{lang}"))}

    title = texts("title")
    if not title and len(problems) == before:
        problems.append(Problem(file, "no title in any language", row=number, field="title_fi"))
    description, accessibility, price = texts("description"), texts("accessibility"), texts("price")
    place, address = cell("place"), cell("address")
    organiser, contact = cell("organiser"), cell("contact")
    categories = _categories(cell("categories"), number, file, limits, problems)
    free = _free(cell("free"), bool(price), number, file, problems)
    languages = _languages(cell("languages"), number, file, problems)
    status = " ".join(cell("status").casefold().split())
    if status and status not in STATUS_WORDS:
        problems.append(
            Problem(
                file,
                f"'{shorten(status)}' is not a status (uusi aika, siirretty, verkossa; "
                "empty when as planned)",
                row=number,
                field="status",
            )
        )
    url = ""
    try:
        url = clean_url(cell("url"))
    except FieldError as e:
        problems.append(Problem(file, str(e), row=number, field="url"))
    # valid_from may lie years back (a club since 2019); every other date is checked
    # against the window of common.check_year.
    series_from = today.year - SERIES_YEARS_BACK
    valid_from = _date_cell(
        cell("valid_from"), "valid_from", number, file, problems, today, earliest=series_from
    )
    valid_until = _date_cell(cell("valid_until"), "valid_until", number, file, problems, today)
    if valid_from and valid_until and valid_until < valid_from:
        problems.append(
            Problem(file, "valid_until is before valid_from", row=number, field="valid_until")
        )
    dates = _schedule(cell("dates"), None, "dates", number, file, problems, today)
    if dates.weekly:
        problems.append(
            Problem(file, "weekly times belong in column 'times'", row=number, field="dates")
        )
    first = min((o.start.date() for o in dates.occurrences), default=None)
    times = _schedule(cell("times"), valid_from or first, "times", number, file, problems, today)
    exceptions: list[date] = []
    for part in filter(None, (p.strip() for p in cell("exceptions").replace(";", ",").split(","))):
        if (d := _date_cell(part, "exceptions", number, file, problems, today)) is not None:
            exceptions.append(d)
    given_id = cell("id")
    activity_id = ""
    try:
        activity_id = clean_id(given_id) if given_id else ""
    except FieldError as e:
        problems.append(Problem(file, str(e), row=number, field="id"))
    if len(problems) > before:
        return None
    return Activity(
        id=activity_id or stable_id(source, next(iter(title.values())), place),
        title=title,
        categories=categories,
        description=description,
        place=place,
        address=address,
        accessibility=accessibility,
        organiser=organiser,
        contact=contact,
        price=price,
        free=free,
        languages=languages,
        url=url,
        occurrences=tuple(sorted(dates.occurrences + times.occurrences, key=lambda o: o.start)),
        weekly=times.weekly,
        valid_from=valid_from,
        valid_until=valid_until,
        exceptions=tuple(sorted(set(exceptions))),
        status=STATUS_WORDS.get(status, ""),
        source=source,
    )


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]


def _categories(
    value: str, number: int, file: str, limits: Limits, problems: list[Problem]
) -> tuple[str, ...]:
    found: list[str] = []
    for word in _split(value):
        cat = map_category(word, limits.category_map)
        if cat is None:
            problems.append(
                Problem(
                    file,
                    f"'{shorten(word)}' is not a known category",
                    row=number,
                    field="categories",
                )
            )
        elif cat not in found:
            found.append(cat)
    return tuple(found)


def _free(
    value: str, has_price: bool, number: int, file: str, problems: list[Problem]
) -> bool | None:
    """kyllä -> free, ei -> a price; empty -> a price when one is written, else not known."""
    v = value.strip().casefold()
    if not v:
        return False if has_price else None
    if v in YES:
        return True
    if v in NO:
        return False
    problems.append(Problem(file, f"'{shorten(value)}' is not kyllä/ei", row=number, field="free"))
    return None


def _languages(value: str, number: int, file: str, problems: list[Problem]) -> tuple[str, ...]:
    langs: list[str] = []
    for code in _split(value.casefold()):
        if code not in KNOWN_LANGUAGES:
            problems.append(
                Problem(
                    file,
                    f"'{shorten(code)}' is not a language code (fi, sv, en, ...)",
                    row=number,
                    field="languages",
                )
            )
        elif code not in langs:
            langs.append(code)
    return tuple(langs)  # empty: not known, and nothing is shown


def _date_cell(
    value: str,
    name: str,
    number: int,
    file: str,
    problems: list[Problem],
    today: date,
    *,
    earliest: int | None = None,
) -> date | None:
    if not value.strip():
        return None
    try:
        found = parse_date(value)
        check_year(found, today, earliest=earliest)
        return found
    except (TimesError, FieldError) as e:
        problems.append(Problem(file, str(e), row=number, field=name))
        return None


def _schedule(
    value: str,
    anchor: date | None,
    name: str,
    number: int,
    file: str,
    problems: list[Problem],
    today: date,
) -> Schedule:
    try:
        schedule = parse_schedule(value, anchor)
        for o in schedule.occurrences:
            check_year(o.start, today)
            if o.end is not None:
                check_year(o.end, today)
        return schedule
    except (TimesError, FieldError) as e:
        problems.append(Problem(file, str(e), row=number, field=name))
        return Schedule()
