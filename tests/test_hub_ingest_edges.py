"""Receiving a batch at its edges: each refusal's status, code and words, the limits
one step inside and outside, what is stored exactly, and the kiosk's ``hello``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hub.db import Hub
from hub.ingest import MAX_BODY, MAX_DEPTH, Outcome, hello, ingest
from kiosk.shared import answers, batch
from kiosk.shared.signature import sign
from tests.hub_support import FakeKiosk, enroll_kiosks, make_kiosk

NOW = datetime(2026, 10, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
KIOSK = "k-000001"


@pytest.fixture
def kiosk(tmp_path: Path, hub_db: Hub) -> Iterator[FakeKiosk]:
    made = make_kiosk(tmp_path)
    enroll_kiosks(hub_db, made)
    yield made
    made.close()


def day(when: date, **counts: Any) -> dict[str, Any]:
    return {"date": when.isoformat(), "sessions_started": 1, "tests_completed": 0, **counts}


def window(start: str, end: str, n: int = 5, band: list[int] | None = None) -> dict[str, Any]:
    return {
        "form": "esis-fi-2019",
        "period_start": start,
        "period_end": end,
        "n": n,
        "band": band or [1, 1, 2, n - 4],
    }


def a_batch(
    seq: int = 1, days: list[dict[str, Any]] | None = None, **changes: Any
) -> dict[str, Any]:
    body = batch.build(
        kiosk_id=KIOSK,
        seq=seq,
        created_at=NOW - timedelta(hours=1),
        timezone="Europe/Helsinki",
        app_version="1.2.3",
        clock_synced=True,
        days=days if days is not None else [day(TODAY - timedelta(days=seq))],
        windows=[],
    )
    body.update(changes)
    return body


def send(
    hub: Hub,
    kiosk: FakeKiosk,
    body: Any,
    *,
    raw: bytes | None = None,
    to: str = KIOSK,
    sent_at: str = "",
    k: int = 5,
) -> Outcome:
    data = raw if raw is not None else json.dumps(body).encode()
    header = f"ed25519={sign(kiosk.key, data)}"
    return ingest(hub, to, data, header, k=k, now=NOW, sent_at=sent_at)


def change(hub: Hub, sql: str) -> None:
    with hub.transaction() as tx:
        tx.execute(sql)


def refused(outcome: Outcome) -> tuple[int, str, str]:
    return outcome.status, outcome.code, outcome.reason


# --- the answer ---------------------------------------------------------------------------


def test_the_answer_a_kiosk_reads() -> None:
    stored = Outcome(201, "batch 1 stored")
    assert stored.answer(NOW) == {
        "status": 201,
        "reason": "batch 1 stored",
        "hub_time": "2026-10-10T12:00:00+00:00",
    }
    taken = Outcome(409, "r", answers.SEQ_TAKEN, {"next_seq": 4, "reported_through": None})
    assert taken.answer(NOW.replace(microsecond=5)) == {
        "status": 409,
        "reason": "r",
        "code": "seq-taken",
        "next_seq": 4,
        "reported_through": None,
        "hub_time": "2026-10-10T12:00:00+00:00",
    }


# --- who sent it --------------------------------------------------------------------------


def test_an_id_that_was_never_enrolled_or_a_kiosk_that_was_not(
    hub_db: Hub, kiosk: FakeKiosk
) -> None:
    odd = send(hub_db, kiosk, a_batch(), to="k-1\x00")
    assert refused(odd) == (403, "unknown-kiosk", "unknown kiosk 'k-1\\x00': enroll it first")
    other = send(hub_db, kiosk, a_batch(), to="k-000002")
    assert refused(other) == (403, "unknown-kiosk", "unknown kiosk k-000002: enroll it first")
    assert hub_db.query("SELECT count(*) FROM upload_refusal") == [(0,)]


def test_a_retired_kiosk(hub_db: Hub, kiosk: FakeKiosk) -> None:
    change(hub_db, "UPDATE kiosk SET status = 'retired'")
    assert refused(send(hub_db, kiosk, a_batch())) == (
        403,
        "kiosk-retired",
        "kiosk k-000001 is retired at the hub",
    )


def test_a_retired_key_says_since_when(hub_db: Hub, kiosk: FakeKiosk) -> None:
    change(hub_db, "UPDATE kiosk_key SET active = 0, retired_at = '2026-09-30T08:00:00+00:00'")
    assert refused(send(hub_db, kiosk, a_batch())) == (
        401,
        "key-retired",
        "key key-1 of kiosk k-000001 was retired at the hub on 2026-09-30: enroll this card's key",
    )
    change(hub_db, "UPDATE kiosk_key SET retired_at = ''")
    assert send(hub_db, kiosk, a_batch()).reason == (
        "key key-1 of kiosk k-000001 was retired at the hub: enroll this card's key"
    )


@pytest.mark.parametrize("header", ["", "ed25519=", "ed25519=AAAA", "ED25519=*", "rsa=*"])
def test_a_signature_that_does_not_match(hub_db: Hub, kiosk: FakeKiosk, header: str) -> None:
    data = json.dumps(a_batch()).encode()
    header = header.replace("*", sign(kiosk.key, data))
    outcome = ingest(hub_db, KIOSK, data, header, now=NOW)
    assert refused(outcome) == (
        401,
        "unknown-key",
        "signature does not match the kiosk's enrolled key: enroll this card's key for k-000001",
    )
    assert hub_db.query("SELECT status, code, batch_seq FROM upload_refusal") == [
        (401, "unknown-key", None)
    ]


def test_an_unreadable_body_is_refused_only_after_its_signature(
    hub_db: Hub, kiosk: FakeKiosk
) -> None:
    assert ingest(hub_db, KIOSK, b"{", "ed25519=AAAA", now=NOW).status == 401
    outcome = send(hub_db, kiosk, None, raw=b"{")
    assert (outcome.status, outcome.code) == (400, "not-json")
    assert outcome.reason.startswith("not JSON: Expecting property name")
    assert refused(send(hub_db, kiosk, None, raw=b"\xff"))[:2] == (400, "not-json")


# --- size and depth -----------------------------------------------------------------------


def test_a_body_of_exactly_the_largest_size_is_taken(hub_db: Hub, kiosk: FakeKiosk) -> None:
    data = json.dumps(a_batch()).encode()
    exactly = data + b" " * (MAX_BODY - len(data))
    assert send(hub_db, kiosk, None, raw=exactly).status == 201
    over = json.dumps(a_batch(2)).encode()
    over += b" " * (MAX_BODY + 1 - len(over))
    assert refused(send(hub_db, kiosk, None, raw=over)) == (
        400,
        "too-large",
        "batch larger than 262144 bytes",
    )


def test_nesting_deeper_than_the_limit(hub_db: Hub, kiosk: FakeKiosk) -> None:
    deep = b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)
    assert refused(send(hub_db, kiosk, None, raw=deep)) == (
        400,
        "not-json",
        "JSON nested deeper than 16 levels",
    )
    allowed = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    assert send(hub_db, kiosk, None, raw=allowed).code == "schema"


# --- what the batch says ------------------------------------------------------------------


def test_schema_problems_are_listed_at_most_five(hub_db: Hub, kiosk: FakeKiosk) -> None:
    outcome = send(hub_db, kiosk, {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7})
    assert refused(outcome) == (
        400,
        "schema",
        "schema: (body): Additional properties are not allowed ('a', 'b', 'c', 'd', 'e', 'f', "
        "'g' were unexpected); (body): 'schema' is a required property; (body): 'kiosk_id' is "
        "a required property; (body): 'batch_seq' is a required property; (body): "
        "'created_at' is a required property",
    )


def test_a_batch_for_another_kiosk_is_refused_with_its_number(
    hub_db: Hub, kiosk: FakeKiosk
) -> None:
    outcome = send(hub_db, kiosk, a_batch(3, kiosk_id="k-000002"))
    assert refused(outcome) == (400, "wrong-kiosk", "batch is for kiosk k-000002, sent as k-000001")
    assert hub_db.query("SELECT batch_seq FROM upload_refusal") == [(3,)]


def test_a_day_may_be_the_hubs_tomorrow_not_the_day_after(hub_db: Hub, kiosk: FakeKiosk) -> None:
    tomorrow = a_batch(1, [day(TODAY + timedelta(days=1))])
    assert send(hub_db, kiosk, tomorrow).status == 201
    later = send(hub_db, kiosk, a_batch(2, [day(TODAY + timedelta(days=2))]))
    assert refused(later) == (
        400,
        "future",
        "day 2026-10-12 is in the future by the hub's clock (2026-10-10)",
    )
    # The kiosk takes such a batch back: the answer says where it stands.
    assert later.extra == {"next_seq": 2, "reported_through": "2026-10-11"}
    late = a_batch(3, [], corrections=[day(TODAY + timedelta(days=2))])
    assert send(hub_db, kiosk, late).code == "future"


def test_a_day_twice_in_one_batch(hub_db: Hub, kiosk: FakeKiosk) -> None:
    twice = a_batch(1, [day(date(2026, 10, 1)), day(date(2026, 10, 1))])
    assert refused(send(hub_db, kiosk, twice)) == (
        400,
        "schema",
        "a day appears twice in the batch",
    )
    late = a_batch(1, [], corrections=[day(date(2026, 10, 1)), day(date(2026, 10, 1))])
    assert send(hub_db, kiosk, late).reason == "a day appears twice in the batch"
    both = a_batch(1, [day(date(2026, 10, 1))], corrections=[day(date(2026, 10, 1))])
    assert send(hub_db, kiosk, both).status == 201


@pytest.mark.parametrize(
    ("w", "reason"),
    [
        (
            window("2026-10-01", "2026-10-02", 5, [1, 1, 1, 1]),
            "window 2026-10-01: bands do not sum to n",
        ),
        (
            window("2026-10-01", "2026-10-02", 4, [1, 1, 1, 1]),
            "window 2026-10-01: n = 4 is under k = 5",
        ),
        (
            window("2026-10-03", "2026-10-02"),
            "window 2026-10-03..2026-10-02: dates out of order or in the future",
        ),
        (
            window("2026-10-10", "2026-10-12"),
            "window 2026-10-10..2026-10-12: dates out of order or in the future",
        ),
    ],
)
def test_window_refusals(hub_db: Hub, kiosk: FakeKiosk, w: dict[str, Any], reason: str) -> None:
    assert refused(send(hub_db, kiosk, a_batch(score_windows=[w]))) == (400, "window", reason)


def test_window_edges_that_are_taken(hub_db: Hub, kiosk: FakeKiosk) -> None:
    one_day = window("2026-10-02", "2026-10-02")
    tomorrow = window("2026-10-03", "2026-10-11", 6)
    assert send(hub_db, kiosk, a_batch(score_windows=[tomorrow, one_day])).status == 201
    assert hub_db.query(
        "SELECT period_start, period_end, n, b0, b1, b2, b3, batch_seq "
        "FROM score_window ORDER BY period_start"
    ) == [
        ("2026-10-02", "2026-10-02", 5, 1, 1, 2, 1, 1),
        ("2026-10-03", "2026-10-11", 6, 1, 1, 2, 2, 1),
    ]


def test_a_larger_k_is_asked_of_windows(hub_db: Hub, kiosk: FakeKiosk) -> None:
    w = window("2026-10-01", "2026-10-02", 6)
    assert send(hub_db, kiosk, a_batch(score_windows=[w]), k=7).reason == (
        "window 2026-10-01: n = 6 is under k = 7"
    )
    assert send(hub_db, kiosk, a_batch(score_windows=[w]), k=6).status == 201


def test_windows_of_one_form_may_not_overlap_in_a_batch(hub_db: Hub, kiosk: FakeKiosk) -> None:
    touching = [window("2026-10-01", "2026-10-03"), window("2026-10-03", "2026-10-04")]
    assert refused(send(hub_db, kiosk, a_batch(score_windows=touching))) == (
        400,
        "window",
        "windows of esis-fi-2019 overlap in the batch",
    )
    other_form = {**window("2026-10-02", "2026-10-04"), "form": "esis-sv-2019"}
    after = [window("2026-10-01", "2026-10-03"), window("2026-10-04", "2026-10-05"), other_form]
    assert send(hub_db, kiosk, a_batch(score_windows=after)).status == 201


# --- stored once, exactly -------------------------------------------------------------------


def test_what_is_stored_of_a_batch(hub_db: Hub, kiosk: FakeKiosk) -> None:
    counts = day(
        date(2026, 10, 1),
        sessions_started=3,
        staff_calls=0,
        tests_completed=2,
        ui_language={"fi": 2, "sv": 1},
        printer={"ok": 0, "paper_out": 1},
        abandoned={"3": {"timeout": 1, "exit": 0}},
    )
    outcome = send(hub_db, kiosk, a_batch(1, [counts]), sent_at="2026-10-10T12:01:30+00:00")
    assert (outcome.status, outcome.reason, outcome.code) == (201, "batch 1 stored", "")
    assert hub_db.query(
        "SELECT date, metric, key, value, batch_seq FROM ops_daily ORDER BY metric, key"
    ) == [
        ("2026-10-01", "abandoned", "3:timeout", 1, 1),
        ("2026-10-01", "printer", "paper_out", 1, 1),
        ("2026-10-01", "sessions_started", "", 3, 1),
        ("2026-10-01", "tests_completed", "", 2, 1),
        ("2026-10-01", "ui_language", "fi", 2, 1),
        ("2026-10-01", "ui_language", "sv", 1, 1),
    ]
    assert hub_db.query(
        "SELECT batch_seq, created_at, received_at, skew_s, clock_synced, "
        "app_version, key_id FROM batch"
    ) == [(1, "2026-10-10T11:00:00+00:00", "2026-10-10T12:00:00+00:00", 90, 1, "1.2.3", "key-1")]
    assert hub_db.query("SELECT date, batch_seq FROM ops_day") == [("2026-10-01", 1)]


@pytest.mark.parametrize(
    ("sent_at", "skew"),
    [("", None), ("2026-10-10T12:00:00", None), ("nyt", None), ("2026-10-10T11:59:00Z", -60)],
)
def test_the_clock_skew_only_from_a_time_with_its_zone(
    hub_db: Hub, kiosk: FakeKiosk, sent_at: str, skew: int | None
) -> None:
    send(hub_db, kiosk, a_batch(clock={"synced": False}), sent_at=sent_at)
    assert hub_db.query("SELECT skew_s, clock_synced FROM batch") == [(skew, 0)]


def test_the_same_batch_again_and_another_body_with_its_number(
    hub_db: Hub, kiosk: FakeKiosk
) -> None:
    first = a_batch(1)
    assert send(hub_db, kiosk, first).status == 201
    assert refused(send(hub_db, kiosk, first)) == (200, "", "batch 1 already stored")
    other = send(hub_db, kiosk, a_batch(1, [day(date(2026, 10, 2))]))
    assert refused(other) == (
        409,
        "seq-taken",
        "batch 1 was stored with another body (another card's?)",
    )
    assert other.extra == {"next_seq": 2, "reported_through": "2026-10-09"}


def test_a_day_reported_in_another_batch(hub_db: Hub, kiosk: FakeKiosk) -> None:
    assert send(hub_db, kiosk, a_batch(1, [day(date(2026, 10, 1))])).status == 201
    again = send(hub_db, kiosk, a_batch(2, [day(date(2026, 10, 2)), day(date(2026, 10, 1))]))
    assert refused(again) == (
        409,
        "day-reported",
        "day 2026-10-01 was already reported in another batch",
    )
    assert hub_db.query("SELECT count(*) FROM batch") == [(1,)]


def test_a_window_overlapping_a_stored_one_names_it(hub_db: Hub, kiosk: FakeKiosk) -> None:
    stored = window("2026-10-01", "2026-10-03")
    assert send(hub_db, kiosk, a_batch(1, score_windows=[stored])).status == 201
    touching = window("2026-10-03", "2026-10-05")
    assert refused(send(hub_db, kiosk, a_batch(2, score_windows=[touching]))) == (
        409,
        "window",
        "window 2026-10-03..2026-10-05 overlaps one from 2026-10-01",
    )
    before = window("2026-09-28", "2026-10-01")
    assert send(hub_db, kiosk, a_batch(3, score_windows=[before])).status == 409
    after = window("2026-10-04", "2026-10-05")
    assert send(hub_db, kiosk, a_batch(4, score_windows=[after])).status == 201


def test_corrections_add_to_a_stored_day_and_are_a_missing_day(
    hub_db: Hub, kiosk: FakeKiosk
) -> None:
    assert (
        send(hub_db, kiosk, a_batch(1, [day(date(2026, 10, 1), sessions_started=2)])).status == 201
    )
    late = a_batch(
        2,
        [],
        corrections=[
            day(date(2026, 10, 1), sessions_started=5),
            day(date(2026, 9, 30), sessions_started=7),
        ],
    )
    assert send(hub_db, kiosk, late).status == 201
    assert hub_db.query(
        "SELECT date, value, batch_seq FROM ops_correction WHERE metric = 'sessions_started'"
    ) == [("2026-10-01", 5, 2)]
    assert hub_db.query(
        "SELECT date, value, batch_seq FROM ops_daily WHERE metric = "
        "'sessions_started' ORDER BY date"
    ) == [("2026-09-30", 7, 2), ("2026-10-01", 2, 1)]
    assert hub_db.query("SELECT date, batch_seq FROM ops_day ORDER BY date") == [
        ("2026-09-30", 2),
        ("2026-10-01", 1),
    ]


def test_a_refusal_is_kept_with_its_batch_number(hub_db: Hub, kiosk: FakeKiosk) -> None:
    send(hub_db, kiosk, a_batch(4, [day(TODAY + timedelta(days=3))]))
    assert hub_db.query("SELECT received_at, status, code, batch_seq FROM upload_refusal") == [
        ("2026-10-10T12:00:00+00:00", 400, "future", 4)
    ]


# --- hello ----------------------------------------------------------------------------------


def say_hello(hub: Hub, kiosk: FakeKiosk, body: bytes, to: str = KIOSK) -> Outcome:
    return hello(hub, to, body, f"ed25519={sign(kiosk.key, body)}", NOW)


def test_hello_says_where_the_kiosk_stands(hub_db: Hub, kiosk: FakeKiosk) -> None:
    body = json.dumps({"kiosk_id": KIOSK}).encode()
    assert say_hello(hub_db, kiosk, body) == Outcome(
        200, "hello", extra={"next_seq": 1, "reported_through": None}
    )
    send(hub_db, kiosk, a_batch(3, [day(date(2026, 10, 2)), day(date(2026, 10, 4))]))
    assert say_hello(hub_db, kiosk, body).extra == {"next_seq": 4, "reported_through": "2026-10-04"}


@pytest.mark.parametrize("body", [b'{"kiosk_id": "k-000002"}', b"[]", b"{", b"\xff"])
def test_hello_from_someone_else_or_in_no_json(hub_db: Hub, kiosk: FakeKiosk, body: bytes) -> None:
    assert refused(say_hello(hub_db, kiosk, body)) == (
        400,
        "wrong-kiosk",
        "hello is not from kiosk k-000001",
    )
    assert hub_db.query("SELECT status, code, batch_seq FROM upload_refusal") == [
        (400, "wrong-kiosk", None)
    ]


def test_hello_with_a_bad_signature(hub_db: Hub, kiosk: FakeKiosk) -> None:
    outcome = hello(hub_db, KIOSK, b'{"kiosk_id": "k-000001"}', "ed25519=AAAA", NOW)
    assert (outcome.status, outcome.code) == (401, "unknown-key")


def test_a_long_unknown_id_is_cut_in_the_answer(hub_db: Hub, kiosk: FakeKiosk) -> None:
    odd = "k-" + "9" * 60
    assert send(hub_db, kiosk, a_batch(), to=odd).reason == (
        f"unknown kiosk {odd[:40]!r}: enroll it first"
    )


def test_every_refusal_of_a_batch_is_logged_with_its_number(hub_db: Hub, kiosk: FakeKiosk) -> None:
    d1, d2 = day(date(2026, 10, 1)), day(date(2026, 10, 2))
    assert (
        send(
            hub_db, kiosk, a_batch(1, [d1], score_windows=[window("2026-10-01", "2026-10-03")])
        ).status
        == 201
    )
    bad = {
        2: a_batch(2, [d2, d2]),
        3: a_batch(3, [d2], score_windows=[window("2026-10-05", "2026-10-06", 5, [1, 1, 1, 1])]),
        4: a_batch(4, [d2], score_windows=[window("2026-10-05", "2026-10-06", 4, [1, 1, 1, 1])]),
        5: a_batch(5, [d2], score_windows=[window("2026-10-06", "2026-10-05")]),
        6: a_batch(
            6,
            [d2],
            score_windows=[window("2026-10-05", "2026-10-06"), window("2026-10-06", "2026-10-07")],
        ),
        7: a_batch(7, [d1]),
        8: a_batch(8, [d2], score_windows=[window("2026-10-03", "2026-10-04")]),
        1: a_batch(1, [d2]),
    }
    for body in bad.values():
        assert send(hub_db, kiosk, body).status in (400, 409)
    logged = hub_db.query("SELECT batch_seq, code FROM upload_refusal ORDER BY batch_seq")
    assert logged == [
        (1, "seq-taken"),
        (2, "schema"),
        (3, "window"),
        (4, "window"),
        (5, "window"),
        (6, "window"),
        (7, "day-reported"),
        (8, "window"),
    ]


def test_a_batch_with_days_and_corrections_of_days_the_hub_lacks(
    hub_db: Hub, kiosk: FakeKiosk
) -> None:
    late = a_batch(1, [day(date(2026, 10, 2))], corrections=[day(date(2026, 10, 1))])
    assert send(hub_db, kiosk, late).status == 201
    assert hub_db.query("SELECT date FROM ops_day ORDER BY date") == [
        ("2026-10-01",),
        ("2026-10-02",),
    ]


def test_a_batch_of_corrections_only(hub_db: Hub, kiosk: FakeKiosk) -> None:
    assert send(hub_db, kiosk, a_batch(1, [day(date(2026, 10, 1))])).status == 201
    only_late = a_batch(2, [], corrections=[day(date(2026, 10, 1), sessions_started=3)])
    assert send(hub_db, kiosk, only_late).status == 201
    assert send(hub_db, kiosk, a_batch(3, [])).status == 201
    assert hub_db.query(
        "SELECT date, value FROM ops_correction WHERE metric = 'sessions_started'"
    ) == [("2026-10-01", 3)]


def test_without_a_time_given_the_hub_clock_in_utc_is_used(hub_db: Hub, kiosk: FakeKiosk) -> None:
    data = json.dumps(a_batch()).encode()
    assert ingest(hub_db, KIOSK, data, f"ed25519={sign(kiosk.key, data)}").status == 201
    ((received,),) = hub_db.query("SELECT received_at FROM batch")
    assert received.endswith("+00:00")


def test_hello_from_a_kiosk_the_hub_does_not_know(hub_db: Hub, kiosk: FakeKiosk) -> None:
    body = json.dumps({"kiosk_id": "k-000009"}).encode()
    assert refused(say_hello(hub_db, kiosk, body, to="k-000009")) == (
        403,
        "unknown-kiosk",
        "unknown kiosk k-000009: enroll it first",
    )
