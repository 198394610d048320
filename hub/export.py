"""Daily counts as CSV for spreadsheets: per kiosk, per region or for the whole fleet.

UTF-8 with a byte-order mark so that Excel shows ä and ö; semicolons, as Excel
expects them in a Finnish locale. Score bands are not exported: they are
read on the dashboard, where the pooling limits apply.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from hub.db import Hub

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
)


def export_csv(hub: Hub, start: date, end: date, by: str) -> bytes:
    if by not in BY:
        raise ValueError(f"--by must be one of {', '.join(BY)}")
    group = {"kiosk": "k.kiosk_id", "region": "k.region", "fleet": "'fleet'"}[by]
    # PostgreSQL refuses a constant in GROUP BY: the fleet is grouped by date alone.
    also = "" if by == "fleet" else f", {group}"
    rows = hub.query(
        f"SELECT o.date, {group}, o.metric, sum(o.value) FROM ops_daily o "
        "JOIN kiosk k ON k.kiosk_id = o.kiosk_id WHERE o.date >= ? AND o.date <= ? "
        f"GROUP BY o.date{also}, o.metric",
        [start.isoformat(), end.isoformat()],
    )
    faults = hub.query(
        f"SELECT o.date, {group}, sum(o.value) FROM ops_daily o "
        "JOIN kiosk k ON k.kiosk_id = o.kiosk_id WHERE o.metric = 'printer' AND o.key != 'ok' "
        f"AND o.date >= ? AND o.date <= ? GROUP BY o.date{also}",
        [start.isoformat(), end.isoformat()],
    )
    reported = hub.query(
        f"SELECT d.date, {group}, count(*) FROM ops_day d JOIN kiosk k ON k.kiosk_id = d.kiosk_id "
        f"WHERE d.date >= ? AND d.date <= ? GROUP BY d.date{also}",
        [start.isoformat(), end.isoformat()],
    )
    table: dict[tuple[str, str], dict[str, int]] = {}
    for day, who, count in reported:
        table.setdefault((day, who), {})["kiosks_reporting"] = int(count)
    for day, who, metric, value in rows:
        if metric in METRICS:
            table.setdefault((day, who), {})[metric] = int(value)
    for day, who, value in faults:
        table.setdefault((day, who), {})["printer_faults"] = int(value)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    columns = ("kiosks_reporting", *METRICS, "printer_faults")
    writer.writerow(("date", by, *columns))
    for (day, who), values in sorted(table.items()):
        writer.writerow((day, who, *(values.get(c, 0) for c in columns)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")
