"""The self-test's statement screens show the statement and all five options without
scrolling, at every supported size (and a 1280x800 panel), in fi, sv and en, with large
text on and off: the first statement, read with the question and its guiding sentence,
and the last one. Large text makes the statement and its options larger than without,
the options stay a finger's size, and the layout checker finds nothing cut off or
overlapping on either screen. The consent's heading and lead, and the result's heading,
score and scale, are on screen without scrolling too.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.screens import (
    CHECKER,
    LANGUAGES,
    SCREENS,
    SIZES,
    new_context,
    set_language,
    set_mode,
    show,
)
from tests.serve_support import LiveKiosk

pytestmark = pytest.mark.browser
# A 1280x800 panel as well as the supported sizes: the statement screen must not depend
# on the landscape panels' exact proportions.
FOLD_SIZES = [*SIZES, (1280, 800)]
TOUCH_PX = 44  # WCAG 2.5.5 / EN 301 549 target size; the layout checker asks for 60
PROBLEMS = ("collapsed", "overlaps", "clipped", "sideways", "covered", "small")

# Where the step's statement and options lie, against the part of the screen the
# content may use (the bars excluded) and the viewport, with the content unscrolled.
MEASURE = """(n) => {
  const main = document.getElementById('main');
  const step = document.getElementById('step-' + n);
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,
            width: r.width, height: r.height}; };
  const hit = (el) => { const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top !== null && (top === el || el.contains(top)); };
  const statement = step.querySelector('.statement');
  const options = [...step.querySelectorAll('.option')];
  return {
    shown: !step.hidden, scrollTop: main.scrollTop, main: box(main),
    viewport: {width: innerWidth, height: innerHeight},
    statement: {text: statement.textContent.trim(), box: box(statement), hit: hit(statement),
                fontPx: parseFloat(getComputedStyle(statement).fontSize)},
    options: options.map((o) => ({text: o.textContent.trim(), box: box(o), hit: hit(o),
                                  fontPx: parseFloat(getComputedStyle(o).fontSize)})),
  };
}"""
# Answer up to statement ``n`` through the page's own handlers (the pause shortened).
REACH = """async (n) => {
  const root = document.getElementById('selftest');
  root.dataset.pauseMs = '0';
  const until = async (ok) => { while (!ok()) { await new Promise(r => setTimeout(r, 5)); } };
  for (let i = 1; i < n; i++) {
    const step = document.getElementById('step-' + i);
    await until(() => !step.hidden);
    step.querySelectorAll('.option')[2].click();
  }
  const last = document.getElementById('step-' + n);
  await until(() => !last.hidden);
}"""

# Where each of the parts lies, against the part of the screen the content may use.
PARTS = """(selectors) => {
  const main = document.getElementById('main');
  const box = main.getBoundingClientRect();
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
  const px = (n) => Math.round(n);
  const wrong = selectors.map((sel) => {
    const el = document.querySelector(sel);
    if (!el) { return `${sel} is not on the page`; }
    const r = el.getBoundingClientRect();
    const inside = r.top >= top - 0.5 && r.bottom <= bottom + 0.5
      && r.left >= -0.5 && r.right <= innerWidth + 0.5;
    return inside ? '' : `${sel} at ${px(r.top)}..${px(r.bottom)} px,`
      + ` the content shows ${px(top)}..${px(bottom)} px`;
  }).filter(Boolean);
  return main.scrollTop ? [...wrong, 'the content is scrolled'] : wrong;
}"""
# What the consent and the result screens are read for, without scrolling.
READ_FIRST = {
    "consent": ["main h1", ".consent .lead"],
    "result": [".result h1", ".result .score", ".result .scale", ".result .scale-ends"],
}


def outside(found: dict[str, Any]) -> list[str]:
    """What of the statement and its options is not wholly on screen without scrolling."""
    main, vp = found["main"], found["viewport"]
    top, left = max(main["top"], 0), max(main["left"], 0)
    bottom, right = min(main["bottom"], vp["height"]), min(main["right"], vp["width"])
    wrong = []
    if found["scrollTop"] != 0:
        wrong.append(f"the content is scrolled by {found['scrollTop']} px")
    shown = [("statement", found["statement"]), *(("option", o) for o in found["options"])]
    for name, item in shown:
        r = item["box"]
        if (
            r["top"] < top - 0.5
            or r["bottom"] > bottom + 0.5
            or r["left"] < left - 0.5
            or r["right"] > right + 0.5
        ):
            wrong.append(
                f"{name} {item['text']!r} at {r['top']:.0f}..{r['bottom']:.0f} px,"
                f" the content shows {top:.0f}..{bottom:.0f} px"
            )
        elif not item["hit"]:
            wrong.append(f"{name} {item['text']!r} is under something")
    for o in found["options"]:
        w, h = o["box"]["width"], o["box"]["height"]
        if h < TOUCH_PX or w < TOUCH_PX:
            wrong.append(f"option {o['text']!r} is {w:.0f}x{h:.0f} px")
    return wrong


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", FOLD_SIZES, ids=[f"{w}x{h}" for w, h in FOLD_SIZES])
def test_the_statement_and_its_five_options_need_no_scrolling(
    browser: Any, kiosk: LiveKiosk, size: tuple[int, int], lang: str
) -> None:
    context = new_context(browser, size, lang)
    page = context.new_page()
    found: list[str] = []
    fonts: dict[str, dict[str, float]] = {}
    try:
        set_language(page, kiosk.url, lang)
        for mode in ("normal", "large_text"):
            set_mode(page, kiosk.url, mode)
            page.goto(kiosk.url + "/selftest/esis-fi-2019")
            count = page.locator("#selftest .step").count()
            for n in (1, count):
                page.evaluate(REACH, n)
                seen = page.evaluate(MEASURE, n)
                assert seen["shown"] and len(seen["options"]) == 5
                where = f"{mode}, statement {n}"
                found += [f"{where}: {w}" for w in outside(seen)]
                report = page.evaluate(CHECKER, {})
                found += [f"{where}: {kind}: {p}" for kind in PROBLEMS for p in report[kind]]
                fonts.setdefault(mode, {})
                fonts[mode][f"statement {n}"] = seen["statement"]["fontPx"]
                fonts[mode][f"options {n}"] = min(o["fontPx"] for o in seen["options"])
    finally:
        context.close()
    for what, normal in fonts["normal"].items():
        large = fonts["large_text"][what]
        if not large >= 1.2 * normal:
            found.append(f"large text sets the {what} at {large:.1f} px, else {normal:.1f} px")
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("size", FOLD_SIZES, ids=[f"{w}x{h}" for w, h in FOLD_SIZES])
def test_the_consent_and_the_result_are_read_without_scrolling(
    browser: Any, kiosk: LiveKiosk, size: tuple[int, int], lang: str
) -> None:
    context = new_context(browser, size, lang)
    page = context.new_page()
    found: list[str] = []
    try:
        set_language(page, kiosk.url, lang)
        for mode in ("normal", "large_text"):
            set_mode(page, kiosk.url, mode)
            for screen in (s for s in SCREENS if s.name in READ_FIRST):
                show(page, kiosk.url, screen)
                wrong = page.evaluate(PARTS, READ_FIRST[screen.name])
                found += [f"{screen.name} ({mode}): {w}" for w in wrong]
    finally:
        context.close()
    assert found == [], "\n".join(found)
