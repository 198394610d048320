"""Running kiosks' nightly uploads against a hub on simulated days, without touching the
system clock: every kiosk and the hub get their time passed in."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hub.app import HubConfig, create_app
from hub.db import Hub
from kiosk.upload.client import Sender, batches_url
from kiosk.upload.commands import upload
from tests.hub_support import FakeClock, FakeKiosk, LiveHub, enroll_kiosks, make_kiosk

HELSINKI = ZoneInfo("Europe/Helsinki")
# The first simulated day of the upload tests (a Monday).
FIRST = datetime(2026, 11, 2)


def night(
    kiosk: FakeKiosk,
    hub_url: str,
    clock: datetime,
    *,
    synced: bool = True,
    tries: int = 2,
) -> tuple[int, str]:
    """``kiosk upload`` as the kiosk's own clock says ``clock``: (exit status, what it printed)."""
    sender = Sender(
        kiosk.store,
        kiosk.events,
        batches_url(hub_url, kiosk.settings.kiosk.id),
        kiosk.settings.kiosk.id,
        kiosk.settings.upload.key_id,
        tries=tries,
        timeout=5.0,
        sleep=lambda _s: None,
        now=lambda: clock.astimezone(UTC),
    )
    out = io.StringIO()
    with redirect_stdout(out):
        code = upload(
            kiosk.settings, kiosk.store, kiosk.events, sender=sender, now=clock, synced=synced
        )
    return code, out.getvalue()


def at(day: datetime, hour: int, minute: int = 0, *, offset: timedelta = timedelta(0)) -> datetime:
    """A local time on ``day`` (Helsinki), as a clock ``offset`` off would show it."""
    return day.replace(hour=hour, minute=minute, tzinfo=HELSINKI) + offset


def hub_total(hub: Hub, kiosk_id: str, metric: str) -> int:
    """What the hub holds of one count for a kiosk: days and their corrections."""
    total = 0
    for table in ("ops_daily", "ops_correction"):
        rows = hub.query(
            f"SELECT coalesce(sum(value), 0) FROM {table} WHERE kiosk_id = ? AND metric = ?",
            [kiosk_id, metric],
        )
        total += int(rows[0][0])
    return total


def hub_days(hub: Hub, kiosk_id: str) -> list[str]:
    rows = hub.query("SELECT date FROM ops_day WHERE kiosk_id = ? ORDER BY date", [kiosk_id])
    return [str(r[0]) for r in rows]


def kiosk_total(kiosk: FakeKiosk, metric: str) -> int:
    row = (
        kiosk.store.db()
        .execute("SELECT coalesce(sum(value), 0) FROM counters WHERE metric = ?", [metric])
        .fetchone()
    )
    return int(row[0])


@pytest.fixture
def uploading(hub_db: Hub, tmp_path: Path) -> Iterator[tuple[FakeKiosk, LiveHub, FakeClock]]:
    """An enrolled kiosk that uploads to a live hub whose clock starts at 08:00 on
    FIRST in Helsinki: (kiosk, hub, the hub's clock)."""
    clock = FakeClock(at(FIRST, 8).astimezone(UTC))
    live = LiveHub(create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db))
    kiosk = make_kiosk(tmp_path, hub_url=live.url)
    enroll_kiosks(hub_db, kiosk)
    yield kiosk, live, clock
    kiosk.close()
    live.stop()
