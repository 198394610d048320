"""Helpers for the self-test's tests: packs on disk, answering through HTTP."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from kiosk.selftest.library import SHIPPED
from kiosk.selftest.packs import sha256_of

OFFICIAL = SHIPPED / "esis-fi-2019.json"


def official_raw() -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    return raw


def lines_of(raw: dict[str, Any]) -> list[str]:
    return [
        raw["question"],
        raw["guiding"],
        *(o["text"] for o in raw["options"]),
        *raw["statements"],
    ]


def write_pack(folder: Path, raw: dict[str, Any], *, rehash: bool = False) -> Path:
    """Write a pack file; ``rehash`` recomputes its hash as an editor would."""
    if rehash:
        raw = {**raw, "sha256": sha256_of(lines_of(raw))}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{raw['id']}.json"
    path.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return path


def answer(client: FlaskClient, answers: Sequence[int | None], pack: str = "esis-fi-2019") -> str:
    """Take the test through HTTP as the page does: the test page, then the answers
    sent once as JSON; returns the result fragment."""
    client.get("/selftest")
    client.get(f"/selftest/{pack}")
    response = send_answers(client, list(answers), pack)
    assert response.status_code == 200
    page: str = response.get_data(as_text=True)
    return page


def send_answers(client: FlaskClient, answers: list[Any], pack: str = "esis-fi-2019") -> Any:
    """The one request the test page makes with the answers (fetch, JSON)."""
    return client.post(f"/selftest/{pack}/answers", json={"answers": answers})
