"""Tap to painted screen: how long a visitor waits after each tap, in Chromium.

A touch page at 800x480 (Debian's Chromium, headless) walks the kiosk's two
main paths, ``--rounds`` times (default 10) after one round not counted:

* start -> list ("Things to do") -> an activity -> Print slip -> Home;
* start -> self-test consent -> the first statement -> each of the ten
  statements -> the result (shown in place) -> Home.

Each tap is a touch (CDP ``Input.dispatchTouchEvent``) at the control's centre;
the clock starts when the touch reaches the page. A tap that loads a page stops the clock at that
page's first contentful paint (``PerformanceObserver`` "paint"); a tap that
changes the page in place (Print slip's status, the next statement) stops it at
the first frame after the change. Both ends are the page's own clock: the touch
event's time stamp (sent to the benchmark by a listener) and the paint's.

A last row taps between two blank pages that the browser serves itself: what any
page load costs in this Chromium, the floor under the rows that load a page.

With ``--swap``, the browse path is tapped once more with its links changed in
place (the next screen fetched and put in place of the old one's body, no new
document): what the kiosk does not do, measured as the figure a choice between a
page per screen and screens swapped in place can be made on.

It runs twice: as is, and as a stand-in for a Raspberry Pi: Chromium slowed 4x
(CDP ``Emulation.setCPUThrottlingRate``) and, with ``taskset``, the server on one
core and Chromium on another (``--pin both``, the default); ``--pin server`` pins
the server alone and leaves Chromium free, ``--pin none`` pins nothing. The load
average is printed beside the figures: on a shared machine they move with it.

Usage: ``.venv/bin/python bench/bench_taps.py [--rounds 10] [--only pi] [--pin server] [--swap]``.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from browser_kiosk import CHROMIUM, CHROMIUM_ARGS, SIZE, load, serve  # noqa: E402

# The first contentful paint of the page now shown, on the browser's clock (ms).
FCP = """() => new Promise(resolve => {
  const find = () => performance.getEntriesByName('first-contentful-paint')[0];
  const done = e => resolve(performance.timeOrigin + e.startTime);
  const found = find();
  if (found) { done(found); return; }
  new PerformanceObserver((list, observer) => {
    const e = find();
    if (e) { observer.disconnect(); done(e); }
  }).observe({type: 'paint', buffered: true});
})"""
# Arms a watch: the first frame after ``selector`` shows (visible, with text).
WATCH = """selector => {
  const ready = () => {
    const el = document.querySelector(selector);
    return el && el.checkVisibility() && el.textContent.trim() !== '';
  };
  window.benchPainted = new Promise(resolve => {
    new MutationObserver((changes, observer) => {
      if (!ready()) { return; }
      observer.disconnect();
      const now = () => resolve(performance.timeOrigin + performance.now());
      requestAnimationFrame(() => setTimeout(now));
    }).observe(document.body,
               {subtree: true, childList: true, characterData: true, attributes: true});
  });
}"""
# Links change the screen in place: the next screen is fetched and its body put in
# place of this one's; a watch (as WATCH) resolves at the first frame after it.
SWAP_LINKS = """() => {
  document.addEventListener('click', e => {
    const link = e.target instanceof Element && e.target.closest('a[href]');
    if (!link) { return; }
    e.preventDefault();
    window.benchPainted = fetch(link.href, {credentials: 'same-origin'})
      .then(r => r.text())
      .then(html => {
        const doc = new DOMParser().parseFromString(html, 'text/html');
        document.title = doc.title;
        document.body.replaceWith(doc.body);
        history.pushState(null, '', link.href);
        return new Promise(resolve => requestAnimationFrame(() => setTimeout(
          () => resolve(performance.timeOrigin + performance.now()))));
      });
  }, {capture: true});
}"""
# CPU work the page does, to show that the throttle holds after each navigation.
SPIN = """() => { const t = performance.now(); let x = 0;
  for (let i = 0; i < 2e6; i++) { x += Math.sqrt(i); } return performance.now() - t; }"""


# In every page: the moment each touch reached the page (the event's own time
# stamp, so the browser's queueing counts), sent to the benchmark at once.
TOUCHED = """addEventListener('touchstart',
  e => window.benchTouched(performance.timeOrigin + e.timeStamp),
  {capture: true, passive: true});"""


class Taps:
    """Taps and their times, per screen."""

    def __init__(self, context: Any, page: Any) -> None:
        self.page = page
        self.times: dict[str, list[float]] = {}
        self.order: list[str] = []
        self.touched: list[float] = []
        self.counting = True
        context.expose_binding("benchTouched", lambda _source, t: self.touched.append(float(t)))
        context.add_init_script(TOUCHED)

    def _touch(self, selector: str) -> int:
        """Touch the control's centre; the index its touch time will have."""
        target = self.page.locator(selector).first
        target.wait_for(state="visible")
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        n = len(self.touched)
        self.page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        return n

    def _touched(self, n: int) -> float:
        """The touch time of touch ``n`` (its message may still be on its way)."""
        for _ in range(200):
            if len(self.touched) > n:
                return self.touched[n]
            self.page.wait_for_timeout(10)
        raise SystemExit("the page did not report a touch")

    def record(self, name: str, ms: float) -> None:
        if not self.counting:
            return
        if name not in self.times:
            self.times[name] = []
            self.order.append(name)
        self.times[name].append(ms)

    def to_page(self, name: str, selector: str, url: str) -> None:
        """Tap, and time to the next page's first contentful paint."""
        n = self._touch(selector)
        self.page.wait_for_url(re.compile(url))
        painted = float(self.page.evaluate(FCP))
        self.record(name, painted - self._touched(n))

    def swapped(self, name: str, selector: str) -> None:
        """Tap a link changed in place (SWAP_LINKS), and time to the frame after."""
        n = self._touch(selector)
        self.page.wait_for_function("() => window.benchPainted !== undefined")
        painted = float(self.page.evaluate("() => window.benchPainted"))
        self.page.evaluate("() => { window.benchPainted = undefined; }")
        self.record(name, painted - self._touched(n))

    def in_place(self, name: str, selector: str, shows: str) -> None:
        """Tap, and time to the first frame after ``shows`` appears on the page."""
        self.page.evaluate(WATCH, shows)
        n = self._touch(selector)
        painted = float(self.page.evaluate("() => window.benchPainted"))
        self.record(name, painted - self._touched(n))


