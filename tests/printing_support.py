"""Shared sample data and helpers for the printing tests."""

from __future__ import annotations

import time
from datetime import date, datetime
from datetime import time as clock

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.printing.queue import Job, PrintQueue

NOW = datetime(2026, 11, 23, 12, 0)  # a Monday

WALK = Activity(
    id="a-walk",
    title={"fi": "Kävelyretki – Promenadi Åbo", "sv": "Promenad i Åbo", "en": "Walk in Turku"},
    categories=("exercise-nature",),
    description={
        "fi": "Lähde mukaan kävelylle! Kävelemme rauhalliseen tahtiin noin tunnin. "
        "Säänmukainen vaatetus, kahvit 2 €.",
        "sv": "Följ med på promenad! Vi går i lugnt tempo i ungefär en timme. "
        "Klä dig efter vädret – kaffe 2 €.",
        "en": "Join us for a walk. We walk at an easy pace for about an hour.",
    },
    place="Kirjasto",
    address="Ölandsgatan 5, Åbo",
    organiser="SPR Turku",
    contact="040 123 4567",
    free=True,
    languages=("fi", "sv"),
    url="https://example.fi/a/12345?lang=fi",
    weekly=(WeeklyRule(weekday=1, start=clock(14), end=clock(16)),),
    occurrences=(Occurrence(datetime(2026, 11, 25, 10), datetime(2026, 11, 25, 11, 30)),),
    valid_until=date(2027, 5, 31),
)

CAFE = Activity(
    id="a-cafe",
    title={"fi": "Kahvila"},
    price={"fi": "3 €", "sv": "3 €", "en": "EUR 3"},
    free=False,
    url="https://example.fi/cafe",
)

CATALOG = {a.id: a for a in (WALK, CAFE)}


def wait_finished(q: PrintQueue, job_id: str, timeout: float = 5.0) -> Job:
    """The job once it is done or failed (generous bound: tests assert behaviour)."""
    deadline = time.monotonic() + timeout
    while True:
        job = q.job(job_id)
        assert job is not None
        if job.state in ("done", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.005)
