"""Real-shaped feeds (Helsinki and Turku Linked Events, an Outlook export): what a visitor
sees on the activity page and on the slip.

The fixtures in tests/data/feeds are shortened records in the shapes those sources
serve: places embedded, only referenced (``location`` as a bare ``@id``), or missing
with the address in ``location_extra_info``; no ``offers``; Swedish and English
filled with the Finnish text; every event status.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.catalog.apply import apply
from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.model import Activity
from kiosk.catalog.store import Catalog
from kiosk.context import Services
from kiosk.printing.slips import Line, layout_slip
from kiosk.settings import Settings

FEEDS = Path(__file__).parent / "data" / "feeds"
TODAY = date(2026, 9, 1)
NOW = datetime(2026, 10, 1, 9, 0)
LIMITS = Limits.from_settings(Settings())


def read(name: str, today: date = TODAY) -> ParseResult:
    return parse((FEEDS / name).read_bytes(), name=name, source=name, limits=LIMITS, today=today)


def shown(services: Services, result: ParseResult, name: str) -> None:
    """Apply ``result`` and put the screens' clock at NOW."""
    p = apply(services.store, name, result)
    assert p.applied, p.errors
    assert isinstance(services.catalog, Catalog)
    services.catalog.reload()
    services.clock = lambda: NOW


