"""The hub under test: SQLite or PostgreSQL, served on loopback, and kiosks to send to it."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from werkzeug.serving import make_server

from hub.app import HubConfig, create_app
from hub.db import Hub
from hub.enroll import enroll
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally
from kiosk.upload.signing import create_key, key_path, public_b64

POSTGRES_URL = os.environ.get("DATABASE_URL") or "postgresql://root@127.0.0.1:5432/test"


def postgres_or_skip() -> str:
    """The PostgreSQL URL, or a visible skip naming why it cannot be used."""
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any reason a server cannot be used is a reason to skip
        pytest.skip(f"no PostgreSQL server reachable at {POSTGRES_URL}: {exc}".splitlines()[0])
    return POSTGRES_URL


def open_test_hub(kind: str, tmp_path: Path) -> tuple[Hub, Callable[[], None]]:
    if kind == "sqlite":
        hub = Hub(path=tmp_path / "hub.db")
        return hub, hub.close
    url = postgres_or_skip()
    schema = f"hubtest_{uuid.uuid4().hex[:12]}"
    hub = Hub(url=url, schema=schema)

    def drop() -> None:
        hub.close()
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return hub, drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Hub]:
    hub, done = open_test_hub(request.param, tmp_path)
    yield hub
    done()


class LiveHub:
    """The hub's app served by a real HTTP server on 127.0.0.1; ``wrap`` injects faults."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wrap: Callable[[Any, Any, Any], Any] | None = None
        self.requests = 0
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        # Join requests still running at stop (a slow request outliving its client),
        # so none touches the database after the test closed it.
        self.server.daemon_threads = False  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _wsgi(self, environ: Any, start_response: Any) -> Any:
        self.requests += 1
        if self.wrap is not None:
            return self.wrap(self.app, environ, start_response)
        return self.app(environ, start_response)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def live_hub(hub_db: Hub, tmp_path: Path) -> Iterator[LiveHub]:
    app = create_app(HubConfig(tmp_path / "hub-data"), db=hub_db)
    live = LiveHub(app)
    yield live
    live.stop()


@dataclass
class FakeKiosk:
    """A kiosk's upload side without its screens: settings, database, tally, log, key."""

    settings: Settings
    store: Store
    tally: Tally
    events: EventLog
    key: Ed25519PrivateKey

    def enrollment(self, region: str = "Etelä-Savo") -> dict[str, str]:
        return {
            "kiosk_id": self.settings.kiosk.id,
            "name": f"Kiosk {self.settings.kiosk.id}",
            "region": region,
            "place": "",
            "key_id": "key-1",
            "public_key": public_b64(self.key),
        }

    def count_day(self, day: datetime, visits: int, prints: int = 0, tests: int = 0) -> None:
        self.tally.count("sessions_started", n=visits, now=day)
        if prints:
            self.tally.count("activity_prints", "demo-002", n=prints, now=day)
        for _ in range(tests):
            self.tally.complete_test("esis-fi-2019", 40, now=day)

    def close(self) -> None:
        self.events.close()
        self.store.close()


def make_kiosk(tmp_path: Path, kiosk_id: str = "k-000001", hub_url: str = "") -> FakeKiosk:
    data = tmp_path / kiosk_id
    settings = Settings().replace(
        kiosk={"id": kiosk_id, "data_dir": str(data)},
        upload={"hub_url": hub_url, "key_id": "key-1", "require_time_sync": False},
    )
    data.mkdir(parents=True, exist_ok=True)
    store = Store(data / "kiosk.db")
    key, _ = create_key(key_path(data))
    return FakeKiosk(
        settings,
        store,
        Tally(store, settings.kiosk.timezone, k=settings.selftest.k),
        EventLog(data / "log" / "events.jsonl"),
        key,
    )


def enroll_kiosks(hub: Hub, *kiosks: FakeKiosk) -> None:
    enroll(hub, [k.enrollment() for k in kiosks])
