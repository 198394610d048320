"""Reading one import source in this process: a file, or an https feed with its pages.

This is the work of the import process (kiosk.catalog.import_child); the kiosk
itself never calls it on a file or feed it was handed, it calls
kiosk.catalog.isolated, which runs it in that separate, bounded process.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from kiosk.catalog.importers import (
    Limits,
    ParseResult,
    Problem,
    detect_format,
    finish,
    parse,
    parse_json,
)
from kiosk.catalog.importers.common import describe, shorten
from kiosk.catalog.importers.linkedevents import parse_linked_events, place_refs
from kiosk.settings import Settings

# fetch(url, timeout_seconds, max_bytes) -> body; raises OSError/ValueError on failure.
Fetch = Callable[[str, float, int], bytes]


class FetchError(Exception):
    pass


def fetch_url(url: str, timeout: float, max_bytes: int) -> bytes:
    """GET ``url`` (https or http only) with a timeout and a size cap."""
    if urlsplit(url).scheme not in ("https", "http"):
        raise FetchError(f"'{url}' is not an http(s) address")
    request = urllib.request.Request(url, headers={"User-Agent": "meeting-point-kiosk"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body: bytes = response.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise FetchError(f"the feed is larger than {max_bytes // 1024 // 1024} MB")
    return body


def today_of(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.kiosk.timezone)).date()


def source_label(source: str, source_name: str | None) -> str:
    """The name a source's activities are kept under: the file's name or the address."""
    if source_name:
        return source_name
    return source if "://" in source else Path(source).name


def load_source(
    source: str,
    settings: Settings,
    *,
    fetch: Fetch = fetch_url,
    today: date | None = None,
    source_name: str | None = None,
) -> tuple[str, ParseResult]:
    """(source name, parse result) for a file path or an address; never raises.

    The source name is the file's name (or the address) unless ``source_name`` is
    given: the activities of one source are replaced together on the next import.
    """
    return read_source(
        source,
        Limits.from_settings(settings),
        fetch_timeout=float(settings.catalog.fetch_timeout_seconds),
        today=today or today_of(settings),
        fetch=fetch,
        source_name=source_name,
    )


def read_source(
    source: str,
    limits: Limits,
    *,
    fetch_timeout: float,
    today: date,
    fetch: Fetch = fetch_url,
    source_name: str | None = None,
) -> tuple[str, ParseResult]:
    """:func:`load_source` with the settings it needs as plain values."""
    name = source_label(source, source_name)
    if "://" in source:
        return name, _load_url(source, name, limits, fetch_timeout, today, fetch)
    path = Path(source)
    try:
        if path.stat().st_size > limits.max_bytes:
            mb = limits.max_bytes / 1024 / 1024
            return name, ParseResult(problems=[Problem(name, f"the file is larger than {mb:g} MB")])
        data = path.read_bytes()
    except OSError as e:
        why = e.strerror or describe(e)
        return name, ParseResult(problems=[Problem(name, f"cannot be read: {why}")])
    return name, parse(data, name=path.name, source=name, limits=limits, today=today)


def _load_url(
    url: str, name: str, limits: Limits, timeout: float, day: date, fetch: Fetch
) -> ParseResult:
    def failed(why: str) -> ParseResult:
        return ParseResult(problems=[Problem(url, why)])

    if urlsplit(url).scheme != "https":
        return failed("only https addresses are imported")
    try:
        body = fetch(url, timeout, limits.max_bytes)
    except MemoryError:
        raise
    except Exception as e:  # timeouts, DNS, TLS, HTTP errors: all mean "not now"
        return failed(f"could not fetch: {fetch_failure(e)}")
    if detect_format(url, body) != "json":
        return parse(body, name=url, source=name, limits=limits, today=day)
    # Linked Events: follow meta.next, on the same host only.
    try:
        pages: list[Any] = [parse_json(body)]
    except ValueError as e:
        return failed(str(e))
    host = urlsplit(url).netloc
    while isinstance(pages[-1], dict) and isinstance(pages[-1].get("meta"), dict):
        following = pages[-1]["meta"].get("next")
        if not following:
            break
        following = urljoin(url, str(following))
        if urlsplit(following).netloc != host or urlsplit(following).scheme != "https":
            return failed(f"meta.next leads elsewhere: {shorten(following, 120)}")
        if len(pages) >= limits.max_pages:
            return failed(f"more than {limits.max_pages} pages; narrow the feed's query")
        try:
            pages.append(parse_json(fetch(following, timeout, limits.max_bytes)))
        except MemoryError:
            raise
        except Exception as e:
            return failed(f"could not fetch {shorten(following, 120)}: {fetch_failure(e)}")
    from kiosk.catalog.places import fetch_places

    places, warnings = fetch_places(place_refs(pages), url, limits, timeout, fetch)
    result = parse_linked_events(
        pages, file=url, source=name, limits=limits, today=day, places=places
    )
    result.warnings[:0] = warnings
    return finish(result, url, limits)


def fetch_failure(e: Exception) -> str:
    """What went wrong with a fetch: its kind, and its text when it has one."""
    text = describe(e)
    return text if text == type(e).__name__ else f"{type(e).__name__}: {text}"