def page(client: FlaskClient, activity_id: str, lang: str = "fi") -> str:
    client.get(f"/lang/{lang}")
    response = client.get(f"/activities/{activity_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def fact(html: str, heading: str) -> str | None:
    """The text under a fact heading of the activity page, tags removed; None when absent."""
    found = re.search(
        r"<dt>.*?<span>" + re.escape(heading) + r"</span></dt>\s*<dd>(.*?)</dd>", html, re.S
    )
    if found is None:
        return None
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def slip(activity: Activity, lang: str = "fi") -> str:
    ops = layout_slip(activity, lang=lang, width_mm=80, meeting_point_name="Akseli", today=NOW)
    return " ".join(op.text for op in ops if isinstance(op, Line))  # wrapped lines rejoined


def by_title(result: ParseResult) -> dict[str, Activity]:
    return {a.title["fi"]: a for a in result.activities}


@pytest.fixture
def turku(services: Services) -> dict[str, Activity]:
    result = read("turku-events.json")
    assert [str(p) for p in result.problems] == []
    shown(services, result, "turku-events.json")
    return by_title(result)


def test_a_place_embedded_with_a_note_beside_it(
    client: FlaskClient, turku: dict[str, Activity]
) -> None:
    sewing = turku["Ompelukahvila"]
    html = page(client, sewing.id)
    assert fact(html, "Missä") == "Pansion kirjasto Pansiontie 45, Turku 2. kerros, askartelutila"
    printed = slip(sewing)
    assert "Paikka: Pansion kirjasto, Pansiontie 45, Turku, 2. kerros, askartelutila" in printed
    # The note's Swedish was the Finnish again: on the Swedish page it is marked Finnish.
    assert '<p lang="fi">2. kerros, askartelutila</p>' in page(client, sewing.id, "sv")


def test_no_location_the_extra_info_is_the_place(
    client: FlaskClient, turku: dict[str, Activity]
) -> None:
    swim = turku["Avantouinti ja saunailta"]
    html = page(client, swim.id)
    assert fact(html, "Missä") == "Blombergin aukio 12, Turku / Kupittaa, Kupittaan maauimala"
    printed = slip(swim)
    assert "Paikka: Blombergin aukio 12, Turku / Kupittaa, Kupittaan maauimala" in printed


def test_no_offers_is_an_unknown_price_never_free(
    client: FlaskClient, turku: dict[str, Activity]
) -> None:
    swim = turku["Avantouinti ja saunailta"]
    assert swim.free is None
    html = page(client, swim.id)
    assert fact(html, "Hinta") == "Kysy järjestäjältä."
    assert "Maksuton" not in html
    assert "Hinta: kysy järjestäjältä" in slip(swim) and "Maksuton" not in slip(swim)
    # Nothing said about languages either: no heading at all, and no line on the slip.
    assert fact(html, "Kielet") is None and "Kielet:" not in slip(swim)
    assert fact(page(client, turku["Lauluhetki"].id), "Kielet") == "suomi, ruotsi"
    # A price that is not free, with no amount: also "ask".
    singing = turku["Lauluhetki"]
    assert singing.free is False
    assert fact(page(client, singing.id), "Hinta") == "Kysy järjestäjältä."
    # A price given is shown as given, in its own language.
    sewing_sv = page(client, turku["Ompelukahvila"].id, "sv")
    assert fact(sewing_sv, "Pris") == "Materialavgift 2 €"


def test_copied_translations_fall_back_to_finnish_marked_finnish(
    client: FlaskClient, turku: dict[str, Activity]
) -> None:
    swim = turku["Avantouinti ja saunailta"]
    assert swim.title == {"fi": "Avantouinti ja saunailta"}
    assert set(swim.description) == {"fi"}
    for lang in ("sv", "en"):
        html = page(client, swim.id, lang)
        assert '<h1 lang="fi">Avantouinti ja saunailta</h1>' in html
        assert '<p class="lead" lang="fi">Tule kokeilemaan avantouintia!' in html
        assert "Avantouinti ja saunailta" in slip(swim, lang)
    # A real translation stays the visitor's language.
    html = page(client, turku["Lauluhetki"].id, "sv")
    assert '<h1 lang="sv">Sångstund</h1>' in html


# --- statuses ----------------------------------------------------------------------


@pytest.fixture
def helsinki(services: Services) -> dict[str, Activity]:
    result = read("helsinki-events.json")
    assert [str(p) for p in result.problems] == []
    shown(services, result, "helsinki-events.json")
    return by_title(result)


@pytest.mark.parametrize(
    ("title", "status", "labels"),
    [
        ("Kävelyryhmä", "rescheduled", ("Uusi aika", "Ny tid", "New time")),
        ("Digineuvonta etänä", "moved-online", ("Siirtynyt verkkoon", "Flyttat till nätet", "Moved online")),  # noqa: E501
        ("Asukasilta", "postponed", ("Siirretty myöhemmäksi", "Uppskjutet", "Postponed")),
    ],
)  # fmt: skip
def test_each_status_has_its_label_on_the_page_and_the_slip(
    client: FlaskClient,
    helsinki: dict[str, Activity],
    title: str,
    status: str,
    labels: tuple[str, str, str],
) -> None:
    activity = helsinki[title]
    assert activity.status == status
    for lang, label in zip(("fi", "sv", "en"), labels, strict=True):
        assert f'<span class="badge changed">{label}</span>' in page(client, activity.id, lang)
        assert label.upper() in slip(activity, lang)


def test_a_postponed_event_offers_no_time_but_stays_listed(
    client: FlaskClient, helsinki: dict[str, Activity]
) -> None:
    evening = helsinki["Asukasilta"]
    assert evening.occurrences == () and evening.valid_until == date(2026, 10, 20)
    html = page(client, evening.id)
    assert "Uusi aika ei ole vielä tiedossa." in html and "Seuraavat ajat" not in html
    assert "Uusi aika ei ole vielä tiedossa" in slip(evening)
    client.get("/lang/fi")
    listed = client.get("/activities").get_data(as_text=True)
    week = client.get("/activities?when=week").get_data(as_text=True)
    assert "Asukasilta" in listed and "Asukasilta" not in week
    rescheduled = helsinki["Kävelyryhmä"]
    assert rescheduled.occurrences[0].start == datetime(2026, 10, 13, 12)


def test_cancelled_is_skipped_and_said_so() -> None:
    result = read("helsinki-events.json")
    assert [str(s) for s in result.skipped] == [
        "helsinki-events.json, event 'helsinki:agq4x7c8pe': cancelled"
    ]


# --- places only referenced, in a file: no network, a warning --------------------------


def test_references_in_a_file_warn_and_the_page_says_ask(
    client: FlaskClient, helsinki: dict[str, Activity]
) -> None:
    result = read("helsinki-events.json")
    warnings = [str(w) for w in result.warnings]
    assert warnings[0].startswith(
        "helsinki-events.json: 4 activities name their place only by reference (location @id) "
        "and were imported without a place: add include=location to the feed address"
    )
    assert warnings[1].startswith("helsinki-events.json: 4 of 4 activities have no place")
    circle = helsinki["Lukupiiri"]  # has a web page: the QR code is the way to the place
    assert fact(page(client, circle.id), "Missä") == (
        "Paikkaa ei ole kerrottu tässä. Katso verkkosivu (QR-koodi) tai kysy henkilökunnalta."
    )
    assert "Paikka: katso verkkosivu tai kysy henkilökunnalta" in slip(circle)
    walk = helsinki["Kävelyryhmä"]  # no web page, a note on where to gather
    assert fact(page(client, walk.id), "Missä") == (
        "Kokoontuminen pääovella Paikkaa ei ole kerrottu tässä. Kysy henkilökunnalta."
    )
    assert "Paikka: Kokoontuminen pääovella, kysy henkilökunnalta" in slip(walk)
    assert fact(page(client, walk.id, "en"), "Where") == (
        "Kokoontuminen pääovella The place is not given here. Ask the staff."
    )


def test_the_dry_run_counts_activities_without_a_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.catalog.import_cli import run
    from kiosk.cli import build_parser
    from kiosk.store.db import Store
    from kiosk.store.event_log import EventLog

    store, events = Store(tmp_path / "k.db"), EventLog(tmp_path / "events.jsonl")
    args = build_parser().parse_args(["import", str(FEEDS / "helsinki-events.json"), "--dry-run"])
    assert run(args, Settings(), store, events) == 0
    out = capsys.readouterr().out
    assert "  warning: helsinki-events.json: 4 activities name their place only" in out
    assert "include=location" in out
    assert "Without a place: 4 activities (shown with 'ask the staff')." in out
    args = build_parser().parse_args(["import", str(FEEDS / "helsinki-events.json")])
    assert run(args, Settings(), store, events) == 0
    logged = [e.message for e in events.recent() if e.level == "warning"]
    assert any("include=location" in m for m in logged)
    store.close()
    events.close()


@pytest.fixture
def helsinki_stick(app: Flask, settings: Settings, tmp_path: Path) -> Iterator[Path]:
    stick = Path(settings.catalog.media_roots[0]) / "USB"
    stick.mkdir(parents=True)
    (stick / "tapahtumat.json").write_bytes((FEEDS / "helsinki-events.json").read_bytes())
    yield stick / "tapahtumat.json"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")},
        catalog={"media_roots": [str(tmp_path / "media")]},
    )


