"""A staff visit on the 7" screen with touch: long press, lock-out, restock, test print, log."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.context import Services
from tests.browser.conftest import SCREENSHOTS, LiveKiosk, axe_violations, make_live, new_page

pytestmark = pytest.mark.browser
PIN = "246813"


def seed_usage(svc: Services) -> None:
    """Two weeks of made-up counts, so the charts have something to draw."""
    today = svc.tally.today()
    for days_ago in range(14):
        now = datetime.combine(today - timedelta(days=days_ago), time(12), tzinfo=svc.tally.tz)
        svc.tally.count("sessions_started", n=10 + (days_ago * 7) % 13, now=now)
        svc.tally.count("activity_views", "demo-001", n=6 + days_ago % 5, now=now)
        svc.tally.count("activity_prints", "demo-002", n=days_ago % 4, now=now)
        svc.tally.count("tests_completed", n=days_ago % 3, now=now)


def hold(page: Any, selector: str, ms: int) -> None:
    """Touch and hold an element (Chromium's touch events, as a finger would)."""
    box = page.locator(selector).bounding_box()
    point = {"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [point]})
    page.wait_for_timeout(ms)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def enter_pin(page: Any, pin: str) -> None:
    for digit in pin:
        page.get_by_role("button", name=digit, exact=True).tap()
    with page.expect_navigation():
        page.get_by_role("button", name="OK").tap()


def small_targets(page: Any) -> list[str]:
    found: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('main a, main button, header a, header button')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([t, r]) => r.width < 60 || r.height < 60)
            .map(([t, r]) => t + ' ' + Math.round(r.width) + 'x' + Math.round(r.height))"""
    )
    return found


@pytest.fixture
def staff_kiosk(tmp_path: Path) -> Any:
    kiosk: LiveKiosk = make_live(tmp_path, staff={"lock_seconds": 3})
    kiosk.app.extensions["staff"]["pins"].set_pin(PIN)
    seed_usage(kiosk.app.extensions["kiosk"])
    yield kiosk
    kiosk.stop()


def test_staff_visit(browser: Any, staff_kiosk: LiveKiosk) -> None:
    url = staff_kiosk.url
    page = new_page(browser, locale="en-GB")
    page.goto(url + "/lang/en")
    page.wait_for_selector("html[lang=en]")

    # A short touch on the corner does nothing; a long one opens the PIN pad.
    hold(page, ".staff-corner", 300)
    page.wait_for_timeout(500)
    assert page.url == url + "/"
    hold(page, ".staff-corner", 3300)
    page.wait_for_url(re.compile(r"/staff/pin$"))
    assert axe_violations(page) == [], "PIN pad"
    assert small_targets(page) == []
    assert page.evaluate(
        "[...document.querySelectorAll('.pin-pad button')]"
        ".every(b => b.getBoundingClientRect().bottom <= window.innerHeight)"
    ), "every key of the pad is on the 800x480 screen"

    # Five wrong PINs lock the pad; the right PIN does not open it while locked.
    for _ in range(5):
        enter_pin(page, "0000")
    alert = page.get_by_role("alert")
    assert "locked" in alert.inner_text()
    assert page.get_by_role("button", name="OK").is_disabled()
    # The pad opens again by itself when the lock ends.
    page.get_by_role("button", name="OK").wait_for(state="visible", timeout=8000)
    page.wait_for_function(
        "() => !document.querySelector('.pin-pad button[type=submit]').disabled", timeout=8000
    )
    enter_pin(page, PIN)
    page.wait_for_url(re.compile(r"/staff/health$"))
    assert axe_violations(page) == [], "Health"
    assert small_targets(page) == []

    # Paper restocked, then a test print followed to its end.
    page.get_by_role("button", name="Paper restocked").tap()
    page.wait_for_url(re.compile(r"restocked=1"))
    page.get_by_role("button", name="Test print").tap()
    page.wait_for_url(re.compile(r"job="))
    page.get_by_text("The test slip was printed.").wait_for(timeout=8000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "staff-health.png"), full_page=True)

    page.get_by_role("link", name="Usage").tap()
    page.wait_for_url(re.compile(r"/staff/usage$"))
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('visits-chart'))"
        " && Chart.getChart(document.getElementById('actions-chart'))"
    )
    assert axe_violations(page) == [], "Usage"
    page.screenshot(path=str(SCREENSHOTS / "staff-usage.png"), full_page=True)

    page.get_by_role("link", name="Log").tap()
    page.wait_for_url(re.compile(r"/staff/log$"))
    log = page.locator("table.log").inner_text()
    for text in ("PIN pad locked", "signed in", "paper restocked", "test slip requested"):
        assert text in log, text
    page.get_by_role("link", name="Warning").tap()
    page.wait_for_url(re.compile(r"level=warning"))
    assert "PIN pad locked" in page.locator("table.log").inner_text()
    assert "paper restocked" not in page.locator("table.log").inner_text()
    assert axe_violations(page) == [], "Log"

    page.get_by_role("link", name="Import from USB").tap()
    page.wait_for_url(re.compile(r"/staff/import$"))
    assert axe_violations(page) == [], "Import"

    # Done: back to the passers-by's start screen, in the default language.
    page.get_by_role("button", name="Done").tap()
    page.wait_for_selector("html[lang=fi]")
    assert page.url.startswith(url + "/")
    page.goto(url + "/staff/health")
    page.wait_for_url(re.compile(r"/staff/pin$"))


def test_staff_visit_ends_when_idle(browser: Any, tmp_path: Path) -> None:
    kiosk = make_live(tmp_path)
    try:
        kiosk.app.extensions["staff"]["pins"].set_pin(PIN)
        page = new_page(browser, locale="en-GB")
        page.goto(kiosk.url + "/staff/pin")
        # The idle time is cut short on this page only (the setting's minimum is a minute).
        enter_pin(page, PIN)
        page.wait_for_url(re.compile(r"/staff/health$"))
        page.evaluate("document.body.dataset.staffIdleSeconds = '1'")
        page.evaluate("window.dispatchEvent(new Event('keydown'))")  # restart the timer
        page.wait_for_url(re.compile(r"/\?fresh=1$|/$"), timeout=8000)
        page.goto(kiosk.url + "/staff/health")
        page.wait_for_url(re.compile(r"/staff/pin$"))
    finally:
        kiosk.stop()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_axe_on_staff_screens_in_finnish_and_swedish(
    browser: Any, staff_kiosk: LiveKiosk, lang: str
) -> None:
    page = new_page(browser)
    page.goto(staff_kiosk.url + "/staff/pin")
    enter_pin(page, PIN)
    page.goto(f"{staff_kiosk.url}/staff/lang/{lang}?next=/staff/health")
    page.wait_for_selector(f"html[lang={lang}]")
    for path in ("/staff/health", "/staff/usage", "/staff/log", "/staff/import"):
        page.goto(staff_kiosk.url + path)
        assert axe_violations(page) == [], path
        assert small_targets(page) == [], path
