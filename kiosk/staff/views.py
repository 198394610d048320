"""Staff screens: PIN pad, Health (restock, test print), Usage and Log.

Every route here but the PIN pad passes :func:`kiosk.staff.auth.guard` first.
Nothing waits on the printer: a test print is queued and the page follows it.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from kiosk.context import services
from kiosk.i18n import UI_LANGUAGES, current_language
from kiosk.printing.queue import PrintQueue
from kiosk.staff import auth
from kiosk.staff import health as health_info
from kiosk.staff import usage as usage_info
from kiosk.staff.pin import MIN_DIGITS
from kiosk.store.event_log import LEVELS

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(auth.guard)
LOG_LIMIT = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@bp.app_template_filter("staff_time")
def _staff_time(value: str | None) -> str:
    """An ISO time (UTC or local) as the kiosk's local date and time; a date as itself."""
    if not value or len(value) == 10:  # a day (kept no finer on disk) shows as the day
        return value or ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(services().settings.kiosk.timezone))
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _queue() -> PrintQueue | None:
    queue: PrintQueue | None = services().extra.get("print_queue")
    return queue


# --- the way in ---------------------------------------------------------------------
@bp.get("/pin")
def pad() -> ResponseReturnValue:
    if auth.signed_in():
        return redirect(url_for("staff.health"))
    pins = auth.pins()
    return render_template(
        "staff/pad.html",
        pin_set=pins.is_set(),
        locked_for=pins.locked_for(),
        wrong=False,
        staff_button=_has_staff_button(),
    )


@bp.post("/pin")
def login() -> ResponseReturnValue:
    svc = services()
    pins = auth.pins()
    attempt = pins.attempt(request.form.get("pin", ""))
    if attempt.ok:
        auth.sign_in()
        svc.events.info("staff", "staff signed in with the PIN")
        session["pin_short"] = attempt.short
        if attempt.short:
            svc.events.warning(
                "staff",
                f"the staff PIN has fewer than {MIN_DIGITS} digits: "
                "set a new one with sudo kiosk set-pin",
            )
        return redirect(url_for("staff.health"))
    if attempt.just_locked:
        svc.events.warning(
            "staff",
            f"PIN pad locked for {attempt.locked_for} s after {pins.max_attempts} wrong PINs",
        )
    status = 403 if attempt.locked_for else 200
    return render_template(
        "staff/pad.html",
        pin_set=not attempt.no_pin,
        locked_for=attempt.locked_for,
        wrong=not attempt.no_pin and not attempt.locked_for,
        staff_button=_has_staff_button(),
    ), status


def _has_staff_button() -> bool:
    gpio = services().settings.gpio
    return gpio.enabled and gpio.staff_button_pin is not None


@bp.post("/done")
def done() -> ResponseReturnValue:
    """End the staff visit and leave the kiosk to passers-by, as after an idle reset."""
    session.clear()
    services().events.info("staff", "staff visit ended")
    return redirect(url_for("public.start", fresh="1"))


@bp.get("/lang/<code>")
def language(code: str) -> ResponseReturnValue:
    """Switch the staff screens' language without counting it as a visitor's choice."""
    if code not in UI_LANGUAGES:
        abort(404)
    target = request.args.get("next", "")
    if CONTROL.search(target):
        abort(400)  # it could not go into a Location header
    session["lang"] = code
    if not target.startswith("/staff/") or "\\" in target:
        target = url_for("staff.health")
    return redirect(target)


# --- Health -----------------------------------------------------------------------
@bp.get("/")
def index() -> ResponseReturnValue:
    return redirect(url_for("staff.health"))


@bp.get("/health")
def health() -> ResponseReturnValue:
    job_id = request.args.get("job", "")
    return render_template(
        "staff/health.html",
        health=health_info.gather(
            services(), Path(current_app.config["DATA_DIR"]), auth.part()["started"]
        ),
        job_url=url_for("staff.print_job", job_id=job_id) if job_id else "",
        restocked=request.args.get("restocked") == "1",
        pin_short=bool(session.get("pin_short")),
        pin_digits=MIN_DIGITS,
    )


@bp.post("/paper-restocked")
def restock() -> ResponseReturnValue:
    queue = _queue()
    if queue is None:
        return {"error": "printing is not set up"}, 503
    queue.restock()
    return redirect(url_for("staff.health", restocked="1"))


@bp.post("/test-print")
def test_print() -> ResponseReturnValue:
    svc = services()
    queue = _queue()
    if queue is None:
        return {"error": "printing is not set up"}, 503
    job_id = queue.test_print(svc.settings.kiosk.id)
    svc.events.info("printer", "test slip requested from the staff screen")
    return redirect(url_for("staff.health", job=job_id))


@bp.get("/print/<job_id>.json")
def print_job(job_id: str) -> ResponseReturnValue:
    queue = _queue()
    job = queue.job(job_id) if queue is not None else None
    if job is None:
        return jsonify({"error": "unknown job"}), 404
    return jsonify({"state": job.state, "reason": job.reason})


# --- Usage and Log -----------------------------------------------------------------
def _usage() -> usage_info.Usage:
    svc = services()
    lang = current_language(svc.settings.kiosk.default_language)
    return usage_info.gather(svc.tally, svc.catalog, lang)


@bp.get("/usage")
def usage() -> ResponseReturnValue:
    return render_template("staff/usage.html", usage=_usage())


@bp.get("/usage.json")
def usage_data() -> ResponseReturnValue:
    return jsonify(_usage().chart_data())


@bp.get("/log")
def log() -> ResponseReturnValue:
    level = request.args.get("level") or None
    if level not in (None, *LEVELS):
        level = None
    events = services().events.recent(LOG_LIMIT, level=level)
    return render_template("staff/log.html", events=events, level=level, levels=LEVELS)
