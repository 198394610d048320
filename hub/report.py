"""What the dashboard and the export read: fleet health, counts per day, score bands.

Counts and score bands reach people only through :mod:`hub.publication`, worked
out over the whole fleet at once (every kiosk, region and the fleet for a day and a
measure), so that every page and export shows each cell the same way and no two of
them can be subtracted to reveal a withheld one.

What is published is **settled**: a day's counts once ``settle_days`` have passed
after it, a month's score bands once ``settle_days`` have passed after the month,
each with only what had arrived by then. A published figure therefore never
changes, and a batch arriving late cannot be read off as the difference between
yesterday's figure and today's; coordinators see late counts in the raw view.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hub import publication, refusals, texts
from hub.db import Hub
from hub.publication import BandRow, Figure
from hub.refusals import Refusal

SERIES = {"visits": "sessions_started", "prints": "activity_prints", "tests": "tests_completed"}
SKEW_ALERT_S = 300
SILENT_AFTER = timedelta(hours=48)
# The kiosk's printer counts (kiosk.printing.queue): "ok" for a slip printed, the
# reason a slip failed, and "paper_low" beside "ok" for a slip printed on a low roll.
PRINTED, PAPER_LOW, PAPER_OUT = "ok", "paper_low", "paper_out"
NOT_FAULTS = (PRINTED, PAPER_LOW)
FLEET = ("fleet", "")
MEMO_LIMIT = 20_000  # published days and measures kept in memory (a year of 50 measures)
Unit = tuple[str, str]  # ("kiosk", id), ("region", name) or FLEET


@dataclass(frozen=True)
class KioskRow:
    kiosk_id: str
    name: str
    region: str
    last_seen: str | None  # the last upload the hub stored (UTC)
    last_seq: int
    missing: int  # batch numbers below the newest that never arrived
    skew_s: int | None
    clock_synced: bool | None
    printer_faults: int  # last 14 days
    silent: bool  # nothing for 48 hours
    app_version: str | None = None  # of the newest batch
    keys: int = 1  # active keys: more than one while an old card may still send
    refused: Refusal | None = None  # the newest refusal, when nothing was stored since
    paper: str | None = None  # PAPER_LOW or PAPER_OUT on the newest day it printed
    silent_hours: int = 0  # since the last upload, when silent

    @property
    def alerts(self) -> list[str]:
        out = []
        if self.refused is not None:
            out.append(texts.ALERT_REFUSED)
        if self.silent:
            out.append(texts.ALERT_SILENT)
        if self.missing:
            out.append(texts.ALERT_GAP)
        if self.skew_s is not None and abs(self.skew_s) > SKEW_ALERT_S:
            out.append(texts.ALERT_SKEW)
        if self.clock_synced is False:
            out.append(texts.ALERT_NOT_SYNCED)
        if self.printer_faults:
            out.append(texts.ALERT_PRINTER)
        if self.paper == PAPER_OUT:
            out.append(texts.ALERT_PAPER_OUT)
        elif self.paper == PAPER_LOW:
            out.append(texts.ALERT_PAPER_LOW)
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
        r[0]: (r[1], bool(r[2]), r[3])
        for r in hub.query(
            "SELECT b.kiosk_id, b.skew_s, b.clock_synced, b.app_version FROM batch b "
            "JOIN (SELECT kiosk_id, max(batch_seq) AS seq FROM batch GROUP BY kiosk_id) m "
            "ON m.kiosk_id = b.kiosk_id AND m.seq = b.batch_seq"
        )
    }
    faults: dict[str, int] = defaultdict(int)
    printed: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for table in ("ops_daily", "ops_correction"):
        for kid, day, key, value in hub.query(
            f"SELECT kiosk_id, date, key, sum(value) FROM {table} WHERE metric = 'printer' "
            "AND date >= ? GROUP BY kiosk_id, date, key",
            [since],
        ):
            if key not in NOT_FAULTS:
                faults[kid] += int(value or 0)
            day_keys = printed[kid][day]
            day_keys[key] = day_keys.get(key, 0) + int(value or 0)
    keys = dict(
        hub.query("SELECT kiosk_id, count(*) FROM kiosk_key WHERE active = 1 GROUP BY kiosk_id")
    )
    refused = refusals.newest(hub)
    out = []
    for kid, name, region, seen, top, count in rows:
        skew, synced, version = last.get(kid, (None, None, None))
        since_seen = now - datetime.fromisoformat(seen) if seen is not None else None
        silent = since_seen is None or since_seen > SILENT_AFTER
        refusal = refused.get(kid)
        if refusal is not None and seen is not None and refusal.received_at <= seen:
            refusal = None  # a batch was stored after it: uploads go through again
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
                faults.get(kid, 0),
                silent,
                version,
                int(keys.get(kid, 0)),
                refusal,
                _paper(printed.get(kid, {})),
                int(since_seen.total_seconds() // 3600) if since_seen is not None else 0,
            )
        )
    return out


def _paper(days: dict[str, dict[str, int]]) -> str | None:
    """The roll as the newest day the kiosk printed (or tried to) left it."""
    if not days:
        return None
    newest = days[max(days)]
    if newest.get(PAPER_OUT) and not newest.get(PRINTED):
        return PAPER_OUT
    if newest.get(PAPER_LOW):  # (out, then restocked the same day: no alarm)
        return PAPER_LOW
    return None


def regions_of(hub: Hub) -> dict[str, str]:
    """Every enrolled kiosk's region (retired kiosks too: their past days still count)."""
    return {str(k): str(r) for k, r in hub.query("SELECT kiosk_id, region FROM kiosk")}


