"""The page's speech endpoints (JSON) and whether the Listen control shows.

``POST /speech/say`` {"text", "lang", "private"?} hands the worker what the page
reads aloud and turns speech mode on for the visit (the page then speaks each
screen as it opens and the item the focus moves to). A screen whose language
changes comes as {"parts": [{"text", "lang"}, ...], "private"?}: one reading, each
part in its own voice. ``POST /speech/stop`` silences; ``POST /speech/volume``
{"steps": 1 or -1} changes the volume for the visit. Bad input gets 400 with the
reason and changes nothing. Nothing said is logged or kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, session

from kiosk.context import services
from kiosk.i18n import UI_LANGUAGES
from kiosk.speech.worker import MAX_CHARS, SpeechRefused, SpeechWorker

bp = Blueprint("speech", __name__, url_prefix="/speech")
SESSION_KEY = "speech"
MAX_PARTS = MAX_CHARS  # each part holds a word: the length limit bounds them already


def worker() -> SpeechWorker | None:
    found = services().extra.get("speech")
    return found if isinstance(found, SpeechWorker) else None


def _worker_or_404() -> SpeechWorker:
    found = worker()
    if found is None:
        abort(404)
    return found


def _bad(reason: str) -> tuple[Response, int]:
    return jsonify({"error": reason}), 400


def _body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


@bp.post("/say")
def say() -> tuple[Response, int]:
    speech = _worker_or_404()
    body = _body()
    if body is None:
        return _bad("expected a JSON object")
    private = body.get("private", False)
    parts = body.get("parts", [body])
    if not isinstance(parts, list) or not 0 < len(parts) <= MAX_PARTS:
        return _bad(f"parts must be a list of 1 to {MAX_PARTS} parts")
    said: list[tuple[str, str]] = []
    for part in parts:
        text = part.get("text") if isinstance(part, dict) else None
        lang = part.get("lang") if isinstance(part, dict) else None
        if not isinstance(text, str) or not isinstance(private, bool):
            return _bad("text must be a string and private true or false")
        if lang not in UI_LANGUAGES:
            return _bad(f"lang must be one of {', '.join(UI_LANGUAGES)}")
        said.append((text, lang))
    try:
        speech.say_parts(said, private=private)
    except SpeechRefused as exc:
        return _bad(str(exc))
    session[SESSION_KEY] = True
    return jsonify({"volume": speech.volume}), 202


@bp.post("/stop")
def stop() -> Response:
    _worker_or_404().silence()
    return Response(status=204)


@bp.post("/volume")
def volume() -> tuple[Response, int]:
    speech = _worker_or_404()
    body = _body()
    steps = None if body is None else body.get("steps")
    if steps not in (1, -1) or isinstance(steps, bool):
        return _bad("steps must be 1 or -1")
    return jsonify({"volume": speech.change_volume(steps)}), 200


@bp.app_context_processor
def _speech_context() -> dict[str, Any]:
    found = worker()
    return {
        "speech": {
            "available": found is not None,
            "on": found is not None and bool(session.get(SESSION_KEY)),
            "private": found is not None and found.private_output,
        }
    }
