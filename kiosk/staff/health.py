"""What the Health screen shows, gathered from the parts that own it.

The upload and self-test parts are optional and built elsewhere; they are read
through the small interfaces below with getattr, so a part that is missing, or
answers oddly, shows as "not available" instead of breaking the screen.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.context import Services

TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
SYSTEMD_RUNNING = Path("/run/systemd/system")
PACK_STATUSES = ("official", "not-official", "refused")


@dataclass(frozen=True)
class Printer:
    state: str
    paper_left_percent: int
    restocked_at: str
    last_good_print: str


@dataclass(frozen=True)
class Upload:
    enabled: bool
    last_upload: str | None
    waiting: int
    alarm: str | None  # the hub's words, for the coordinator
    alarm_code: str = ""  # which words staff see (templates/staff/health.html)
    set_aside: int = 0
    set_aside_reason: str | None = None
    count_note: tuple[str, str, str] | None = None  # (day, "full" or "refused", counter)


@dataclass(frozen=True)
class Pack:
    id: str
    language: str
    version: str
    status: str  # one of PACK_STATUSES, or "unknown"
    detail: str


@dataclass
class Health:
    version: str
    uptime_seconds: int
    clock_synced: bool | None  # None: unknown (not running under systemd)
    disk_free_bytes: int | None
    catalogue_source: str
    catalogue_last_import: str
    printer: Printer | None
    upload: Upload | None
    upload_error: str | None = None
    packs: list[Pack] = field(default_factory=list)
    packs_error: str | None = None


def clock_synced(flag: Path = TIMESYNC_FLAG, systemd: Path = SYSTEMD_RUNNING) -> bool | None:
    if flag.exists():
        return True
    return False if systemd.exists() else None


def disk_free(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def gather(svc: Services, data_dir: Path, started: float) -> Health:
    catalog = svc.catalog
    health = Health(
        version=__version__,
        uptime_seconds=max(0, int(time.time() - started)),
        clock_synced=clock_synced(),
        disk_free_bytes=disk_free(data_dir),
        catalogue_source=str(getattr(catalog, "source", "")),
        catalogue_last_import=str(getattr(catalog, "last_import", "") or ""),
        printer=_printer(svc.extra.get("print_queue")),
        upload=None,
    )
    upload = svc.extra.get("upload")
    if upload is not None:
        try:
            health.upload = _upload(upload.state())
        except Exception as exc:  # a part under construction must not hide the rest
            health.upload_error = f"{type(exc).__name__}: {exc}"[:200]
    selftest = svc.extra.get("selftest")
    if selftest is not None:
        try:
            health.packs = [_pack(p) for p in selftest.pack_report()]
        except Exception as exc:
            health.packs_error = f"{type(exc).__name__}: {exc}"[:200]
    return health


def _printer(queue: Any) -> Printer | None:
    if queue is None:
        return None
    paper = queue.paper()
    return Printer(
        state=str(queue.printer_state()),
        paper_left_percent=int(paper.left_percent),
        restocked_at=paper.restocked_at,
        last_good_print=paper.last_good_print,
    )


def _upload(state: Any) -> Upload:
    last = getattr(state, "last_upload", None)
    alarm = getattr(state, "alarm", None)
    reason = getattr(state, "set_aside_reason", None)
    note = getattr(state, "count_note", None)
    return Upload(
        enabled=bool(getattr(state, "enabled", False)),
        last_upload=str(last) if last else None,
        waiting=int(getattr(state, "waiting", 0) or 0),
        alarm=str(alarm) if alarm else None,
        alarm_code=str(getattr(state, "alarm_code", "") or ""),
        set_aside=int(getattr(state, "set_aside", 0) or 0),
        set_aside_reason=str(reason) if reason else None,
        count_note=tuple(map(str, note)) if note and len(note) == 3 else None,  # type: ignore[arg-type]
    )


def _pack(report: Any) -> Pack:
    status = str(getattr(report, "status", ""))
    return Pack(
        id=str(getattr(report, "id", "?")),
        language=str(getattr(report, "language", "")),
        version=str(getattr(report, "version", "")),
        status=status if status in PACK_STATUSES else "unknown",
        detail=str(getattr(report, "detail", "") or ""),
    )
