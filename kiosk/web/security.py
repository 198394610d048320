"""What every request and response of the kiosk goes through.

Requests: the Host header must name the kiosk itself (a loopback name or one of
``[web] allowed_hosts``) and the port it listens on, or the request is refused
with a short page before anything else runs. A web page elsewhere cannot then
reach the kiosk by pointing its own name at 127.0.0.1 (DNS rebinding): the
browser would send that name. A ``next`` or ``back`` parameter with a control
character in it is a bad request (400), never an error of the kiosk's.

Responses: the kiosk page may load nothing but its own files: no inline script,
no external font, image or script (a QR code on screen is the way out, never a
link).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, abort, render_template, request
from werkzeug.exceptions import HTTPException

from kiosk.settings import Settings

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A Host value is a name or address and a port, nothing else (no user, no path).
NOT_IN_A_HOST = re.compile(r"[\x00-\x20\x7f/\\?#@]")


def own_hosts(settings: Settings) -> frozenset[str]:
    """The names the kiosk answers to: loopback, its listening address, allowed_hosts."""
    names = {h.strip().strip("[]").lower() for h in settings.web.allowed_hosts if h.strip()}
    listening = settings.web.host.strip().strip("[]").lower()
    if listening not in ("", "0.0.0.0", "::"):
        names.add(listening)
    return LOOPBACK | names


def host_is_own(value: str | None, server_port: str | None, hosts: frozenset[str]) -> bool:
    """Whether a Host header names the kiosk: one of ``hosts`` and the listening port."""
    if value is None:
        return True  # HTTP/1.0 without a Host header: not a browser, nothing to rebind
    if not value or NOT_IN_A_HOST.search(value):
        return False
    try:
        parts = urlsplit("//" + value)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return False
    if parts.hostname not in hosts:
        return False
    if server_port and server_port.isdigit():
        return (port if port is not None else 80) == int(server_port)
    return True


def plain_next(target: str | None) -> str:
    """A ``next`` value as given, or 400 when it holds a control character."""
    if target and CONTROL.search(target):
        abort(400)
    return target or ""


def init_app(app: Flask, settings: Settings) -> None:
    hosts = own_hosts(settings)

    def _own_host_only() -> tuple[str, int] | None:
        if host_is_own(request.environ.get("HTTP_HOST"), request.environ.get("SERVER_PORT"), hosts):
            return None
        return render_template("bad_request.html", wrong_host=True), 400

    # First of all: nothing (not even counting a visit) happens for another host.
    app.before_request_funcs.setdefault(None, []).insert(0, _own_host_only)

    @app.errorhandler(400)
    def _bad_request(_exc: HTTPException) -> tuple[str, int]:
        return render_template("bad_request.html", wrong_host=False), 400

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if not request.path.startswith("/static/"):
            # Nothing a visitor saw may come back from the cache after a reset.
            response.headers["Cache-Control"] = "no-store"
        return response
