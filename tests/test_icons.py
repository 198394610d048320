"""The vendored pictograms: every one the screens ask for is here, with its
licence; none is here unused; they are drawn inline, hidden from screen readers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk.web.icons import ICONS, icon
from kiosk.web.labels import CATEGORY_ICONS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "kiosk").rglob("*.py")]


def vendored() -> set[str]:
    return {p.stem for p in ICONS.glob("*.svg")}


def test_the_licence_and_the_source_are_beside_the_icons() -> None:
    licence = (ICONS / "LICENSE").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Paweł Kuna" in licence
    readme = (ICONS / "README.md").read_text(encoding="utf-8")
    assert "@tabler/icons" in readme and "3.51.0" in readme


def test_every_icon_asked_for_is_vendored() -> None:
    asked = set(CATEGORY_ICONS.values()) | {"calendar-event", "filter"}
    for source in SOURCES:
        asked |= set(re.findall(r"icon\('([a-z0-9-]+)'\)", source.read_text(encoding="utf-8")))
    assert asked - vendored() == set()


def test_no_icon_is_vendored_unused() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    unused = {name for name in vendored() if not re.search(rf"['\"]{name}['\"]", text)}
    assert unused == set()


def test_an_icon_is_inline_svg_hidden_from_screen_readers() -> None:
    svg = icon("home")
    assert svg.startswith("<svg") and 'aria-hidden="true"' in svg and "http" not in svg
    assert 'stroke="currentColor"' in svg
    with pytest.raises(ValueError):
        icon("../secret")


def test_pages_carry_their_icons_inline(client: FlaskClient) -> None:
    html = client.get("/activities/demo-001").get_data(as_text=True)
    assert html.count('<svg class="icon"') >= 5
    assert ".woff" not in html and "icon-font" not in html
