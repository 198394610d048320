"""The appliance's Chromium flags, read from the unit that starts it, so the browser
tests and the demo browser run with exactly the flags a kiosk has."""

from __future__ import annotations

import re
from pathlib import Path

UNIT = Path(__file__).resolve().parents[2] / "systemd" / "kiosk-browser.service"
# Where the appliance's display differs from a test machine's; everything else is kept.
DISPLAY_ONLY = ("--kiosk", "--ozone-platform=", "--user-data-dir=")


def chromium_flags(unit: Path = UNIT) -> list[str]:
    """The flags on the unit's ExecStart after the browser, without the display-only ones."""
    text = unit.read_text(encoding="utf-8").replace("\\\n", " ")
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    after = line.split("/usr/bin/chromium", 1)[1]
    flags = re.findall(r"(?<!\S)--\S+", after)
    return [f for f in flags if not f.startswith(DISPLAY_ONLY)]
