"""Compile every .po catalogue of the kiosk into .mo (``make translations``)."""

from __future__ import annotations

import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.i18n import translation_dirs


def main() -> int:
    for folder in translation_dirs():
        for po in folder.glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as fh:
                catalog = read_po(fh)
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            with mo.open("wb") as fh:
                write_mo(fh, catalog)
    return 0


if __name__ == "__main__":
    sys.exit(main())
