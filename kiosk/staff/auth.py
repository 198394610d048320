"""Who may see the staff screens: a signed-in staff visit in the signed session.

The flag is the time of the staff member's last request (``staff_seen``). It is
refreshed on every staff request and expires after ``[staff] session_minutes``
without one, so a cookie copied from an old visit does not open anything. The
visitor's idle reset clears the whole session and so ends the staff visit too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import current_app, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from kiosk.context import services
from kiosk.staff.pin import PinStore

SESSION_KEY = "staff_seen"
# The PIN pad and its form are the only ways in that answer without a staff visit.
OPEN_ENDPOINTS = frozenset({"staff.pad", "staff.login"})


def part() -> dict[str, Any]:
    state: dict[str, Any] = current_app.extensions["staff"]
    return state


def pins() -> PinStore:
    store: PinStore = part()["pins"]
    return store


def clock() -> float:
    now: Callable[[], float] = part().get("clock", time.time)
    return now()


def sign_in() -> None:
    session.permanent = True
    session[SESSION_KEY] = clock()


def sign_out() -> None:
    session.pop(SESSION_KEY, None)


def signed_in() -> bool:
    seen = session.get(SESSION_KEY)
    if not isinstance(seen, int | float):
        return False
    limit = services().settings.staff.session_minutes * 60
    return 0 <= clock() - seen <= limit


def guard() -> ResponseReturnValue | None:
    """Before every staff request: the pad is open, everything else needs a visit."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not signed_in():
        sign_out()
        if request.method == "GET" and not request.path.endswith(".json"):
            return redirect(url_for("staff.pad"))
        return {"error": "staff PIN required"}, 401
    session[SESSION_KEY] = clock()
    return None
