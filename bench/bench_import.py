"""Time and peak memory to parse and apply 5,000 activities in each import format.

    .venv/bin/python bench/bench_import.py [N]

Files are generated in a temporary directory; the database is a temporary file
(WAL, synchronous=FULL, as on the kiosk). Peak memory is tracemalloc's peak of
Python allocations during parse + apply. Prints a table; asserts nothing.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

from kiosk.catalog.apply import apply
from kiosk.catalog.importers import Limits, parse
from kiosk.settings import Settings
from kiosk.store.db import Store

DAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")
HEADER = [
    "title_fi",
    "title_sv",
    "description_fi",
    "categories",
    "place",
    "address",
    "free",
    "languages",
    "url",
    "times",
    "valid_from",
]


def rows(n: int) -> list[list[str]]:
    return [
        [
            f"Kerho {i}",
            f"Klubb {i}",
            f"Kuvaus {i}: <b>tervetuloa</b> kaikille.",
            "liikunta",
            f"Paikka {i % 97}",
            f"Katu {i % 50}, Salo",
            "kyllä",
            "fi, sv",
            f"https://www.example.fi/{i}",
            f"{DAYS[i % 7]} {9 + i % 8}-{10 + i % 8}",
            "1.9.2026",
        ]
        for i in range(n)
    ]


def make_csv(n: int) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=";").writerows([HEADER, *rows(n)])
    return b"\xef\xbb\xbf" + buf.getvalue().encode()


def make_xlsx(n: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in [HEADER, *rows(n)]:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def make_ics(n: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//FI"]
    start = datetime(2026, 9, 1, 10)
    for i in range(n):
        s = start + timedelta(days=i % 120, hours=i % 8)
        rule = ["RRULE:FREQ=WEEKLY;COUNT=10"] if i % 2 else []
        lines += [
            "BEGIN:VEVENT",
            f"UID:bench-{i}@example.fi",
            f"SUMMARY:Tapahtuma {i}",
            f"DTSTART;TZID=Europe/Helsinki:{s:%Y%m%dT%H%M%S}",
            f"DTEND;TZID=Europe/Helsinki:{s + timedelta(hours=1):%Y%m%dT%H%M%S}",
            "LOCATION:Kirjasto\\, Valtakatu 6\\, Salo",
            "CATEGORIES:liikunta",
            *rule,
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines).encode()


def make_json(n: int) -> bytes:
    per_page = 1000
    pages = []
    for p in range(0, n, per_page):
        data = [
            {
                "id": f"bench:{i}",
                "name": {"fi": f"Tapahtuma {i}", "sv": f"Evenemang {i}"},
                "description": {"fi": "<p>Tervetuloa</p>"},
                "location": {"name": {"fi": "Kirjasto"}, "street_address": {"fi": "Valtakatu 6"}},
                "keywords": [{"id": "yso:p965", "name": {"fi": "liikunta"}}],
                "offers": [{"is_free": True}],
                "start_time": f"2026-10-{1 + i % 28:02d}T{8 + i % 8:02d}:00:00Z",
                "end_time": f"2026-10-{1 + i % 28:02d}T{9 + i % 8:02d}:00:00Z",
                "super_event": None,
                "sub_events": [],
            }
            for i in range(p, min(n, p + per_page))
        ]
        pages.append({"meta": {"next": None}, "data": data})
    return json.dumps(pages).encode()


def run_once(name: str, data: bytes, limits: Limits, db_path: Path) -> tuple[float, float]:
    store = Store(db_path)
    t0 = time.perf_counter()
    result = parse(data, name=name, source=name, limits=limits, today=date(2026, 9, 1))
    t1 = time.perf_counter()
    p = apply(store, name, result)
    t2 = time.perf_counter()
    store.close()
    if p.errors:
        raise SystemExit(f"{name}: {p.errors[0]}")
    return t1 - t0, t2 - t1


def measure(name: str, data: bytes, limits: Limits, tmp: Path) -> tuple[float, float, int]:
    """Times from a run without tracemalloc (it slows Python code several-fold), then
    the peak from a second run with it, each into a fresh database."""
    parse_s, apply_s = run_once(name, data, limits, tmp / f"{name}-time.db")
    tracemalloc.start()
    run_once(name, data, limits, tmp / f"{name}-memory.db")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return parse_s, apply_s, peak


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    limits = Limits(**{**Limits.from_settings(Settings()).__dict__, "max_bytes": 100 * 2**20})
    print(f"{n} activities per format\n")
    print(f"{'format':<8} {'file KB':>8} {'parse s':>8} {'apply s':>8} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (
            ("bench.csv", make_csv),
            ("bench.xlsx", make_xlsx),
            ("bench.ics", make_ics),
            ("bench.json", make_json),
        ):
            data = make(n)
            (Path(tmp) / name).write_bytes(data)
            parse_s, apply_s, peak = measure(name, data, limits, Path(tmp))
            print(
                f"{name[6:]:<8} {len(data) / 1024:>8.0f} {parse_s:>8.2f} {apply_s:>8.2f} "
                f"{peak / 2**20:>8.1f}"
            )


if __name__ == "__main__":
    main()
