"""Screens benchmark: taps and scrolling a visitor needs, and the large-text size.

Prints, at 800x480 and 1080x1920, in Chromium with touch:

* taps and scroll distance from the start screen to a printed slip (the "Things
  to do" tile, the first activity, Print slip; goal 3 taps, 0 px), and through
  today's highlight (2 taps);
* taps and scroll distance from the start screen to a self-test result (the
  tile, Start, ten statements; goal 12 taps, 0 px);
* on every supported display, the large-text root size and the cap height of an
  H, in pixels and millimetres, and the distance at which it subtends 0.7 degrees
  (EN 301 549 5.1.4; docs/screens.md states the design distances).

Scroll distance is how far the page or its content would have to move to bring
each tapped control wholly into view; the benchmark taps only controls already
there and says how far it had to scroll otherwise.
Usage: ``.venv/bin/python bench/bench_screens.py``.
"""

from __future__ import annotations

import math
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.screens import (  # noqa: E402
    ARGS,
    CHROMIUM,
    SIZES,
    new_context,
    set_mode,
    showcase,
)
from tests.browser.test_text_size import CAP_HEIGHT, displays  # noqa: E402

# How far the control is from being wholly in view, in its scroller and the window.
OUT_OF_VIEW = """el => {
  let r = el.getBoundingClientRect();
  let away = Math.max(0, r.bottom - window.innerHeight) + Math.max(0, -r.top);
  for (let a = el.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowY === 'auto' || s.overflowY === 'scroll') {
      const box = a.getBoundingClientRect();
      away += Math.max(0, r.bottom - box.bottom) + Math.max(0, box.top - r.top);
    }
  }
  return Math.round(away);
}"""


class Walk:
    """A visitor's path: counts taps and the scrolling each tap needed first."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.taps = 0
        self.scrolled = 0

    def tap(self, locator: Any) -> None:
        target = locator.first
        target.wait_for(state="attached")
        away = int(target.evaluate(OUT_OF_VIEW))
        if away:
            target.scroll_into_view_if_needed()
            self.scrolled += away
        target.tap()
        self.taps += 1


def to_slip(browser: Any, base: str, size: tuple[int, int], via_highlight: bool) -> Walk:
    context = new_context(browser, size, "en")
    page = context.new_page()
    page.goto(base + "/lang/en?next=/")
    walk = Walk(page)
    if via_highlight:
        walk.tap(page.locator(".highlight.shown a"))
    else:
        walk.tap(page.get_by_role("link", name="Things to do", exact=True))
        page.wait_for_url(re.compile(r"/activities$"))
        walk.tap(page.locator(".card a"))
    page.wait_for_url(re.compile(r"/activities/demo-\d+"))
    walk.tap(page.get_by_role("button", name="Print slip"))
    page.get_by_text("Take your slip from the printer.").wait_for(timeout=10000)
    context.close()
    return walk


def to_result(browser: Any, base: str, size: tuple[int, int]) -> Walk:
    context = new_context(browser, size)
    page = context.new_page()
    page.goto(base + "/")
    walk = Walk(page)
    walk.tap(page.get_by_role("link", name="Itsetesti"))
    page.wait_for_url(re.compile(r"/selftest$"))
    walk.tap(page.locator(".bar-actions .start-test"))
    page.wait_for_url(re.compile(r"/selftest/[\w-]+$"))
    for step in range(1, 11):
        screen = page.locator(f"#step-{step}")
        screen.wait_for(state="visible")
        walk.tap(screen.locator(".option").nth(3))
    page.locator(".score, .result").first.wait_for(timeout=10000)
    context.close()
    return walk


def text_sizes(browser: Any, base: str) -> None:
    table = displays()
    print("large text (EN 301 549 5.1.4: an H subtends 0.7 degrees at the distance)")
    for size in SIZES:
        context = new_context(browser, size)
        page = context.new_page()
        set_mode(page, base, "large_text")
        page.goto(base + "/activities/demo-001")
        m = page.evaluate(CAP_HEIGHT)
        context.close()
        row = table[size]
        cap_mm = m["capPx"] * row["pitch"]
        reach = cap_mm / (2 * math.tan(math.radians(0.35)))
        print(
            f"  {size[0]}x{size[1]}: root {m['rootPx']:.1f} px, H {m['capPx']:.0f} px"
            f" = {cap_mm:.2f} mm at {row['pitch']:.4f} mm/px; 0.7 degrees up to {reach:.0f} mm"
            f" (stated {row['distance']:.0f} mm)"
        )


def main() -> int:
    if CHROMIUM is None:
        print("no Chromium installed (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        kiosk = showcase(Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            for size in [(800, 480), (1080, 1920)]:
                print(f"{size[0]}x{size[1]}")
                walk = to_slip(browser, kiosk.url, size, via_highlight=False)
                print(f"  to a printed slip: {walk.taps} taps, {walk.scrolled} px scrolled")
                walk = to_slip(browser, kiosk.url, size, via_highlight=True)
                print(
                    f"  to a slip through today's highlight: {walk.taps} taps, {walk.scrolled} px"
                )
                walk = to_result(browser, kiosk.url, size)
                print(f"  to a self-test result: {walk.taps} taps, {walk.scrolled} px scrolled")
            text_sizes(browser, kiosk.url)
        finally:
            browser.close()
            kiosk.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
