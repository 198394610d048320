"""The hub under test: SQLite or PostgreSQL, served on loopback, and kiosks to send to it."""

from __future__ import annotations

import itertools
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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

DEFAULT_POSTGRES = "postgresql://root@127.0.0.1:5432/test"


class FakeClock:
    """The hub's clock in a test: stands still until moved."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float = 0, *, days: int = 0) -> None:
        self.now += timedelta(seconds=seconds, days=days)


def sign_in(app: Flask, hub: Hub, name: str = "koordinaattori", role: str = "coordinator") -> Any:
    """A test client signed in as a new user with ``role`` (CSRF checks off)."""
    from hub.users import add_user

    add_user(hub, name, "pitkä salasana 1", role)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    answer = client.post("/login", data={"name": name, "password": "pitkä salasana 1"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def postgres_or_skip(environ: Mapping[str, str] | None = None) -> str:
    """The PostgreSQL URL to test on; a skip only when no server is configured.

    With ``DATABASE_URL`` set, a server was asked for: one that cannot be used fails
    the test, with the reason. Without it the tests use the usual local server if
    something listens on 127.0.0.1:5432, and skip (saying so) if nothing does.
    """
    environ = os.environ if environ is None else environ
    url = environ.get("DATABASE_URL") or ""
    if not url and not _listening("127.0.0.1", 5432):
        pytest.skip("no PostgreSQL: DATABASE_URL is not set and nothing listens on 127.0.0.1:5432")
    url = url or DEFAULT_POSTGRES
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        where = "DATABASE_URL" if environ.get("DATABASE_URL") else "127.0.0.1:5432"
        pytest.fail(f"PostgreSQL at {where} ({url}) cannot be used: {exc}".splitlines()[0])
    return url


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


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


def is_batch(environ: Any) -> bool:
    return str(environ.get("PATH_INFO", "")).endswith("/batches")


class LiveHub:
    """The hub's app served by a real HTTP server on 127.0.0.1; ``wrap`` injects faults
    into the requests that carry batches."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wrap: Callable[[Any, Any, Any], Any] | None = None
        self.requests = 0
        self.batches = 0  # requests that carried a batch (not a hello)
        self.down = False  # every request answered 503, as a proxy does with its hub away
        self.server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        # Join requests still running at stop (a slow request outliving its client),
        # so none touches the database after the test closed it.
        self.server.daemon_threads = False  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _wsgi(self, environ: Any, start_response: Any) -> Any:
        self.requests += 1
        if is_batch(environ):
            self.batches += 1
        if self.down:
            start_response("503 Service Unavailable", [("Content-Type", "text/html")])
            return [b"<html><body>503 Service Unavailable</body></html>"]
        try:
            if self.wrap is not None and is_batch(environ):
                return self.wrap(self.app, environ, start_response)
            return self.app(environ, start_response)
        finally:
            # The test server starts a thread per request: its connection goes with it.
            self.app.extensions["hub"].release()

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
            "key_id": self.settings.upload.key_id,
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


def make_kiosk(
    tmp_path: Path,
    kiosk_id: str = "k-000001",
    hub_url: str = "",
    *,
    card: str = "",
    key_id: str = "key-1",
) -> FakeKiosk:
    """A kiosk on a card of its own: ``card`` names another card (a fresh database and key)."""
    data = tmp_path / (f"{kiosk_id}-{card}" if card else kiosk_id)
    settings = Settings().replace(
        kiosk={"id": kiosk_id, "data_dir": str(data)},
        upload={"hub_url": hub_url, "key_id": key_id, "require_time_sync": False},
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


def region_tree(
    regions: list[list[int]],
) -> tuple[dict[str, int], list[tuple[str, tuple[str, ...]]]]:
    """Kiosks' counts per region as the hub's table: kiosks r0k0..., regions r0...,
    the fleet, and which cells sum to which."""
    values: dict[str, int] = {"fleet": 0}
    relations = [("fleet", tuple(f"r{i}" for i in range(len(regions))))]
    for i, kiosks in enumerate(regions):
        names = tuple(f"r{i}k{j}" for j in range(len(kiosks)))
        values.update(zip(names, kiosks, strict=True))
        values[f"r{i}"] = sum(kiosks)
        values["fleet"] += sum(kiosks)
        relations.append((f"r{i}", names))
    return values, relations


def feasible(
    figures: dict[Any, tuple[str, int]],
    relations: list[tuple[Any, tuple[Any, ...]]],
    *,
    numbers: bool = True,
    cap: int = 30,
) -> dict[Any, set[int]]:
    """What a reader can work out of one published table, by trying every possibility.

    ``figures`` maps a cell to (mark, value) as published: ("shown", v), ("small", _)
    for "< 5", ("hidden", _) for "..". ``relations`` are (total, parts), the first one
    the fleet over the regions, then each region over its kiosks. Returns, for every
    cell, each value it can have that agrees with everything published. With
    ``numbers`` False the published numbers are unknown too (only the marks are read):
    what the marks alone say. Independent of hub.publication's own reasoning.
    """

    def fits(key: Any, v: int) -> bool:
        mark, value = figures[key]
        if mark == "small":
            return 1 <= v <= 4
        if mark == "hidden":
            return v >= 5
        return v == value if numbers else (v == 0 or v >= 5)

    def domain(key: Any) -> list[int]:
        mark, value = figures[key]
        if mark == "shown" and numbers:
            return [value]
        return [v for v in range(cap + 1) if fits(key, v)]

    (fleet, regions), *areas = relations
    per_region: dict[Any, dict[int, dict[Any, set[int]]]] = {}
    for region, kiosks in areas:
        by_total: dict[int, dict[Any, set[int]]] = {}
        for combo in itertools.product(*(domain(k) for k in kiosks)):
            total = sum(combo)
            if not fits(region, total):
                continue
            seen = by_total.setdefault(total, {region: {total}})
            for k, v in zip(kiosks, combo, strict=True):
                seen.setdefault(k, set()).add(v)
        per_region[region] = by_total
    out: dict[Any, set[int]] = {key: set() for key in figures}
    for totals in itertools.product(*(sorted(per_region[r]) for r in regions)):
        if not fits(fleet, sum(totals)):
            continue
        out[fleet].add(sum(totals))
        for region, total in zip(regions, totals, strict=True):
            for key, values in per_region[region][total].items():
                out[key] |= values
    return out
