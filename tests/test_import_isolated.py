"""The import process: the same answer as reading in place, held to the settings' limits."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from kiosk.catalog.isolated import run_isolated
from kiosk.catalog.sources import load_source
from kiosk.settings import Settings

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 10, 1)


def test_the_import_process_answers_as_reading_in_place() -> None:
    for name in ("kohtaamispaikka-bom.csv", "toiminta.xlsx", "tapahtumat.ics", "linkedevents.json"):
        here = load_source(str(DATA / name), Settings(), today=TODAY)
        there = run_isolated(str(DATA / name), Settings(), today=TODAY)
        assert (there.name, there.result) == here
        assert there.peak_kb > 0 and there.cpu_seconds > 0


def test_the_memory_limit_is_the_setting(tmp_path: Path) -> None:
    hungry = tmp_path / "feed.json"
    item = "[" * 10 + "]" * 10
    hungry.write_text('{"data": [' + ",".join([item] * 120_000) + "]}")
    small = Settings().replace(catalog={"import_memory_mb": 128})
    refused = run_isolated(str(hungry), small).result
    assert [str(p) for p in refused.problems] == [
        "feed.json: the file needs more memory than the kiosk allows for an import "
        "(128 MB, [catalog] import_memory_mb)"
    ]
    enough = Settings().replace(catalog={"import_memory_mb": 1024})
    read = run_isolated(str(hungry), enough).result
    assert [str(p) for p in read.problems] == [
        "feed.json, page 1: not a Linked Events page (no 'data' list of events)"
    ]


def test_an_import_that_cannot_be_limited_reads_nothing() -> None:
    # A service manager's own limit below the setting: the process cannot set its
    # limit, so it refuses instead of reading without one.
    script = (
        "import json, resource\n"
        "resource.setrlimit(resource.RLIMIT_CPU, (30, 30))\n"
        "from kiosk.catalog.isolated import load_isolated\n"
        "from kiosk.settings import Settings\n"
        f"_, r = load_isolated({str(DATA / 'kohtaamispaikka-bom.csv')!r}, Settings())\n"
        "print(json.dumps([[a.id for a in r.activities], [str(p) for p in r.problems]]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    activities, problems = json.loads(done.stdout)
    assert activities == []
    assert len(problems) == 1 and problems[0].startswith(
        "kohtaamispaikka-bom.csv: the import process could not limit itself, so it read nothing"
    )
    assert "raise maximum limit" in problems[0]
