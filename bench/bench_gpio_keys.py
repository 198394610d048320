"""How fast a GPIO navigation button reaches the page: mock pin press -> event pump ->
signal -> stream (waitress, as ``kiosk serve`` runs it) -> the page's keydown.

Headless Chromium at 800x480 on the start screen; the Down button is pressed N times
and the page notes when each keydown arrives (both clocks are this machine's wall
clock). Then the same with the stream refused, so that the page falls back to asking
``GET /signals`` every 2 s.

    PYTHONPATH=. .venv/bin/python bench/bench_gpio_keys.py [N]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from kiosk.app import create_app
from kiosk.settings import Settings
from tests.browser.screens import ARGS, CHROMIUM
from tests.serve_support import WaitressKiosk, free_port

DOWN = 6


def report(name: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p90 = ms[max(int(len(ms) * 0.9) - 1, 0)]
    print(f"{name}: n={len(ms)} median={statistics.median(ms):.1f} ms p90={p90:.1f} ms")


def presses(page: Any, factory: Any, n: int) -> list[float]:
    page.evaluate(
        "window.keyAt = 0; window.addEventListener('keydown', () => { keyAt = Date.now(); },"
        " { capture: true })"
    )
    pin = factory.pin(DOWN)
    samples = []
    for _ in range(n):
        page.evaluate("window.keyAt = 0")
        pressed = time.time() * 1000
        pin.drive_low()
        pin.drive_high()
        deadline = time.monotonic() + 10
        while not page.evaluate("window.keyAt > 0"):  # (wait_for_function: the CSP)
            if time.monotonic() > deadline:
                raise SystemExit("a press did not reach the page within 10 s")
            time.sleep(0.005)
        samples.append(float(page.evaluate("window.keyAt")) - pressed)
        time.sleep(0.1)
    return samples


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings().replace(
            kiosk={"data_dir": str(Path(tmp) / "data")},
            web={"port": free_port()},
            gpio={"enabled": True, "pin_factory": "mock", "key_down_pin": DOWN},
        )
        served = WaitressKiosk(create_app(settings), settings)
        url = served.url + "/"
        factory = served.app.extensions["kiosk"].extra["devices"].pin_factory
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                page = browser.new_page(viewport={"width": 800, "height": 480})
                page.goto(url)
                page.wait_for_load_state("networkidle")
                report("button -> page keydown, stream", presses(page, factory, n))
                page.route("**/signals/stream", lambda route: route.fulfill(status=404))
                page.goto(url)
                report("button -> page keydown, 2 s poll", presses(page, factory, max(n // 3, 5)))
                browser.close()
        finally:
            served.stop()


if __name__ == "__main__":
    main()
