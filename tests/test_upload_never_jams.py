"""Uploads that never jam: values checked where they are counted, settings the batch can
carry, and what no batch can carry (or the hub refuses) set aside while later days flow.
What staff read about it on the Health screen is words, never the hub's raw answer."""

from __future__ import annotations

import html
import json
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hub.app import HubConfig, create_app
from hub.db import Hub
from kiosk.cli import main as kiosk_main
from kiosk.context import Services
from kiosk.shared import batch
from kiosk.tally import NOTE, note
from kiosk.upload import outbox
from kiosk.upload.client import read_answer
from kiosk.upload.state import UploadPart
from tests.hub_support import FakeClock, FakeKiosk, LiveHub, enroll_kiosks, make_kiosk
from tests.staff_support import sign_in
from tests.upload_support import FIRST, at, hub_days, hub_total, kiosk_total, night


def nightly(kiosk: FakeKiosk, live: LiveHub, clock: FakeClock, d: int) -> tuple[int, str]:
    real = at(FIRST + timedelta(days=d + 1), 2, 30)
    clock.now = real.astimezone(UTC)
    return night(kiosk, live.url, real)


# --- counted ---------------------------------------------------------------------------------
def test_a_runaway_counter_stops_at_the_limit_and_the_day_still_goes(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, clock = uploading
    for _ in range(3):
        kiosk.tally.count("staff_calls", n=40_000, now=at(FIRST, 12))  # a stuck call button
    kiosk.tally.count("sessions_started", n=7, now=at(FIRST, 12))
    assert kiosk_total(kiosk, "staff_calls") == batch.max_count()
    found = note(kiosk.store)
    assert found is not None and found[1] == "full" and "staff_calls" in found[2]
    code, said = nightly(kiosk, live, clock, 0)
    assert code == 0, said
    assert hub_total(hub_db, "k-000001", "staff_calls") == batch.max_count()
    assert hub_total(hub_db, "k-000001", "sessions_started") == 7


def test_a_key_no_batch_can_carry_is_not_counted_and_says_so(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, clock = uploading
    kiosk.tally.count("activity_views", "not an id!", now=at(FIRST, 12))
    kiosk.tally.count("activity_views", "a-1", n=3, now=at(FIRST, 12))
    for i in range(60):  # one day holds at most 50 languages
        kiosk.tally.count("ui_language", f"l{i}", now=at(FIRST, 12))
    found = note(kiosk.store)
    assert found is not None and found[1] == "refused" and "ui_language" in found[2]
    assert nightly(kiosk, live, clock, 0)[0] == 0
    assert hub_total(hub_db, "k-000001", "activity_views") == 3
    assert hub_total(hub_db, "k-000001", "ui_language") == 50


# --- set aside ---------------------------------------------------------------------------------
def test_a_day_no_batch_can_carry_is_set_aside_and_later_days_flow(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub
) -> None:
    kiosk, live, clock = uploading
    # A database from before the counts were checked: day 0 holds what no batch can carry.
    with kiosk.store.write() as db:
        db.execute(
            "INSERT INTO counters (date, metric, key, value) VALUES (?, 'sessions_started', '', ?)",
            [FIRST.date().isoformat(), 100_001],
        )
    kiosk.tally.count("sessions_started", n=9, now=at(FIRST + timedelta(days=1), 12))
    code, said = nightly(kiosk, live, clock, 1)
    assert code == 3, said
    assert "day 2026-11-02 set aside" in said and "later days go on" in said
    assert hub_days(hub_db, "k-000001") == ["2026-11-03"]
    assert hub_total(hub_db, "k-000001", "sessions_started") == 9
    state = UploadPart(kiosk.store, live.url).state()
    assert state.set_aside == 1 and state.set_aside_reason
    assert "100001 is greater than the maximum" in state.set_aside_reason
    # The next nights go on as usual; the day stays set aside until someone acts.
    kiosk.tally.count("sessions_started", n=4, now=at(FIRST + timedelta(days=2), 12))
    assert nightly(kiosk, live, clock, 2)[0] == 0
    assert hub_total(hub_db, "k-000001", "sessions_started") == 13


def test_a_batch_the_hub_refuses_is_set_aside_and_sent_again_when_asked(
    uploading: tuple[FakeKiosk, LiveHub, FakeClock], hub_db: Hub, tmp_path: Path
) -> None:
    kiosk, live, clock = uploading
    refuse = {"once": True}

    def old_hub(app: Any, environ: Any, start_response: Any) -> Any:
        if refuse.pop("once", False):  # as a hub of another release would answer
            start_response("400 Bad Request", [("Content-Type", "application/json")])
            return [json.dumps({"status": 400, "reason": "schema: (body): unknown field"}).encode()]
        return app(environ, start_response)

    live.wrap = old_hub
    kiosk.count_day(at(FIRST, 12), visits=5)
    code, said = nightly(kiosk, live, clock, 0)
    assert code == 3 and "set aside: batch 1: HTTP 400: schema: (body): unknown field" in said
    kiosk.count_day(at(FIRST + timedelta(days=1), 12), visits=6)
    assert nightly(kiosk, live, clock, 1)[0] == 0  # the next day is not held up
    assert hub_days(hub_db, "k-000001") == ["2026-11-03"]
    state = UploadPart(kiosk.store, live.url).state()
    assert state.set_aside == 1 and state.alarm is None and state.waiting == 0
    # Once the hub is fixed: kiosk upload --retry-set-aside, and the next run sends it.
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndata_dir = "{kiosk.settings.kiosk.data_dir}"\n'
        f'[upload]\nhub_url = "{live.url}"\nrequire_time_sync = false\n'
    )
    assert kiosk_main(["upload", "--retry-set-aside", "--config", str(config)]) == 0
    assert nightly(kiosk, live, clock, 2)[0] == 0
    assert hub_days(hub_db, "k-000001")[:2] == ["2026-11-02", "2026-11-03"]
    assert hub_total(hub_db, "k-000001", "sessions_started") == 11
    assert UploadPart(kiosk.store, live.url).state().set_aside == 0


def test_the_hubs_answers_are_kept_as_words() -> None:
    said = read_answer(409, b'{"status": 409, "reason": "batch 1 was\\nstored", "code": "x"}')
    assert said.reason == "batch 1 was stored" and said.code == "x"
    proxy = read_answer(502, b"<html><body><h1>502 Bad Gateway</h1>\n</body></html>")
    assert proxy.reason == "Bad Gateway (not the hub's answer)" and "<" not in proxy.describe()


def test_the_health_screen_says_in_words_what_is_wrong(
    app: Flask, client: FlaskClient, services: Services
) -> None:
    with services.store.write() as db:
        db.execute(
            "INSERT INTO outbox (seq, body, signature, first_date, last_date, created_at) "
            "VALUES (1, '{}', 'x', '2026-11-01', '2026-11-01', '2026-11-02T02:30:00')"
        )
        db.execute("INSERT INTO meta (key, value) VALUES (?, ?)",
                   [NOTE, f"{services.tally.today()}|full|staff_calls"])  # fmt: skip
    outbox.record_failure(
        services.store, 1, "HTTP 401: key key-1 of kiosk k-000000 was retired at the hub",
        alarm=True, code="key-retired",
    )  # fmt: skip
    sign_in(app, client)
    client.get("/staff/lang/en")
    page = html.unescape(client.get("/staff/health").get_data(as_text=True))
    assert "This card's key has been retired at the hub" in page
    assert "key key-1 of kiosk k-000000 was retired" in page  # for the coordinator
    assert "reached the most one day can hold" in page
    assert '{"' not in page and '"reason"' not in page
    client.get("/staff/lang/fi")
    assert "avain on poistettu käytöstä" in client.get("/staff/health").get_data(as_text=True)


# --- settings the batch can carry -----------------------------------------------------------
def test_every_time_zone_the_kiosk_accepts_can_be_sent() -> None:
    import re

    rule = batch.schema()["properties"]["tz"]
    for zone in zoneinfo.available_timezones():
        assert re.fullmatch(rule["pattern"], zone) and len(zone) <= rule["maxLength"], zone


def test_check_config_refuses_what_the_hub_would_refuse(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    for text, ok, words in (
        ('[kiosk]\ntimezone = "Etc/GMT-2"\n', True, "OK"),
        ('[kiosk]\ntimezone = "Mars/Olympus_Mons"\n', False, "not a time zone"),
        ('[kiosk]\ntimezone = "../../etc/passwd"\n', False, "not a time zone"),
        ('[kiosk]\nid = "k-12"\n', False, "k- and six digits"),
    ):
        config.write_text(text)
        assert kiosk_main(["check-config", str(config)]) == (0 if ok else 1), text
        out = capsys.readouterr()
        assert words in out.out + out.err


def test_a_kiosk_in_etc_gmt_minus_2_sends_its_days(hub_db: Hub, tmp_path: Path) -> None:
    from kiosk.store.db import Store
    from kiosk.tally import Tally

    clock = FakeClock(datetime(2026, 11, 3, 1, tzinfo=UTC))
    live = LiveHub(create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db))
    kiosk = make_kiosk(tmp_path, hub_url=live.url)
    kiosk.settings = kiosk.settings.replace(kiosk={"timezone": "Etc/GMT-2"})
    kiosk.tally = Tally(kiosk.store, "Etc/GMT-2")
    assert isinstance(kiosk.store, Store)
    enroll_kiosks(hub_db, kiosk)
    zone = zoneinfo.ZoneInfo("Etc/GMT-2")
    kiosk.count_day(datetime(2026, 11, 2, 12, tzinfo=zone), visits=3)
    code, said = night(kiosk, live.url, datetime(2026, 11, 3, 2, 30, tzinfo=zone))
    assert code == 0, said
    assert hub_days(hub_db, "k-000001") == ["2026-11-02"]
    kiosk.close()
    live.stop()
