"""``kiosk print-slip ACTIVITY_ID``: print one slip, or write its bytes to a file.

Prints directly (not through the queue): for setting up a printer, when the kiosk
itself is not running. A serial port is opened exclusively, so it fails clearly
while the kiosk holds the printer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hardware.printer import PrinterError
from kiosk.catalog.model import LANGUAGES, Activity
from kiosk.printing.printer import open_printer
from kiosk.printing.slips import build_slip
from kiosk.settings import ConfigError, Settings


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("print-slip", help="Print one activity's slip (or write its bytes).")
    p.add_argument("activity_id", metavar="ACTIVITY_ID")
    p.add_argument("--width", type=int, choices=(58, 80), help="paper width in mm")
    p.add_argument("--lang", choices=LANGUAGES, help="slip language")
    p.add_argument("--to", metavar="FILE", type=Path, help="write the bytes to FILE instead")


def run(
    args: argparse.Namespace, settings: Settings, lookup: Callable[[str], Activity | None]
) -> int:
    activity = lookup(args.activity_id)
    if activity is None:
        print(f"No activity with id {args.activity_id!r} in the catalogue.", file=sys.stderr)
        return 2
    section = settings.printer
    now = datetime.now(ZoneInfo(settings.kiosk.timezone)).replace(tzinfo=None)
    data = build_slip(
        activity,
        lang=args.lang or settings.kiosk.default_language,
        width_mm=args.width or section.width_mm,
        meeting_point_name=settings.kiosk.name,
        today=now,
        qr_mode=section.qr,
        profile=section.profile,
    )
    if args.to is not None:
        try:
            args.to.write_bytes(data)
        except OSError as exc:
            print(f"Cannot write {args.to}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"Wrote {len(data)} bytes to {args.to}.")
        return 0
    if section.kind in ("fake", "none"):
        print(f"The printer kind is {section.kind!r} (no printer); use --to FILE.", file=sys.stderr)
        return 1
    try:
        printer = open_printer(section)
    except ConfigError as exc:
        print(f"Printing failed: {exc}", file=sys.stderr)
        return 1
    try:
        printer.open()
        state = printer.status()
        if not state.can_print:
            print(f"The printer is not ready: {state.value.replace('_', ' ')}.", file=sys.stderr)
            return 1
        printer.write(data)
    except PrinterError as exc:
        print(f"Printing failed: {exc}", file=sys.stderr)
        return 1
    finally:
        printer.close()
    print(f"Printed the slip of {activity.id} ({len(data)} bytes).")
    return 0
