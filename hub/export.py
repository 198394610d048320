"""Daily counts as CSV for spreadsheets: per kiosk, per region or for the whole fleet.

UTF-8 with a byte-order mark so that Excel shows ä and ö; semicolons, as Excel
expects them in a Finnish locale. Published counts by default (hub.publication:
"< 5" for 1 to 4, ".." for a count withheld so that another cannot be worked out,
settled days only); ``raw`` gives every count, for coordinators. Text cells that a
spreadsheet would run as a formula are written as text. Score bands are not
exported: they are read on the dashboard.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from hub import report, texts
from hub.db import Hub
from hub.publication import Figure
from hub.report import FLEET
from hub.safety import spreadsheet_cell

BY = ("kiosk", "region", "fleet")
METRICS = (
    "sessions_started",
    "consent_shown",
    "consent_declined",
    "tests_completed",
    "tests_incomplete",
    "activity_views",
    "activity_prints",
    "staff_calls",
    "printer_faults",
)
LABELS = {"small": texts.SMALL, "hidden": texts.HIDDEN, "none": "0"}


def export_csv(
    hub: Hub,
    start: date,
    end: date,
    by: str,
    *,
    raw: bool = False,
    settle_days: int = 3,
    now: datetime | None = None,
    memo: dict[Any, dict[report.Unit, Figure]] | None = None,
) -> bytes:
    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}")
    found = report.counts(
        hub,
        start,
        end,
        METRICS,
        raw=raw,
        settle_days=settle_days,
        now=now or datetime.now(UTC),
        memo=memo,
    )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("date", by, "kiosks_reporting", *METRICS))
    for day in found.days:
        units = sorted(u for u in found.reporting.get(day, {}) if u[0] == by)
        for unit in units:
            name = "fleet" if unit == FLEET else unit[1]
            cells = [report.label(found.figure(day, m, unit), LABELS) for m in METRICS]
            writer.writerow(
                (day, spreadsheet_cell(name), found.reporting[day][unit], *map(_number, cells))
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text