def regions(hub: Hub) -> list[str]:
    return [r[0] for r in hub.query("SELECT DISTINCT region FROM kiosk ORDER BY region")]


def day_published(day: date, settle_days: int) -> datetime:
    """When a day's counts are published (and what arrives after is left out)."""
    return datetime.combine(day + timedelta(days=settle_days + 1), time(), UTC)


def month_published(month: str, settle_days: int) -> datetime:
    """When a month's ("YYYY-MM") score bands are published."""
    first = date.fromisoformat(month + "-01")
    following = (first + timedelta(days=32)).replace(day=1)
    return datetime.combine(following + timedelta(days=settle_days), time(), UTC)


# --- counts -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Counts:
    """Counts per day and measure for every kiosk, region and the fleet, as shown."""

    days: list[str]
    cells: dict[tuple[str, str], dict[Unit, Figure]]  # (day, metric) -> unit -> figure
    reporting: dict[str, dict[Unit, int]]  # day -> unit -> kiosks that reported the day
    raw: bool
    published_until: date | None  # the newest published day (None: raw counts)

    def figure(self, day: str, metric: str, unit: Unit) -> Figure | None:
        return self.cells.get((day, metric), {}).get(unit)


def counts(
    hub: Hub,
    start: date,
    end: date,
    metrics: tuple[str, ...],
    *,
    raw: bool,
    settle_days: int,
    now: datetime,
    memo: dict[Any, dict[Unit, Figure]] | None = None,
) -> Counts:
    """Daily counts from ``start`` to ``end``: raw, or as published (settled, protected).

    ``memo`` keeps published days between calls: a settled day never changes, so its
    protected table is worked out once (per assignment of kiosks to regions).
    """
    region = regions_of(hub)
    days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    span = [start.isoformat(), end.isoformat()]
    included: set[tuple[str, str]] = set()
    newest: date | None = None
    for kid, day, received in hub.query(
        "SELECT d.kiosk_id, d.date, b.received_at FROM ops_day d JOIN batch b "
        "ON b.kiosk_id = d.kiosk_id AND b.batch_seq = d.batch_seq "
        "WHERE d.date >= ? AND d.date <= ?",
        span,
    ):
        if kid not in region:
            continue
        if not raw:
            due = day_published(date.fromisoformat(day), settle_days)
            if now < due or datetime.fromisoformat(received) >= due:
                continue
        included.add((kid, day))
    if not raw:
        settled = [d for d in days if now >= day_published(date.fromisoformat(d), settle_days)]
        newest = date.fromisoformat(settled[-1]) if settled else start - timedelta(days=1)
    values: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    plain = [m for m in metrics if m != "printer_faults"]
    if plain:
        marks = ", ".join("?" * len(plain))
        for kid, day, metric, value in hub.query(
            "SELECT kiosk_id, date, metric, sum(value) FROM ops_daily "
            f"WHERE date >= ? AND date <= ? AND metric IN ({marks}) GROUP BY 1, 2, 3",
            [*span, *plain],
        ):
            values[(day, metric)][kid] = int(value)
    if "printer_faults" in metrics:
        for kid, day, value in hub.query(
            "SELECT kiosk_id, date, sum(value) FROM ops_daily WHERE date >= ? AND date <= ? "
            "AND metric = 'printer' AND key NOT IN (?, ?) GROUP BY 1, 2",
            [*span, *NOT_FAULTS],
        ):
            values[(day, "printer_faults")][kid] = int(value)
    # Corrections count from the day they arrived: in published figures only when that
    # was before the day was published (a published day never changes).
    for kid, day, metric, key, value, received in hub.query(
        "SELECT c.kiosk_id, c.date, c.metric, c.key, c.value, b.received_at "
        "FROM ops_correction c JOIN batch b "
        "ON b.kiosk_id = c.kiosk_id AND b.batch_seq = c.batch_seq "
        "WHERE c.date >= ? AND c.date <= ?",
        span,
    ):
        if not raw and datetime.fromisoformat(received) >= day_published(
            date.fromisoformat(day), settle_days
        ):
            continue
        name = "printer_faults" if metric == "printer" and key not in NOT_FAULTS else metric
        if name in metrics:
            cell = values[(day, name)]
            cell[kid] = cell.get(kid, 0) + int(value)
    by_day: dict[str, list[str]] = defaultdict(list)
    for kid, day in sorted(included):
        by_day[day].append(kid)
    reporting: dict[str, dict[Unit, int]] = {}
    cells: dict[tuple[str, str], dict[Unit, Figure]] = {}
    regions_key = hash(tuple(sorted(region.items()))) if memo is not None else 0
    for day, kiosks in by_day.items():
        tally: dict[Unit, int] = defaultdict(int)
        for kid in kiosks:
            tally[("kiosk", kid)] = 1
            tally[("region", region[kid])] += 1
            tally[FLEET] += 1
        reporting[day] = dict(tally)
        for metric in metrics:
            key = (day, metric, settle_days, regions_key)
            if not raw and memo is not None and key in memo:
                cells[(day, metric)] = memo[key]
                continue
            found = values.get((day, metric), {})
            table, relations = count_table({kid: found.get(kid, 0) for kid in kiosks}, region)
            if raw:
                cells[(day, metric)] = {unit: Figure(v) for unit, v in table.items()}
                continue
            cells[(day, metric)] = publication.protect_counts(table, relations)
            if memo is not None:
                if len(memo) > MEMO_LIMIT:
                    memo.clear()
                memo[key] = cells[(day, metric)]
    return Counts(days, cells, reporting, raw, newest)


