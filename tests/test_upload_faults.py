"""Fault injection between a kiosk and a real hub on loopback.

In every case: no count is lost, none is counted twice, and the right alarm
stands (or none). The hub runs on SQLite and, where a server answers, PostgreSQL.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hub import report
from hub.db import Hub
from kiosk.upload import outbox
from kiosk.upload.client import Sender, batches_url
from kiosk.upload.commands import upload
from kiosk.upload.state import UploadPart
from tests.hub_support import FakeKiosk, LiveHub, enroll_kiosks, make_kiosk
from tests.serve_support import free_port

HELSINKI = ZoneInfo("Europe/Helsinki")
START = datetime(2026, 10, 1, 12, tzinfo=HELSINKI)


def sender(kiosk: FakeKiosk, base_url: str, **kw: Any) -> Sender:
    sleeps: list[float] = []
    options: dict[str, Any] = {"tries": 3, "timeout": 2.0, "sleep": sleeps.append}
    options.update(kw)
    return Sender(
        kiosk.store,
        kiosk.events,
        batches_url(base_url, kiosk.settings.kiosk.id),
        kiosk.settings.kiosk.id,
        "key-1",
        **options,
    )


def night(kiosk: FakeKiosk, day: datetime, base_url: str, **kw: Any) -> int:
    """The nightly run at 02:30 after ``day``."""
    after = (day + timedelta(days=1)).replace(hour=2, minute=30)
    return upload(
        kiosk.settings, kiosk.store, kiosk.events, sender=sender(kiosk, base_url, **kw),
        now=after, synced=True,
    )  # fmt: skip


def hub_visits(hub: Hub, kiosk_id: str) -> int:
    rows = hub.query(
        "SELECT coalesce(sum(value), 0) FROM ops_daily WHERE kiosk_id = ? "
        "AND metric = 'sessions_started'",
        [kiosk_id],
    )
    return int(rows[0][0])


def hub_days(hub: Hub, kiosk_id: str) -> int:
    return int(hub.query("SELECT count(*) FROM ops_day WHERE kiosk_id = ?", [kiosk_id])[0][0])


def closed_port() -> str:
    return f"http://127.0.0.1:{free_port()}"


def test_hub_down_for_thirty_days_then_back(live_hub: LiveHub, hub_db: Hub, tmp_path: Path) -> None:
    kiosk = make_kiosk(tmp_path, hub_url=live_hub.url)
    enroll_kiosks(hub_db, kiosk)
    down = closed_port()
    total = 0
    for i in range(30):
        day = START + timedelta(days=i)
        kiosk.count_day(day, visits=i + 1, prints=i % 3, tests=1 if i % 4 == 0 else 0)
        total += i + 1
        assert night(kiosk, day, down) == 2  # not delivered; the next run goes on
    assert len(outbox.waiting(kiosk.store)) == 30
    assert UploadPart(kiosk.store, live_hub.url).state().alarm is None  # down is not an alarm
    assert night(kiosk, START + timedelta(days=30), live_hub.url) == 0
    assert outbox.waiting(kiosk.store) == []
    assert hub_visits(hub_db, "k-000001") == total
    assert hub_days(hub_db, "k-000001") == 31  # the 31st night closed one more (empty) day
    # Eight tests were taken: they reach the hub only as windows of at least k.
    windows = hub_db.query("SELECT sum(n) FROM score_window WHERE kiosk_id = 'k-000001'")
    pending = sum(w.n for w in kiosk.tally.waiting())
    assert int(windows[0][0] or 0) + pending == 8
    # Month-old batches do not make the kiosk's clock look a month off on the dashboard.
    (row,) = report.fleet(hub_db)
    assert row.skew_s is not None and abs(row.skew_s) < 60 and row.missing == 0
    kiosk.close()


def test_500s_and_timeouts_are_retried_without_double_counting(
    live_hub: LiveHub, hub_db: Hub, tmp_path: Path
) -> None:
    kiosk = make_kiosk(tmp_path, hub_url=live_hub.url)
    enroll_kiosks(hub_db, kiosk)
    kiosk.count_day(START, visits=7)
    faults = iter(["500", "timeout", "429"])

    def flaky(app: Any, environ: Any, start_response: Any) -> Any:
        fault = next(faults, None)
        if fault == "500":
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
            return [b"hub trouble"]
        if fault == "timeout":
            time.sleep(1.5)  # longer than the client's timeout below; the hub never sees it
            start_response("504 Gateway Timeout", [])
            return [b""]
        if fault == "429":
            start_response("429 Too Many Requests", [("Retry-After", "7")])
            return [b"slow down"]
        return app(environ, start_response)

    live_hub.wrap = flaky
    sleeps: list[float] = []
    code = upload(
        kiosk.settings, kiosk.store, kiosk.events,
        sender=sender(kiosk, live_hub.url, tries=5, timeout=0.5, sleep=sleeps.append),
        now=START + timedelta(days=1), synced=True,
    )  # fmt: skip
    assert code == 0
    assert hub_visits(hub_db, "k-000001") == 7
    assert len(sleeps) == 3 and sleeps[2] >= 7  # backed off each time, honouring Retry-After
    kiosk.close()


def test_the_answer_lost_after_the_hub_stored_the_batch(
    live_hub: LiveHub, hub_db: Hub, tmp_path: Path
) -> None:
    kiosk = make_kiosk(tmp_path, hub_url=live_hub.url)
    enroll_kiosks(hub_db, kiosk)
    kiosk.count_day(START, visits=5)
    lost = {"first": True}

    def lose_answer(app: Any, environ: Any, start_response: Any) -> Any:
        body = b"".join(app(environ, lambda *a, **k: None))  # the hub stores the batch
        if lost.pop("first", False):
            start_response("502 Bad Gateway", [])  # ... and the kiosk never hears so
            return [b""]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    live_hub.wrap = lose_answer
    assert night(kiosk, START, live_hub.url) == 0
    assert live_hub.batches == 2
    assert hub_visits(hub_db, "k-000001") == 5
    assert hub_db.query("SELECT count(*) FROM batch")[0][0] == 1
    kiosk.close()


def test_a_tampered_body_is_refused_and_raises_the_alarm(
    live_hub: LiveHub, hub_db: Hub, tmp_path: Path
) -> None:
    kiosk = make_kiosk(tmp_path, hub_url=live_hub.url)
    enroll_kiosks(hub_db, kiosk)
    kiosk.count_day(START, visits=5)
    kiosk.count_day(START + timedelta(days=1), visits=6)
    upload(kiosk.settings, kiosk.store, kiosk.events, send=False,
           now=START + timedelta(days=2), synced=True)  # fmt: skip
    first = outbox.waiting(kiosk.store)[0]
    tampered = first.body.replace(b'"sessions_started":5', b'"sessions_started":50')
    assert tampered != first.body
    with kiosk.store.write() as db:
        db.execute("UPDATE outbox SET body = ? WHERE seq = ?", [tampered.decode(), first.seq])
    assert night(kiosk, START + timedelta(days=1), live_hub.url) == 3
    state = UploadPart(kiosk.store, live_hub.url).state()
    assert state.alarm is not None and "401" in state.alarm and state.waiting == 1
    assert any(e.level == "error" for e in kiosk.events.recent(20))
    # Stopped: the batch after it waits too, nothing reached the hub's counts.
    assert hub_visits(hub_db, "k-000001") == 0 and live_hub.batches == 1
    kiosk.close()


def test_an_unknown_kiosk_is_refused_with_an_alarm(
    live_hub: LiveHub, hub_db: Hub, tmp_path: Path
) -> None:
    kiosk = make_kiosk(tmp_path, "k-000777", hub_url=live_hub.url)
    kiosk.count_day(START, visits=3)
    assert night(kiosk, START, live_hub.url) == 3
    alarm = UploadPart(kiosk.store, live_hub.url).state().alarm
    assert alarm is not None and "403" in alarm and "unknown kiosk" in alarm
    assert hub_db.query("SELECT count(*) FROM batch")[0][0] == 0
    kiosk.close()


def test_a_batch_replayed_under_another_kiosks_id_is_refused(
    live_hub: LiveHub, hub_db: Hub, tmp_path: Path
) -> None:
    a = make_kiosk(tmp_path, "k-000001", hub_url=live_hub.url)
    b = make_kiosk(tmp_path, "k-000002", hub_url=live_hub.url)
    enroll_kiosks(hub_db, a, b)
    a.count_day(START, visits=9)
    assert night(a, START, live_hub.url) == 0
    stored = a.store.db().execute("SELECT body, signature FROM outbox").fetchone()
    import urllib.error
    import urllib.request

    for target, body in (
        ("k-000002", stored[0].encode()),  # as it was, under B's address
        ("k-000002", stored[0].replace("k-000001", "k-000002").encode()),  # edited to match
    ):
        request = urllib.request.Request(
            f"{live_hub.url}/v1/kiosks/{target}/batches", data=body, method="POST",
            headers={"Kiosk-Signature": f"ed25519={stored[1]}",
                     "Content-Type": "application/json"},
        )  # fmt: skip
        try:
            urllib.request.urlopen(request, timeout=5)
            raise AssertionError("replay accepted")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401
            assert "signature" in json.loads(exc.read())["reason"]
    assert hub_visits(hub_db, "k-000002") == 0 and hub_visits(hub_db, "k-000001") == 9
    a.close()
    b.close()


def test_kill_9_of_kiosk_upload_midway(live_hub: LiveHub, hub_db: Hub, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    kiosk = make_kiosk(tmp_path, hub_url=live_hub.url)
    enroll_kiosks(hub_db, kiosk)
    total = 0
    for i in range(6):  # six nights without a network: six batches wait
        kiosk.count_day(START + timedelta(days=i), visits=10 + i)
        total += 10 + i
        upload(kiosk.settings, kiosk.store, kiosk.events, send=False,
               now=START + timedelta(days=i + 1), synced=True)  # fmt: skip
    assert len(outbox.waiting(kiosk.store)) == 6
    kiosk.close()

    def slow_after_storing(app: Any, environ: Any, start_response: Any) -> Any:
        body = list(app(environ, start_response))  # stored (and committed) first
        time.sleep(0.4)  # the answer is on its way when the kill comes
        return body

    live_hub.wrap = slow_after_storing
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "k-000001"\ndata_dir = "{tmp_path / "k-000001"}"\n'
        f'[upload]\nhub_url = "{live_hub.url}"\nkey_id = "key-1"\nrequire_time_sync = false\n'
    )
    command = [sys.executable, "-m", "kiosk.cli", "--config", str(config), "upload"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while live_hub.batches < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    stored_before = int(hub_db.query("SELECT count(*) FROM batch")[0][0])
    assert 2 <= stored_before < 6  # killed midway

    live_hub.wrap = None
    again = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stdout + again.stderr
    assert hub_visits(hub_db, "k-000001") == total  # none lost, none twice
    # The second run also closed the days up to today's yesterday: every batch arrived once.
    kiosk_db = sqlite3.connect(tmp_path / "k-000001" / "kiosk.db")
    sent = kiosk_db.execute("SELECT count(*), min(acked_at) FROM outbox").fetchone()
    kiosk_db.close()
    assert sent[0] >= 6 and sent[1] != "", again.stdout
    assert int(hub_db.query("SELECT count(*) FROM batch")[0][0]) == sent[0]
