"""Linked Events JSON (the event API of Helsinki, Turku and other Finnish cities) -> activities.

Input is a list of pages, each ``{"meta": {"next": ...}, "data": [event, ...]}``
(a file may hold one page or a JSON list of pages; the network edge follows
``meta.next``). Sub-events of a *recurring* super event become occurrences of one
activity that takes its texts from the super event; sub-events of an umbrella
event (a festival) stay activities of their own. A recurring super event with none
of its sub-events in the data is skipped, since its own start and end only span
the series.

Places come in three shapes: embedded (``?include=location``), a bare ``@id``
reference (the API's default), or ``"location": null`` with the address only in
``location_extra_info``. A reference is resolved from ``places`` (the place
objects the network edge fetched, by ``@id``); one that is not there leaves the
place empty and is counted in a warning that says how to fix the feed address.
``location_extra_info`` is the place text when there is no place, else a note
beside it. Keywords are matched by name when embedded, else by id (``yso:p965``).

Nothing is invented: free only when an offer says ``is_free: true``, a price
when an offer says ``is_free: false`` or gives a price; no ``offers`` means the
price is not known. No ``in_language`` means the languages are not known.
``event_status`` other than scheduled becomes the activity's status; cancelled
and deleted events are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.catalog.importers.common import (
    EARLIEST_YEAR,
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
from kiosk.catalog.model import LANGUAGES, Activity, Occurrence

Event = dict[str, Any]

# schema.org event statuses -> the activity's status (model.STATUSES).
STATUS = {
    "EventScheduled": "",
    "EventRescheduled": "rescheduled",
    "EventPostponed": "postponed",
    "EventMovedOnline": "moved-online",
}
GONE = ("EventCancelled", "EventDeleted")
INCLUDE_LOCATION = (
    "add include=location to the feed address (for example "
    "https://api.hel.fi/linkedevents/v1/event/?include=location,keywords) or to the query "
    "that saved the file, so that every event carries its place"
)


def pages_from_json(value: Any) -> list[Any]:
    """A file's JSON as a list of pages (one page object, or a list of them)."""
    return value if isinstance(value, list) else [value]


def place_refs(pages: list[Any]) -> list[str]:
    """The ``@id`` of every place the events name only by reference, once each, in order."""
    found: dict[str, None] = {}
    for page in pages:
        data = page.get("data") if isinstance(page, dict) else None
        for e in data if isinstance(data, list) else []:
            location = e.get("location") if isinstance(e, dict) else None
            if isinstance(location, dict) and not embedded(location) and _ref(location):
                found.setdefault(_ref(location))
    return list(found)


def embedded(location: Mapping[str, Any]) -> bool:
    """A location object that carries the place itself, not only a reference."""
    return any(location.get(k) for k in ("name", "street_address", "address_locality"))


