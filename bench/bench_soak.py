"""A day in the browser: Chromium's and the server's memory over hours of visits.

One Chromium page at 800x480 with touch, as on the kiosk, is driven through
scripted visits in a seeded random order, for ``--minutes`` (default 120):

* browse: the "Things to do" tile, a filter, a card, Print slip (until the slip
  is printed), Home;
* the highlight of the start screen, an activity, Back;
* a language, the large-text toggle and back;
* the self-test: consent, ten statements, the result, Home;
* an idle reset: the page is left alone until "Do you need more time?" comes and
  the countdown starts over on the start screen;
* the attract loop: the start screen left alone while the highlights turn.

The idle times are shortened to compress the day ([web] idle_seconds and
idle_warning_seconds 5, attract_seconds 2); the heartbeat and the clock run as on
the kiosk, and the pages keep the stream of signals open (a staff button and a
start-speech button on pretend pins). Every ``--sample`` seconds (default 60) it
samples the total PSS (/proc/<pid>/smaps_rollup) of all Chromium processes and of
the kiosk server, and its anonymous part (what the processes made themselves; the
rest is program code and files, whose share moves when another Chromium runs on the
machine, which the ``others`` column counts), and the page's JavaScript heap and DOM
nodes (Chrome DevTools Protocol ``Performance.getMetrics``). At the end it prints
the first, peak and last samples and the slope (least squares) in MB per hour, over
the whole run and after its first ``--warmup`` minutes (default 10).

Usage: ``.venv/bin/python bench/bench_soak.py [--minutes 120] [--sample 60]
[--flag=--a-chromium-flag ...]`` (``make soak MINUTES=120``).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from browser_kiosk import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    SIZE,
    chromium_memory_kb,
    load,
    memory_kb,
    other_chromium_processes,
    serve,
)

IDLE = {"idle_seconds": 5, "idle_warning_seconds": 5, "attract_seconds": 2}
# A staff button and a start-speech button on pretend pins, as most kiosks have: the
# pages keep a stream of signals open, as on the appliance.
GPIO: dict[str, str | int | bool] = {
    "enabled": True,
    "pin_factory": "mock",
    "staff_button_pin": 17,
    "speech_button_pin": 24,
}
# What one idle reset stands for on a kiosk with the default settings (90 + 20 s).
REAL_IDLE_SECONDS = 110


@dataclass
class Sample:
    minute: float
    chromium_kb: int
    chromium_anon_kb: int
    processes: int
    server_kb: int
    server_anon_kb: int
    js_heap_kb: int
    nodes: int
    others: int  # Chromium processes elsewhere on the machine


class Visits:
    """The visitor's scripts; each starts and ends on the start screen."""

    def __init__(self, page: Any, base: str, rng: random.Random) -> None:
        self.page = page
        self.base = base
        self.rng = rng
        self.counts: dict[str, int] = {}

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.tap(timeout=30000)

    def home(self) -> None:
        self.tap(".bar-actions .action.home")
        self.page.wait_for_url(re.compile(r"/$"))

    def browse(self) -> None:
        self.tap(".tile-browse")
        self.page.wait_for_url(re.compile(r"/activities"))
        chip = self.rng.choice(["now", "today", "week", ""])
        if chip:
            self.tap(f'.filters a.chip[href*="when={chip}"]')
            self.page.wait_for_url(re.compile(f"when={chip}"))
        if self.page.locator(".card a").count() == 0:
            self.home()
            return
        cards = self.page.locator(".card a")
        cards.nth(self.rng.randrange(cards.count())).tap()
        self.page.wait_for_url(re.compile(r"/activities/[\w-]+"))
        if self.page.locator("button.print").count():
            self.tap("button.print")
            self.page.locator(".print-status").filter(has_text=re.compile(".")).wait_for()
            self.page.locator("button.print:enabled").wait_for(timeout=30000)
        self.home()

    def highlight(self) -> None:
        if self.page.locator(".highlight.shown a").count() == 0:
            return
        self.tap(".highlight.shown a")
        self.page.wait_for_url(re.compile(r"/activities/[\w-]+"))
        self.tap(".bar-actions .action.back")
        self.page.wait_for_url(re.compile(r"/$"))

    def language_and_display(self) -> None:
        self.tap(".tile-browse")
        self.page.wait_for_url(re.compile(r"/activities"))
        lang = self.rng.choice(["sv", "en", "fi"])
        if self.page.locator(".languages").is_hidden():
            self.tap(".language-button")
            self.tap(f'#language-sheet a[hreflang="{lang}"]')
        else:
            self.tap(f'.languages a[hreflang="{lang}"]')
        self.page.wait_for_url(re.compile(r"/activities"))
        for _ in range(2):  # large text on, and off again
            self.tap(".display-button")
            self.tap('form[action$="/toggle/large_text"] button')
            self.page.wait_for_url(re.compile(r"/activities"))
        self.home()

    def selftest(self) -> None:
        self.tap(".tile-selftest")
        self.page.wait_for_url(re.compile(r"/selftest$"))
        self.tap(".start-test:not(.other)")
        self.page.wait_for_url(re.compile(r"/selftest/[\w-]+$"))
        for step in range(1, 11):
            screen = self.page.locator(f"#step-{step}")
            screen.wait_for(state="visible")
            screen.locator(".option").nth(self.rng.randrange(4)).tap()
        self.page.locator("#selftest-result .result").wait_for(state="visible")
        self.tap("a.home:visible")
        self.page.wait_for_url(re.compile(r"/$"))

    def idle_reset(self) -> None:
        self.tap(".tile-browse")
        self.page.wait_for_url(re.compile(r"/activities"))
        self.page.locator("#idle-dialog[open]").wait_for(timeout=60000)
        self.page.wait_for_url(re.compile(r"/$"), timeout=60000)
        self.page.locator("body.start").wait_for()

    def attract(self) -> None:
        self.page.wait_for_timeout(10000)

    def one(self) -> str:
        name = self.rng.choices(
            ["browse", "highlight", "language_and_display", "selftest", "idle_reset", "attract"],
            weights=[5, 2, 1, 2, 2, 1],
        )[0]
        getattr(self, name)()
        self.counts[name] = self.counts.get(name, 0) + 1
        return name


