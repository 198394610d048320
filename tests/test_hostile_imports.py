"""The hostile corpus through every import path: a clear refusal, an unchanged catalogue.

Each file is imported by the command (`kiosk import`), by the staff screen's USB
import (preview, then apply) and by the feed refresh from a local https server,
each path in a process of its own that plays the kiosk under a memory cap
(tests/hostile_paths.py). Small files are in tests/data/hostile; big ones are
made here. The runners' timeout only guards against a hang: no duration is
asserted.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.import_support import workbook_bytes

ROOT = Path(__file__).resolve().parent.parent
SMALL = Path(__file__).parent / "data" / "hostile"
PATHS = ("command", "usb", "feed")
HANG_GUARD_SECONDS = 600

# file -> (what its refusal says, the [catalog] settings it is imported with)
CORPUS: dict[str, tuple[str, dict[str, Any]]] = {
    "minutely-no-end.ics": ("the rule 'FREQ=MINUTELY' repeats more often than once a day", {}),
    "secondly-no-end.ics": ("the rule 'FREQ=SECONDLY' repeats more often than once a day", {}),
    "every-minute-as-daily.ics": ("repeats more often than once a day", {}),
    "daily-9000-no-end.ics": ("the events repeat more than 50000 times", {}),
    "never-matching-rule.ics": (
        "the file needs more processing time than the kiosk allows for an import (1 s",
        {"import_cpu_seconds": 1},
    ),
    "mars-time-zone.ics": ("the time zone 'Mars/Olympus_Mons' is not known", {}),
    "end-before-start.ics": ("is not after the start", {}),
    "year-9999.ics": ("the date 9999-12-01 is not between", {}),
    "year-9999.csv": ("the date 9999-12-31 is not between", {}),
    "year-9999.xlsx": ("the date 9999-12-31 is not between", {}),
    "year-9999.json": ("the date 9999-12-01 is not between", {}),
    "null-id.json": ("'id': no id (missing, null or not text)", {}),
    "end-before-start.json": ("is not after the start", {}),
    "formula.csv": ("looks like a spreadsheet formula; formulas are refused", {}),
    "formula.xlsx": ("the cell holds a formula", {}),
    "zip-bomb.xlsx": ("the workbook unpacks to too much data", {"max_file_mb": 1}),
    "deep.json": ("not valid JSON: nested too deeply", {}),
    "memory-hungry.json": (
        "the file needs more memory than the kiosk allows for an import (128 MB",
        {"import_memory_mb": 128},
    ),
}


def daily_without_end(n: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hostile corpus//FI"]
    for i in range(n):
        lines += [
            "BEGIN:VEVENT",
            f"UID:daily-{i}@hostile.example",
            f"SUMMARY:Joka päivä {i}",
            "DTSTART;TZID=Europe/Helsinki:20260105T100000",
            "DTEND;TZID=Europe/Helsinki:20260105T110000",
            "RRULE:FREQ=DAILY",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


def workbook(*rows: list[Any]) -> bytes:
    return workbook_bytes(rows)


def zip_bomb() -> bytes:
    """A workbook-shaped zip of 100 kB that unpacks to 40 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/sharedStrings.xml", "w") as part:
            for _ in range(40):
                part.write(b"\x00" * 1_000_000)
    return buf.getvalue()


def memory_hungry() -> bytes:
    """4.5 MB of JSON that Python holds as about 200 MB of nested lists."""
    item = "[" * 10 + "]" * 10
    return ('{"data": [' + ",".join([item] * (4_500_000 // 21)) + "]}").encode()


def build(corpus: Path) -> None:
    corpus.mkdir()
    for path in SMALL.iterdir():
        shutil.copy(path, corpus / path.name)
    made = {
        "daily-9000-no-end.ics": daily_without_end(9000),
        "year-9999.xlsx": workbook(
            ["title_fi", "times", "valid_until"], ["Kaukainen", "ti 10-12", datetime(9999, 12, 31)]
        ),
        "formula.xlsx": workbook(
            ["title_fi", "place"],
            ["Linkki", '=HYPERLINK("https://evil.example/","Klikkaa")'],
        ),
        "zip-bomb.xlsx": zip_bomb(),
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "memory-hungry.json": memory_hungry(),
    }
    for name, data in made.items():
        (corpus / name).write_bytes(data)
    assert sorted(p.name for p in corpus.iterdir()) == sorted(CORPUS)
    manifest = [{"file": name, "catalog": catalog} for name, (_, catalog) in CORPUS.items()]
    (corpus / "corpus.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, dict[str, Any]]]:
    corpus = tmp_path_factory.mktemp("hostile") / "corpus"
    build(corpus)
    runners = {
        path: subprocess.Popen(
            [sys.executable, "-m", "tests.hostile_paths", path, str(corpus)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in PATHS
    }
    outputs: dict[str, tuple[int, str, str]] = {}
    try:
        for path, runner in runners.items():
            out, err = runner.communicate(timeout=HANG_GUARD_SECONDS)
            outputs[path] = (runner.returncode, out, err)
    finally:
        for runner in runners.values():
            if runner.poll() is None:
                runner.kill()
                runner.communicate()
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for path, (code, out, err) in outputs.items():
        assert code == 0, f"{path} runner failed:\n{err[-3000:]}"
        found[path] = {a["file"]: a for a in map(json.loads, out.splitlines())}
    return found


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_file_is_refused_clearly_and_changes_nothing(
    answers: dict[str, dict[str, dict[str, Any]]], path: str, name: str
) -> None:
    answer = answers[path][name]
    expected, _ = CORPUS[name]
    assert not answer["changed"]
    messages = answer["messages"]
    assert any(expected in m for m in messages), messages
    # Every message is complete: never a bare colon with nothing after it.
    assert all(m.strip() and not m.rstrip().endswith(":") for m in messages)
    if path == "command":
        assert answer["exit"] == 1 and "Nothing was changed." in answer["output"]
    elif path == "usb":
        assert answer["status"] == 200 and "Nothing was changed." in answer["output"]
    else:
        assert answer["logged"] == "warning" and "catalogue kept" in answer["output"]
