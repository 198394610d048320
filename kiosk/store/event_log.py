"""The event log: the one module that writes what happened on the kiosk.

Staff read it on the Log screen. It holds operational events only (start and stop,
printer faults and recoveries, restocks, PIN lock-outs, imports, uploads,
configuration errors): never an answer, a score or anything a visitor typed or
tapped. Callers pass a fixed ``kind`` and a message they build from their own
data, never from request input.

One JSON object per line, rotated by size (logging.handlers.RotatingFileHandler),
so the SD card sees small appends and the file cannot grow without bound.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LEVELS = ("debug", "info", "warning", "error")


@dataclass(frozen=True)
class Event:
    time: str  # ISO 8601, UTC
    level: str
    kind: str
    message: str


class EventLog:
    """Append-only event log; ``path=None`` keeps events in memory only (tests)."""

    def __init__(
        self,
        path: Path | None,
        *,
        max_bytes: int = 512_000,
        backups: int = 3,
        level: str = "info",
    ) -> None:
        self.path = path
        self.min_level = LEVELS.index(level)
        self._lock = threading.Lock()
        self._memory: deque[Event] = deque(maxlen=1000)
        self._handler: logging.Handler | None = None
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
            )
            self._handler.setFormatter(logging.Formatter("%(message)s"))

    def record(self, level: str, kind: str, message: str) -> Event:
        if level not in LEVELS:
            raise ValueError(f"unknown level {level!r}")
        event = Event(datetime.now(UTC).isoformat(timespec="seconds"), level, kind, message)
        if LEVELS.index(level) < self.min_level:
            return event
        with self._lock:
            self._memory.append(event)
            if self._handler is not None:
                line = json.dumps(event.__dict__, ensure_ascii=False)
                self._handler.emit(logging.makeLogRecord({"msg": line, "levelno": 20}))
        return event

    def info(self, kind: str, message: str) -> Event:
        return self.record("info", kind, message)

    def warning(self, kind: str, message: str) -> Event:
        return self.record("warning", kind, message)

    def error(self, kind: str, message: str) -> Event:
        return self.record("error", kind, message)

    def recent(self, limit: int = 200, level: str | None = None) -> list[Event]:
        """The newest events first, from the file (all rotations) or memory."""
        events = self._read_all() if self.path is not None else list(self._memory)
        if level is not None:
            events = [e for e in events if e.level == level]
        return list(reversed(events))[:limit]

    def _read_all(self) -> list[Event]:
        assert self.path is not None
        files = [self.path.with_name(f"{self.path.name}.{i}") for i in range(9, 0, -1)]
        files.append(self.path)
        events: list[Event] = []
        with self._lock:
            for f in files:
                if not f.exists():
                    continue
                for line in f.read_text(encoding="utf-8").splitlines():
                    try:
                        raw = json.loads(line)
                        events.append(Event(raw["time"], raw["level"], raw["kind"], raw["message"]))
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut by a power loss
        return events

    def close(self) -> None:
        if self._handler is not None:
            self._handler.close()
