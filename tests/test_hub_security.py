"""The hub on the internet: redirects, sign-in throttling, cookies, CSV cells, hostile bodies."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from hub import report, throttle
from hub.app import HubConfig, create_app
from hub.cli import main as hub_main
from hub.db import Hub
from hub.enroll import enroll
from hub.export import export_csv
from hub.ingest import MAX_BODY
from hub.safety import FORMULA_START, safe_next, spreadsheet_cell
from hub.users import add_user
from kiosk.shared.signature import sign
from tests.hub_support import FakeClock, FakeKiosk, make_kiosk

PASSWORD = "pitkä salasana 1"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(hub_db: Hub, tmp_path: Path, clock: FakeClock) -> Flask:
    made = create_app(HubConfig(tmp_path / "hub-data", clock=clock), db=hub_db)
    made.config["WTF_CSRF_ENABLED"] = False
    add_user(hub_db, "koordinaattori", PASSWORD, "coordinator")
    return made


def attempt(app: Flask, name: str, password: str, address: str = "203.0.113.7") -> int:
    client = app.test_client()
    answer = client.post("/login", data={"name": name, "password": password},
                         environ_base={"REMOTE_ADDR": address})  # fmt: skip
    return answer.status_code


# --- redirects after signing in -------------------------------------------------------
def browser_follows(location: str) -> str:
    """The host a browser goes to for a Location header sent by https://hub.example/login."""
    cleaned = location.translate({9: None, 10: None, 13: None}).replace("\\", "/")
    return urlsplit(urljoin("https://hub.example/login", cleaned)).netloc


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/\t/evil.example/phish", "/"),
        ("//evil.example/phish", "/"),
        ("/\\evil.example", "/"),
        ("\\\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        (" //evil.example", "/"),
        ("/\n/evil.example", "/"),
        ("/regions/Etelä-Savo?days=30", "/regions/Etel%C3%A4-Savo?days=30"),
        ("/kiosks/k-000001", "/kiosks/k-000001"),
        ("", "/"),
    ],
)
def test_after_signing_in_only_paths_of_this_site(target: str, expected: str) -> None:
    assert safe_next(target) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_next_leads_off_the_site_or_breaks_the_header(target: str) -> None:
    location = safe_next(target)
    assert browser_follows(location) == "hub.example"
    assert location.isascii() and location.isprintable() and " " not in location


def test_the_login_redirect_stays_on_site_and_never_fails(app: Flask) -> None:
    client = app.test_client()
    for next_ in ("/%09/evil.example/phish", "/%0A/evil.example", "%0d%0aSet-Cookie:x=1"):
        answer = client.post(f"/login?next={next_}",
                             data={"name": "koordinaattori", "password": PASSWORD})  # fmt: skip
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/"
    answer = app.test_client().get("/regions/X%0AY?days=7")
    assert answer.status_code == 302 and "\n" not in answer.headers["Location"]


