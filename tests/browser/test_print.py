"""Printing from the activity page, on the pty printer emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import make_live, new_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "fault, message",
    [
        ("none", "Take your slip from the printer."),
        ("paper_out", "Sorry, the printer is not working right now."),
    ],
)
def test_tap_print(browser: Any, tmp_path: Path, fault: str, message: str) -> None:
    kiosk = make_live(
        tmp_path,
        printer={"kind": "emulator", "emulator_fault": fault, "status_timeout": 0.2},
    )
    try:
        page = new_page(browser, locale="en-GB")
        page.goto(kiosk.url + "/lang/en?next=/activities/demo-001")
        page.get_by_role("button", name="Print slip").tap()
        status = page.get_by_role("status").filter(has_text=message[:20])
        status.wait_for(timeout=5000)
        assert message in page.locator(".print-status").inner_text()
        qr = page.get_by_role("img", name="QR code of the web page")
        assert qr.is_visible()
        if fault == "paper_out":
            assert "failed" in (page.locator(".print-status").get_attribute("class") or "")
            # The QR code is on screen, in view, as the way to take the activity along.
            assert qr.bounding_box() is not None
            assert page.evaluate(
                "(() => { const r = document.querySelector('.qr').getBoundingClientRect();"
                " return r.top >= 0 && r.bottom <= window.innerHeight; })()"
            )
        else:
            slips = list((tmp_path / "data" / "slips").glob("*.txt"))
            assert len(slips) == 1
    finally:
        kiosk.stop()
