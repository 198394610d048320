"""A kiosk whose card is replaced or re-flashed: a fresh database that remembers nothing it
sent. Its batches number on after the hub's, days the hub has are not counted twice, keys
come and go with commands, and every refusal is kept at the hub and shown in words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hub import refusals, report
from hub.app import HubConfig, create_app
from hub.cli import main as hub_main
from hub.db import Hub
from hub.enroll import enroll, keys
from kiosk.upload.state import UploadPart
from tests.hub_support import FakeClock, FakeKiosk, LiveHub, make_kiosk, sign_in
from tests.upload_support import at, hub_days, hub_total, kiosk_total, night

FIRST = datetime(2026, 11, 2)


@pytest.fixture
def hub(hub_db: Hub, tmp_path: Path) -> Iterator[tuple[LiveHub, FakeClock]]:
    clock = FakeClock(at(FIRST, 8).astimezone(UTC))
    live = LiveHub(create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db))
    yield live, clock
    live.stop()


def day(d: int, hour: int = 12) -> datetime:
    return at(FIRST + timedelta(days=d), hour)


def run(kiosk: FakeKiosk, live: LiveHub, clock: FakeClock, d: int) -> tuple[int, str]:
    """The night after day ``d``."""
    real = at(FIRST + timedelta(days=d + 1), 2, 30)
    clock.now = real.astimezone(UTC)
    return night(kiosk, live.url, real)


def test_a_new_card_numbers_on_and_adds_to_a_day_the_old_one_sent(
    hub: tuple[LiveHub, FakeClock], hub_db: Hub, tmp_path: Path
) -> None:
    live, clock = hub
    old = make_kiosk(tmp_path, hub_url=live.url, card="old", key_id="2026-11-a")
    enroll(hub_db, [old.enrollment()])
    for d in range(3):
        old.count_day(day(d), visits=10)
        assert run(old, live, clock, d)[0] == 0
    old.count_day(day(3, 9), visits=4)  # the morning of day 3; then the card breaks
    new = make_kiosk(tmp_path, hub_url=live.url, card="new", key_id="2026-12-a")
    lines = enroll(hub_db, [new.enrollment()], replace=True)
    assert lines == ["k-000001: key 2026-12-a enrolled; retired 2026-11-a"]
    # The new card counts on day 2 too (its clock was behind for a while), and on day 3.
    new.count_day(day(2, 18), visits=2)
    new.count_day(day(3, 14), visits=6)
    code, said = run(new, live, clock, 3)
    assert code == 0, said
    assert "batches continue from 4" in said and "days through 2026-11-04 are at the hub" in said
    numbers = hub_db.query("SELECT batch_seq, key_id FROM batch ORDER BY batch_seq")
    assert numbers == [(1, "2026-11-a"), (2, "2026-11-a"), (3, "2026-11-a"), (4, "2026-12-a")]
    assert hub_days(hub_db, "k-000001") == [f"2026-11-0{d}" for d in range(2, 6)]
    # Day 2: the old card's 10 and the new card's 2, added once; day 3: the new card's 6
    # (the old card's morning was on the broken card, never sent).
    assert hub_total(hub_db, "k-000001", "sessions_started") == 30 + 2 + 6
    assert hub_db.query("SELECT count(*) FROM upload_refusal") == [(0,)]
    # The old card, were it to come back, is refused with the reason in words.
    old.count_day(day(3, 20), visits=1)
    code, said = run(old, live, clock, 3)
    assert code == 3 and "key 2026-11-a of kiosk k-000001 was retired at the hub" in said
    state = UploadPart(old.store, live.url).state()
    assert state.alarm_code == "key-retired" and "{" not in (state.alarm or "")
    old.close()
    new.close()


def test_the_same_image_written_again_numbers_on_after_the_hub(
    hub: tuple[LiveHub, FakeClock], hub_db: Hub, tmp_path: Path
) -> None:
    """The guide says never to, but an old image written again holds the same key and an
    empty database: the hub says where its numbers and days stand, and nothing is refused."""
    live, clock = hub
    first = make_kiosk(tmp_path, hub_url=live.url)
    enroll(hub_db, [first.enrollment()])
    for d in range(2):
        first.count_day(day(d), visits=5)
        assert run(first, live, clock, d)[0] == 0
    again = make_kiosk(tmp_path, hub_url=live.url, card="again")
    again.key = first.key
    (Path(again.settings.kiosk.data_dir) / "keys" / "kiosk.key").write_bytes(
        (Path(first.settings.kiosk.data_dir) / "keys" / "kiosk.key").read_bytes()
    )
    again.count_day(day(2), visits=7)
    code, said = run(again, live, clock, 2)
    assert code == 0, said
    assert hub_db.query("SELECT max(batch_seq), count(*) FROM batch") == [(3, 3)]
    assert hub_total(hub_db, "k-000001", "sessions_started") == 17
    first.close()
    again.close()


def test_batches_closed_offline_on_a_new_card_are_taken_back_and_numbered_on(
    hub: tuple[LiveHub, FakeClock], hub_db: Hub, tmp_path: Path
) -> None:
    live, clock = hub
    old = make_kiosk(tmp_path, hub_url=live.url, card="old", key_id="a")
    enroll(hub_db, [old.enrollment()])
    for d in range(3):
        old.count_day(day(d), visits=3)
        assert run(old, live, clock, d)[0] == 0
    new = make_kiosk(tmp_path, hub_url=live.url, card="new", key_id="b")
    enroll(hub_db, [new.enrollment()])
    live.down = True  # the new card's first nights: no network
    for d in (2, 3, 4):
        new.count_day(day(d, 20), visits=2)
        assert run(new, live, clock, d)[0] == 2
    live.down = False
    code, said = run(new, live, clock, 5)
    assert code == 0, said
    assert "took back batch(es) 1-3, never sent" in said
    assert [r[0] for r in hub_db.query("SELECT batch_seq FROM batch ORDER BY 1")] == [1, 2, 3, 4]
    assert hub_total(hub_db, "k-000001", "sessions_started") == 9 + 6
    assert hub_total(hub_db, "k-000001", "sessions_started") == kiosk_total(
        old, "sessions_started"
    ) + kiosk_total(new, "sessions_started")
    assert hub_days(hub_db, "k-000001") == [f"2026-11-0{d}" for d in range(2, 8)]
    old.close()
    new.close()


def test_key_commands_and_refusals_a_coordinator_can_read(
    hub: tuple[LiveHub, FakeClock],
    hub_db: Hub,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    live, clock = hub
    kiosk = make_kiosk(tmp_path, hub_url=live.url, key_id="2026-11-a")
    kiosk.count_day(day(0), visits=3)
    code, said = run(kiosk, live, clock, 0)  # not enrolled yet
    assert code == 3 and "unknown kiosk k-000001: enroll it first" in said
    assert refusals.of_kiosk(hub_db, "k-000001") == []  # never enrolled: the log only
    enroll(hub_db, [kiosk.enrollment()])
    clock.advance(60)
    other = make_kiosk(tmp_path, hub_url=live.url, card="spare", key_id="spare")
    code, said = run(other, live, clock, 0)  # a card whose key was never enrolled
    assert code == 3 and "enroll this card's key" in said
    (refused,) = refusals.of_kiosk(hub_db, "k-000001")
    assert refused.code == "unknown-key" and refused.status == 401
    (row,) = report.fleet(hub_db, clock.now)
    assert "upload refused" in row.alerts
    client = sign_in(live.app, hub_db)
    page = client.get("/").get_data(as_text=True)
    assert "upload refused" in page and "enroll this card&#39;s key" in page
    assert "Refused uploads" in client.get("/kiosks/k-000001").get_data(as_text=True)
    clock.advance(60)
    code, _ = night(kiosk, live.url, clock.now.astimezone(kiosk.tally.tz))
    assert code == 0  # stored after the refusal: the mark goes
    assert report.fleet(hub_db, clock.now)[0].alerts == []

    kiosk.close()
    other.close()

    # The same at the command line (SQLite only: the command opens the hub by its data dir).
    if hub_db.postgres:
        return
    data = tmp_path / "cli-hub"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    enrollment = tmp_path / "enrollment.json"
    import json

    enrollment.write_text(json.dumps({"kiosks": [kiosk.enrollment()]}))
    assert hub_main(["--data-dir", str(data), "enroll", str(enrollment)]) == 0
    enrollment.write_text(json.dumps({"kiosks": [other.enrollment()]}))
    assert hub_main(["--data-dir", str(data), "enroll", str(enrollment)]) == 0
    out = capsys.readouterr().out
    assert "still accepted: 2026-11-a" in out and "retire-key k-000001 2026-11-a" in out
    assert hub_main(["--data-dir", str(data), "retire-key", "k-000001", "2026-11-a"]) == 0
    assert "retired 2026-11-a" in capsys.readouterr().out
    assert hub_main(["--data-dir", str(data), "retire-key", "k-000001"]) == 1
    assert "--all" in capsys.readouterr().err
    assert hub_main(["--data-dir", str(data), "keys"]) == 0
    listed = capsys.readouterr().out
    assert "2026-11-a" in listed and "retired" in listed and "spare" in listed
    assert hub_main(["--data-dir", str(data), "replace-key", str(enrollment)]) == 0
    assert hub_main(["--data-dir", str(data), "retire-key", "k-000001", "--all"]) == 0
    cli_hub = Hub(path=data / "hub.db")
    assert [k for k in keys(cli_hub) if k[2]] == []
    cli_hub.close()
    assert hub_main(["--data-dir", str(data), "refusals"]) == 0
    assert "no refused uploads" in capsys.readouterr().out


def test_a_card_made_again_under_the_same_key_id_does_not_push_the_old_key_out(
    hub: tuple[LiveHub, FakeClock], hub_db: Hub, tmp_path: Path
) -> None:
    live, clock = hub
    old = make_kiosk(tmp_path, hub_url=live.url, card="old", key_id="2026-11-a")
    new = make_kiosk(tmp_path, hub_url=live.url, card="new", key_id="2026-11-a")
    enroll(hub_db, [old.enrollment()])
    old.count_day(day(0), visits=2)
    assert run(old, live, clock, 0)[0] == 0
    (line,) = enroll(hub_db, [new.enrollment()])
    assert "the earlier key of that id is now 2026-11-a.old-1" in line
    old.count_day(day(1), visits=3)  # the old card's last night, after the new key came
    assert run(old, live, clock, 1)[0] == 0
    assert hub_db.query("SELECT key_id FROM batch ORDER BY batch_seq") == [
        ("2026-11-a.old-1",),
        ("2026-11-a.old-1",),
    ]
    assert [(k[1], k[2]) for k in keys(hub_db, "k-000001")] == [
        ("2026-11-a", True),
        ("2026-11-a.old-1", True),
    ]
    old.close()
    new.close()