def browse(taps: Taps) -> None:
    page = taps.page
    taps.to_page("start -> list", ".tile-browse", r"/activities$")
    taps.to_page("list -> activity", ".card a", r"/activities/[\w-]+")
    taps.in_place("activity -> Print slip: 'Printing…'", "button.print", ".print-status")
    page.locator("button.print:enabled").wait_for(timeout=30000)
    taps.to_page("activity -> Home", ".bar-actions .action.home", r"/$")


def browse_swapped(taps: Taps) -> None:
    """The browse path with its links changed in place (the kiosk loads pages)."""
    taps.swapped("start -> list, swapped in place", ".tile-browse")
    taps.swapped("list -> activity, swapped in place", ".card a")
    taps.swapped("activity -> Home, swapped in place", ".bar-actions .action.home")


def selftest(taps: Taps) -> None:
    """The self-test is one page: the statements and the result change in place."""
    page = taps.page
    taps.to_page("start -> self-test consent", ".tile-selftest", r"/selftest$")
    taps.to_page("consent -> first statement", ".start-test:not(.other)", r"/selftest/[\w-]+$")
    for step in range(1, 10):
        page.locator(f"#step-{step}").wait_for(state="visible")
        taps.in_place(
            "statement -> next statement (200 ms pause by design)",
            f"#step-{step} .option >> nth=2",
            f"#step-{step + 1}",
        )
    page.locator("#step-10").wait_for(state="visible")
    taps.in_place(
        "last statement -> result (200 ms pause by design)",
        "#step-10 .option >> nth=2",
        "#selftest-result .result",
    )
    taps.to_page("result -> Home", "a.home:visible", r"/$")


# Two pages with nothing but a link: a tap between them costs what any page load in
# this Chromium costs (the gesture, the old page's unload, a new document, a paint),
# the floor under every "->" row that loads a page.
BLANK = (
    '<!doctype html><html lang="fi"><meta name="viewport" content="width=device-width">'
    '<body><a id="go" href="/{0}" style="display:block;height:60vh">{0}</a></body></html>'
)


