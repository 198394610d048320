"""The passers-by's screens through the Flask test client."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk.context import Services
from tests.conftest import csrf_token

PUBLIC = [
    "/",
    "/activities",
    "/activities?when=today",
    "/activities?when=week",
    "/activities/demo-001",
    "/selftest",
    "/talk",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_pages_carry_a_strict_csp(client: FlaskClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["Cache-Control"] == "no-store"


def _references(html: str) -> list[str]:
    return re.findall(r'(?:href|src|action|content)="([^"]*)"', html)


@pytest.mark.parametrize("path", PUBLIC)
def test_no_page_refers_to_another_host(client: FlaskClient, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    for ref in _references(html):
        assert not re.match(r"^(https?:)?//", ref), f"{path} refers to {ref}"
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_static_assets_refer_to_no_other_host() -> None:
    static = Path(__file__).resolve().parent.parent / "kiosk" / "static"
    for f in static.rglob("*"):
        if f.suffix in {".css", ".js"}:
            text = f.read_text(encoding="utf-8")
            if "vendor" in f.parts:  # a vendored library's licence banner names its home
                text = re.sub(r"/\*!.*?\*/", "", text, flags=re.S)
            assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text), f
            assert "localStorage" not in text.replace("nothing is kept in localStorage", "")


def test_start_screen_has_the_tiles_and_languages(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for text in (
        "Tekemistä",
        "Nyt",
        "Tänään",
        "7 päivää",
        "Itsetesti",
        "Suomi",
        "Svenska",
        "English",
    ):
        assert text in html


def test_talk_tile_shows_only_when_staff_hours_are_set(
    client: FlaskClient, services: Services
) -> None:
    assert "Haluan jutella" not in client.get("/").get_data(as_text=True)
    services.settings = services.settings.replace(staff={"present_hours": "ma-pe 10-16"})
    assert "Haluan jutella" in client.get("/").get_data(as_text=True)


def test_language_switch_returns_to_where_the_visitor_was(client: FlaskClient) -> None:
    r = client.get("/lang/sv?next=/activities?when=today")
    assert r.status_code == 302 and r.headers["Location"] == "/activities?when=today"
    assert "I dag" in client.get("/activities?when=today").get_data(as_text=True)
    assert client.get("/lang/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/de").status_code == 404


def test_activity_in_visitors_language_with_fallback(
    client: FlaskClient, services: Services
) -> None:
    finnish_only = next(a for a in services.catalog.activities if set(a.title) == {"fi"})  # type: ignore[attr-defined]
    client.get("/lang/sv")
    html = client.get(f"/activities/{finnish_only.id}").get_data(as_text=True)
    assert finnish_only.title["fi"] in html
    assert "Var" in html  # the labels are Swedish


def test_activity_page_has_inline_qr_svg(client: FlaskClient, services: Services) -> None:
    act = next(a for a in services.catalog.activities if a.url)  # type: ignore[attr-defined]
    html = client.get(f"/activities/{act.id}").get_data(as_text=True)
    assert "<svg" in html and 'role="img"' in html
    assert act.url not in re.findall(r'href="([^"]*)"', html)  # a QR, never a link


def test_unknown_activity_is_a_friendly_404(client: FlaskClient) -> None:
    r = client.get("/activities/nope")
    assert r.status_code == 404 and "Alkuun" in r.get_data(as_text=True)


def test_visits_languages_views_and_toggles_are_counted(
    client: FlaskClient, services: Services
) -> None:
    tally = services.tally
    client.get("/")  # the idle start screen is not a visit
    assert "sessions_started" not in tally.day(tally.today())
    client.get("/activities")
    client.get("/activities/demo-002")
    client.get("/lang/en")
    client.get("/lang/en")
    token = csrf_token(client)
    client.post("/toggle/large_text", data={"csrf_token": token, "next": "/"})
    day = tally.day(tally.today())
    assert day["sessions_started"][""] == 1
    assert day["activity_views"]["demo-002"] == 1
    assert day["ui_language"]["en"] == 1
    assert day["accessibility"]["large_text"] == 1


def test_post_without_csrf_token_is_refused(client: FlaskClient) -> None:
    assert client.post("/toggle/large_text").status_code == 400
    assert client.post("/reset").status_code == 400


def test_a_browsers_icon_request_leaves_the_pages_form_token_valid(
    client: FlaskClient,
) -> None:
    """A browser showing /healthz asks for /favicon.ico, without a cookie yet, beside
    the first page's requests: the answer must not start a session (a form token) of
    its own that would replace the page's."""
    assert client.application.test_client().get("/").headers.get("Set-Cookie")
    icon = client.application.test_client().get("/favicon.ico")
    assert icon.status_code == 204 and "Set-Cookie" not in icon.headers


def test_reset_forgets_the_visit(client: FlaskClient, services: Services) -> None:
    client.get("/lang/sv")
    token = csrf_token(client, "/activities")
    r = client.post("/reset", data={"csrf_token": token})
    assert r.headers["Location"] == "/?fresh=1"
    assert '<html lang="fi">' in client.get("/").get_data(as_text=True)
    client.get("/activities")
    assert services.tally.day(services.tally.today())["sessions_started"][""] == 2


