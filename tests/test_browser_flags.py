"""The appliance's browser keeps nothing of a visit on disk, and the demo browser and the
browser tests run with the same flags as the appliance."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.browser.appliance import UNIT, chromium_flags

DEMO_BROWSER = Path(__file__).resolve().parent.parent / "scripts" / "demo-browser.sh"


def test_the_appliance_browser_runs_incognito_in_a_profile_on_tmpfs() -> None:
    unit = UNIT.read_text(encoding="utf-8")
    assert "--incognito" in chromium_flags()
    assert "--user-data-dir=${RUNTIME_DIRECTORY}/chromium" in unit
    assert "RuntimeDirectory=kiosk-browser" in unit  # under /run: tmpfs, gone at every stop


def test_the_demo_browser_uses_the_appliance_flags() -> None:
    printed = subprocess.run(
        ["sh", str(DEMO_BROWSER), "--print-flags"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert printed == chromium_flags()
