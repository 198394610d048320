"""Printing figures: bytes per slip (native QR vs one raster image), time on the
wire, and time from the tap's HTTP request to the first byte on the emulated line.

Run: .venv/bin/python bench/bench_printing.py   (prints figures; not a test)
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

from flask import Flask

from hardware.emulator import PrinterEmulator
from hardware.escpos_decode import decode
from hardware.printer.escpos_import import dummy
from hardware.slip_png import render_png
from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.context import Services
from kiosk.printing.slips import (
    CUT,
    DOTS,
    PREAMBLE,
    build_slip,
)
from kiosk.printing.views import bp
from kiosk.printing.wiring import create_print_queue
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally

NOW = datetime(2026, 11, 23, 12, 0)
NAME = "Kohtaamispaikka Akseli"
TITLES = [
    "Kävelyretki Aurajoen rannassa", "Lukupiiri", "Vertaistukiryhmä omaishoitajille",
    "Digiapu: älypuhelin tutuksi", "Tuolijumppa", "Ruokajakelu", "Käsityökahvila",
    "Talousneuvonta – ajanvarauksella", "Suomen kielen keskusteluryhmä", "Lautapeli-ilta",
    "Senioritanssit", "Luontoretki Ruissaloon", "Vapaaehtoisten infoilta", "Kuoro kaikille",
    "Nuorten työpaja", "Asukasilta: mitä kaupunginosaan?", "Avoin olohuone", "Mieli ry:n ryhmä",
]  # fmt: skip
WORDS = [
    "tervetuloa",
    "mukaan",
    "ryhmään",
    "jossa",
    "tutustutaan",
    "uusiin",
    "ihmisiin",
    "ja",
    "jutellaan",
    "kahvin",
    "äärellä",
    "ei",
    "tarvitse",
    "ilmoittautua",
    "etukäteen",
    "paikka",
    "on",
    "esteetön",
    "ja",
    "tilassa",
    "on",
    "induktiosilmukka",
    "ohjaajana",
    "toimii",
    "koulutettu",
    "vapaaehtoinen",
    "kahvi",
    "ja",
    "pulla",
    "2",
    "€",
    "sisältyy",
    "hintaan",
]


def sample_activities(n: int = 40) -> list[Activity]:
    rng = random.Random(4)
    out = []
    for i in range(n):
        title = rng.choice(TITLES)
        desc = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60))).capitalize() + "."
        weekly = tuple(
            WeeklyRule(weekday=rng.randrange(7), start=clock(rng.randint(9, 18)), end=None)
            for _ in range(rng.randint(0, 2))
        )
        occurrences = (
            (Occurrence(datetime(2026, 12, rng.randint(1, 28), 10)),) if not weekly else ()
        )
        out.append(
            Activity(
                id=f"a{i:03d}",
                title={"fi": title, "sv": title, "en": title},
                description={"fi": desc},
                place=rng.choice(["Pääkirjasto", "Monitoimitalo", "Seurakuntakeskus", "Puisto"]),
                address=rng.choice(["Linnankatu 2, Turku", "Ölandsgatan 5, Åbo", "Torikatu 10"]),
                organiser=rng.choice(["SPR Varsinais-Suomi", "Turun kaupunki", "Mieli ry", ""]),
                contact=rng.choice(["040 123 4567", "info@example.fi", ""]),
                free=rng.random() < 0.7,
                price={"fi": "5 €"},
                languages=tuple(rng.sample(["fi", "sv", "en", "ru", "ar"], rng.randint(1, 3))),
                url=f"https://tapahtumat.example.fi/a/{rng.randint(1000, 999999)}"
                + ("?lang=fi" if rng.random() < 0.5 else ""),
                weekly=weekly,
                occurrences=occurrences,
                valid_until=date(2027, 6, 30),
            )
        )
    return out


def raster_slip(native: bytes, width_mm: int, profile: str) -> bytes:
    """The same slip drawn as one image (how a kiosk printing a web page via a driver does)."""
    p = dummy(profile)
    p._raw(PREAMBLE)
    p.image(render_png(decode(native), DOTS[width_mm]))
    p._raw(CUT)
    return bytes(p.output)


def tap_latency(taps: int = 50) -> tuple[list[float], list[float]]:
    """(request -> first byte on the line, request -> first byte of the slip), in ms."""
    activities = {a.id: a for a in sample_activities()}

    class Catalog:
        def get(self, activity_id: str) -> Activity | None:
            return activities.get(activity_id)

    store = Store(None)
    settings = Settings().replace(printer={"kind": "emulator", "baud": 19200})
    svc = Services(settings, store, Tally(store), EventLog(None), Catalog())
    with tempfile.TemporaryDirectory() as tmp:
        q = create_print_queue(svc, Path(tmp))
        q.start()
        emu: PrinterEmulator = svc.extra["printer_emulator"]
        emu.slips_dir = None
        app = Flask(__name__)
        app.secret_key = "bench"
        app.extensions["kiosk"] = svc
        app.register_blueprint(bp)
        client = app.test_client()
        first: list[float] = []
        slip: list[float] = []
        ids = list(activities)
        try:
            for i in range(taps + 1):
                emu.first_byte_at = None
                emu.slip_started_at = None
                count = emu.slip_count
                t0 = time.monotonic()
                job = client.post(f"/activities/{ids[i % len(ids)]}/print").get_json()["job"]
                deadline = t0 + 5
                while emu.slip_count <= count and time.monotonic() < deadline:
                    time.sleep(0.001)
                state = q.job(job)
                if state is None or state.state == "failed" or emu.first_byte_at is None:
                    raise SystemExit(f"tap {i} did not print: {state}")
                if i == 0:
                    continue  # the first tap also warms the worker's imports
                first.append((emu.first_byte_at - t0) * 1000)
                slip.append(((emu.slip_started_at or emu.first_byte_at) - t0) * 1000)
                while (done := q.job(job)) is not None and done.state != "done":
                    time.sleep(0.001)
        finally:
            q.stop()
    return first, slip


def main() -> int:
    activities = sample_activities()
    print(f"{len(activities)} sample activities, Finnish slips")
    for width, profile in ((58, "POS-5890"), (80, "TM-T20II")):
        native, raster = [], []
        for a in activities:
            data = build_slip(
                a, lang="fi", width_mm=width, meeting_point_name=NAME, today=NOW, profile=profile
            )
            native.append(len(data))
            raster.append(len(raster_slip(data, width, profile)))
        med_n, med_r = statistics.median(native), statistics.median(raster)
        print(f"\n{width} mm (profile {profile})")
        print(f"  native QR : median {med_n:7.0f} B, max {max(native):7d} B")
        print(f"  raster    : median {med_r:7.0f} B, max {max(raster):7d} B")
        print(f"  ratio     : raster / native = {med_r / med_n:.1f}x (median)")
        for baud in (9600, 19200):
            print(
                f"  on the wire at {baud:5d} 8N1: native {med_n * 10 / baud:5.2f} s "
                f"(max {max(native) * 10 / baud:.2f} s), raster {med_r * 10 / baud:6.2f} s"
            )
    first, slip = tap_latency()
    print(f"\ntap (HTTP POST) -> first byte on the emulated line, {len(first)} taps:")
    print(f"  status query : median {statistics.median(first):5.1f} ms, max {max(first):5.1f} ms")
    print(f"  slip (ESC @) : median {statistics.median(slip):5.1f} ms, max {max(slip):5.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
