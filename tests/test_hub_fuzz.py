"""Every route of the hub, fed hostile parameters: never a 500."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.app import HubConfig, create_app
from hub.db import Hub
from hub.enroll import enroll
from kiosk.shared.signature import sign
from tests.hub_support import FakeClock, make_kiosk, sign_in

NASTY = [
    "",
    "0",
    "-1",
    "1e309",
    "9" * 5000,
    "2026-02-30",
    "2026-11-01",
    "../../etc/passwd",
    "/%09/evil.example",
    "\x00",
    "\r\nSet-Cookie: x=1",
    "k-000001",
    "Etelä-Savo",
    '=HYPERLINK("x")',
    "ä" * 3000,
]
text = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=40), st.text(min_size=2000, max_size=4000)
)
PARAMS = ("next", "days", "raw", "from", "to", "by", "unit", "name", "password", "csrf_token")


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


bodies = st.one_of(
    st.binary(max_size=300),
    st.integers(1, 3000).map(deep),
    st.integers(900, 5000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
        max_leaves=30,
    ).map(lambda v: json.dumps(v).encode()),
)


def routes(app: Flask) -> list[tuple[str, list[str], str]]:
    found = []
    for rule in app.url_map.iter_rules():
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        found.append((rule.rule, methods, rule.endpoint))
    return found


def fill(rule: str, values: list[str]) -> str:
    out, i = "", 0
    for part in rule.split("<"):
        if ">" in part:
            _, rest = part.split(">", 1)
            out += quote(values[i % len(values)] or "x", safe="") + rest
            i += 1
        else:
            out += part
    return out


def test_every_route_answers_hostile_parameters_without_a_500(hub_db: Hub, tmp_path: Path) -> None:
    clock = FakeClock()
    app = create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db)
    kiosk = make_kiosk(tmp_path)
    enroll(hub_db, [kiosk.enrollment()])
    clients: dict[str, FlaskClient] = {
        "coordinator": sign_in(app, hub_db, "koordinaattori", "coordinator"),
        "viewer": sign_in(app, hub_db, "katsoja", "viewer"),
        "nobody": app.test_client(),
    }
    table = routes(app)
    assert {endpoint for _, _, endpoint in table} >= {
        "api.receive", "ui.login", "ui.logout", "ui.fleet", "ui.kiosk", "ui.region",
        "ui.whole_fleet", "ui.export", "ui.export_json", "ui.language", "ui.chart_js",
        "ui.css", "ui.js",
    }  # fmt: skip
    seen: set[tuple[str, str]] = set()

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        route=st.sampled_from(table),
        who=st.sampled_from(sorted(clients)),
        segments=st.lists(text, min_size=1, max_size=2),
        params=st.dictionaries(st.sampled_from(PARAMS), text, max_size=5),
        body=bodies,
        signed=st.booleans(),
        data=st.data(),
    )
    def check(
        route: tuple[str, list[str], str],
        who: str,
        segments: list[str],
        params: dict[str, str],
        body: bytes,
        signed: bool,
        data: Any,
    ) -> None:
        rule, methods, endpoint = route
        method = data.draw(st.sampled_from([*methods, "PUT"]))
        path = fill(rule, segments)
        if endpoint == "api.receive" and data.draw(st.booleans()):
            path = "/v1/kiosks/k-000001/batches"
        headers = {"Kiosk-Signature": f"ed25519={sign(kiosk.key, body)}"} if signed else {}
        # What can travel in a header at all: latin-1, no line breaks.
        sent_at = data.draw(text).encode("latin-1", "replace").decode("latin-1")
        headers["Kiosk-Sent-At"] = sent_at.replace("\r", " ").replace("\n", " ")
        languages = ["fi", "sv-FI,en;q=0.5", "*", headers["Kiosk-Sent-At"]]
        headers["Accept-Language"] = data.draw(st.sampled_from(languages))
        client = clients[who]
        if endpoint == "ui.login" and data.draw(st.booleans()):
            params.update(name="koordinaattori", password="pitkä salasana 1")
        if method == "POST" and endpoint != "api.receive":
            answer = client.post(path, query_string=params, data=params, headers=headers)
        else:
            answer = client.open(
                path, method=method, query_string=params, data=body, headers=headers
            )
        with answer:
            seen.add((endpoint, method))
            assert answer.status_code < 500, (method, path, params, answer.get_data()[:300])
            if endpoint == "ui.login" and answer.status_code == 429:
                clock.advance(int(answer.headers["Retry-After"]))

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies, signed=st.booleans(), kiosk_id=st.sampled_from(["k-000001", "k-9"]))
    def batches(body: bytes, signed: bool, kiosk_id: str) -> None:
        headers = {"Kiosk-Signature": f"ed25519={sign(kiosk.key, body)}"} if signed else {}
        answer = app.test_client().post(
            f"/v1/kiosks/{kiosk_id}/batches", data=body, headers=headers
        )
        assert answer.status_code < 500, (body[:100], answer.get_json())
        assert answer.status_code >= 400 and answer.get_json()["reason"]

    try:
        check()
        batches()
    finally:
        kiosk.close()
    assert {endpoint for endpoint, _ in seen} >= {"api.receive", "ui.login", "ui.export"}
