"""``kiosk set-pin``: set the staff PIN (asked twice, or one line on stdin with --stdin).

Setting a PIN also opens a locked PIN pad and starts its count of locks over: the
way in for staff when passers-by have locked the pad and there is no staff button.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any, TextIO

from kiosk.settings import Settings, resolve_data_dir
from kiosk.staff.pin import MAX_DIGITS, MIN_DIGITS, PinError, PinStore, check_format


def add_parser(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "set-pin",
        help=f"Set the PIN of the staff screens ({MIN_DIGITS}-{MAX_DIGITS} digits); "
        "this also opens a locked PIN pad.",
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
    first = check_format(ask(f"New staff PIN ({MIN_DIGITS}-{MAX_DIGITS} digits): "))
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
    print(f"Staff PIN set ({store.path}); the PIN pad is open.")
    return 0
