"""Staff mode (``/staff``): the PIN pad, then the health, usage, log and import screens.
Blueprints: imports the core, the print queue and kiosk.context; only kiosk.app imports it.

Nothing under ``/staff`` answers without a signed-in staff visit except the PIN
pad itself (see :mod:`kiosk.staff.auth`). The part keeps its own translations
catalogue (kiosk/staff/translations).
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from kiosk.context import Services
from kiosk.staff.pin import PinStore


def init_app(app: Flask) -> None:
    """Register the staff blueprint; the PIN store lives in the data directory."""
    from kiosk.staff import (
        import_views,  # noqa: F401  (its routes join the blueprint)
        views,
    )

    svc: Services = app.extensions["kiosk"]
    section = svc.settings.staff
    pins = PinStore(
        Path(app.config["DATA_DIR"]),
        max_attempts=section.max_attempts,
        lock_seconds=section.lock_seconds,
        lock_growth=section.lock_growth,
        lock_max_seconds=section.lock_max_seconds,
    )
    app.extensions["staff"] = {"pins": pins, "started": time.time()}
    # The staff button (kiosk.devices.wiring) lifts a lock of the pad through this.
    svc.extra["staff_pad"] = pins
    app.register_blueprint(views.bp)
