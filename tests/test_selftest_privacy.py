"""Privacy by construction: 200 visits, then no answer or score anywhere it could stay.

The visits go through HTTP against an app whose data directory is on disk
(database, WAL and event log). Then every file there, every response header and
cookie, and every page other than the visitor's own result are searched for the
answer vectors, in every encoding they could take, and for the scores.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings

VISITS = 200


def encodings(vector: list[int]) -> list[bytes]:
    """The ways an answer vector could be written down by code that kept it."""
    digits = [str(a) for a in vector]
    forms = [
        "".join(digits),
        ",".join(digits),
        ", ".join(digits),
        json.dumps(vector),
        "&".join(f"s{i}={a}" for i, a in enumerate(vector, start=1)),
        json.dumps({f"s{i}": str(a) for i, a in enumerate(vector, start=1)}),
    ]
    return [f.encode() for f in forms]


def score_texts(vector: list[int]) -> list[bytes]:
    value = (sum(vector) - 10) * 2.5
    if value != int(value):  # whole numbers turn up everywhere; halves do not
        return [f"{value:.1f}".encode(), f"{value:.1f}".replace(".", ",").encode()]
    return [f"score={int(value)}".encode(), f'"score": {int(value)}'.encode()]


def found_in(blob: bytes, needles: list[bytes]) -> list[bytes]:
    return [n for n in needles if n in blob]


def session_payload(app: Flask, cookie: str) -> bytes:
    """What the signed session cookie carries, as JSON (Flask's own serializer reads it)."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return json.dumps(serializer.loads(cookie)).encode()


@pytest.fixture
def disk_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings().replace(kiosk={"data_dir": str(tmp_path / "data")})
    app = create_app(settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["kiosk"].close()


def test_the_search_finds_a_planted_answer(disk_app: Flask, tmp_path: Path) -> None:
    """The detector itself works: an answer written down is found."""
    vector = [4, 2, 5, 1, 3, 3, 2, 5, 4, 1]
    (tmp_path / "leak.log").write_text(f"answers {vector}\n")
    assert found_in((tmp_path / "leak.log").read_bytes(), encodings(vector))
    serializer = disk_app.session_interface.get_signing_serializer(disk_app)  # type: ignore[attr-defined]
    cookie = serializer.dumps({"answers": vector, "score": 22.5})
    assert found_in(session_payload(disk_app, cookie), encodings(vector))


def test_two_hundred_visits_leave_no_answer_or_score_behind(
    disk_app: Flask, tmp_path: Path
) -> None:
    rng = random.Random(2019)
    client: FlaskClient = disk_app.test_client()
    svc: Services = disk_app.extensions["kiosk"]
    vectors: list[list[int]] = []
    leaks: list[str] = []

    def check_response(response: object, needles: list[bytes], body: bool, what: str) -> None:
        headers = str(response.headers).encode()  # type: ignore[attr-defined]
        for hit in found_in(headers, needles):
            leaks.append(f"{what}: header holds {hit!r}")
        if body:
            for hit in found_in(response.get_data(), needles):  # type: ignore[attr-defined]
                leaks.append(f"{what}: page holds {hit!r}")

    for visit in range(VISITS):
        vector = [rng.randint(1, 5) for _ in range(10)]
        vectors.append(vector)
        needles = encodings(vector)
        client.get("/")
        check_response(client.get("/selftest"), needles, True, "consent")
        check_response(client.get("/selftest/esis-fi-2019"), needles, True, "statements")
        if visit % 10 == 9:  # some leave midway, by Stop or by the idle reset
            reason = "exit" if visit % 20 == 9 else "timeout"
            item = str(rng.randint(1, 10))
            check_response(
                client.post("/reset", data={"reason": reason, "selftest_item": item}),
                needles,
                True,
                "reset",
            )
            continue
        result = client.post("/selftest/esis-fi-2019/answers", json={"answers": vector})
        assert result.status_code == 200
        # The visitor's own result shows the score, never the answers.
        check_response(result, needles, True, "result")
        check_response(result, score_texts(vector), False, "result")
        cookie = client.get_cookie("kiosk_visit")
        assert cookie is not None
        for hit in found_in(session_payload(disk_app, cookie.value), needles + score_texts(vector)):
            leaks.append(f"session cookie holds {hit!r}")
        after = client.post("/reset", data={"reason": "done"})
        check_response(after, needles + score_texts(vector), True, "reset")
        check_response(client.get("/healthz"), needles + score_texts(vector), True, "healthz")

    svc.store.db().execute("PRAGMA wal_checkpoint(PASSIVE)")
    data_dir = Path(disk_app.config["DATA_DIR"])
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files) or any(p.suffix == ".db" for p in files)
    for path in files:
        blob = path.read_bytes()
        for vector in vectors:
            for hit in found_in(blob, encodings(vector) + score_texts(vector)):
                leaks.append(f"{path.relative_to(data_dir)} holds {hit!r}")
    assert not leaks, leaks[:10]

    # What is kept: counters, and the pending window's counts per band.
    completed = svc.tally.day(svc.tally.today())["tests_completed"][""]
    assert completed == VISITS - VISITS // 10
    columns = [r[1] for r in svc.store.db().execute("PRAGMA table_info(score_pending)")]
    assert columns == ["pack", "since", "n", "b0", "b1", "b2", "b3", "last"]
