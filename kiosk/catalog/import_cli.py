"""The edges of catalogue import: files, USB sticks, https feeds, the command.

``kiosk import SOURCE [--dry-run]`` reads a file (or an https address when
``[catalog] allow_url_import`` is on), prints the preview and applies it unless
there is an error or ``--dry-run``. The staff screen uses
:func:`list_importable_files`, :func:`load_source`, and kiosk.catalog.apply;
:class:`FeedRefresher` keeps ``[catalog] feed_url`` fresh while online.

A feed that times out, is too large or is not understood leaves the catalogue as
it was; the failure goes to the event log.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from kiosk.catalog.apply import Preview, apply, preview
from kiosk.catalog.importers import (
    SUPPORTED_EXTENSIONS,
    Limits,
    ParseResult,
    Problem,
    detect_format,
    parse,
)
from kiosk.catalog.importers.linkedevents import parse_linked_events
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog

# fetch(url, timeout_seconds, max_bytes) -> body; raises OSError/ValueError on failure.
Fetch = Callable[[str, float, int], bytes]
MAX_DEPTH = 4  # folders below a root: /media/<user>/<stick>/<folder>/<folder>
MAX_LISTED = 200


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


def _today(settings: Settings) -> date:
    return datetime.now(ZoneInfo(settings.kiosk.timezone)).date()


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
    limits = Limits.from_settings(settings)
    day = today or _today(settings)
    if "://" in source:
        name = source_name or source
        return name, _load_url(source, name, settings, limits, day, fetch)
    path = Path(source)
    name = source_name or path.name
    try:
        if path.stat().st_size > limits.max_bytes:
            mb = settings.catalog.max_file_mb
            return name, ParseResult(problems=[Problem(name, f"the file is larger than {mb} MB")])
        data = path.read_bytes()
    except OSError as e:
        return name, ParseResult(problems=[Problem(name, f"cannot be read: {e.strerror or e}")])
    return name, parse(data, name=path.name, source=name, limits=limits, today=day)


def _load_url(
    url: str, name: str, settings: Settings, limits: Limits, day: date, fetch: Fetch
) -> ParseResult:
    def failed(why: str) -> ParseResult:
        return ParseResult(problems=[Problem(url, why)])

    if urlsplit(url).scheme != "https":
        return failed("only https addresses are imported")
    timeout = float(settings.catalog.fetch_timeout_seconds)
    try:
        body = fetch(url, timeout, limits.max_bytes)
    except Exception as e:  # timeouts, DNS, TLS, HTTP errors: all mean "not now"
        return failed(f"could not fetch: {type(e).__name__}: {str(e)[:120]}")
    if detect_format(url, body) != "json":
        return parse(body, name=url, source=name, limits=limits, today=day)
    # Linked Events: follow meta.next, on the same host only.
    try:
        pages: list[Any] = [json.loads(body.decode("utf-8-sig"))]
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        return failed(f"not valid JSON: {str(e)[:80]}")
    host = urlsplit(url).netloc
    while isinstance(pages[-1], dict) and isinstance(pages[-1].get("meta"), dict):
        following = pages[-1]["meta"].get("next")
        if not following:
            break
        following = urljoin(url, str(following))
        if urlsplit(following).netloc != host or urlsplit(following).scheme != "https":
            return failed(f"meta.next leads elsewhere: {following[:120]}")
        if len(pages) >= limits.max_pages:
            return failed(f"more than {limits.max_pages} pages; narrow the feed's query")
        try:
            pages.append(
                json.loads(fetch(following, timeout, limits.max_bytes).decode("utf-8-sig"))
            )
        except Exception as e:
            return failed(f"could not fetch {following[:120]}: {type(e).__name__}")
    return parse_linked_events(pages, file=url, source=name, limits=limits)


def print_preview(p: Preview, dry_run: bool, out: Callable[[str], None] = print) -> None:
    for label, items in (("added", p.added), ("changed", p.changed), ("removed", p.removed)):
        for a in items:
            out(f"  {label}: {a.id}  {next(iter(a.title.values()), '')}")
    for s in p.skipped:
        out(f"  skipped: {s}")
    for e in p.errors:
        out(f"  error: {e}")
    out(p.summary())
    if p.errors:
        out("Nothing was changed.")
    elif dry_run:
        out("Dry run: nothing was changed.")


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "import", help="Import the activity catalogue from a file or an https feed."
    )
    parser.add_argument("source", help="a .csv, .xlsx, .ics or Linked Events .json file, or URL")
    parser.add_argument("--dry-run", action="store_true", help="show the changes, apply nothing")
    parser.add_argument(
        "--source",
        dest="source_name",
        default=None,
        help="name of the source (default: the file name); a renamed file keeps its activities",
    )
    parser.set_defaults(handler=run)


def import_source(
    source: str,
    settings: Settings,
    store: Store,
    events: EventLog,
    *,
    dry_run: bool = False,
    fetch: Fetch = fetch_url,
    source_name: str | None = None,
) -> Preview:
    """Read, check and (unless ``dry_run``) apply one source; what the staff screen calls.

    The preview it returns is what was applied; with errors, nothing was.
    """
    if "://" in source and not settings.catalog.allow_url_import:
        why = "importing from the network is off ([catalog] allow_url_import)"
        return Preview(errors=[Problem(source, why)])
    name, result = load_source(source, settings, fetch=fetch, source_name=source_name)
    p = preview(store, name, result) if dry_run else apply(store, name, result)
    if p.applied:
        events.info("import", f"catalogue imported from {name}: {p.summary()}")
    elif p.errors and not dry_run:
        events.warning("import", f"import from {name} refused: {len(p.errors)} errors")
    return p


def run(args: argparse.Namespace, settings: Settings, store: Store, events: EventLog) -> int:
    """``kiosk import SOURCE [--dry-run]``: 0 when applied (or clean), 1 on any error."""
    p = import_source(
        args.source, settings, store, events, dry_run=args.dry_run, source_name=args.source_name
    )
    print_preview(p, args.dry_run)
    return 1 if p.errors else 0


def list_importable_files(media_roots: Iterable[Path]) -> list[Path]:
    """Importable files on mounted media (``[catalog] media_roots``), a few folders
    deep, hidden ones skipped."""
    found: list[Path] = []
    for root in media_roots:
        base_depth = len(root.parts)
        for folder, dirs, files in os.walk(root, onerror=lambda e: None):
            depth = len(Path(folder).parts) - base_depth
            keep = depth < MAX_DEPTH
            dirs[:] = sorted(d for d in dirs if keep and not d.startswith("."))
            for f in sorted(files):
                if not f.startswith(".") and Path(f).suffix.lower() in SUPPORTED_EXTENSIONS:
                    found.append(Path(folder) / f)
                    if len(found) >= MAX_LISTED:
                        return found
    return found


class FeedRefresher:
    """Refreshes the catalogue from ``[catalog] feed_url`` every refresh_minutes.

    Not started by importing this module: create_app calls :meth:`start` when a
    feed is configured, and :meth:`stop` at shutdown. ``online`` says whether the
    network is up (the refresh is skipped otherwise).
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        events: EventLog,
        *,
        fetch: Fetch = fetch_url,
        online: Callable[[], bool] = lambda: True,
    ) -> None:
        self.settings = settings
        self.store = store
        self.events = events
        self.fetch = fetch
        self.online = online
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh_once(self) -> Preview | None:
        url = self.settings.catalog.feed_url
        if not url or not self.online():
            return None
        name, result = load_source(url, self.settings, fetch=self.fetch)
        try:
            p = apply(self.store, name, result)
        except Exception as e:  # the database is busy or full: try again next time
            self.events.error("import", f"feed refresh could not be saved: {type(e).__name__}")
            return None
        if p.errors:
            first = str(p.errors[0])[:200]
            self.events.warning(
                "import", f"feed refresh failed, catalogue kept ({len(p.errors)} errors): {first}"
            )
        elif p.added or p.changed or p.removed:
            self.events.info("import", f"feed refreshed: {p.summary()}")
        return p

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.refresh_once()
            self._stop.wait(self.settings.catalog.refresh_minutes * 60)

    def start(self) -> None:
        if self._thread is None and self.settings.catalog.feed_url:
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="feed-refresh", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