def test_toggles_render_as_pressed(client: FlaskClient) -> None:
    token = csrf_token(client)
    client.post("/toggle/high_contrast", data={"csrf_token": token, "next": "/activities"})
    html = client.get("/activities").get_data(as_text=True)
    assert re.search(r'<body class="[^"]*\bhigh-contrast\b', html) and 'aria-pressed="true"' in html


def test_healthz(client: FlaskClient) -> None:
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["version"]
    assert body["catalogue"]["source"] == "demo" and body["catalogue"]["activities"] >= 30
    assert body["printer"]["worker"] is True and body["printer"]["paper_left_percent"] == 100


def test_paper_low_sensor_feeds_the_printer_state(services: Services) -> None:
    queue = services.extra["print_queue"]
    assert queue.printer_state() == "unknown"
    queue.paper_sensor(True)
    assert queue.printer_state() == "paper_near_end"
    queue.paper_sensor(False)
    assert queue.printer_state() == "unknown"


def test_every_message_is_translated() -> None:
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent / "kiosk"
    for po in root.rglob("translations/*/LC_MESSAGES/messages.po"):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        missing = [m.id for m in catalog if m.id and not m.string]
        assert not missing, f"{po}: untranslated {missing[:5]}"


def test_the_start_screen_says_when_the_clock_has_not_been_set(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.web import public

    systemd, flag = tmp_path / "systemd", tmp_path / "synchronized"
    systemd.mkdir()
    monkeypatch.setattr(public, "SYSTEMD_RUNNING", systemd)
    monkeypatch.setattr(public, "TIMESYNC_FLAG", flag)
    notice = "Laitteen kelloa ei ole tarkistettu verkosta"
    assert notice in client.get("/").get_data(as_text=True)
    flag.write_text("")
    assert notice not in client.get("/").get_data(as_text=True)


FRIDAY_NOON = datetime(2026, 11, 27, 11, 50)  # Friday: lunch is on, more starts soon


def text_of(html: str) -> str:
    """What a reader sees: the page without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_kiosks_place_is_on_every_screen(client: FlaskClient, services: Services) -> None:
    services.settings = services.settings.replace(
        kiosk={"name": "Kohtaamispaikka Opastamo", "place": "Kauppakeskus Akseli, 2. kerros"}
    )
    for path in ("/", "/activities", "/activities/demo-001"):
        assert "Kauppakeskus Akseli, 2. kerros" in client.get(path).get_data(as_text=True)


def test_staff_hours_are_written_in_the_visitors_language(
    client: FlaskClient, services: Services
) -> None:
    services.settings = services.settings.replace(staff={"present_hours": "ma-pe 10-16; la 10-14"})
    assert "ma–pe 10.00–16.00, la 10.00–14.00" in text_of(
        client.get("/talk").get_data(as_text=True)
    )
    client.get("/lang/en")
    english = text_of(client.get("/talk").get_data(as_text=True))
    assert "Mon–Fri 10.00–16.00, Sat 10.00–14.00" in english
    assert "ma-pe" not in english
    client.get("/lang/sv")
    assert "mån–fre 10.00–16.00" in text_of(client.get("/talk").get_data(as_text=True))


def test_a_weekly_pattern_reads_as_one_line_with_english_capitals(client: FlaskClient) -> None:
    # demo-004 is lunch every day, 12-13.30; demo-001 Monday to Friday and the weekend.
    page = text_of(client.get("/activities/demo-004").get_data(as_text=True))
    assert "Joka viikko: ma–su 12.00–13.30" in page
    assert "maanantai" not in page
    client.get("/lang/en")
    page = text_of(client.get("/activities/demo-001").get_data(as_text=True))
    assert "Every week: Mon–Fri 10.00–18.00, Sat, Sun 12.00–16.00" in page


def test_today_says_what_is_on_now_and_what_starts_soon(
    client: FlaskClient, services: Services
) -> None:
    services.clock = lambda: FRIDAY_NOON
    client.get("/lang/en")
    today = text_of(client.get("/activities?when=today").get_data(as_text=True))
    assert "On now" in today
    assert "Starts in 10 minutes" in today  # lunch at 12.00
    start = text_of(client.get("/").get_data(as_text=True))
    assert "9.00–15.00 Open living room" in start and "On now" in start


def test_now_lists_only_what_is_on_or_starts_within_the_hour(
    client: FlaskClient, services: Services
) -> None:
    services.clock = lambda: FRIDAY_NOON
    now = client.get("/activities?when=now").get_data(as_text=True)
    today = client.get("/activities?when=today").get_data(as_text=True)
    assert "Ruokajako" in today and "Ruokajako" not in now  # 13.00: over an hour away
    assert "Päivän keitto Pajulassa" in now  # 12.00


def test_an_empty_list_names_the_choices_that_emptied_it(
    client: FlaskClient, services: Services
) -> None:
    services.clock = lambda: FRIDAY_NOON
    client.get("/lang/en")
    html = client.get("/activities?when=now&category=having-a-say&free=1").get_data(as_text=True)
    page = text_of(html)
    assert "Nothing found with these choices: Now, Having a say, Free of charge." in page
    # Each choice can be taken away on its own.
    assert 'href="/activities?category=having-a-say&amp;free=1"' in html
    assert 'href="/activities?when=now&amp;free=1"' in html
    assert 'href="/activities?category=having-a-say&amp;when=now"' in html
