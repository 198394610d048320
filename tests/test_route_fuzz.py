"""Every route of the kiosk, asked badly: no 500 anywhere, every error a 4xx page
without a traceback.

The app runs with TESTING on, so an unhandled exception is raised here rather than
turned into a 500 page. Each rule of the url_map is asked with GET and POST, as a
passer-by and as signed-in staff, with control characters, huge values, deep JSON
and odd Host headers: first a fixed sweep over every rule, then random requests.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule

from kiosk.app import create_app
from kiosk.settings import Settings
from kiosk.staff.auth import SESSION_KEY

NASTY = [
    "",
    "/\n",
    "/x\r\nSet-Cookie: x=1",
    "/staff/\x00",
    "/\t/evil.example",
    "\x7f",
    "../../etc/passwd",
    "//evil.example/",
    "/\\evil.example",
    "x" * 20_000,
    "ä€😀\u202e",
    "<script>alert(1)</script>",
    "99999999999999999999",
]
HOSTS = ["localhost", "evil.example", "localhost:abc", "[::1", "\x00", "a" * 300, "localhost:80"]
PARAMS = [
    "next",
    "back",
    "page",
    "when",
    "category",
    "free",
    "lang",
    "job",
    "level",
    "fresh",
    "pin",
]
DEEP_JSON = "[" * 5000 + "]" * 5000
# Good values for the variable parts, so that the nasty parameters reach the views.
GOOD_PARTS = {
    "code": "sv",
    "name": "large_text",
    "activity_id": "demo-002",
    "pack_id": "esis-fi-2019",
    "job_id": "p1-abcdef",
    "filename": "kiosk.css",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    data = tmp_path_factory.mktemp("fuzz") / "data"
    media = data.parent / "media"
    media.mkdir()
    settings = Settings().replace(
        kiosk={"data_dir": str(data)}, catalog={"media_roots": [str(media)]}
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    app.extensions["staff"]["pins"].set_pin("246813")
    yield app
    app.extensions["kiosk"].close()


@pytest.fixture(scope="module")
def clients(app: Flask) -> dict[str, FlaskClient]:
    return {"visitor": app.test_client(), "staff": app.test_client()}


TOKENS: dict[int, str] = {}
# Requests after which the visit's session, and so its form token, is gone.
ENDS_A_VISIT = ("/reset", "/staff/done")


def token(client: FlaskClient) -> str:
    if id(client) not in TOKENS:
        page = client.get("/").get_data(as_text=True)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert found
        TOKENS[id(client)] = found.group(1)
    return TOKENS[id(client)]


def path_for(rule: Rule, value: str | None) -> str:
    """The rule's path with every variable part set to ``value`` (None: a good value)."""

    def part(match: re.Match[str]) -> str:
        name = match.group(1).rsplit(":", 1)[-1]
        chosen = GOOD_PARTS.get(name, "x") if value is None else value
        return quote(chosen, safe="") or "x"

    return re.sub(r"<([^>]+)>", part, rule.rule)


def ask(
    clients: dict[str, FlaskClient],
    who: str,
    method: str,
    path: str,
    *,
    host: str = "localhost",
    query: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    body: str | None = None,
    with_token: bool = True,
) -> None:
    client = clients[who]
    if who == "staff":
        with client.session_transaction() as session:
            session[SESSION_KEY] = time.time()  # signed in, whatever the last request did
    kwargs: dict[str, Any] = {"query_string": query or {}}
    kwargs["environ_overrides"] = {"HTTP_HOST": host}
    if method == "POST":
        if body is not None:
            kwargs["data"] = body
            kwargs["content_type"] = "application/json"
            kwargs["headers"] = {"X-CSRFToken": token(client)} if with_token else {}
        else:
            data = dict(form or {})
            if with_token:
                data["csrf_token"] = token(client)
            kwargs["data"] = data
    response = client.open(path, method=method, **kwargs)
    if path.endswith(ENDS_A_VISIT):
        TOKENS.pop(id(client), None)
    status = response.status_code
    text = response.get_data(as_text=True)
    response.close()
    assert status < 500, f"{method} {path} -> {status}"
    assert "Traceback" not in text and 'File "' not in text
    if status >= 400:
        assert text.strip(), f"{method} {path} -> {status} with an empty body"


def rules(app: Flask) -> list[Rule]:
    return list(app.url_map.iter_rules())


def test_every_rule_survives_the_sweep(app: Flask, clients: dict[str, FlaskClient]) -> None:
    asked = 0
    for rule in rules(app):
        for value in NASTY:
            form = {name: value for name in PARAMS}
            for who in ("visitor", "staff"):
                for method in ("GET", "POST"):
                    ask(clients, who, method, path_for(rule, None), query=form, form=form)
                    asked += 1
            ask(clients, "visitor", "GET", path_for(rule, value))
        for host in HOSTS:
            ask(clients, "visitor", "GET", path_for(rule, "x"), host=host)
        ask(clients, "staff", "POST", path_for(rule, "x"), body=DEEP_JSON)
        ask(clients, "visitor", "POST", path_for(rule, "x"), form={"x": "y" * 70_000})
    assert asked == len(rules(app)) * len(NASTY) * 4


TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=5),
    st.integers().map(str),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rule_index=st.integers(min_value=0, max_value=10_000),
    who=st.sampled_from(["visitor", "staff"]),
    method=st.sampled_from(["GET", "POST"]),
    part=st.none() | TEXT,
    query=st.dictionaries(st.sampled_from(PARAMS) | st.text(max_size=8), TEXT, max_size=4),
    host=st.sampled_from(["localhost", "localhost", *HOSTS]),
    body=st.none()
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=20,
    ).map(json.dumps),
    with_token=st.booleans(),
)
def test_random_requests_to_any_rule(
    app: Flask,
    clients: dict[str, FlaskClient],
    rule_index: int,
    who: str,
    method: str,
    part: str | None,
    query: dict[str, str],
    host: str,
    body: str | None,
    with_token: bool,
) -> None:
    all_rules = rules(app)
    rule = all_rules[rule_index % len(all_rules)]
    ask(
        clients,
        who,
        method,
        path_for(rule, part),
        host=host,
        query=query,
        form=query,
        body=body if method == "POST" else None,
        with_token=with_token,
    )


def test_the_sweep_reaches_the_views(app: Flask, clients: dict[str, FlaskClient]) -> None:
    """Not only refusals: with a token and a good host, the views themselves answer."""
    client = clients["staff"]
    with client.session_transaction() as session:
        session[SESSION_KEY] = time.time()
    assert client.get("/staff/log", query_string={"level": "\x00"}).status_code == 200
    assert client.get("/activities", query_string={"page": "x" * 20_000}).status_code == 200
    answer = client.post("/staff/import/preview", data={"csrf_token": token(client), "path": "\n"})
    assert answer.status_code == 404  # not a listed file: the "gone" page
    assert Path(app.config["DATA_DIR"]).is_dir()