# --- sign-in throttling ----------------------------------------------------------------
def test_failed_sign_ins_slow_down_then_lock_out_and_the_lock_is_logged(
    app: Flask, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(throttle.BY_NAME.free):
        assert attempt(app, "koordinaattori", "arvaus") == 401
    client = app.test_client()
    refused = client.post("/login", data={"name": "koordinaattori", "password": PASSWORD})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Try again in 1 minute" in refused.get_data(as_text=True)
    clock.advance(60)
    failures = throttle.BY_NAME.free
    with caplog.at_level(logging.WARNING, logger="hub.signin"):
        while not throttle.BY_NAME.locks(failures):
            assert attempt(app, "koordinaattori", "arvaus") == 401
            failures += 1
            assert "locked out" not in caplog.text or throttle.BY_NAME.locks(failures)
            clock.advance(throttle.BY_NAME.wait(failures))
        clock.advance(-throttle.BY_NAME.wait(failures))
    assert "sign-in locked out for name 'koordinaattori'" in caplog.text
    assert attempt(app, "koordinaattori", PASSWORD) == 429  # the right password waits too
    clock.advance(3600)
    assert attempt(app, "koordinaattori", PASSWORD) == 302
    assert attempt(app, "koordinaattori", "arvaus") == 401  # a success starts afresh


def test_a_lock_out_survives_a_restart_and_unlock_user_lifts_it(tmp_path: Path) -> None:
    clock = FakeClock()
    data = tmp_path / "hub-data"
    data.mkdir()
    hub = Hub(path=data / "hub.db")
    add_user(hub, "koordinaattori", PASSWORD, "coordinator")
    first = create_app(HubConfig(data, clock=clock), db=hub)
    first.config["WTF_CSRF_ENABLED"] = False
    for _ in range(throttle.BY_NAME.free):
        assert attempt(first, "koordinaattori", "arvaus") == 401
    hub.close()
    again = Hub(path=data / "hub.db")
    restarted = create_app(HubConfig(data, clock=clock), db=again)
    restarted.config["WTF_CSRF_ENABLED"] = False
    assert attempt(restarted, "koordinaattori", PASSWORD) == 429
    assert hub_main(["--data-dir", str(data), "unlock-user", "koordinaattori"]) == 0
    assert attempt(restarted, "koordinaattori", PASSWORD) == 302
    again.close()


def attacker_day(app: Flask, clock: FakeClock, *, rotate: str) -> int:
    """Guesses in 24 hours by an attacker who tries again the moment the hub lets them:
    one name from many addresses (``rotate="address"``) or many names from one."""
    start, guesses, i = clock(), 0, 0
    while (clock() - start).total_seconds() < 86400:
        i += 1
        name = "koordinaattori" if rotate == "address" else f"name-{i}"
        address = f"198.51.100.{i % 250}" if rotate == "address" else "203.0.113.7"
        client = app.test_client()
        answer = client.post("/login", data={"name": name, "password": f"guess {i}"},
                             environ_base={"REMOTE_ADDR": address})  # fmt: skip
        if answer.status_code == 429:
            clock.advance(int(answer.headers["Retry-After"]))
        else:
            assert answer.status_code == 401
            guesses += 1
    return guesses


def test_guesses_a_day_for_one_name_and_for_one_address(app: Flask, clock: FakeClock) -> None:
    assert attacker_day(app, clock, rotate="address") == throttle.attempts_within(
        throttle.BY_NAME, 86400
    )
    clock.advance(2 * 86400)
    assert attacker_day(app, clock, rotate="name") == throttle.attempts_within(
        throttle.BY_ADDRESS, 86400
    )


def test_addresses_count_by_ipv6_64_and_without_ipv4_mapping() -> None:
    assert throttle.address_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert throttle.address_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert throttle.address_key("::ffff:203.0.113.7") == "203.0.113.7"
    assert throttle.address_key(None) == "unknown"


# --- cookies and proxies -----------------------------------------------------------------
def session_cookie(answer: object) -> str:
    cookies = [v for k, v in answer.headers.items() if k == "Set-Cookie"]  # type: ignore[attr-defined]
    found = [c for c in cookies if c.startswith("session=")]
    assert found, cookies
    return str(found[0])


def test_cookies_are_secure_and_hsts_is_sent_over_https(app: Flask) -> None:
    data = {"name": "koordinaattori", "password": PASSWORD}
    plain = app.test_client().post("/login", data=data)
    assert "Secure" not in session_cookie(plain)
    assert "Strict-Transport-Security" not in plain.headers
    tls = app.test_client().post("/login", data=data, base_url="https://hub.example")
    assert "; Secure" in session_cookie(tls) and "HttpOnly" in session_cookie(tls)
    assert tls.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_forwarded_headers_count_only_from_trusted_proxies(
    hub_db: Hub, tmp_path: Path, clock: FakeClock
) -> None:
    add_user(hub_db, "koordinaattori", PASSWORD, "coordinator")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.44"}
    for proxies, secure in ((0, False), (1, True)):
        config = HubConfig(tmp_path / "hub-data", trusted_proxies=proxies, clock=clock)
        app = create_app(config, db=hub_db)
        app.config["WTF_CSRF_ENABLED"] = False
        answer = app.test_client().post(
            "/login", data={"name": "koordinaattori", "password": PASSWORD}, headers=forwarded
        )
        assert ("; Secure" in session_cookie(answer)) is secure
        assert ("Strict-Transport-Security" in answer.headers) is secure
    # Behind the proxy, failures count against the address the proxy names.
    for i in range(throttle.BY_ADDRESS.free):
        wrong = {"name": f"guess-{i}", "password": "y"}
        assert app.test_client().post("/login", data=wrong, headers=forwarded).status_code == 401
    refused = app.test_client().post(
        "/login", data={"name": "koordinaattori", "password": PASSWORD}, headers=forwarded
    )
    assert refused.status_code == 429
    other = {**forwarded, "X-Forwarded-For": "192.0.2.45"}
    answer = app.test_client().post(
        "/login", data={"name": "koordinaattori", "password": PASSWORD}, headers=other
    )
    assert answer.status_code == 302


def test_a_bad_proxy_setting_is_refused_with_its_name(tmp_path: Path) -> None:
    from hub.config import ConfigError

    with pytest.raises(ConfigError, match="KIOSK_HUB_TRUSTED_PROXIES='many'"):
        HubConfig.from_env(str(tmp_path), {"KIOSK_HUB_TRUSTED_PROXIES": "many"})
    assert HubConfig.from_env(str(tmp_path), {"KIOSK_HUB_TRUSTED_PROXIES": "1"}).trusted_proxies


# --- spreadsheets ----------------------------------------------------------------------
@pytest.mark.parametrize("start", FORMULA_START)
def test_cells_that_would_run_as_formulas_are_text(start: str) -> None:
    assert spreadsheet_cell(start + 'HYPERLINK("http://evil.example")') == (
        "'" + start + 'HYPERLINK("http://evil.example")'
    )
    assert spreadsheet_cell("Etelä-Savo") == "Etelä-Savo" and spreadsheet_cell(-1) == -1


@pytest.fixture
def kiosk(tmp_path: Path, hub_db: Hub) -> Iterator[FakeKiosk]:
    made = make_kiosk(tmp_path)
    entry = made.enrollment('=HYPERLINK("http://evil.example","Etelä")')
    enroll(hub_db, [entry])
    yield made
    made.close()


def signed_post(app: Flask, kiosk: FakeKiosk, body: bytes) -> tuple[int, str]:
    answer = app.test_client().post(
        "/v1/kiosks/k-000001/batches",
        data=body,
        headers={"Kiosk-Signature": f"ed25519={sign(kiosk.key, body)}"},
    )
    return answer.status_code, answer.get_json()["reason"]


def test_a_region_named_like_a_formula_is_exported_as_text(
    app: Flask, kiosk: FakeKiosk, hub_db: Hub, clock: FakeClock
) -> None:
    from tests.test_hub import a_batch

    body = json.dumps(a_batch(1, clock().date()), sort_keys=True).encode()
    assert signed_post(app, kiosk, body)[0] == 201
    data = export_csv(hub_db, clock().date(), clock().date(), "region", raw=True, now=clock())
    line = data.decode("utf-8-sig").splitlines()[1]
    assert line.split(";")[1].startswith("\"'=HYPERLINK(")


# --- hostile bodies ----------------------------------------------------------------------
def test_a_signed_body_nested_a_thousand_deep_is_a_400(app: Flask, kiosk: FakeKiosk) -> None:
    for deep in (b"[" * 1000 + b"]" * 1000, b'{"a":' * 1000 + b"1" + b"}" * 1000):
        status, reason = signed_post(app, kiosk, deep)
        assert status == 400 and "nested deeper" in reason


def test_a_body_too_large_is_a_400_the_kiosk_raises_an_alarm_for(
    app: Flask, kiosk: FakeKiosk
) -> None:
    status, reason = signed_post(app, kiosk, b" " * (MAX_BODY + 1))
    assert status == 400 and "larger than" in reason
    status, reason = signed_post(app, kiosk, b" " * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert status == 400 and "too large" in reason


def test_an_unexpected_error_is_a_plain_500_page_without_a_traceback(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("secret detail from deep inside")

    monkeypatch.setattr(report, "fleet", broken)
    client = app.test_client()
    client.post("/login", data={"name": "koordinaattori", "password": PASSWORD})
    with caplog.at_level(logging.ERROR, logger="hub"):
        answer = client.get("/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "Something went wrong" in page
    assert "Traceback" not in page and "secret detail" not in page
    assert "secret detail" in caplog.text  # the log has it, for the maintainer


def test_unknown_pages_and_methods_get_the_hubs_error_page(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/no/such/page").status_code == 404
    answer = client.put("/login")
    assert answer.status_code == 405 and "POST" in answer.headers["Allow"]
    answer = client.get("/v1/kiosks/k-000001/batches")
    assert answer.status_code == 405 and answer.get_json()["status"] == 405


def test_names_with_control_characters_are_a_wrong_password_on_every_database(
    app: Flask, hub_db: Hub
) -> None:
    for name in ("koordinaattori\x00", "\x00", "a\nb", "x" * 5000):
        assert attempt(app, name, PASSWORD) == 401
    with pytest.raises(ValueError, match="printable"):
        add_user(hub_db, "uusi\x00", PASSWORD)


def test_every_hub_setting_is_documented_with_its_default() -> None:
    from hub.config import SETTINGS

    guide = Path("docs/upload-and-hub.md").read_text(encoding="utf-8")
    for name, default, _ in SETTINGS:
        assert f"| `{name}` | {f'`{default}`' if default else '(none)'} |" in guide, name


def test_a_kiosk_id_with_control_characters_is_unknown_on_every_database(app: Flask) -> None:
    for kiosk_id in ("%00", "k-00000%00", "k-%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5%D9%A6"):
        answer = app.test_client().post(f"/v1/kiosks/{kiosk_id}/batches", data=b"{}")
        assert answer.status_code == 403 and "unknown kiosk" in answer.get_json()["reason"]
