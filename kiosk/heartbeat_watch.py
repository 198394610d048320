"""Restart the kiosk browser when its page stops sending heartbeats.

The page posts to ``/heartbeat`` every 15 s and the web app writes the time to a
file (default ``/run/kiosk/heartbeat``). A live Chromium process that shows
"Aw, Snap!" or a blank page sends nothing, and systemd's ``Restart=always`` only
helps when the process exits; ``kiosk-browser-watch.timer`` runs this module
every 30 s and restarts ``kiosk-browser.service`` when the heartbeat is stale.

Quirks:

* A browser that has just (re)started gets ``--max-age`` seconds of grace
  before a missing or old heartbeat counts, so a slow first page load is not
  punished with a restart loop.
* The decision is the pure function :func:`is_stale`; the edges (file time,
  ``systemctl``) are passed in so tests drive it without systemd.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HEARTBEAT_FILE = Path("/run/kiosk/heartbeat")
BROWSER_UNIT = "kiosk-browser.service"
MAX_AGE = 60.0


def is_stale(
    now: float, heartbeat: float | None, browser_started: float | None, max_age: float
) -> bool:
    """True when the browser has run longer than max_age without a fresh heartbeat."""
    if browser_started is None:
        # Not running: systemd restarts it on its own; nothing to do here.
        return False
    if now - browser_started < max_age:
        return False
    last = heartbeat if heartbeat is not None else browser_started
    return now - max(last, browser_started) >= max_age


def heartbeat_time(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def unit_started(unit: str) -> float | None:
    """Wall-clock start of an active unit, or None when it is not running.

    systemd's monotonic start time is used and converted here, so the result does
    not depend on how systemctl formats wall-clock timestamps.
    """
    active = subprocess.run(["systemctl", "is-active", "--quiet", unit], check=False)
    result = subprocess.run(
        ["systemctl", "show", "-P", "ActiveEnterTimestampMonotonic", unit],
        capture_output=True,
        text=True,
        check=False,
    )
    value = result.stdout.strip()
    if active.returncode != 0 or not value.isdigit() or int(value) == 0:
        return None
    return time.time() - (time.monotonic() - int(value) / 1_000_000)


def restart(unit: str) -> None:
    subprocess.run(["systemctl", "restart", "--no-block", unit], check=False)


def check_once(
    path: Path,
    unit: str,
    max_age: float,
    *,
    now: Callable[[], float] = time.time,
    started: Callable[[str], float | None] = unit_started,
    restarter: Callable[[str], None] = restart,
) -> bool:
    """Restart the unit when stale; returns whether it did."""
    if is_stale(now(), heartbeat_time(path), started(unit), max_age):
        restarter(unit)
        return True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.heartbeat_watch", description=__doc__)
    parser.add_argument("--file", type=Path, default=HEARTBEAT_FILE, help="heartbeat file")
    parser.add_argument("--unit", default=BROWSER_UNIT, help="browser unit to restart")
    parser.add_argument(
        "--max-age", type=float, default=MAX_AGE, help="seconds without a heartbeat"
    )
    args = parser.parse_args(argv)
    if check_once(args.file, args.unit, args.max_age):
        print(f"no heartbeat in {args.file} for {args.max_age:g} s: restarted {args.unit}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
