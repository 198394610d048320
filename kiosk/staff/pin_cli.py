"""``kiosk set-pin``: set the staff PIN (asked twice, or one line on stdin with --stdin)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any, TextIO

from kiosk.settings import Settings, resolve_data_dir
from kiosk.staff.pin import PinError, PinStore, check_format


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "set-pin", help="Set the PIN of the staff screens (4-8 digits)."
    )
    parser.add_argument(
        "--stdin", action="store_true", help="read the PIN from one line of standard input"
    )
    parser.set_defaults(handler=run)


def read_pin(
    use_stdin: bool, ask: Callable[[str], str] = getpass.getpass, stdin: TextIO | None = None
) -> str:
    if use_stdin:
        return check_format((stdin or sys.stdin).readline().strip())
    first = check_format(ask("New staff PIN (4-8 digits): "))
    if ask("The same PIN again: ") != first:
        raise PinError("the two PINs differ")
    return first


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        pin = read_pin(args.stdin)
    except PinError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nnothing was changed", file=sys.stderr)
        return 1
    store = PinStore(resolve_data_dir(settings))
    store.set_pin(pin)
    print(f"Staff PIN set ({store.path}).")
    return 0