def parse_linked_events(
    pages: list[Any],
    *,
    file: str,
    source: str,
    limits: Limits,
    today: date,
    places: Mapping[str, Any] | None = None,
) -> ParseResult:
    """``places``: place objects by ``@id``, for events that name their place by reference."""
    result = ParseResult()
    found_places: Mapping[str, Any] = places or {}
    unresolved = 0
    events: list[Event] = []
    if len(pages) > limits.max_pages:
        result.problems.append(Problem(file, f"more than {limits.max_pages} pages"))
        return result
    for n, page in enumerate(pages, start=1):
        data = page.get("data") if isinstance(page, dict) else None
        if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
            result.problems.append(
                Problem(
                    file, "not a Linked Events page (no 'data' list of events)", item=f"page {n}"
                )
            )
            continue
        events.extend(data)
    if len(events) > limits.max_rows:
        result.problems.append(Problem(file, f"more than {limits.max_rows} events"))
    if result.problems:
        return result
    tz = ZoneInfo(limits.timezone)
    by_id = {_ref(e.get("@id")) or _event_id(e): e for e in events}
    children: dict[str, list[Event]] = {}
    for e in events:
        parent = _ref(e.get("super_event"))
        if parent and parent in by_id and by_id[parent].get("super_event_type") == "recurring":
            children.setdefault(parent, []).append(e)
    grouped = {id(c) for kids in children.values() for c in kids}
    seen: set[str] = set()
    for n, e in enumerate(events, start=1):
        if id(e) in grouped:
            continue
        item = f"event '{shorten(_event_id(e), 40)}'" if _event_id(e) else f"event {n}"
        if str(e.get("event_status", "")) in GONE:
            result.skipped.append(Problem(file, "cancelled", item=item))
            continue
        own = _ref(e.get("@id")) or _event_id(e)
        status = STATUS.get(str(e.get("event_status", "")), "")
        if e.get("super_event_type") == "recurring":
            kids = [k for k in children.get(own, []) if k.get("event_status") not in GONE]
            if not kids:
                result.skipped.append(Problem(file, "a series without dates", item=item))
                continue
            # A postponed date of a series is not offered; the series goes on.
            planned = [k for k in kids if k.get("event_status") != "EventPostponed"]
            if not planned:
                status = "postponed"
            times = [_times(k, tz, today, file, item, result.problems) for k in planned or kids]
        else:
            times = [_times(e, tz, today, file, item, result.problems)]
        location = e.get("location")
        if isinstance(location, dict) and not embedded(location) and _ref(location):
            location = found_places.get(_ref(location), location)
        activity = _activity(e, location, item, file, source, limits, result.problems)
        occurrences = tuple(sorted((t for t in times if t is not None), key=lambda o: o.start))
        if activity is None or not occurrences:
            continue
        if activity.id in seen:
            result.problems.append(Problem(file, "the same id twice", item=item, field="id"))
            continue
        seen.add(activity.id)
        if isinstance(location, dict) and not embedded(location) and _ref(location):
            unresolved += 1
        result.activities.append(replace(activity, occurrences=occurrences, status=status))
    if unresolved and not result.problems:
        result.warnings.append(
            Problem(
                file,
                f"{unresolved} activities name their place only by reference (location @id) "
                f"and were imported without a place: {INCLUDE_LOCATION}",
            )
        )
    return result


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _event_id(e: Event) -> str:
    """The event's id as text; "" when missing, null or not a string or number."""
    raw = e.get("id")
    if isinstance(raw, bool):
        return ""
    if isinstance(raw, int):
        return str(raw)
    return raw.strip() if isinstance(raw, str) else ""


