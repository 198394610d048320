"""Every import runs in a separate, short-lived process with hard limits.

A file is data from outside: 400 bytes of iCalendar once took a gigabyte and a
minute inside the web server. The parsers bound what they can count (rows,
recurrences, text), and this module bounds the rest: the command, the staff USB
screen and the feed refresh all call :func:`load_isolated`, which starts
``python -m kiosk.catalog.import_child`` with ``[catalog] import_memory_mb`` and
``import_cpu_seconds``, hands it the request and reads back a compact answer. A
process stopped by a limit gives a clear refusal and changes nothing; the kiosk's
own process never holds more than the parsed activities.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from kiosk.catalog.import_child import LIMITS_REFUSED, MEMORY_REFUSED
from kiosk.catalog.importers import Limits, ParseResult, Problem
from kiosk.catalog.importers.common import shorten
from kiosk.catalog.model import Activity
from kiosk.catalog.sources import source_label, today_of
from kiosk.settings import Settings

# Beyond its processor time, the process may wait this long for a slow disk or
# the kiosk's busy processor before it is stopped.
GRACE_SECONDS = 10


@dataclass(frozen=True)
class Bounds:
    memory_mb: int
    cpu_seconds: int
    wall_seconds: float  # a process still running after this is stopped (a hang)

    @classmethod
    def from_settings(cls, settings: Settings, *, network: bool) -> Bounds:
        cat = settings.catalog
        wall = 2 * cat.import_cpu_seconds + GRACE_SECONDS
        if network:  # every page of a feed may take its whole timeout, then the places
            wall += cat.fetch_timeout_seconds * (cat.max_pages + 1) + cat.place_lookup_seconds
        return cls(cat.import_memory_mb, cat.import_cpu_seconds, float(wall))


@dataclass
class Outcome:
    """What the import process answered, with what it cost."""

    name: str
    result: ParseResult
    peak_kb: int = 0  # the import process's peak resident memory
    cpu_seconds: float = 0.0


def load_isolated(
    source: str, settings: Settings, source_name: str | None = None
) -> tuple[str, ParseResult]:
    """(source name, parse result) for a file path or an address; never raises."""
    outcome = run_isolated(source, settings, source_name=source_name)
    return outcome.name, outcome.result


def run_isolated(
    source: str,
    settings: Settings,
    *,
    source_name: str | None = None,
    today: date | None = None,
) -> Outcome:
    name = source_label(source, source_name)
    bounds = Bounds.from_settings(settings, network="://" in source)
    request = {
        "source": source,
        "source_name": source_name,
        "today": (today or today_of(settings)).isoformat(),
        "limits": asdict(Limits.from_settings(settings)),
        "fetch_timeout": settings.catalog.fetch_timeout_seconds,
    }
    # -I: only the installed kiosk is imported, whatever the current folder holds.
    command = [
        sys.executable,
        "-I",
        "-m",
        "kiosk.catalog.import_child",
        "--memory-mb",
        str(bounds.memory_mb),
        "--cpu-seconds",
        str(bounds.cpu_seconds),
    ]
    try:
        done = subprocess.run(
            command,
            input=json.dumps(request).encode(),
            capture_output=True,
            timeout=bounds.wall_seconds,
            check=False,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
    except subprocess.TimeoutExpired:
        why = f"the import did not finish within {bounds.wall_seconds:g} s and was stopped"
        return Outcome(name, _refused(name, why))
    except OSError as e:
        return Outcome(name, _refused(name, f"the import process could not start: {e}"))
    answer = _answer(done.stdout)
    peak_kb, cpu = int(answer.get("peak_kb", 0)), float(answer.get("cpu_seconds", 0.0))
    if done.returncode == 0 and "activities" in answer:
        return Outcome(str(answer.get("name", name)), _result(answer), peak_kb, cpu)
    why = _why(done.returncode, answer, done.stderr, bounds)
    return Outcome(name, _refused(name, why), peak_kb, cpu)


def _answer(stdout: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}


def _result(answer: dict[str, Any]) -> ParseResult:
    return ParseResult(
        activities=[Activity.from_json(a) for a in answer["activities"]],
        problems=[Problem(**p) for p in answer.get("problems", [])],
        skipped=[Problem(**p) for p in answer.get("skipped", [])],
        warnings=[Problem(**p) for p in answer.get("warnings", [])],
    )


def _refused(name: str, why: str) -> ParseResult:
    return ParseResult(problems=[Problem(name, why)])


def _why(code: int, answer: dict[str, Any], stderr: bytes, bounds: Bounds) -> str:
    if code == MEMORY_REFUSED or answer.get("refused") == "memory":
        return (
            "the file needs more memory than the kiosk allows for an import "
            f"({bounds.memory_mb} MB, [catalog] import_memory_mb)"
        )
    if code == -signal.SIGXCPU:
        return (
            "the file needs more processing time than the kiosk allows for an import "
            f"({bounds.cpu_seconds} s, [catalog] import_cpu_seconds)"
        )
    if code == -signal.SIGKILL:
        return (
            "the import process was stopped, most likely for want of memory "
            f"(it may use {bounds.memory_mb} MB, [catalog] import_memory_mb)"
        )
    last = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    if code == LIMITS_REFUSED:
        return f"the import process could not limit itself, so it read nothing ({last[0]})"
    detail = f": {shorten(last[0], 120)}" if last[0] else ""
    if code < 0:
        try:
            stopped_by = signal.Signals(-code).name
        except ValueError:
            stopped_by = f"signal {-code}"
        return f"the import process stopped unexpectedly ({stopped_by}){detail}"
    return f"the import process stopped unexpectedly (exit status {code}){detail}"
