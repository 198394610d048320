"""Batches on the kiosk: what a closed day holds, the schema, the score windows, atomicity."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.shared import batch
from kiosk.shared.signature import verify
from kiosk.tally import METRICS
from kiosk.upload import outbox
from kiosk.upload.signing import public_b64
from tests.hub_support import FakeKiosk, make_kiosk

HELSINKI = ZoneInfo("Europe/Helsinki")
DAY = datetime(2026, 11, 2, 14, tzinfo=HELSINKI)


@pytest.fixture
def kiosk(tmp_path: Path) -> Iterator[FakeKiosk]:
    made = make_kiosk(tmp_path)
    yield made
    made.close()


def close(kiosk: FakeKiosk, now: datetime) -> list[int]:
    return outbox.close_days(
        kiosk.store, kiosk.tally, kiosk.key, kiosk_id="k-000001", now=now, clock_synced=True
    )


def body_of(kiosk: FakeKiosk, seq: int) -> dict[str, Any]:
    row = kiosk.store.db().execute("SELECT body FROM outbox WHERE seq = ?", [seq]).fetchone()
    loaded: dict[str, Any] = json.loads(row[0])
    return loaded


def busy_day(kiosk: FakeKiosk) -> None:
    """Every metric the tally knows, with several keys where it has keys."""
    t = kiosk.tally
    t.count("sessions_started", n=180, now=DAY)
    t.count("consent_shown", n=40, now=DAY)
    t.count("consent_declined", n=12, now=DAY)
    t.count("tests_incomplete", n=3, now=DAY)
    t.count("staff_calls", n=4, now=DAY)
    for item in range(1, 11):
        t.count("abandoned", f"{item}:timeout", now=DAY)
        t.count("abandoned", f"{item}:exit", now=DAY)
    for lang in ("fi", "sv", "en"):
        t.count("ui_language", lang, n=20, now=DAY)
    for toggle in ("large_text", "high_contrast"):
        t.count("accessibility", toggle, n=5, now=DAY)
    for i in range(60):
        t.count("activity_views", f"a-{i:016x}", n=3, now=DAY)
        t.count("activity_prints", f"a-{i:016x}", n=1, now=DAY)
    for outcome in ("ok", "paper_out", "cover_open", "offline", "other"):
        t.count("printer", outcome, now=DAY)
    for _ in range(25):
        t.complete_test("esis-fi-2019", 33, now=DAY)


def test_every_metric_the_tally_keeps_is_in_the_batch_and_the_schema(kiosk: FakeKiosk) -> None:
    busy_day(kiosk)
    (seq,) = close(kiosk, DAY + timedelta(days=1))
    body = body_of(kiosk, seq)
    assert batch.problems(body) == []
    (day,) = body["ops"]
    assert set(METRICS) <= set(day)  # nothing counted stays behind
    day_schema = batch.schema()["$defs"]["opsDay"]["properties"]
    assert set(day) <= set(day_schema)
    # Every field the schema knows, but corrections: only with counts for a day already sent.
    assert set(body) | {"corrections"} == set(batch.schema()["properties"])
    assert day["sessions_started"] == 180 and day["abandoned"]["7"] == {"timeout": 1, "exit": 1}
    assert body["score_windows"] == [
        {"form": "esis-fi-2019", "period_start": "2026-11-02", "period_end": "2026-11-02",
         "n": 25, "band": [0, 0, 25, 0]}
    ]  # fmt: skip


@pytest.mark.parametrize(
    "where",
    [(), ("software",), ("clock",), ("ops", 0), ("score_windows", 0)],
)
def test_an_extra_field_anywhere_is_refused(kiosk: FakeKiosk, where: tuple[Any, ...]) -> None:
    busy_day(kiosk)
    (seq,) = close(kiosk, DAY + timedelta(days=1))
    body = body_of(kiosk, seq)
    target: Any = body
    for step in where:
        target = target[step]
    target["visitor"] = "x"
    assert any("visitor" in p for p in batch.problems(body))
    with pytest.raises(batch.BatchError):
        batch.canonical(body)


def test_the_body_is_signed_exactly(kiosk: FakeKiosk) -> None:
    kiosk.count_day(DAY, visits=3)
    (seq,) = close(kiosk, DAY + timedelta(days=1))
    row = kiosk.store.db().execute("SELECT body, signature FROM outbox").fetchone()
    assert verify(public_b64(kiosk.key), row[0].encode(), row[1])
    assert not verify(public_b64(kiosk.key), row[0].replace("3", "4").encode(), row[1])
    assert seq == 1


def test_days_with_nothing_are_sent_too_and_no_day_twice(kiosk: FakeKiosk) -> None:
    kiosk.count_day(DAY, visits=2)
    assert close(kiosk, DAY + timedelta(days=4)) == [1]
    body = body_of(kiosk, 1)
    assert [d["date"] for d in body["ops"]] == [
        "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"
    ]  # fmt: skip
    assert body["ops"][1]["sessions_started"] == 0
    assert close(kiosk, DAY + timedelta(days=4)) == []  # already closed
    assert close(kiosk, DAY + timedelta(days=5)) == [2]
    assert [d["date"] for d in body_of(kiosk, 2)["ops"]] == ["2026-11-06"]


def test_a_window_is_released_only_with_k_tests_and_none_after_midnight(
    kiosk: FakeKiosk,
) -> None:
    for _ in range(4):
        kiosk.tally.complete_test("esis-fi-2019", 45, now=DAY)
    close(kiosk, DAY + timedelta(days=1))
    assert body_of(kiosk, 1)["score_windows"] == []  # 4 < k = 5: carried forward
    kiosk.tally.complete_test("esis-fi-2019", 20, now=DAY + timedelta(days=1))
    after_midnight = (DAY + timedelta(days=2)).replace(hour=0, minute=30)
    kiosk.tally.complete_test("esis-fi-2019", 20, now=after_midnight)
    close(kiosk, after_midnight.replace(hour=2))
    # The five tests of closed days leave as one window; the test at 00:30 belongs to
    # a day still open and never joins it: it starts the next window.
    (window,) = body_of(kiosk, 2)["score_windows"]
    assert window["n"] == 5 and window["period_end"] == "2026-11-03"
    assert window["band"] == [0, 1, 0, 4]
    close(kiosk, DAY + timedelta(days=3))
    assert body_of(kiosk, 3)["score_windows"] == []  # 1 < k: carried forward
    assert [(w.period_start, w.n) for w in kiosk.tally.waiting()] == [("2026-11-04", 1)]
    assert kiosk.store.db().execute("SELECT count(*) FROM score_pending").fetchone() == (0,)


def test_an_unofficial_forms_results_never_leave(kiosk: FakeKiosk) -> None:
    for _ in range(8):
        kiosk.tally.complete_test("unofficial:esis-fi-local:0123abcd", 30, now=DAY)
    close(kiosk, DAY + timedelta(days=1))
    assert body_of(kiosk, 1)["score_windows"] == []
    assert body_of(kiosk, 1)["ops"][0]["tests_completed"] == 8  # counted, without scores


def test_a_failure_while_closing_changes_nothing(
    kiosk: FakeKiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(6):
        kiosk.tally.complete_test("esis-fi-2019", 40, now=DAY)

    def broken(*_a: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(outbox, "sign", broken)
    with pytest.raises(OSError):
        close(kiosk, DAY + timedelta(days=1))
    assert outbox.waiting(kiosk.store) == []
    pending = kiosk.store.db().execute("SELECT n FROM score_pending").fetchone()
    assert pending == (6,)  # the window was not released into a batch that never existed
    monkeypatch.undo()
    assert close(kiosk, DAY + timedelta(days=1)) == [1]