def floor(browser: Any, rounds: int, throttle: float) -> Taps:
    """Taps between two blank pages, served by the browser itself (no server)."""
    context = browser.new_context(
        viewport={"width": SIZE[0], "height": SIZE[1]}, has_touch=True, locale="fi-FI"
    )

    def answer(there: str) -> Callable[[Any], None]:
        return lambda route: route.fulfill(content_type="text/html", body=BLANK.format(there))

    context.route("http://blank.test/a", answer("b"))
    context.route("http://blank.test/b", answer("a"))
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    taps = Taps(context, page)
    page.goto("http://blank.test/a")
    for n in range(2 * (rounds + 1)):
        if n == 2:  # as in run(): the first round is not counted
            taps.times.clear()
            taps.order.clear()
        there = "b" if n % 2 == 0 else "a"
        taps.to_page("a blank page -> a blank page (no server)", "#go", rf"/{there}$")
    context.close()
    return taps


def run(
    browser: Any,
    base: str,
    rounds: int,
    throttle: float,
    on_round: Callable[[Any], None],
    swap: bool = False,
) -> Taps:
    context = browser.new_context(
        viewport={"width": SIZE[0], "height": SIZE[1]}, has_touch=True, locale="fi-FI"
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
    taps = Taps(context, page)
    page.goto(base + "/?fresh=1")
    for n in range(rounds + 1):
        if n == 1:  # the first round fills the browser's cache; it is not counted
            taps.times.clear()
            taps.order.clear()
        browse(taps)
        selftest(taps)
        on_round(page)
    if swap:
        # The same page from here on: one load, then every screen swapped in.
        page.goto(base + "/")
        page.evaluate(SWAP_LINKS)
        taps.counting = False  # as above: the first round is not counted
        browse_swapped(taps)
        taps.counting = True
        for _ in range(rounds):
            browse_swapped(taps)
    context.close()
    return taps


def report(title: str, taps: Taps) -> None:
    print(title)
    print(f"  {'tap':<58}{'n':>4}{'median':>8}{'p90':>7}{'min':>7}{'max':>7}  ms")
    for name in taps.order:
        values = taps.times[name]
        p90 = statistics.quantiles(values, n=10)[-1] if len(values) > 1 else values[0]
        print(
            f"  {name:<58}{len(values):>4}{statistics.median(values):>8.0f}{p90:>7.0f}"
            f"{min(values):>7.0f}{max(values):>7.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--only", choices=("plain", "pi"), help="run one of the two set-ups")
    parser.add_argument(
        "--pin",
        choices=("both", "server", "none"),
        default="both",
        help="in the Pi set-up: the server and Chromium each on a core, the server alone, none",
    )
    parser.add_argument("--no-pin", action="store_true", help="the same as --pin none")
    parser.add_argument(
        "--swap", action="store_true", help="also tap the browse path with screens swapped in place"
    )
    args = parser.parse_args()
    if CHROMIUM is None:
        print("no Chromium installed (apt-get install chromium)")
        return 1
    from playwright.sync_api import sync_playwright

    cores = sorted(os.sched_getaffinity(0))
    pinning = "none" if args.no_pin or len(cores) < 2 else args.pin
    setups = [("plain", 1.0, "none"), ("pi", 4.0, pinning)]
    for name, throttle, pin in setups:
        if args.only and args.only != name:
            continue
        if pin == "both":
            # Chromium (and the Playwright driver) inherit this process's CPU set.
            os.sched_setaffinity(0, {cores[1]})
        spins: list[float] = []

        def spin(page: Any, spins: list[float] = spins) -> None:
            spins.append(float(page.evaluate(SPIN)))

        with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
            server = serve(Path(tmp), core=cores[0] if pin != "none" else None)
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                print(f"load before: {load()}")
                taps = run(
                    browser,
                    server.url,
                    args.rounds,
                    throttle,
                    spin,
                    swap=args.swap,
                )
                blank = floor(browser, args.rounds, throttle)
                for row in blank.order:
                    taps.order.append(row)
                    taps.times[row] = blank.times[row]
            finally:
                browser.close()
                server.stop()
        os.sched_setaffinity(0, set(cores))
        where = {
            "both": f"server on CPU {cores[0]}, Chromium on CPU {cores[1]}",
            "server": f"server on CPU {cores[0]}, Chromium on any",
            "none": "no CPU pinning",
        }[pin]
        report(
            f"{name}: Chromium {browser.version}, CPU throttle {throttle:g}x, {where}, "
            f"{SIZE[0]}x{SIZE[1]} touch, {args.rounds} rounds; load after: {load()}; "
            f"page spin loop median {statistics.median(spins):.0f} ms",
            taps,
        )
    print("goal: median <= 150 ms per tap with the 4x throttle")
    return 0


if __name__ == "__main__":
    sys.exit(main())
