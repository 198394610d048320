"""Server time of the staff screens, with 14 days of counts and a full event log.

Each screen is rendered through the Flask test client (no network, no browser), so
the figures are the kiosk's own work: reading the tally, the log and the catalogue,
and rendering the template. Also the PIN check (scrypt), which sets the pad's pace.

    .venv/bin/python bench/bench_staff.py
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings

ROUNDS = 50
PIN = "2468"


def report(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(f"{name}: n={len(ms)} median={statistics.median(ms):.2f} ms p95={p95:.2f} ms")


def seed(svc: Services) -> None:
    today = svc.tally.today()
    for days_ago in range(14):
        now = datetime.combine(
            today - timedelta(days=days_ago), clock_time(12), tzinfo=svc.tally.tz
        )
        svc.tally.count("sessions_started", n=40, now=now)
        for i in range(1, 9):
            svc.tally.count("activity_views", f"demo-{i:03d}", n=i, now=now)
    for i in range(1000):
        svc.events.info("bench", f"event {i}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings().replace(kiosk={"data_dir": str(Path(tmp) / "data")}))
        svc: Services = app.extensions["kiosk"]
        try:
            seed(svc)
            pins = app.extensions["staff"]["pins"]
            pins.set_pin(PIN)
            samples = []
            for _ in range(10):
                start = time.perf_counter()
                assert pins.attempt(PIN).ok
                samples.append(time.perf_counter() - start)
            report("PIN check (scrypt n=2^14)", samples)

            client = app.test_client()
            page = client.get("/staff/pin").get_data(as_text=True)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page)
            assert token
            client.post("/staff/pin", data={"pin": PIN, "csrf_token": token.group(1)})
            for path in ("/staff/health", "/staff/usage", "/staff/usage.json", "/staff/log"):
                samples = []
                for _ in range(ROUNDS):
                    start = time.perf_counter()
                    response = client.get(path)
                    samples.append(time.perf_counter() - start)
                    assert response.status_code == 200, path
                report(f"GET {path}", samples)
        finally:
            svc.close()


if __name__ == "__main__":
    main()
