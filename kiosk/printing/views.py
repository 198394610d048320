"""Print endpoints: the page asks for a slip and polls the job; nothing here waits
on the printer. CSRF protection is global (the page sends ``X-CSRFToken``)."""

from __future__ import annotations

from flask import Blueprint, jsonify, session
from flask.typing import ResponseReturnValue

from kiosk.catalog.model import LANGUAGES
from kiosk.context import services
from kiosk.printing.queue import PrintQueue

bp = Blueprint("printing", __name__)


def _queue() -> PrintQueue | None:
    print_queue: PrintQueue | None = services().extra.get("print_queue")
    return print_queue


NO_PRINTING = {"error": "printing is not set up"}


@bp.post("/activities/<activity_id>/print")
def print_slip(activity_id: str) -> ResponseReturnValue:
    svc = services()
    if svc.catalog.get(activity_id) is None:
        return jsonify({"error": "unknown activity"}), 404
    print_queue = _queue()
    if print_queue is None:
        return jsonify(NO_PRINTING), 503
    lang = session.get("lang", svc.settings.kiosk.default_language)
    if lang not in LANGUAGES:
        lang = svc.settings.kiosk.default_language
    return jsonify({"job": print_queue.submit(activity_id, lang)}), 202


@bp.get("/print/<job_id>")
def print_job(job_id: str) -> ResponseReturnValue:
    print_queue = _queue()
    if print_queue is None:
        return jsonify(NO_PRINTING), 503
    job = print_queue.job(job_id)
    if job is None:
        return jsonify({"error": "unknown job"}), 404
    return jsonify({"state": job.state, "reason": job.reason})
