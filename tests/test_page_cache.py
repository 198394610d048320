"""The public screens' rendered parts, cached for the minute: the same bytes as
rendering afresh, and never stale after an import, a new minute or new settings."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import cli
from kiosk.catalog.store import Catalog
from kiosk.context import Services
from kiosk.web.page_cache import Generation, PageCache

DATA = Path(__file__).parent / "data"
FRIDAY = datetime(2026, 11, 27, 11, 50)
SCREENS = [
    "/",
    "/?fresh=1",
    "/activities",
    "/activities?page=2",
    "/activities?when=now",
    "/activities?when=today",
    "/activities?when=week&category=meeting-places",
    "/activities?when=now&category=having-a-say&free=1",
    "/activities?language=ru",
    "/activities/demo-004",
    "/activities/demo-004?back=/activities?when%3Dtoday",
    "/activities/no-such-activity",
]


@pytest.fixture
def kiosk(app: Flask, services: Services, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The app on a fixed clock, its CSRF tokens not dated by the second (so two
    renderings of one page in one visit can be compared byte for byte)."""
    services.clock = lambda: FRIDAY
    monkeypatch.setattr("itsdangerous.timed.TimestampSigner.get_timestamp", lambda _self: 1)
    yield app


def cache_of(app: Flask) -> PageCache:
    cache = app.extensions["page_cache"]
    assert isinstance(cache, PageCache)
    return cache


def fresh(app: Flask, client: FlaskClient, path: str) -> bytes:
    """The page rendered with nothing cached (a cache that keeps nothing)."""
    kept = cache_of(app)
    app.extensions["page_cache"] = PageCache(limit=0)
    try:
        body: bytes = client.get(path).data
        return body
    finally:
        app.extensions["page_cache"] = kept


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_cached_screen_is_byte_identical_to_one_rendered_afresh(
    kiosk: Flask, client: FlaskClient, lang: str
) -> None:
    client.get(f"/lang/{lang}")
    for path in SCREENS:
        first = client.get(path).data
        hits = cache_of(kiosk).hits
        again = client.get(path)
        assert cache_of(kiosk).hits > hits, f"{path} was not served from the cache"
        assert again.data == first, path
        assert fresh(kiosk, client, path) == first, path


def test_display_toggles_and_language_show_on_a_cached_screen(
    kiosk: Flask, client: FlaskClient
) -> None:
    client.get("/activities")
    client.get("/activities")  # cached now
    token = client.get("/activities").get_data(as_text=True).split('name="csrf-token" content="')
    r = client.post("/toggle/large_text", data={"csrf_token": token[1].split('"')[0]})
    assert r.status_code == 302
    html = client.get("/activities").get_data(as_text=True)
    assert '<body class="public large-text' in html
    assert html.encode() == fresh(kiosk, client, "/activities")
    client.get("/lang/en")
    html = client.get("/activities").get_data(as_text=True)
    assert "Things to do" in html and "Tekemistä" not in html


def test_an_import_shows_at_once_on_cached_screens(
    kiosk: Flask,
    client: FlaskClient,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path in ("/", "/activities", "/activities/demo-001"):
        client.get(path)
        client.get(path)
    assert "Kirjaston aulan" in client.get("/activities").get_data(as_text=True)
    monkeypatch.setenv("KIOSK_KIOSK_DATA_DIR", kiosk.config["DATA_DIR"])
    assert cli.main(["import", str(DATA / "kohtaamispaikka-bom.csv")]) == 0
    capsys.readouterr()
    catalog = kiosk.extensions["kiosk"].catalog
    assert isinstance(catalog, Catalog)
    catalog._checked = 0.0  # as if the few seconds between checks had passed
    listing = client.get("/activities").get_data(as_text=True)
    assert "Olohuone" in listing and "Kirjaston aulan" not in listing
    assert client.get("/activities/demo-001").status_code == 404
    assert "Kirjaston aulan" not in client.get("/").get_data(as_text=True)
    for path in ("/", "/activities", "/activities/demo-001"):
        assert client.get(path).data == fresh(kiosk, client, path)


def test_a_new_minute_renders_anew(kiosk: Flask, client: FlaskClient, services: Services) -> None:
    client.get("/lang/en")
    soon = client.get("/activities?when=today").get_data(as_text=True)
    assert "Starts in 10 minutes" in soon  # lunch at 12.00
    services.clock = lambda: FRIDAY.replace(minute=51)
    later = client.get("/activities?when=today").get_data(as_text=True)
    assert "Starts in 9 minutes" in later and "11.51" in later
    # Within the minute the seconds change nothing: the screens count by the minute.
    services.clock = lambda: FRIDAY.replace(minute=51, second=59)
    assert client.get("/activities?when=today").get_data(as_text=True) == later


def test_new_settings_render_anew(kiosk: Flask, client: FlaskClient, services: Services) -> None:
    assert "Haluan jutella" not in client.get("/").get_data(as_text=True)
    client.get("/")
    services.settings = services.settings.replace(staff={"present_hours": "ma-pe 10-16"})
    assert "Haluan jutella" in client.get("/").get_data(as_text=True)


def test_the_self_test_is_never_cached(kiosk: Flask, client: FlaskClient) -> None:
    cache = cache_of(kiosk)
    client.get("/selftest")
    client.get("/selftest")
    client.get("/talk")
    assert (cache.hits, cache.misses, len(cache)) == (0, 0, 0)


def test_the_cache_keeps_one_minute_of_a_bounded_number_of_parts() -> None:
    cache = PageCache(limit=3)
    catalogue: list[object] = []
    settings = object()
    minute = Generation(catalogue, settings, FRIDAY)
    rendered: list[str] = []

    def render(text: str) -> str:
        rendered.append(text)
        return text

    for key in "abcd":
        assert cache.part(minute, key, functools.partial(render, key)) == key
    assert len(cache) == 3
    assert cache.part(minute, "d", lambda: render("x")) == "d"  # kept
    assert cache.part(minute, "a", lambda: render("a2")) == "a2"  # the oldest went first
    for generation in (
        Generation(catalogue, settings, FRIDAY.replace(minute=51)),
        Generation([], settings, FRIDAY.replace(minute=51)),
        Generation([], object(), FRIDAY.replace(minute=51)),
    ):
        assert cache.part(generation, "d", lambda: render("new")) == "new"
        assert len(cache) == 1
    assert rendered == ["a", "b", "c", "d", "a2", "new", "new", "new"]
