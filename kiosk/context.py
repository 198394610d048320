"""The kiosk's services, built once by create_app and reached from views.

Views and blueprints get them with :func:`services`; nothing here opens anything.
Optional parts (printing, GPIO, upload) are ``None`` until create_app wires them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from flask import current_app

from kiosk.catalog.model import Activity
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally


class CatalogReader(Protocol):
    def get(self, activity_id: str) -> Activity | None: ...


@dataclass
class Services:
    settings: Settings
    store: Store
    tally: Tally
    events: EventLog
    catalog: CatalogReader
    # Filled by the parts that own them (kiosk.printing, GPIO devices, upload, ...).
    extra: dict[str, Any] = field(default_factory=dict)
    # The screens' clock: None is the real one. The screenshots set a fixed moment
    # so that "on now" and "starts in" read the same on every run.
    clock: Callable[[], datetime] | None = None

    def local_now(self) -> datetime:
        """Wall-clock time of the kiosk's time zone, naive (as the catalogue's times)."""
        if self.clock is not None:
            return self.clock()
        return datetime.now(ZoneInfo(self.settings.kiosk.timezone)).replace(tzinfo=None)

    def close(self) -> None:
        """Stop the parts that run (workers, devices), keep the score windows held in
        memory (kiosk.tally), then close the log and the database (WAL emptied)."""
        for part in self.extra.values():
            stop = getattr(part, "stop", None) or getattr(part, "close", None)
            if callable(stop):
                stop()
        self.tally.hold()
        self.events.close()
        self.store.close()


def services() -> Services:
    svc: Services = current_app.extensions["kiosk"]
    return svc
