"""Pictograms inline in the page: the vendored SVG files of kiosk/static/icons.

Inline, so the icon takes the text's colour (high contrast included) and costs
no request; nothing comes from the network and no icon font is used. The files
are read when first asked for, never at import.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from markupsafe import Markup

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
_OPEN_TAG = re.compile(r"<svg\b[^>]*>", re.S)


@functools.lru_cache(maxsize=128)
def icon(name: str) -> Markup:
    """The icon as inline SVG, hidden from assistive technology (its text says it)."""
    if not re.fullmatch(r"[a-z0-9-]+", name):
        raise ValueError(f"not an icon name: {name!r}")
    svg = (ICONS / f"{name}.svg").read_text(encoding="utf-8")
    body = _OPEN_TAG.sub("", svg, count=1).replace("</svg>", "")
    body = re.sub(r"\s*\n\s*", "", body)
    return Markup(
        '<svg class="icon" viewBox="0 0 24 24" '
        'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round" aria-hidden="true" focusable="false">{body}</svg>'
    )
