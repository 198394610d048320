"""The public screens, the supported sizes and modes: one list for the layout checks,
the screenshots (``make screenshots``) and the benchmark.

A kiosk served here runs on a fixed clock (a Friday before noon), so "on now",
"starts in" and today's lists read the same on every run.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.app import create_app
from kiosk.settings import Settings
from tests.serve_support import LiveKiosk

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Keep Chromium from phoning home: CI and kiosks have no general network.
ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-sandbox",
]

# The layout checker, evaluated in the page by every layout check (layout_check.js).
CHECKER = (Path(__file__).parent / "layout_check.js").read_text(encoding="utf-8")

# The supported displays (docs/screens.md has their sizes in millimetres).
SIZES: list[tuple[int, int]] = [(800, 480), (1024, 600), (1280, 720), (720, 1280), (1080, 1920)]
LANGUAGES = ("fi", "sv", "en")
MODES = ("normal", "large_text", "high_contrast")
# Friday 27 November 2026, 11.50 in Helsinki: lunch is on now, more starts soon.
FIXED_NOW = datetime(2026, 11, 27, 11, 50)
TIMEZONE = "Europe/Helsinki"
# A real meeting point's name and place are longer than the default's.
REAL_NAME = {"name": "Kohtaamispaikka Opastamo", "place": "Kauppakeskus Akseli, 2. kerros"}


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    main_action: bool = False  # the screen has a main action that must be in view
    start: bool = False  # the start screen: no scrolling at all
    open: str = ""  # a button to tap first, when it is on screen (a sheet it opens)
    answer: bool = False  # answer every statement first (the self-test's result)
    # Text this screen may set under the root size in large text, never under the normal
    # root size: where the room left cannot hold it all at the root size (a CSS selector).
    fitted: str = ""


SCREENS = [
    Screen("start", "/", start=True),
    Screen("display-sheet", "/", open=".display-button"),
    Screen("all", "/activities", main_action=True),
    Screen("theme-sheet", "/activities", open="[popovertarget=theme-sheet]"),
    Screen("now", "/activities?when=now"),
    Screen("today", "/activities?when=today"),
    Screen("week", "/activities?when=week", main_action=True),
    Screen("theme-free", "/activities?category=meeting-places&free=1"),
    Screen("spoken", "/activities?language=ru"),
    Screen("empty", "/activities?when=now&category=having-a-say&free=1"),
    Screen("activity", "/activities/demo-001", main_action=True),
    Screen("language-sheet", "/activities/demo-001", open=".language-button"),
    Screen("activity-long", "/activities/demo-004", main_action=True),
    Screen("talk", "/talk"),
    Screen("not-found", "/activities/no-such-activity"),
    Screen("consent", "/selftest", main_action=True),
    # On a 7" panel in large text a statement and its five options do not fit at the root
    # size: the statement keeps it; the question, its guiding sentence, the progress and,
    # on a landscape panel, the options are set smaller (docs/screens.md).
    Screen("statement", "/selftest/esis-fi-2019", fitted=".test-head, .progress, .option"),
    Screen("result", "/selftest/esis-fi-2019", main_action=True, answer=True),
]

# The self-test's statements answered in the page, through its own handlers.
ANSWER_ALL = """async () => {
  const root = document.getElementById('selftest');
  root.dataset.pauseMs = '0';
  const until = async (ok) => { while (!ok()) { await new Promise(r => setTimeout(r, 5)); } };
  for (const step of root.querySelectorAll('.step')) {
    await until(() => !step.hidden);
    step.querySelectorAll('.option')[3].click();
  }
  await until(() => document.querySelector('.result'));
}"""


def show(page: Any, base: str, screen: Screen) -> None:
    """Go to the screen, and open its sheet where its button is on screen.

    A sheet of the screen already shown opens without loading the page again.
    """
    if not (screen.open and page.url == base + screen.path):
        page.goto(base + screen.path)
    if screen.answer:
        page.evaluate(ANSWER_ALL)
    if screen.open:
        button = page.locator(screen.open)
        if button.is_visible():
            button.tap()
            page.locator(":popover-open").wait_for()


def make_live(data_dir: Path, fixed_clock: bool = False, **sections: dict[str, Any]) -> LiveKiosk:
    kiosk = dict(sections.pop("kiosk", {}))
    kiosk["data_dir"] = str(data_dir / "data")
    settings = Settings().replace(kiosk=kiosk, **sections)
    app = create_app(settings)
    if fixed_clock:
        app.extensions["kiosk"].clock = lambda: FIXED_NOW
    return LiveKiosk(app)


def showcase(data_dir: Path) -> LiveKiosk:
    """The kiosk the screens are checked and photographed on: a real name, staff
    hours, a phone, a printer, speech (the fake), the fixed clock."""
    return make_live(
        data_dir,
        fixed_clock=True,
        kiosk=REAL_NAME,
        staff={"present_hours": "ma-pe 10-16; la 10-14", "phone": "040 000 1200"},
        printer={"kind": "emulator"},
        speech={"kind": "fake"},
    )


def new_context(browser: Any, size: tuple[int, int], lang: str = "fi", fixed: bool = True) -> Any:
    """A touch context at one size, its clock at the kiosk's fixed moment (``fixed``)."""
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        has_touch=True,
        locale={"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}[lang],
        timezone_id=TIMEZONE,
    )
    if fixed:
        context.clock.set_fixed_time(FIXED_NOW.replace(tzinfo=ZoneInfo(TIMEZONE)))
    return context


def set_language(page: Any, base: str, lang: str) -> None:
    page.goto(f"{base}/lang/{lang}?next=/healthz")


def set_mode(page: Any, base: str, mode: str) -> None:
    """Large text or high contrast (or neither), through the kiosk's own toggles."""
    page.goto(base + "/healthz")
    page.evaluate(
        """async ([base, mode]) => {
            const html = await (await fetch(base + '/')).text();
            const token = html.match(/name="csrf-token" content="([^"]+)"/)[1];
            const page = new DOMParser().parseFromString(html, 'text/html');
            for (const name of ['large_text', 'high_contrast']) {
                const button = page.querySelector(`form[action$="/toggle/${name}"] button`);
                const pressed = button.getAttribute('aria-pressed') === 'true';
                if (pressed !== (mode === name)) {
                    const body = new URLSearchParams({csrf_token: token, next: '/healthz'});
                    const answer = await fetch(base + '/toggle/' + name, {method: 'POST', body});
                    if (!answer.ok) { throw new Error(`toggle ${name}: HTTP ${answer.status}`); }
                }
            }
        }""",
        [base, mode],
    )
