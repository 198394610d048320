"""The participation self-test (osallisuusindikaattori / ESIS), anonymous by construction.
Packs, registry and scoring are core (no Flask); web.py is the blueprint init_app registers.

Forms come as instrument packs (:mod:`kiosk.selftest.packs`), checked against
the official hashes at start (:mod:`kiosk.selftest.registry`); scoring is pure
(:mod:`kiosk.selftest.scoring`); the screens are in :mod:`kiosk.selftest.web`.
The part keeps its own translations catalogue (kiosk/selftest/translations).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.selftest.library import SHIPPED, Library

if TYPE_CHECKING:
    # Only for the types: the pure modules of this package must not pull in Flask.
    from flask import Flask

    from kiosk.context import Services


def init_app(app: Flask) -> None:
    """Load the packs (refused ones are logged) and register the screens."""
    from kiosk.selftest import web

    svc: Services = app.extensions["kiosk"]
    folders = [SHIPPED]
    extra = svc.settings.selftest.packs_dir
    if extra:
        folder = Path(extra)
        if not folder.is_dir():
            svc.events.warning("selftest", f"self-test packs folder {folder} does not exist")
        folders.append(folder)
    svc.extra["selftest"] = Library(folders, svc.events)
    app.before_request(web.count_abandonment)
    app.register_blueprint(web.bp)
