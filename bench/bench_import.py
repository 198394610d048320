"""Import of 5,000 activities in each format: parse time, the import process's peak,
and how much the web server grows.

    .venv/bin/python bench/bench_import.py [N] [--in-process]

Files are generated in a temporary directory. For each format it prints:

* ``parse s``: parsing alone, in this process (no tracemalloc, which slows Python
  code several-fold);
* ``child MB``, ``child +MB`` and ``child cpu s``: the peak resident memory of the
  import process (kiosk.catalog.isolated) that reads and parses the file, the same
  above its baseline (the import process reading a one-activity file of the same
  format: the interpreter and the format's libraries), and its processor time;
* ``server +MB peak`` and ``server +MB after``: a fresh process standing in for the
  web server (``create_app`` on a temporary data directory, a catalogue loaded)
  imports the file the way the staff screen and the feed refresh do, and reports
  its peak and lasting resident memory above its own baseline. The database is a
  temporary file (WAL, synchronous=FULL, as on the kiosk).

``--in-process`` makes the server stand-in parse in its own process instead, the way
the kiosk did before imports had a process of their own: the "before" figure. It
uses only ``load_source`` and ``apply``, so it also runs against an older checkout
(``PYTHONPATH=<checkout> python bench/bench_import.py --in-process``).
Asserts nothing.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook

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
TODAY = date(2026, 9, 1)
BIG_FILES_MB = 100  # [catalog] max_file_mb for the bench, so 5,000 rows always fit


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


FORMATS = {"csv": make_csv, "xlsx": make_xlsx, "ics": make_ics, "json": make_json}


def resident_kb() -> tuple[int, int]:
    """(current, peak) resident memory of this process in kB, from /proc."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found["VmRSS"], found["VmHWM"]


def server_run(path: Path, data_dir: Path, in_process: bool) -> dict[str, float]:
    """The web server stand-in: import one file as the staff screen does, in this process."""
    from kiosk.app import create_app
    from kiosk.catalog.apply import apply
    from kiosk.catalog.import_cli import load_source
    from kiosk.settings import Settings

    settings = Settings().replace(
        kiosk={"data_dir": str(data_dir)}, catalog={"max_file_mb": BIG_FILES_MB}
    )
    app = create_app(settings)
    svc = app.extensions["kiosk"]
    # Start the peak over from here (Linux: "5" resets VmHWM to the current size).
    Path("/proc/self/clear_refs").write_text("5")
    base, _ = resident_kb()
    started = time.perf_counter()
    if in_process:
        name, result = load_source(str(path), settings, today=TODAY)
    else:
        from kiosk.catalog.isolated import run_isolated

        outcome = run_isolated(str(path), settings, today=TODAY)
        name, result = outcome.name, outcome.result
    p = apply(svc.store, name, result)
    svc.catalog.reload()
    seconds = time.perf_counter() - started
    now, peak = resident_kb()
    svc.close()
    if p.errors:
        raise SystemExit(f"{path.name}: {p.errors[0]}")
    return {"seconds": seconds, "peak_mb": (peak - base) / 1024, "after_mb": (now - base) / 1024}


def in_this_process(path: Path) -> float:
    from kiosk.catalog.importers import Limits, parse
    from kiosk.settings import Settings

    limits = Limits.from_settings(Settings().replace(catalog={"max_file_mb": BIG_FILES_MB}))
    started = time.perf_counter()
    result = parse(path.read_bytes(), name=path.name, source=path.name, limits=limits, today=TODAY)
    seconds = time.perf_counter() - started
    if result.problems:
        raise SystemExit(f"{path.name}: {result.problems[0]}")
    return seconds


def child_figures(path: Path) -> tuple[float, float]:
    from kiosk.catalog.isolated import run_isolated
    from kiosk.settings import Settings

    settings = Settings().replace(catalog={"max_file_mb": BIG_FILES_MB})
    outcome = run_isolated(str(path), settings, today=TODAY)
    if outcome.result.problems:
        raise SystemExit(f"{path.name}: {outcome.result.problems[0]}")
    return outcome.peak_kb / 1024, outcome.cpu_seconds


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--server-run" in sys.argv:
        path, data_dir = Path(args[0]), Path(args[1])
        print(json.dumps(server_run(path, data_dir, "--in-process" in sys.argv)))
        return
    n = int(args[0]) if args else 5000
    in_process = "--in-process" in sys.argv
    where = "in the server's own process (before)" if in_process else "in the import process"
    print(f"{n} activities per format; the server stand-in parses {where}\n")
    head = f"{'format':<7} {'file KB':>8} {'parse s':>8}"
    if not in_process:
        head += f" {'child MB':>9} {'child +MB':>10} {'child cpu s':>12}"
    print(head + f" {'import s':>9} {'server +MB peak':>16} {'server +MB after':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, make in FORMATS.items():
            path = Path(tmp) / f"bench.{fmt}"
            path.write_bytes(make(n))
            line = f"{fmt:<7} {path.stat().st_size / 1024:>8.0f} {in_this_process(path):>8.2f}"
            if not in_process:
                one = Path(tmp) / f"one.{fmt}"
                one.write_bytes(make(1))
                baseline_mb, _ = child_figures(one)
                peak_mb, cpu = child_figures(path)
                line += f" {peak_mb:>9.1f} {peak_mb - baseline_mb:>10.1f} {cpu:>12.2f}"
            command = [sys.executable, __file__, "--server-run", str(path), f"{tmp}/{fmt}-data"]
            if in_process:
                command.append("--in-process")
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            server = json.loads(done.stdout.strip().splitlines()[-1])
            print(
                f"{line} {server['seconds']:>9.2f} {server['peak_mb']:>16.1f} "
                f"{server['after_mb']:>17.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
