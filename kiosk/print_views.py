"""Print endpoints: the page asks for a slip and polls the job; nothing here waits
on the printer. CSRF protection is global (the page sends ``X-CSRFToken``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, jsonify, session
from flask.typing import ResponseReturnValue

from hardware.emulator import start_emulator
from hardware.printer import open_printer
from kiosk.catalog.model import LANGUAGES
from kiosk.context import Services, services
from kiosk.printing import PrintQueue

bp = Blueprint("printing", __name__)


def create_print_queue(svc: Services, data_dir: Path) -> PrintQueue:
    """Build the printer ``[printer] kind`` names (starting the emulator for kind
    ``emulator``) and its queue, and put the queue in ``svc.extra["print_queue"]``.
    The caller starts it (``.start()``) and stops it at exit (``.stop()``)."""
    section = svc.settings.printer
    emulator = None
    if section.kind == "emulator":
        slips = Path(section.slips_dir) if section.slips_dir else data_dir / "slips"
        emulator = start_emulator(section.emulator_fault, slips, png=svc.settings.kiosk.demo)
    print_queue = PrintQueue(
        printer=open_printer(section, device=emulator.device if emulator else None),
        settings=svc.settings,
        store=svc.store,
        tally=svc.tally,
        events=svc.events,
        lookup=svc.catalog.get,
        on_stop=emulator.stop if emulator else None,
    )
    svc.extra["print_queue"] = print_queue
    if emulator is not None:
        svc.extra["printer_emulator"] = emulator
    return print_queue


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