def test_the_staff_preview_shows_the_warning_and_the_count(
    app: Flask, client: FlaskClient, helsinki_stick: Path
) -> None:
    from tests.staff_support import sign_in

    token = sign_in(app, client)
    client.get("/staff/lang/en")
    response = client.post(
        "/staff/import/preview", data={"csrf_token": token, "path": str(helsinki_stick)}
    )
    html = response.get_data(as_text=True)
    assert "<h2>Warnings</h2>" in html and "include=location" in html
    assert "<dt>Activities without a place</dt><dd>4</dd>" in html


# --- an Outlook export: no price, no languages, a place from LOCATION -------------------


def test_an_outlook_export_invents_no_price(client: FlaskClient, services: Services) -> None:
    result = read("outlook-export.ics")
    assert [str(p) for p in result.problems] == []
    shown(services, result, "outlook-export.ics")
    room = by_title(result)["Olohuone Akselissa"]
    starts = [o.start for o in room.occurrences]
    assert datetime(2026, 10, 21, 12) in starts  # moved by RECURRENCE-ID
    assert datetime(2026, 10, 20, 10) not in starts and datetime(2026, 11, 3, 10) not in starts
    html = page(client, room.id)
    assert fact(html, "Missä") == "Kohtaamispaikka Akseli Maaherrankatu 26, Mikkeli"
    assert fact(html, "Hinta") == "Kysy järjestäjältä." and "Maksuton" not in html
    assert "Maksuton" not in slip(room)
    info = by_title(result)["Vapaaehtoisten infoilta"]  # LOCATION left empty
    assert fact(page(client, info.id), "Missä") == (
        "Paikkaa ei ole kerrottu tässä. Kysy henkilökunnalta."
    )
