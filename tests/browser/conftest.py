"""Browser fixtures: the kiosk served on loopback, driven by Debian's Chromium.

No browser is downloaded: Playwright launches the system ``chromium`` through
``executable_path``. When no Chromium is installed the browser tests skip with
that reason (``make test`` installs it when run as root on Debian).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from kiosk.app import create_app
from kiosk.settings import Settings

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
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.browser


class LiveKiosk:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.app.extensions["kiosk"].close()


def make_live(tmp_path: Path, **sections: dict[str, Any]) -> LiveKiosk:
    settings = Settings().replace(kiosk={"data_dir": str(tmp_path / "data")}, **sections)
    return LiveKiosk(create_app(settings))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveKiosk]:
    kiosk = make_live(tmp_path, staff={"present_hours": "ma-pe 10-16"})
    yield kiosk
    kiosk.stop()


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
