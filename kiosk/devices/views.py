"""What the page and the devices say to each other, and the 'talk to someone' call."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, render_template

from kiosk.context import services
from kiosk.devices.wiring import DevicePart
from kiosk.hours import next_opening

bp = Blueprint("devices", __name__)


def _part() -> DevicePart | None:
    part = services().extra.get("devices")
    return part if isinstance(part, DevicePart) else None


@bp.get("/signals")
def signals() -> Response:
    part = _part()
    return jsonify({"signals": part.signals.pop_for_page() if part else []})


@bp.post("/touch")
def touch() -> Response:
    part = _part()
    if part is not None:
        part.devices.keep_awake()
    return Response(status=204)


@bp.post("/talk/call")
def call() -> str:
    svc = services()
    settings = svc.settings
    now = datetime.now(ZoneInfo(settings.kiosk.timezone)).replace(tzinfo=None)
    part = _part()
    outcome = "unavailable"
    if part is not None:
        outcome = part.devices.call_staff_now(settings.staff.present_hours, now)
    if outcome == "called":
        svc.tally.count("staff_calls")
    opening = next_opening(settings.staff.present_hours, now) if outcome == "closed" else None
    return render_template(
        "talk.html",
        staff_hours=settings.staff.present_hours,
        outcome=outcome,
        opening=opening,
        can_call=False,
    )
