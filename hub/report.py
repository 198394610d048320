"""What the dashboard and the export read: fleet health, counts over time, score bands.

Score bands come only from released windows (the kiosks never send pending ones).
Pooled over kiosks (a region, the fleet), a cell is shown only when it holds at
least ``MIN_KIOSKS`` kiosks and ``MIN_TESTS`` tests, so a small place's results
cannot be read out of a regional figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hub.db import Hub

MIN_KIOSKS = 3
MIN_TESTS = 5
SERIES = {"visits": "sessions_started", "tests": "tests_completed"}
SKEW_ALERT_S = 300
SILENT_AFTER = timedelta(hours=48)


@dataclass(frozen=True)
class KioskRow:
    kiosk_id: str
    name: str
    region: str
    last_seen: str | None
    last_seq: int
    missing: int  # batch numbers below the newest that never arrived
    skew_s: int | None
    clock_synced: bool | None
    printer_faults: int  # last 14 days
    silent: bool  # nothing for 48 hours

    @property
    def alerts(self) -> list[str]:
        out = []
        if self.silent:
            out.append("silent")
        if self.missing:
            out.append("gap")
        if self.skew_s is not None and abs(self.skew_s) > SKEW_ALERT_S:
            out.append("clock skew")
        if self.clock_synced is False:
            out.append("clock not synced")
        if self.printer_faults:
            out.append("printer")
        return out


def fleet(hub: Hub, now: datetime | None = None) -> list[KioskRow]:
    now = now or datetime.now(UTC)
    since = (now.date() - timedelta(days=14)).isoformat()
    rows = hub.query(
        "SELECT k.kiosk_id, k.name, k.region, max(b.received_at), coalesce(max(b.batch_seq), 0), "
        "count(b.batch_seq) FROM kiosk k LEFT JOIN batch b ON b.kiosk_id = k.kiosk_id "
        "WHERE k.status = 'active' GROUP BY k.kiosk_id, k.name, k.region ORDER BY k.region, k.name"
    )
    last = {
        r[0]: (r[1], bool(r[2]))
        for r in hub.query(
            "SELECT b.kiosk_id, b.skew_s, b.clock_synced FROM batch b JOIN (SELECT kiosk_id, "
            "max(batch_seq) AS seq FROM batch GROUP BY kiosk_id) m "
            "ON m.kiosk_id = b.kiosk_id AND m.seq = b.batch_seq"
        )
    }
    faults = dict(
        hub.query(
            "SELECT kiosk_id, sum(value) FROM ops_daily WHERE metric = 'printer' "
            "AND key != 'ok' AND date >= ? GROUP BY kiosk_id",
            [since],
        )
    )
    out = []
    for kid, name, region, seen, top, count in rows:
        skew, synced = last.get(kid, (None, None))
        silent = seen is None or datetime.fromisoformat(seen) < now - SILENT_AFTER
        out.append(
            KioskRow(
                kid,
                name,
                region,
                seen,
                int(top),
                int(top) - int(count),
                skew,
                synced,
                int(faults.get(kid, 0) or 0),
                silent,
            )
        )
    return out


def series(hub: Hub, start: date, end: date, kiosks: list[str] | None = None) -> dict[str, Any]:
    """Daily visits, prints and tests from ``start`` to ``end`` for some kiosks or all."""
    where, params = "date >= ? AND date <= ?", [start.isoformat(), end.isoformat()]
    if kiosks is not None:
        if not kiosks:
            kiosks = [""]
        where += f" AND kiosk_id IN ({', '.join('?' * len(kiosks))})"
        params.extend(kiosks)
    rows = hub.query(
        f"SELECT date, metric, sum(value) FROM ops_daily WHERE {where} "
        "AND metric IN ('sessions_started', 'tests_completed', 'activity_prints') "
        "GROUP BY date, metric",
        params,
    )
    days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    by = {name: dict.fromkeys(days, 0) for name in ("visits", "prints", "tests")}
    names = {"sessions_started": "visits", "tests_completed": "tests", "activity_prints": "prints"}
    for day, metric, value in rows:
        by[names[metric]][day] = int(value)
    return {"days": days, **{k: list(v.values()) for k, v in by.items()}}


@dataclass(frozen=True)
class BandCell:
    form: str
    month: str
    kiosks: int
    n: int
    bands: tuple[int, int, int, int] | None  # None: suppressed (too few kiosks or tests)


def score_bands(hub: Hub, kiosks: list[str], *, pooled: bool) -> list[BandCell]:
    """Released windows per form and month; pooled cells are suppressed under the limits."""
    if not kiosks:
        return []
    rows = hub.query(
        "SELECT kiosk_id, form, period_end, n, b0, b1, b2, b3 FROM score_window "
        f"WHERE kiosk_id IN ({', '.join('?' * len(kiosks))}) ORDER BY period_end",
        kiosks,
    )
    cells: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [set(), 0, [0, 0, 0, 0]])
    for kid, form, end, n, *bands in rows:
        cell = cells[(form, end[:7])]
        cell[0].add(kid)
        cell[1] += n
        cell[2] = [a + b for a, b in zip(cell[2], bands, strict=True)]
    out = []
    for (form, month), (who, n, bands) in sorted(cells.items()):
        shown = not pooled or (len(who) >= MIN_KIOSKS and n >= MIN_TESTS)
        out.append(
            BandCell(
                form,
                month,
                len(who),
                n,
                (bands[0], bands[1], bands[2], bands[3]) if shown else None,
            )
        )
    return out


def kiosks_in(hub: Hub, region: str | None = None) -> list[str]:
    if region is None:
        return [r[0] for r in hub.query("SELECT kiosk_id FROM kiosk WHERE status = 'active'")]
    rows = hub.query("SELECT kiosk_id FROM kiosk WHERE status = 'active' AND region = ?", [region])
    return [r[0] for r in rows]


def regions(hub: Hub) -> list[str]:
    return [r[0] for r in hub.query("SELECT DISTINCT region FROM kiosk ORDER BY region")]
