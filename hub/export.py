"""Daily counts as CSV for spreadsheets: per kiosk, per region or for the whole fleet.

UTF-8 with a byte-order mark so that Excel shows ä and ö; semicolons, as Excel
expects them in a Finnish locale. Published counts by default (hub.publication:
"< 5" for 1 to 4, ".." for a count withheld so that another cannot be worked out,
settled days only); ``raw`` gives every count, for coordinators. Text cells that a
spreadsheet would run as a formula are written as text. The same rows as JSON for
programs. Score bands are not exported: they are read on the dashboard.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
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


def export_rows(
    hub: Hub,
    start: date,
    end: date,
    by: str,
    *,
    raw: bool = False,
    settle_days: int = 3,
    now: datetime | None = None,
    memo: dict[Any, dict[report.Unit, Figure]] | None = None,
    only: str | None = None,
) -> Iterator[tuple[str, str, int, list[int | str]]]:
    """(day, kiosk/region/"fleet", kiosks reporting, the METRICS' cells) for each day and
    unit that reported; ``only`` keeps one kiosk or region."""
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
    for day in found.days:
        units = sorted(u for u in found.reporting.get(day, {}) if u[0] == by)
        for unit in units:
            name = "fleet" if unit == FLEET else unit[1]
            if only is not None and name != only:
                continue
            cells = [report.label(found.figure(day, m, unit), LABELS) for m in METRICS]
            yield day, name, found.reporting[day][unit], [_number(c) for c in cells]


def export_csv(hub: Hub, start: date, end: date, by: str, **options: Any) -> bytes:
    """The rows as CSV for Excel (see the module's text)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(("date", by, "kiosks_reporting", *METRICS))
    for day, name, reporting, cells in export_rows(hub, start, end, by, **options):
        writer.writerow((day, spreadsheet_cell(name), reporting, *cells))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_json(hub: Hub, start: date, end: date, by: str, **options: Any) -> bytes:
    """The same rows as JSON: one object per day and unit, the counts by their names;
    a published count of 1 to 4 is the text "< 5", a withheld one ".."."""
    rows = [
        {
            "date": day,
            by: name,
            "kiosks_reporting": reporting,
            **dict(zip(METRICS, cells, strict=True)),
        }
        for day, name, reporting, cells in export_rows(hub, start, end, by, **options)
    ]
    head = {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "by": by,
        "counts": "raw" if options.get("raw") else "published",
        "small": texts.SMALL,
        "withheld": texts.HIDDEN,
    }
    return json.dumps({**head, "rows": rows}, ensure_ascii=False, indent=1).encode("utf-8")


def _number(text: str) -> int | str:
    return int(text) if text.isdigit() else text
