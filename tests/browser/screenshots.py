"""Screenshots of every public screen, for docs/screens.md (``make screenshots``).

    python -m tests.browser.screenshots [FOLDER] [--all]

Writes PNGs to FOLDER (default docs/screenshots/): every screen at 800x480 and
1080x1920 in Finnish, a selection in large text, high contrast, Swedish and
English, and the staff screens. ``--all`` takes every screen at every supported
size, language and mode instead (for a review; some 600 pictures). The kiosk
runs on the fixed clock of tests/browser/screens.py, so the pictures change only
when the screens do.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.browser.screens import (
    ARGS,
    CHROMIUM,
    LANGUAGES,
    MODES,
    SCREENS,
    SIZES,
    Screen,
    new_context,
    set_language,
    set_mode,
    show,
    showcase,
)

ROOT = Path(__file__).resolve().parents[2]
GALLERY_SIZES = [(800, 480), (1080, 1920)]
# Beyond every screen in Finnish at the two gallery sizes: these, to show the modes.
EXTRA = {
    ("large_text", "fi"): [
        "start",
        "today",
        "activity",
        "talk",
        "language-sheet",
        "consent",
        "statement",
        "result",
    ],
    ("high_contrast", "fi"): ["start", "activity"],
    ("normal", "sv"): ["start", "week", "activity", "consent"],
    ("normal", "en"): ["start", "now", "activity", "empty", "consent", "result"],
    ("large_text", "en"): ["start", "activity"],
}


def shot_name(screen: Screen, size: tuple[int, int], lang: str, mode: str) -> str:
    suffix = "" if mode == "normal" else "-" + mode.replace("_", "-")
    return f"{screen.name}-{lang}{suffix}-{size[0]}x{size[1]}.png"


def plan(everything: bool) -> Iterator[tuple[tuple[int, int], str, str, list[Screen]]]:
    """(size, language, mode, screens) in the order one browser context can take them."""
    sizes = SIZES if everything else GALLERY_SIZES
    for size in sizes:
        for lang in LANGUAGES:
            for mode in MODES:
                if everything or (lang == "fi" and mode == "normal"):
                    chosen = SCREENS
                else:
                    names = EXTRA.get((mode, lang), [])
                    chosen = [s for s in SCREENS if s.name in names]
                if chosen:
                    yield size, lang, mode, chosen


TITLES = {
    "start": "Start",
    "all": "Things to do (all, page 1)",
    "now": "Now",
    "today": "Today",
    "week": "Next 7 days",
    "theme-free": "A theme, free of charge",
    "spoken": "Spoken language: Russian",
    "empty": "Nothing found (the choices named)",
    "activity": "An activity",
    "activity-long": "An activity with a price",
    "talk": "Talk to someone",
    "not-found": "Not found",
    "consent": "Self-test: consent",
    "statement": "Self-test: a statement",
    "result": "Self-test: the result",
    "display-sheet": "Display options open",
    "theme-sheet": "Choosing a theme",
    "language-sheet": "Languages from one button (large text)",
}
MODE_NAMES = {"normal": "", "large_text": "large text", "high_contrast": "high contrast"}
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
START, END = "<!-- gallery: make screenshots writes below -->", "<!-- gallery end -->"


def gallery() -> str:
    """The gallery section of docs/screens.md: the gallery's pictures, two sizes a row."""
    lines = [START, "", "### Every screen in Finnish", ""]
    small, tall = GALLERY_SIZES

    def row(screen: Screen, lang: str, mode: str) -> list[str]:
        a, b = (shot_name(screen, size, lang, mode) for size in (small, tall))
        what = ", ".join(x for x in (LANGUAGE_NAMES[lang], MODE_NAMES[mode]) if x)
        return [
            f"**{TITLES[screen.name]}** ({what})",
            "",
            f"| {small[0]}x{small[1]} | {tall[0]}x{tall[1]} |",
            "| --- | --- |",
            f"| ![{TITLES[screen.name]}, {small[0]}x{small[1]}](screenshots/{a}) "
            f"| ![{TITLES[screen.name]}, {tall[0]}x{tall[1]}](screenshots/{b}) |",
            "",
        ]

    for screen in SCREENS:
        lines += row(screen, "fi", "normal")
    lines += ["### Large text, high contrast, Swedish and English", ""]
    for (mode, lang), names in EXTRA.items():
        for screen in SCREENS:
            if screen.name in names:
                lines += row(screen, lang, mode)
    return "\n".join([*lines, END])


def write_gallery(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    doc.write_text(head + gallery() + tail, encoding="utf-8")


def take(browser: Any, base: str, out: Path, everything: bool) -> list[Path]:
    written: list[Path] = []
    for size, lang, mode, screens in plan(everything):
        context = new_context(browser, size, lang)
        page = context.new_page()
        set_language(page, base, lang)
        set_mode(page, base, mode)
        for screen in screens:
            show(page, base, screen)
            page.wait_for_load_state("networkidle")
            target = out / shot_name(screen, size, lang, mode)
            page.screenshot(path=str(target))
            written.append(target)
        context.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--all", action="store_true", help="every size, language and mode")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        print("no Chromium installed (apt-get install chromium)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        kiosk = showcase(Path(tmp))
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            written = take(browser, kiosk.url, out, args.all)
        finally:
            browser.close()
            kiosk.stop()
    if not args.all and out.resolve() == (ROOT / "docs" / "screenshots").resolve():
        ours = tuple(f"{screen.name}-" for screen in SCREENS)
        for old in out.glob("*.png"):
            if old.name.startswith(ours) and old not in written:
                old.unlink()  # a screen or mode that is gone leaves no picture behind
        write_gallery(ROOT / "docs" / "screens.md")
    print(f"{len(written)} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