def _ref(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("@id")
    return value if isinstance(value, str) else ""


def _when(value: Any, tz: ZoneInfo, today: date) -> datetime | None:
    """Local wall-clock time of an ISO 8601 text; ValueError names what is wrong."""
    if not isinstance(value, str) or not value:
        return None
    try:
        # RFC 3339 allows a lower-case z (and t); Python reads only the capital Z.
        dt = datetime.fromisoformat(value.upper())
    except ValueError:
        raise ValueError(f"'{shorten(value)}' is not a time") from None
    check_year(dt, today, earliest=EARLIEST_YEAR)
    return dt.astimezone(tz).replace(tzinfo=None) if dt.tzinfo else dt


def _times(
    e: Event, tz: ZoneInfo, today: date, file: str, item: str, problems: list[Problem]
) -> Occurrence | None:
    found: dict[str, datetime | None] = {}
    for name in ("start_time", "end_time"):
        try:
            found[name] = _when(e.get(name), tz, today)
        except ValueError as err:  # FieldError (the year) is one too
            problems.append(Problem(file, str(err), item=item, field=name))
            return None
    start, end = found["start_time"], found["end_time"]
    if start is None:
        problems.append(Problem(file, "no start_time", item=item, field="start_time"))
        return None
    if end is not None and end <= start:
        problems.append(
            Problem(
                file,
                f"the end {end:%Y-%m-%d %H:%M} is not after the start {start:%Y-%m-%d %H:%M}",
                item=item,
                field="end_time",
            )
        )
        return None
    return Occurrence(start, end)


def _lang_text(value: Any, limits: Limits) -> dict[str, str]:
    if isinstance(value, str):
        value = {"fi": value}
    if not isinstance(value, dict):
        return {}
    out = {}
    for lang in LANGUAGES:
        raw = value.get(lang)
        if isinstance(raw, str) and (text := clean_text(raw, limits)):
            out[lang] = text
    return out


def _activity(
    e: Event,
    raw_location: Any,
    item: str,
    file: str,
    source: str,
    limits: Limits,
    problems: list[Problem],
) -> Activity | None:
    before = len(problems)
    texts: dict[str, dict[str, str]] = {}
    for name in ("name", "description", "short_description", "provider", "info_url"):
        try:
            texts[name] = _lang_text(e.get(name), limits)
        except FieldError as err:
            problems.append(Problem(file, str(err), item=item, field=name))
            texts[name] = {}
    location: dict[str, Any] = raw_location if isinstance(raw_location, dict) else {}
    offers = [o for o in _list(e.get("offers")) if isinstance(o, dict)]
    try:
        place = _lang_text(location.get("name"), limits)
        street = _lang_text(location.get("street_address"), limits)
        town = _lang_text(location.get("address_locality"), limits)
        extra = _lang_text(e.get("location_extra_info"), limits)
        price: dict[str, str] = {}
        for o in offers:
            for lang, text in _lang_text(o.get("price"), limits).items():
                price.setdefault(lang, text)
    except FieldError as err:
        problems.append(Problem(file, str(err), item=item, field="location/offers"))
        return None
    url = ""
    try:
        url = clean_url(next(iter(texts["info_url"].values()), ""))
    except FieldError as err:
        problems.append(Problem(file, str(err), item=item, field="info_url"))
    if not texts["name"] and len(problems) == before:
        problems.append(Problem(file, "no name in fi, sv or en", item=item, field="name"))
    raw_id = _event_id(e)
    try:
        activity_id = clean_id(raw_id) if raw_id else ""
    except FieldError:
        activity_id = stable_id(source, raw_id)
    if not activity_id:
        problems.append(Problem(file, "no id (missing, null or not text)", item=item, field="id"))
    if len(problems) > before:
        return None
    cats: list[str] = []
    for kw in _list(e.get("keywords")):
        words = [_ref(kw).rstrip("/").rsplit("/", 1)[-1]]
        if isinstance(kw, dict):
            words.append(str(kw.get("id", "")))
            names = kw.get("name")
            if isinstance(names, dict):
                words.extend(v for v in names.values() if isinstance(v, str))
        for w in words:
            if w and (cat := map_category(w, limits.category_map)) and cat not in cats:
                cats.append(cat)
    languages = []
    for lang in _list(e.get("in_language")):
        code = _ref(lang).rstrip("/").rsplit("/", 1)[-1]
        if re.fullmatch(r"[a-z]{2,3}", code) and code not in languages:
            languages.append(code)
    free: bool | None = None  # no offers: nothing is said about the price
    if any(o.get("is_free") is True for o in offers):
        free = True
    elif any(o.get("is_free") is False for o in offers) or price:
        free = False
    place_name = _finnish(place)
    address = ", ".join(p for p in (_finnish(street), _finnish(town)) if p)
    # location_extra_info is the place when the event has no location ("Blombergin aukio
    # 12, Turku / Kupittaa"), else a note beside it ("2. krs, sali B"), also beside a
    # place that could not be looked up.
    alone = not place_name and not address and not _ref(raw_location)
    return Activity(
        id=activity_id,
        title=texts["name"],
        categories=tuple(cats),
        description=texts["description"] or texts["short_description"],
        place=_finnish(extra) if alone else place_name,
        address=address,
        place_note={} if alone else extra,
        organiser=_finnish(texts["provider"]),
        price={} if free else price,
        free=free,
        languages=tuple(languages),
        url=url,
        source=source,
    )


def _finnish(text: dict[str, str]) -> str:
    """The Finnish text, else any: a place's name is shown as the place calls itself."""
    return text.get("fi") or next(iter(text.values()), "")