def slope_mb_per_hour(samples: list[Sample], field: str) -> float:
    """Least-squares slope of ``field`` against time, MB per hour."""
    if len(samples) < 2:
        return 0.0
    xs = [s.minute / 60 for s in samples]
    ys = [getattr(s, field) / 1024 for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den if den else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=120.0, help="length of the run")
    parser.add_argument("--sample", type=float, default=60.0, help="seconds between samples")
    parser.add_argument("--warmup", type=float, default=10.0, help="minutes before the slope")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--flag", action="append", default=[], help="a further Chromium flag (repeatable)"
    )
    args = parser.parse_args()
    if CHROMIUM is None:
        print("no Chromium installed (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        server = serve(Path(tmp), IDLE, sections={"gpio": GPIO})
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + args.flag
        )
        try:
            context = browser.new_context(
                viewport={"width": SIZE[0], "height": SIZE[1]}, has_touch=True, locale="fi-FI"
            )
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.goto(server.url + "/?fresh=1")
            visits = Visits(page, server.url, random.Random(args.seed))
            samples: list[Sample] = []
            t0 = time.monotonic()
            next_sample = t0
            print(f"Chromium {browser.version}, {SIZE[0]}x{SIZE[1]}, touch; load {load()}")
            if args.flag:
                print("further flags: " + " ".join(args.flag))
            print(
                f"{'minute':>7}{'Chromium MB':>13}{'anon':>7}{'procs':>7}{'server MB':>11}"
                f"{'anon':>7}{'JS heap MB':>12}{'DOM nodes':>11}{'visits':>8}{'others':>8}"
            )
            while True:
                now = time.monotonic()
                if now >= next_sample:
                    # PSS as it is (what the kernel's OOM killer sees); the JS heap after
                    # a full collection, so that it shows what the page keeps, not what
                    # V8 has not yet bothered to free.
                    chromium, procs = chromium_memory_kb()
                    server_memory = memory_kb(server.process.pid)
                    cdp.send("HeapProfiler.collectGarbage")
                    got = cdp.send("Performance.getMetrics")["metrics"]
                    metrics = {m["name"]: m["value"] for m in got}
                    s = Sample(
                        (now - t0) / 60,
                        chromium.pss,
                        chromium.anon,
                        procs,
                        server_memory.pss,
                        server_memory.anon,
                        int(metrics.get("JSHeapUsedSize", 0) / 1024),
                        int(metrics.get("Nodes", 0)),
                        other_chromium_processes(),
                    )
                    samples.append(s)
                    print(
                        f"{s.minute:>7.1f}{s.chromium_kb / 1024:>13.1f}"
                        f"{s.chromium_anon_kb / 1024:>7.1f}{s.processes:>7}"
                        f"{s.server_kb / 1024:>11.1f}{s.server_anon_kb / 1024:>7.1f}"
                        f"{s.js_heap_kb / 1024:>12.1f}{s.nodes:>11}"
                        f"{sum(visits.counts.values()):>8}{s.others:>8}",
                        flush=True,
                    )
                    next_sample += args.sample
                    if now - t0 >= args.minutes * 60:
                        break
                visits.one()
            context.close()
        finally:
            browser.close()
            server.stop()

    ran = samples[-1].minute
    resets = visits.counts.get("idle_reset", 0)
    compressed = (
        ran
        + resets * (REAL_IDLE_SECONDS - IDLE["idle_seconds"] - IDLE["idle_warning_seconds"]) / 60
    )
    print(
        f"ran {ran:.1f} min ({compressed / 60:.2f} h of kiosk use with the idle waits at their "
        f"defaults); visits: " + ", ".join(f"{k} {v}" for k, v in sorted(visits.counts.items()))
    )
    after = [s for s in samples if s.minute >= args.warmup]
    for field, name in (
        ("chromium_kb", "Chromium total PSS"),
        ("chromium_anon_kb", "Chromium anonymous"),
        ("server_kb", "server PSS"),
        ("server_anon_kb", "server anonymous"),
        ("js_heap_kb", "page JS heap"),
    ):
        values = [getattr(s, field) / 1024 for s in samples]
        later = slope_mb_per_hour(after, field)
        print(
            f"{name}: start {values[0]:.1f} MB, peak {max(values):.1f} MB, end {values[-1]:.1f} MB;"
            f" slope {slope_mb_per_hour(samples, field):+.1f} MB/h over the run,"
            f" {later:+.1f} MB/h after minute {args.warmup:g}"
            # The goal is per hour of kiosk use: the run compresses its idle waits.
            f" ({later * ran / compressed:+.1f} MB per hour of kiosk use)"
        )
    alone = [s for s in samples if s.others == 0]
    if len(alone) < len(samples):
        print(
            f"other Chromium processes ran on the machine at {len(samples) - len(alone)} of "
            f"{len(samples)} samples: the total PSS of those is lower than Chromium alone "
            "would have (its program's pages were shared); the anonymous figures hold"
        )
    if alone:
        print(
            f"Chromium total PSS with no other Chromium running: "
            f"median {statistics.median(s.chromium_kb for s in alone) / 1024:.1f} MB, "
            f"peak {max(s.chromium_kb for s in alone) / 1024:.1f} MB ({len(alone)} samples)"
        )
    print(f"load at the end: {load()}")
    print(
        "goals: Chromium <= 350 MB, growth <= 10 MB/h after the first hour; server growth <= 2 MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
