"""What the page and the devices say to each other, and the 'talk to someone' call."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from kiosk.context import services
from kiosk.devices.wiring import DevicePart
from kiosk.hours import next_opening

bp = Blueprint("devices", __name__)


def _part() -> DevicePart | None:
    part = services().extra.get("devices")
    return part if isinstance(part, DevicePart) else None


@bp.app_context_processor
def _signals_context() -> dict[str, str]:
    # Pages open the stream only where devices send signals at all.
    return {"signals_url": url_for("devices.stream") if _part() is not None else ""}


@bp.get("/signals")
def signals() -> Response:
    part = _part()
    return jsonify({"signals": part.signals.pop_for_page() if part else []})


@bp.get("/signals/stream")
def stream() -> Response:
    """The signals as they come, as Server-Sent Events: one ``data:`` line per signal.

    A stream holds one of the web server's threads (``kiosk serve`` starts one more
    for it). It ends when a newer page opens its own, when waitress sees the page
    close it, and after ``part.stream_seconds`` in any case, with a ``retry:`` for
    the page to come back: a page that is gone without a word frees its thread then
    at the latest. The comment every ``part.heartbeat_seconds`` finds a broken
    connection sooner. Nothing but the names of signals (``PAGE_SIGNALS``) goes out.
    """
    part = _part()
    if part is None:
        # No devices: nothing will ever come. 204 tells EventSource not to come back.
        return Response(status=204)
    # waitress tells whether the page has closed the connection (kiosk serve sets
    # channel_request_lookahead for it): the stream of a page that is gone must not
    # take a signal meant for the page that follows it.
    gone = request.environ.get("waitress.client_disconnected") or (lambda: False)
    return Response(
        _events(part, gone),
        mimetype="text/event-stream",
        headers={"X-Accel-Buffering": "no"},
    )


def _events(part: DevicePart, gone: Callable[[], bool]) -> Iterator[str]:
    from kiosk.devices.pump import PAGE_SIGNALS

    signals = part.signals
    listener = signals.listen()
    yield f"retry: {part.retry_ms}\n: signals\n\n"
    now = time.monotonic()
    ends, ping = now + part.stream_seconds, now + part.heartbeat_seconds
    while (now := time.monotonic()) < ends:
        if now >= ping:
            ping = now + part.heartbeat_seconds
            yield ": ping\n\n"
        # Awake at least every second to see whether the page has gone.
        wait = min(ends, ping, now + 1.0) - now
        names = signals.wait_for_page(listener, wait, gone)
        if names is None:
            if not (gone() or signals.closed):
                # A newer page listens now: this one (still there) stops listening.
                yield "event: superseded\ndata: \n\n"
            return  # (the kiosk stopping: the page comes back after the retry)
        # Only the names of signals, never anything else (ScreenSignals refuses others).
        for name in names:
            if name in PAGE_SIGNALS:
                yield f"data: {name}\n\n"


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
