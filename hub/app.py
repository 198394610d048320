"""The hub's Flask app: the batch endpoint for kiosks, the dashboard for coordinators."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from hub import texts
from hub.config import HubConfig
from hub.db import Hub, open_hub
from hub.i18n import init_babel
from hub.ingest import hello, ingest
from kiosk.shared.secret import secret_key

__all__ = ["HubConfig", "create_app", "hub"]

ROOT = Path(__file__).resolve().parent
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000"  # a year; not includeSubDomains: the hub may share a domain
API_PREFIX = "/v1/"

api = Blueprint("api", __name__)
csrf = CSRFProtect()
log = logging.getLogger("hub")


def hub() -> Hub:
    found: Hub = current_app.extensions["hub"]
    return found


def config() -> HubConfig:
    found: HubConfig = current_app.extensions["hub_config"]
    return found


class _Sessions(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` whenever the request came over HTTPS, directly
    or through a trusted proxy that says so (HUB_TRUSTED_PROXIES)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(request.is_secure or super().get_cookie_secure(app))


def create_app(config: HubConfig, *, db: Hub | None = None) -> Flask:
    from hub.views import ui

    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=None)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    app.extensions["hub"] = db or open_hub(config.data_dir, config.database_url, config.db_schema)
    app.extensions["hub_config"] = config
    app.config.update(
        SECRET_KEY=secret_key(config.data_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        MAX_CONTENT_LENGTH=512 * 1024,
    )
    app.session_interface = _Sessions()
    init_babel(app)
    app.jinja_env.globals.update(role_names=texts.ROLES, refusal_words=texts.refusal_words)
    if config.trusted_proxies:
        n = config.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    csrf.init_app(app)
    csrf.exempt(api)  # kiosks sign their batches; there is no browser session to forge
    app.register_blueprint(api)
    app.register_blueprint(ui)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return response

    return app


# --- kiosks ---------------------------------------------------------------------------
@api.post("/v1/kiosks/<kiosk_id>/batches")
def receive(kiosk_id: str) -> ResponseReturnValue:
    now = config().clock()
    outcome = ingest(
        hub(),
        kiosk_id,
        request.get_data(cache=False),
        request.headers.get("Kiosk-Signature", ""),
        k=config().k,
        now=now,
        sent_at=request.headers.get("Kiosk-Sent-At", ""),
    )
    return outcome.answer(now), outcome.status


@api.post("/v1/kiosks/<kiosk_id>/hello")
def kiosk_hello(kiosk_id: str) -> ResponseReturnValue:
    """Where a kiosk stands (its newest batch and day here) and the hub's time, signed for."""
    now = config().clock()
    body = request.get_data(cache=False)
    if len(body) > 4096:
        return {"status": 400, "reason": "hello larger than 4096 bytes"}, 400
    outcome = hello(hub(), kiosk_id, body, request.headers.get("Kiosk-Signature", ""), now)
    return outcome.answer(now), outcome.status


# --- errors ---------------------------------------------------------------------------
def _http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    if request.path.startswith(API_PREFIX):
        # A kiosk retries 413 for ever but raises an alarm on 400: a batch too large
        # for the hub is something people must look at.
        if status == 413:
            return {"status": 400, "reason": "request too large"}, 400
        return {"status": status, "reason": exc.description or texts.error_text(status)}, status
    ours = exc.description != type(exc).description  # abort(status, "what to do")
    message = exc.description if ours and exc.description else texts.error_text(status)
    page = render_template("error.html", status=status, message=message)
    response = current_app.make_response((page, status))
    for name, value in exc.get_headers(request.environ):
        if name.lower() != "content-type":
            response.headers[name] = value  # Allow on 405, for example
    return response


def _unexpected(exc: Exception) -> ResponseReturnValue:
    if isinstance(exc, HTTPException):  # pragma: no cover - routed to _http_error
        return _http_error(exc)
    log.exception("unexpected error on %s %s", request.method, request.path)
    if request.path.startswith(API_PREFIX):
        return {"status": 500, "reason": "the hub failed; it has been logged"}, 500
    return render_template("error.html", status=500, message=texts.error_text(500)), 500
