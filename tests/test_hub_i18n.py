"""The dashboard in Finnish, Swedish and English: every page renders in each language
with no English left where a translation exists, chosen by the browser or the switch."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

from hub.i18n import FOLDER
from tests.hub_support import sign_in
from tests.test_hub_views import DAY, Fleet, window

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def english(lang: str) -> tuple[set[str], set[str]]:
    """The catalogue's English texts whose translation differs: whole texts, and the
    fixed parts (12 characters or more) of those with placeholders."""
    with (FOLDER / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    whole: set[str] = set()
    parts: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in map(str, ids):
            if text in strings:
                continue  # the same in both languages ("Region", "Kiosk")
            if PLACEHOLDER.search(text):
                parts |= {p.strip() for p in PLACEHOLDER.split(text) if len(p.strip()) >= 12}
            else:
                whole.add(text)
    return whole, parts


class Texts(HTMLParser):
    """The words of a page a person reads: text, and labels given to assistive technology."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.found.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.found.append(" ".join(data.split()))


def untranslated(html: str, lang: str) -> list[str]:
    whole, parts = english(lang)
    parser = Texts()
    parser.feed(html)
    out = []
    for text in parser.found:
        long = (w for w in whole if len(w) >= 12)
        if text in whole or any(w in text for w in long) or any(p in text for p in parts):
            out.append(text)
    return out


@pytest.fixture
def fleet(hub_db: object, tmp_path: Path) -> Iterator[Fleet]:
    made = Fleet(hub_db, tmp_path)  # type: ignore[arg-type]
    for i in range(1, 7):
        made.add(f"k-00000{i}", "Etelä-Savo" if i <= 3 else "Pohjois-Karjala")
    for i in range(1, 7):
        made.send(f"k-00000{i}", DAY, visits=3 * i, prints=i, tests=2,
                  windows=[window(6, (1, 2, 2, 1))])  # fmt: skip
    made.seq["k-000002"] += 1  # a missing batch: the gap alarm
    made.send("k-000002", DAY + timedelta(days=1), visits=1)
    made.clock.advance(days=40)  # the days and the month published; every kiosk silent
    yield made
    made.close()


PAGES = (
    "/",
    "/kiosks/k-000002",
    "/kiosks/k-000002?raw=1",
    "/regions/Etelä-Savo",
    "/all",
    "/all?days=365",
    "/kiosks/k-999999",  # the error page
    "/export.csv?from=x&to=y",  # an error with the hub's own words
)


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_page_is_in_the_language_with_nothing_left_in_english(
    fleet: Fleet, lang: str
) -> None:
    client = sign_in(fleet.app, fleet.hub)
    client.get(f"/language/{lang}")
    seen = 0
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        assert f'<html lang="{lang}">' in html, path
        assert untranslated(html, lang) == [], path
        seen += len(html)
    chart = json.loads(re.findall(r'id="series">(.*?)</script>', client.get("/all").text)[0])
    assert chart["labels"]["visits"] == {"fi": "Käynnit", "sv": "Besök"}[lang]  # the legend
    signed_out = fleet.app.test_client()
    signed_out.get(f"/language/{lang}")
    html = signed_out.get("/login").get_data(as_text=True)
    assert untranslated(html, lang) == [] and f'lang="{lang}"' in html
    wrong = signed_out.post("/login", data={"name": "x", "password": "y"})
    assert untranslated(wrong.get_data(as_text=True), lang) == []


def test_the_check_finds_english_left_on_a_page(fleet: Fleet) -> None:
    client = sign_in(fleet.app, fleet.hub)
    english_page = client.get("/kiosks/k-000002").get_data(as_text=True)
    found = untranslated(english_page, "fi")
    assert "Counts per day" in found and "2 batches missing" not in found  # plural: parts
    assert any("silent for" in t for t in found) is False  # "silent for %(num)d day" is short
    assert "Last upload (UTC)" in found


def test_the_browsers_language_is_used_until_the_switch_says_otherwise(fleet: Fleet) -> None:
    client: FlaskClient = sign_in(fleet.app, fleet.hub)
    assert "Kioskit" in client.get("/", headers={"Accept-Language": "fi-FI,fi;q=0.9"}).text
    assert "Kiosker" in client.get("/", headers={"Accept-Language": "sv-FI, en;q=0.5"}).text
    assert "<h1>Fleet</h1>" in client.get("/", headers={"Accept-Language": "de"}).text
    switched = client.get("/language/sv?next=/all", headers={"Accept-Language": "fi"})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/all")
    assert "Hela nätverket" in client.get("/all", headers={"Accept-Language": "fi"}).text
    assert client.get("/language/de").status_code == 404
    away = client.get("/language/fi?next=https://evil.example/")
    assert "evil.example" not in away.headers["Location"]


def test_the_language_picked_before_signing_in_stays_after(fleet: Fleet) -> None:
    from hub.users import add_user

    add_user(fleet.hub, "anna", "pitkä salasana 1", "viewer")
    fleet.app.config["WTF_CSRF_ENABLED"] = False
    client = fleet.app.test_client()
    client.get("/language/fi")
    assert "Kirjaudu sisään" in client.get("/login").text
    client.post("/login", data={"name": "anna", "password": "pitkä salasana 1"})
    page = client.get("/").text
    assert "Kirjaudu ulos (anna, katselija)" in page and "hiljaa 40 päivää" in page
    client.post("/logout")
    assert "Kirjaudu sisään" in client.get("/login").text


def test_kiosks_are_answered_in_english_whatever_they_send(fleet: Fleet) -> None:
    answer = fleet.app.test_client().post(
        "/v1/kiosks/k-000001/batches", data=b"{", headers={"Accept-Language": "fi"}
    )
    assert answer.status_code == 401 and answer.get_json()["reason"].isascii()
    too_big = fleet.app.test_client().post(
        "/v1/kiosks/k-000001/hello", data=b"x" * 5000, headers={"Accept-Language": "sv"}
    )
    assert too_big.get_json()["reason"] == "hello larger than 4096 bytes"
