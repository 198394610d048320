"""The import process: ``python -m kiosk.catalog.import_child --memory-mb M --cpu-seconds S``.

Started by kiosk.catalog.isolated for every import (the command, the staff USB
screen, the feed refresh). It first lowers its own limits: address space
(RLIMIT_AS), processor time (RLIMIT_CPU), no core dump and no file writes, hard
limits included, so nothing it reads can raise them again. Then it reads one
request (JSON on standard input), reads and parses the source, and writes one
compact answer (JSON on standard output): the activities, the problems, what was
skipped, and its own peak memory and processor time.

Lowering one's own limits is unprivileged: glibc's setrlimit() is the prlimit64
system call, which systemd's @default set allows (systemd/kiosk-web.service).
Only the standard library is imported before the limits are in place.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

MEMORY_REFUSED = 3  # exit status: the parse ran out of the memory it may use
LIMITS_REFUSED = 4  # exit status: the limits could not be set, nothing was read


def lower_limits(memory_mb: int, cpu_seconds: int) -> None:
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # SIGXCPU at the soft limit ends the process; SIGKILL a second later if it did not.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def usage() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_kb": peak_kb(own.ru_maxrss), "cpu_seconds": round(own.ru_utime + own.ru_stime, 3)}


def peak_kb(fallback: int) -> int:
    """This process's own peak resident memory. (ru_maxrss also counts the parent's
    size at the fork before exec; VmHWM belongs to this program alone.)"""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return fallback


def work(request: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    from kiosk.catalog.importers import Limits
    from kiosk.catalog.sources import read_source

    limits = Limits(**request["limits"])
    name, result = read_source(
        request["source"],
        limits,
        fetch_timeout=float(request["fetch_timeout"]),
        today=date.fromisoformat(request["today"]),
        source_name=request.get("source_name"),
    )
    return {
        "name": name,
        "activities": [a.to_json() for a in result.activities],
        "problems": [asdict(p) for p in result.problems],
        "skipped": [asdict(p) for p in result.skipped],
        "warnings": [asdict(p) for p in result.warnings],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.catalog.import_child")
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--cpu-seconds", type=int, required=True)
    args = parser.parse_args(argv)
    try:
        lower_limits(args.memory_mb, args.cpu_seconds)
    except (OSError, ValueError) as e:
        # Never parse without the limits: a refusal is better than a kiosk taken down.
        print(f"cannot set the import limits: {type(e).__name__}: {e}", file=sys.stderr)
        return LIMITS_REFUSED
    try:
        answer = work(json.load(sys.stdin))
    except MemoryError:
        answer = {}  # the stack is gone by now, and with it what filled the memory
    if not answer:
        sys.stdout.write(json.dumps({"refused": "memory", **usage()}))
        return MEMORY_REFUSED
    sys.stdout.write(json.dumps({**answer, **usage()}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
