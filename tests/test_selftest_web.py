"""The self-test's screens through HTTP: consent, statements, result, counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import ConfigError, Settings, load
from tests.selftest_support import answer, official_raw, send_answers, write_pack


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    yield app
    app.extensions["kiosk"].close()


def counts(services: Services) -> dict[str, dict[str, int]]:
    return services.tally.day(services.tally.today())


def test_consent_says_the_promises_and_counts_shown_and_declined(
    client: FlaskClient, services: Services
) -> None:
    client.get("/lang/en")
    page = client.get("/selftest").get_data(as_text=True)
    for words in (
        "voluntary",
        "anonymous",
        "stop at any moment",
        "not saved anywhere",
        "8th-graders",
        "not an assessment",
    ):
        assert words in page
    response = client.post("/selftest/decline")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert counts(services)["consent_shown"] == {"": 1}
    assert counts(services)["consent_declined"] == {"": 1}


def test_statements_page_holds_the_form_in_order_with_progress(client: FlaskClient) -> None:
    page = client.get("/selftest/esis-fi-2019").get_data(as_text=True)
    raw = official_raw()
    positions = [page.index(s) for s in raw["statements"]]
    assert positions == sorted(positions)
    assert raw["question"] in page and raw["guiding"] in page and raw["notice"] in page
    assert "3 / 10" in page
    # Five options per statement, in the official order, each a radio button (not a form
    # field: the page has no form to restore or resubmit).
    step = page[page.index('id="step-1"') : page.index('id="step-2"')]
    radio = r'role="radio" aria-checked="false" data-points="(\d)">([^<]+)</button>'
    options = re.findall(radio, step)
    assert options == [(str(o["points"]), o["text"]) for o in raw["options"]]
    assert "<form" not in page[page.index('id="selftest"') : page.index("</main>")]
    assert 'name="selftest_item"' in page  # the reset learns the statement reached, nothing else
    # The publisher's notice as written, framed, in the form's language.
    assert f'<p class="notice" lang="fi">{raw["notice"]}</p>' in page


def test_completing_counts_one_test_and_its_band_in_the_pending_window(
    client: FlaskClient, services: Services
) -> None:
    page = answer(client, [4] * 10)
    assert '<span class="value">75</span>' in page
    assert counts(services)["tests_completed"] == {"": 1}
    assert [(w.pack, w.n, w.bands) for w in services.tally.waiting()] == [
        ("esis-fi-2019", 1, (0, 0, 0, 1))
    ]
    # The window is held in memory: the database has no trace of the band.
    assert services.store.db().execute("SELECT count(*) FROM score_pending").fetchone() == (0,)
    assert services.tally.released_windows() == []  # n < k: nothing about scores readable


def test_an_unanswered_statement_gives_no_score_and_counts_incomplete(
    client: FlaskClient, services: Services
) -> None:
    page = answer(client, [5, 5, 5, None, 5, 5, 5, 5, 5, 5])
    assert 'class="value"' not in page
    assert counts(services)["tests_incomplete"] == {"": 1}
    assert "tests_completed" not in counts(services)
    assert services.tally.waiting() == []


def test_abandonment_is_counted_by_statement_and_reason_with_the_reset(
    client: FlaskClient, services: Services
) -> None:
    client.get("/selftest/esis-fi-2019")
    client.post("/reset", data={"reason": "timeout", "selftest_item": "4"})
    client.post("/reset", data={"reason": "exit", "selftest_item": "7"})
    client.post("/reset", data={"reason": "timeout"})  # an ordinary idle reset
    client.post("/reset", data={"reason": "exit", "selftest_item": "99"})  # not a statement
    client.post("/reset", data={"reason": "whatever", "selftest_item": "2"})
    assert counts(services)["abandoned"] == {"4:timeout": 1, "7:exit": 1}


def _without_score(page: str) -> str:
    page = re.sub(r'<span class="value">[^<]*</span>', "", page)
    page = re.sub(r"<svg class=\"scale\".*?</svg>", "", page, flags=re.S)
    # Form tokens carry the second they were made: the page's meta tag and the forms'.
    page = re.sub(r'data-total="[^"]*"', "", page)
    return re.sub(r'name="csrf(?:_token" value|-token" content)="[^"]*"', "", page)


def test_result_pages_differ_only_in_the_score_and_its_scale(client: FlaskClient) -> None:
    """Everyone is offered the same words and activities, whatever the score."""
    lowest = answer(client, [1] * 10)
    highest = answer(client, [5] * 10)
    just_under = answer(client, [3] * 9 + [2])
    assert '<span class="value">0</span>' in lowest and 'cx="100.0"' in highest
    assert _without_score(lowest) == _without_score(highest) == _without_score(just_under)
    for page in (lowest, highest):
        assert "75,2" in page  # the population reference (Finnish number format)
        assert "/activities/" in page
        assert 'class="meta when"' in page and 'class="meta place"' in page  # time and place


def test_the_result_can_be_shown_again_without_counting(
    client: FlaskClient, services: Services
) -> None:
    """After a language change the page shows its result again: nothing is counted twice."""
    answer(client, [4] * 10)
    client.get("/lang/en")
    again = client.post("/selftest/esis-fi-2019/shown", json={"total": 40})
    assert again.status_code == 200 and '<span class="value">75</span>' in again.text
    assert "Your result" in again.text
    assert counts(services)["tests_completed"] == {"": 1}
    assert client.post("/selftest/esis-fi-2019/shown", json={"total": 51}).status_code == 400
    assert client.post("/selftest/esis-fi-2019/shown", json={"total": "40"}).status_code == 400


def test_bad_answers_are_refused_and_change_nothing(
    client: FlaskClient, services: Services
) -> None:
    for body in ({"answers": "5555555555"}, {"answers": [3] * 11}, ["x"], None):
        assert client.post("/selftest/esis-fi-2019/answers", json=body).status_code == 400
    deep = "[" * 2000 + "]" * 2000  # small, but nested past what the JSON reader follows
    for url in ("/esis-fi-2019/answers", "/esis-fi-2019/shown", "/stop"):
        sent = client.post(f"/selftest{url}", data=deep, content_type="application/json")
        assert sent.status_code == 400
    assert "tests_completed" not in counts(services)
    assert "tests_incomplete" not in counts(services)
    # A value that is not one of the form's points is an unanswered statement.
    send_answers(client, [3] * 9 + [True])
    send_answers(client, [3] * 9 + [7])
    assert counts(services)["tests_incomplete"] == {"": 2}


def test_stop_counts_the_statement_reached_and_keeps_the_language(
    client: FlaskClient, services: Services
) -> None:
    client.get("/lang/sv")
    client.get("/selftest/esis-fi-2019")
    assert client.post("/selftest/stop", json={"reached": 4}).status_code == 204
    client.post("/selftest/stop", json={"reached": 99})
    client.post("/selftest/stop", json={"reached": "4"})
    assert counts(services)["abandoned"] == {"4:exit": 1}
    assert 'lang="sv"' in client.get("/").text  # the visit goes on in Swedish


def test_a_visitor_whose_language_has_no_pack_is_told_and_can_take_it_in_finnish(
    client: FlaskClient,
) -> None:
    client.get("/lang/sv")
    page = client.get("/selftest").get_data(as_text=True)
    # The form's language is named in the visitor's language, by CLDR.
    assert "Testet finns på de här språken: finska." in page
    assert "Börja testet på finska" in page
    client.get("/lang/en")
    assert "Start the test in Finnish" in client.get("/selftest").text
    assert "Mitä mieltä olet" not in page  # statements only where a pack exists


def test_an_unknown_pack_is_not_found(client: FlaskClient) -> None:
    assert client.get("/selftest/no-such-pack").status_code == 404
    assert client.post("/selftest/no-such-pack/answers", json={"answers": []}).status_code == 404


def test_an_unofficial_pack_says_so_and_is_tallied_apart(tmp_path: Path) -> None:
    raw = official_raw()
    # A home-made Swedish form: the visitor in Swedish is offered it, and only it.
    raw.update(id="esis-sv-local", language="sv", statements=[s + "!" for s in raw["statements"]])
    folder = write_pack(tmp_path / "packs", raw, rehash=True).parent
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")}, selftest={"packs_dir": str(folder)}
    )
    app = create_app(settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    svc: Services = app.extensions["kiosk"]
    try:
        client = app.test_client()
        client.get("/lang/sv")
        # Labelled unofficial on the consent and on every statement, with its own source
        # line; never THL's name or notice.
        consent = client.get("/selftest").text
        test_page = client.get("/selftest/esis-sv-local").text
        assert 'class="unofficial-label"' in consent and 'class="source unofficial"' in consent
        assert "THL" not in consent and "esis-sv-local" in consent
        main = test_page[test_page.index('id="selftest"') :]
        assert 'class="unofficial-label"' in main[: main.index('id="step-1"')]
        assert "THL" not in main and "Terveyden ja hyvinvoinnin" not in main
        assert 'class="source-line"' in main and "esis-sv-local" in main
        page = send_answers(client, [2] * 10, pack="esis-sv-local").text
        assert 'class="unofficial"' in page
        assert raw["notice"] not in page and "THL" not in page
        packs = [w.pack for w in svc.tally.waiting()]
        assert len(packs) == 1 and packs[0].startswith("unofficial:esis-sv-local:")
    finally:
        svc.close()


def test_an_unofficial_pack_shows_its_own_source_line(tmp_path: Path) -> None:
    raw = official_raw()
    raw.update(id="esis-sv-town", language="sv", source="Vasa stads översättning, 2026")
    raw["statements"] = [s + "." for s in raw["statements"]]
    folder = write_pack(tmp_path / "packs", raw, rehash=True).parent
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")}, selftest={"packs_dir": str(folder)}
    )
    app = create_app(settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    try:
        client = app.test_client()
        client.get("/lang/sv")
        for page in (client.get("/selftest").text, client.get("/selftest/esis-sv-town").text):
            assert "Vasa stads översättning, 2026" in page
            assert "Inofficiellt formulär" in page
            assert "THL" not in page[page.index("<main") :]
    finally:
        app.extensions["kiosk"].close()


def test_k_below_three_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text("[selftest]\nk = 2\n")
    with pytest.raises(ConfigError, match="k"):
        load(str(config), environ={}, use_candidates=False)


def test_a_missing_packs_folder_is_logged(tmp_path: Path) -> None:
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")},
        selftest={"packs_dir": str(tmp_path / "nowhere")},
    )
    app = create_app(settings)
    svc: Services = app.extensions["kiosk"]
    try:
        assert any("does not exist" in e.message for e in svc.events.recent(20))
    finally:
        svc.close()


def test_the_result_is_never_cached_and_sets_no_cookie(client: FlaskClient) -> None:
    response = send_answers(client, [3] * 10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    # The visit's signed cookie holds the visit flag and the CSRF token, nothing of the test.
    with client.session_transaction() as visit:
        assert set(visit) <= {"_permanent", "csrf_token", "visit"}
    assert '<span class="value">50</span>' in response.get_data(as_text=True)
