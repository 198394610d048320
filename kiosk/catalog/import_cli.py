"""The edges of catalogue import: the command, USB sticks, the feed refresher.

``kiosk import SOURCE [--dry-run]`` reads a file (or an https address when
``[catalog] allow_url_import`` is on), prints the preview and applies it unless
there is an error or ``--dry-run``. The staff screen uses
:func:`list_importable_files`, :func:`import_source`, and kiosk.catalog.apply;
:class:`FeedRefresher` keeps ``[catalog] feed_url`` fresh while online.

Every one of them reads the source through kiosk.catalog.isolated: in a separate
process with a memory and processor-time limit, so that no file can take the
kiosk down. A feed that times out, is too large or is not understood leaves the
catalogue as it was; the failure goes to the event log.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from kiosk.catalog.apply import Preview, apply, preview
from kiosk.catalog.importers import SUPPORTED_EXTENSIONS, ParseResult, Problem
from kiosk.catalog.isolated import load_isolated
from kiosk.catalog.model import pick
from kiosk.catalog.sources import Fetch, FetchError, fetch_url, load_source
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog

__all__ = [
    "FeedRefresher",
    "Fetch",
    "FetchError",
    "Loader",
    "add_parser",
    "add_refresh_parser",
    "fetch_url",
    "import_source",
    "list_importable_files",
    "load_source",
    "print_preview",
    "refresh_catalogue",
    "run",
    "run_refresh",
]

# load(source, settings, source_name) -> (source name, parse result); never raises.
Loader = Callable[[str, Settings, str | None], tuple[str, ParseResult]]
IMPORT_FILE_KEY = "catalog_import_file_sha256"
MAX_DEPTH = 4  # folders below a root: /media/<user>/<stick>/<folder>/<folder>
MAX_LISTED = 200


def print_preview(p: Preview, dry_run: bool, out: Callable[[str], None] = print) -> None:
    for label, items in (("added", p.added), ("changed", p.changed), ("removed", p.removed)):
        for a in items:
            out(f"  {label}: {a.id}  {pick(a.title, 'fi')}")
    for s in p.skipped:
        out(f"  skipped: {s}")
    for w in p.warnings:
        out(f"  warning: {w}")
    for e in p.errors:
        out(f"  error: {e}")
    out(p.summary())
    if p.without_place and not p.errors:
        out(f"Without a place: {p.without_place} activities (shown with 'ask the staff').")
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
    load: Loader = load_isolated,
    source_name: str | None = None,
) -> Preview:
    """Read, check and (unless ``dry_run``) apply one source; what the staff screen calls.

    The preview it returns is what was applied; with errors, nothing was.
    """
    if "://" in source and not settings.catalog.allow_url_import:
        why = "importing from the network is off ([catalog] allow_url_import)"
        return Preview(errors=[Problem(source, why)])
    name, result = load(source, settings, source_name)
    p = preview(store, name, result) if dry_run else apply(store, name, result)
    if p.applied:
        events.info("import", f"catalogue imported from {name}: {p.summary()}")
        log_warnings(events, name, p)
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
    network is up (the refresh is skipped otherwise). The feed is read in the
    separate import process like every other import (``load``).
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        events: EventLog,
        *,
        load: Loader = load_isolated,
        online: Callable[[], bool] = lambda: True,
    ) -> None:
        self.settings = settings
        self.store = store
        self.events = events
        self.load = load
        self.online = online
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh_once(self) -> Preview | None:
        url = self.settings.catalog.feed_url
        if not url or not self.online():
            return None
        name, result = self.load(url, self.settings, None)
        try:
            p = apply(self.store, name, result)
        except Exception as e:  # the database is busy or full: try again next time
            self.events.error("import", f"feed refresh could not be saved: {type(e).__name__}")
            return None
        if p.errors:
            first = str(p.errors[0])[:200]
            if refused_by_allow_list(str(p.errors[0])):
                first += (
                    "; the kiosk's network allow-list refused the connection: the feed "
                    "server's addresses must be in [catalog] feed_addresses"
                )
            self.events.warning(
                "import", f"feed refresh failed, catalogue kept ({len(p.errors)} errors): {first}"
            )
        elif p.added or p.changed or p.removed:
            self.events.info("import", f"feed refreshed: {p.summary()}")
            log_warnings(self.events, name, p)
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


def log_warnings(events: EventLog, name: str, p: Preview) -> None:
    """What the visitors will miss (places not found), for the staff Log screen."""
    for w in p.warnings[:5]:
        events.warning("import", f"{name}: {str(w)[:400]}")


def refused_by_allow_list(message: str) -> bool:
    """A connection the sandbox's IP filter refused: connect() fails with EPERM."""
    return "Errno 1]" in message or "Operation not permitted" in message


def refresh_catalogue(
    settings: Settings,
    store: Store,
    events: EventLog,
    *,
    load: Loader = load_isolated,
    out: Callable[[str], None] = print,
) -> bool:
    """``[catalog] import_file`` when its content is new, then ``feed_url``; True when
    nothing failed. What ``kiosk refresh-catalogue`` (kiosk-feed.service) does."""
    ok = True
    path = settings.catalog.import_file
    if path:
        ok = _import_file_once(Path(path), settings, store, events, load, out) and ok
    if settings.catalog.feed_url:
        p = FeedRefresher(settings, store, events, load=load).refresh_once()
        if p is None or p.errors:
            out(f"feed {settings.catalog.feed_url}: not refreshed (see the event log)")
            ok = False
        else:
            out(f"feed {settings.catalog.feed_url}: {p.summary()}")
    if not path and not settings.catalog.feed_url:
        out("no [catalog] import_file or feed_url: nothing to refresh")
    return ok


def _import_file_once(
    path: Path,
    settings: Settings,
    store: Store,
    events: EventLog,
    load: Loader,
    out: Callable[[str], None],
) -> bool:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        out(f"{path}: no such file; nothing imported")
        return True  # removed from the card on purpose: the catalogue stays
    except OSError as e:
        events.warning("import", f"{path} cannot be read: {e.strerror}")
        out(f"{path}: cannot be read: {e.strerror}")
        return False
    row = store.db().execute("SELECT value FROM meta WHERE key = ?", [IMPORT_FILE_KEY]).fetchone()
    if row is not None and row[0] == digest:
        out(f"{path}: already imported")
        return True
    p = import_source(str(path), settings, store, events, load=load)
    print_preview(p, dry_run=False, out=out)
    if p.errors:
        return False
    with store.write() as db:
        db.table("meta").upsert({"key": IMPORT_FILE_KEY, "value": digest}, pk="key")
    return True


def add_refresh_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "refresh-catalogue",
        help="import [catalog] import_file if it changed and refresh feed_url "
        "(run by kiosk-feed.timer)",
    )
    parser.set_defaults(handler=run_refresh)


def run_refresh(
    args: argparse.Namespace, settings: Settings, store: Store, events: EventLog
) -> int:
    """``kiosk refresh-catalogue``: 0 when all went well or there was nothing to do."""
    return 0 if refresh_catalogue(settings, store, events) else 1
