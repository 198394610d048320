"""Every public screen at every supported size, in fi, sv and en, in normal, large
text and high contrast, through one layout checker (layout_check.js): nothing
collapses into columns of letters, no text lies on other text or is cut off, nothing
scrolls sideways, the main action is on screen without scrolling, the start screen
does not scroll at all, every control in view takes a tap, and large text is large.

One browser context per size and language; the screens and modes are visited by
navigating, not by relaunching.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.screens import (
    CHECKER,
    LANGUAGES,
    MODES,
    SCREENS,
    SIZES,
    Screen,
    new_context,
    set_language,
    set_mode,
    show,
)
from tests.serve_support import LiveKiosk

pytestmark = pytest.mark.browser
LARGE_TEXT = 1.8  # the root size in large text, against the normal one (kiosk.css)
PROBLEMS = ("collapsed", "overlaps", "clipped", "sideways", "scrolls", "action", "covered", "small")


def check(page: Any, screen: Screen) -> dict[str, Any]:
    report: dict[str, Any] = page.evaluate(
        CHECKER,
        {"mainAction": screen.main_action, "noScroll": screen.start, "fitted": screen.fitted},
    )
    return report


def problems(report: dict[str, Any]) -> list[str]:
    return [f"{kind}: {item}" for kind in PROBLEMS for item in report[kind]]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_screen_reads_at_a_glance(
    browser: Any, kiosk: LiveKiosk, size: tuple[int, int], lang: str
) -> None:
    context = new_context(browser, size, lang)
    page = context.new_page()
    found: list[str] = []
    try:
        set_language(page, kiosk.url, lang)
        for mode in MODES:
            set_mode(page, kiosk.url, mode)
            for screen in SCREENS:
                show(page, kiosk.url, screen)
                report = check(page, screen)
                found += [f"{screen.name} ({mode}) {p}" for p in problems(report)]
                # In large text nothing is smaller than the root size (1.8 x the normal one),
                # and the text a screen may fit into the room left not under the normal one.
                root = report["rootFontPx"]
                if mode == "large_text" and report["minFontPx"] < root - 0.5:
                    found.append(
                        f"{screen.name} (large text) has text of {report['minFontPx']} px,"
                        f" under the root size {root} px"
                    )
                fitted = report["minFittedFontPx"]
                if mode == "large_text" and fitted and fitted < root / LARGE_TEXT - 0.5:
                    found.append(
                        f"{screen.name} (large text) sets {screen.fitted} at {fitted} px,"
                        f" under the normal root size {root / LARGE_TEXT:.1f} px"
                    )
    finally:
        context.close()
    assert found == [], "\n".join(found)


# The rules that made every card collapse: the card a two-column grid whose
# children may break anywhere, the title squeezed by the place in the auto column.
OLD_CARD_RULES = """
.card a { display: grid !important; gap: 2px 12px; grid-template-columns: 1fr auto; }
.card-body { display: contents !important; }
.card-icon { display: none !important; }
.card a > *, .card-body > * { min-width: 0; overflow-wrap: anywhere; }
.card .card-title { grid-column: 1; }
.card .badges { grid-column: 2; grid-row: 1; }
"""
# A start screen 9 px too tall (a scrollbar), and a staff corner over the highlight card.
TOO_TALL = (
    "html, body.public.start { overflow: visible !important; }"
    " body.public.start { height: calc(100vh + 9px) !important; }"
)
CORNER_ON_CARD = (
    ".staff-corner { position: fixed !important; inset: auto 0 0 auto !important;"
    " width: 72px !important; height: 72px !important; z-index: 5; }"
)


def broken(browser: Any, size: tuple[int, int], rules: str) -> Any:
    """A fresh page whose kiosk.css ends with ``rules``, as a broken release would."""
    context = new_context(browser, size)

    def handle(route: Any) -> None:
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + rules)

    context.route(re.compile(r"/static/kiosk\.css(\?|$)"), handle)
    return context.new_page()


def test_the_checker_sees_a_broken_stylesheet(browser: Any, kiosk: LiveKiosk) -> None:
    size = (800, 480)
    listing = next(s for s in SCREENS if s.name == "all")
    start = next(s for s in SCREENS if s.start)
    pages = []
    try:
        page = broken(browser, size, "")
        pages.append(page)
        page.goto(kiosk.url + listing.path)
        assert problems(check(page, listing)) == []  # the real stylesheet passes

        page = broken(browser, size, OLD_CARD_RULES)
        pages.append(page)
        page.goto(kiosk.url + listing.path)
        collapsed = check(page, listing)["collapsed"]
        assert any("card-title" in c for c in collapsed), collapsed

        page = broken(browser, size, TOO_TALL)
        pages.append(page)
        page.goto(kiosk.url + start.path)
        assert check(page, start)["scrolls"] == ["the page is 9 px taller than the screen"]

        page = broken(browser, size, CORNER_ON_CARD)
        pages.append(page)
        page.goto(kiosk.url + start.path)
        covered = check(page, start)["covered"]
        assert any("staff-corner" in c for c in covered), covered
    finally:
        for page in pages:
            page.context.close()


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_listen_control_is_in_the_top_bar_at_every_size(
    browser: Any, kiosk: LiveKiosk, size: tuple[int, int]
) -> None:
    """The showcase speaks (the fake), so every screen above carries the Listen control
    and passes the layout checks with it; here: it is in the top bar, in view, and
    named Listen for a screen reader where only its pictogram shows."""
    context = new_context(browser, size)
    page = context.new_page()
    try:
        for mode in ("normal", "large_text"):
            set_mode(page, kiosk.url, mode)
            for screen in (s for s in SCREENS if s.name in ("start", "activity")):
                show(page, kiosk.url, screen)
                listen = page.get_by_role("button", name="Kuuntele")
                assert listen.is_visible(), f"{screen.name} ({mode})"
                box = listen.bounding_box()
                assert box is not None and box["y"] + box["height"] <= size[1] / 2
                assert page.locator(".bar-top .listen-button").count() == 1
    finally:
        context.close()
