"""docs/screens.md shows every public screen: the gallery names a picture of each
screen at both gallery sizes, and every picture it names is in docs/screenshots."""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.screens import SCREENS
from tests.browser.screenshots import GALLERY_SIZES, gallery, shot_name

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "screens.md"


def test_the_gallery_is_the_one_make_screenshots_writes() -> None:
    assert gallery() in DOC.read_text(encoding="utf-8")


def test_every_screen_is_in_the_gallery_at_both_sizes_and_every_picture_exists() -> None:
    named = set(re.findall(r"\(screenshots/([\w.-]+\.png)\)", DOC.read_text(encoding="utf-8")))
    for screen in SCREENS:
        for size in GALLERY_SIZES:
            assert shot_name(screen, size, "fi", "normal") in named
    missing = [name for name in named if not (ROOT / "docs" / "screenshots" / name).is_file()]
    assert missing == []
