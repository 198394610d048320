"""Browser fixtures: the kiosk served on loopback, driven by Debian's Chromium.

No browser is downloaded: Playwright launches the system ``chromium`` through
``executable_path``. When no Chromium is installed the browser tests skip with
that reason (``make test`` installs it when run as root on Debian). The tests
write no screenshots into the tree: ``make screenshots`` takes those.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest
from flask import Flask

from hardware.speech import FakeSpeaker
from tests.browser.screens import ARGS, CHROMIUM, showcase
from tests.browser.screens import make_live as _make_live
from tests.serve_support import LiveKiosk

pytestmark = pytest.mark.browser

__all__ = [
    "SCREENSHOTS",
    "LiveKiosk",
    "axe_violations",
    "focused_name",
    "heard",
    "make_live",
    "new_page",
    "speaker",
]
# Where a test may leave a picture of what it saw: outside the source tree.
SCREENSHOTS = Path(tempfile.gettempdir()) / "kiosk-test-screenshots"


def make_live(tmp_path: Path, fixed_clock: bool = False, **sections: dict[str, Any]) -> LiveKiosk:
    return _make_live(tmp_path, fixed_clock=fixed_clock, **sections)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveKiosk]:
    kiosk = make_live(tmp_path, staff={"present_hours": "ma-pe 10-16"})
    yield kiosk
    kiosk.stop()


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveKiosk]:
    """The showcase kiosk (screens.showcase), one for a module's tests; a module whose
    kiosk needs other settings defines a ``kiosk`` of its own."""
    live = showcase(tmp_path_factory.mktemp("showcase"))
    yield live
    live.stop()


def new_page(browser: Any, width: int = 800, height: int = 480, locale: str = "fi-FI") -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=True, locale=locale
    )
    return context.new_page()


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe-core findings on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


class Served(Protocol):
    """A kiosk served for a browser: on werkzeug (LiveKiosk) or on waitress."""

    app: Flask


def speaker(kiosk: Served) -> FakeSpeaker:
    found = kiosk.app.extensions["kiosk"].extra["speech"].speaker
    assert isinstance(found, FakeSpeaker)
    return found


def heard(kiosk: Served, wanted: str, seconds: float = 5.0, since: int = 0) -> bool:
    """Whether the kiosk has said something starting with ``wanted`` (waiting a little),
    among what it said after its first ``since`` utterances."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(text.startswith(wanted) for text in speaker(kiosk).texts[since:]):
            return True
        time.sleep(0.02)
    return False


def focused_name(page: Any) -> str:
    return str(page.evaluate("document.activeElement.innerText || ''")).strip()