def count_table(
    per_kiosk: dict[str, int], region: dict[str, str]
) -> tuple[dict[Unit, int], list[tuple[Unit, tuple[Unit, ...]]]]:
    """One day's and measure's counts as kiosks, regions and fleet, with their sums."""
    table: dict[Unit, int] = {FLEET: 0}
    members: dict[Unit, list[Unit]] = defaultdict(list)
    for kid, value in sorted(per_kiosk.items()):
        unit, area = ("kiosk", kid), ("region", region[kid])
        table[unit] = value
        table[area] = table.get(area, 0) + value
        table[FLEET] += value
        members[area].append(unit)
    relations = [(FLEET, tuple(sorted(members)))]
    relations += [(area, tuple(parts)) for area, parts in sorted(members.items())]
    return table, relations


def series(found: Counts, unit: Unit, labels: dict[str, str]) -> dict[str, Any]:
    """One kiosk's, region's or the fleet's daily counts, for the chart and its table.

    Numbers where published; None (a gap in the chart) elsewhere, with the table's
    text for the cell in ``text``.
    """
    out: dict[str, Any] = {"days": found.days}
    text: dict[str, list[str]] = {}
    for name, metric in SERIES.items():
        numbers: list[int | None] = []
        words: list[str] = []
        for day in found.days:
            figure = found.figure(day, metric, unit)
            numbers.append(figure.number if figure else None)
            words.append(label(figure, labels))
        out[name] = numbers
        text[name] = words
    out["text"] = text
    return out


def label(figure: Figure | None, labels: dict[str, str]) -> str:
    if figure is None:
        return labels["none"]
    if figure.mark == publication.SMALL:
        return labels["small"]
    if figure.mark == publication.HIDDEN:
        return labels["hidden"]
    return str(figure.value)


# --- score bands ------------------------------------------------------------------------
@dataclass(frozen=True)
class BandCell:
    form: str
    month: str
    kiosks: int
    n: int
    bands: tuple[int, int, int, int] | None  # None: not published


def score_bands(hub: Hub, *, settle_days: int, now: datetime) -> dict[Unit, list[BandCell]]:
    """Published score-band rows per region and for the fleet, by form and month.

    Only whole calendar months, only once settled, never per kiosk.
    """
    region = regions_of(hub)
    rows = hub.query(
        "SELECT w.kiosk_id, w.form, w.period_end, w.n, w.b0, w.b1, w.b2, w.b3, b.received_at "
        "FROM score_window w JOIN batch b ON b.kiosk_id = w.kiosk_id "
        "AND b.batch_seq = w.batch_seq ORDER BY w.period_end"
    )
    pooled: dict[tuple[str, str], dict[Unit, tuple[set[str], list[int]]]] = defaultdict(dict)
    for kid, form, end, n, b0, b1, b2, b3, received in rows:
        month = str(end)[:7]
        due = month_published(month, settle_days)
        if kid not in region or now < due or datetime.fromisoformat(received) >= due:
            continue
        for unit in (("region", region[kid]), FLEET):
            who, sums = pooled[(form, month)].setdefault(unit, (set(), [0, 0, 0, 0, 0]))
            who.add(kid)
            for i, v in enumerate((n, b0, b1, b2, b3)):
                sums[i] += int(v)
    out: dict[Unit, list[BandCell]] = defaultdict(list)
    for (form, month), units in sorted(pooled.items()):
        rows_of = {
            unit: BandRow(len(who), s[0], (s[1], s[2], s[3], s[4]))
            for unit, (who, s) in units.items()
        }
        fleet_ok, shown = publication.publish_bands(
            rows_of[FLEET], {u[1]: r for u, r in rows_of.items() if u[0] == "region"}
        )
        for unit, row in rows_of.items():
            ok = fleet_ok if unit == FLEET else unit[1] in shown
            out[unit].append(BandCell(form, month, row.kiosks, row.n, row.bands if ok else None))
    return dict(out)
