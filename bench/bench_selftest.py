"""The self-test's figures: taps from the start screen to the result, and server time per step.

Taps are counted by driving the real pages in Debian's Chromium with touch at
800x480 (skipped, with the reason, when no Chromium is installed). Server time
is measured per step through the Flask test client on a data directory on disk
(so the tally's transaction and its fsync are included), --rounds times.

    .venv/bin/python bench/bench_selftest.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.app import create_app  # noqa: E402
from kiosk.settings import Settings  # noqa: E402
from tests.browser.screens import CHROMIUM, make_live  # noqa: E402

PACK = "esis-fi-2019"
DONE = {"reason": "done"}


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] * 1000


def server_times(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings().replace(kiosk={"data_dir": tmp}))
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        rng = random.Random(1)
        steps: dict[str, list[float]] = {}

        def timed(name: str, call: Callable[[], object]) -> None:
            t0 = time.perf_counter()
            call()
            steps.setdefault(name, []).append(time.perf_counter() - t0)

        for _ in range(rounds):
            body = {"answers": [rng.randint(1, 5) for _ in range(10)]}
            timed("start screen  GET /", lambda: client.get("/"))
            timed("consent       GET /selftest", lambda: client.get("/selftest"))
            timed(f"statements    GET /selftest/{PACK}", lambda: client.get(f"/selftest/{PACK}"))
            timed(
                "result        POST .../answers (JSON)",
                lambda b=body: client.post(f"/selftest/{PACK}/answers", json=b),  # type: ignore[misc]
            )
            timed("leave         POST /reset", lambda: client.post("/reset", data=DONE))
        app.extensions["kiosk"].close()
    print(f"server time per step, {rounds} visits (Flask test client, data on disk):")
    print(f"  {'step':<42}{'median ms':>10}{'p95 ms':>9}")
    for name, samples in steps.items():
        print(f"  {name:<42}{statistics.median(samples) * 1000:>10.2f}{p95(samples):>9.2f}")
    print("  (the ten answers are taps inside the statements page: no server round trip)")


def taps_to_result() -> None:
    if CHROMIUM is None:
        print("taps: skipped (no Chromium installed; apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        kiosk = make_live(Path(tmp))
        url = kiosk.url
        taps = 0
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context(
                viewport={"width": 800, "height": 480}, has_touch=True, locale="fi-FI"
            ).new_page()
            page.goto(url + "/")

            def tap(locator: object) -> None:
                nonlocal taps
                locator.tap()  # type: ignore[attr-defined]
                taps += 1

            tap(page.locator(".tile-selftest"))
            tap(page.locator(".bar-actions .start-test"))
            for step in range(1, 11):
                page.locator(f"#step-{step}").wait_for(state="visible")
                tap(page.locator(f'#step-{step} .option[data-points="4"]'))
            score = page.locator(".result .score .value").inner_text()
            browser.close()
        kiosk.stop()
    print(f"taps from the start screen to the result: {taps} (goal 12); result shown: {score}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    taps_to_result()
    server_times(args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
