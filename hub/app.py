"""The hub's Flask app: the batch endpoint for kiosks, the dashboard for coordinators."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect

from hub import report
from hub.db import Hub, open_hub
from hub.ingest import ingest
from hub.users import login
from kiosk.shared.secret import secret_key

ROOT = Path(__file__).resolve().parent
CHART_JS = ROOT.parent / "kiosk" / "static" / "vendor" / "chart.umd.js"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

api = Blueprint("api", __name__)
ui = Blueprint("ui", __name__)
csrf = CSRFProtect()


@dataclass(frozen=True)
class HubConfig:
    data_dir: Path
    database_url: str | None = None
    db_schema: str = ""  # PostgreSQL schema (tests use one of their own)
    k: int = 5

    @classmethod
    def from_env(cls, data_dir: str | None = None) -> HubConfig:
        folder = data_dir or os.environ.get("KIOSK_HUB_DATA_DIR") or "/var/lib/kiosk-hub"
        return cls(Path(folder), os.environ.get("DATABASE_URL") or None)


def hub() -> Hub:
    found: Hub = current_app.extensions["hub"]
    return found


def create_app(config: HubConfig, *, db: Hub | None = None) -> Flask:
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
    csrf.init_app(app)
    csrf.exempt(api)  # kiosks sign their batches; there is no browser session to forge
    app.register_blueprint(api)
    app.register_blueprint(ui)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    return app


# --- kiosks ---------------------------------------------------------------------------
@api.post("/v1/kiosks/<kiosk_id>/batches")
def receive(kiosk_id: str) -> ResponseReturnValue:
    config: HubConfig = current_app.extensions["hub_config"]
    outcome = ingest(
        hub(),
        kiosk_id,
        request.get_data(cache=False),
        request.headers.get("Kiosk-Signature", ""),
        k=config.k,
        sent_at=request.headers.get("Kiosk-Sent-At", ""),
    )
    return {"status": outcome.status, "reason": outcome.reason}, outcome.status


@api.app_errorhandler(413)
def _too_large(_exc: Exception) -> ResponseReturnValue:
    return {"status": 413, "reason": "request too large"}, 413


# --- coordinators ---------------------------------------------------------------------
@ui.before_request
def _signed_in() -> ResponseReturnValue | None:
    if request.endpoint in ("ui.login", "ui.chart_js", "ui.css", "ui.js"):
        return None
    if not session.get("user"):
        return redirect(url_for("ui.login", next=request.path))
    return None


@ui.route("/login", methods=["GET", "POST"], endpoint="login")
def login_page() -> ResponseReturnValue:
    error = ""
    if request.method == "POST":
        if login(hub(), request.form.get("name", ""), request.form.get("password", "")):
            session.clear()
            session.permanent = True
            session["user"] = request.form["name"].strip()
            target = request.args.get("next", "/")
            return redirect(
                target if target.startswith("/") and not target.startswith("//") else "/"
            )
        error = "Wrong name or password."
    return render_template("login.html", error=error), 401 if error else 200


@ui.post("/logout")
def logout() -> ResponseReturnValue:
    session.clear()
    return redirect(url_for("ui.login"))


@ui.get("/")
def fleet() -> ResponseReturnValue:
    rows = report.fleet(hub())
    return render_template("fleet.html", rows=rows, regions=report.regions(hub()))


def _period() -> tuple[date, date]:
    end = datetime.now(UTC).date()
    try:
        days = max(7, min(366, int(request.args.get("days", "60"))))
    except ValueError:
        days = 60
    return end - timedelta(days=days - 1), end


@ui.get("/kiosks/<kiosk_id>")
def kiosk(kiosk_id: str) -> ResponseReturnValue:
    rows = [r for r in report.fleet(hub()) if r.kiosk_id == kiosk_id]
    if not rows:
        abort(404)
    start, end = _period()
    return _charts(
        rows[0].name,
        report.series(hub(), start, end, [kiosk_id]),
        report.score_bands(hub(), [kiosk_id], pooled=False),
        row=rows[0],
    )


@ui.get("/regions/<region>")
def region(region: str) -> ResponseReturnValue:
    kiosks = report.kiosks_in(hub(), region)
    if not kiosks:
        abort(404)
    start, end = _period()
    title = f"Region: {region}"
    return _charts(
        title,
        report.series(hub(), start, end, kiosks),
        report.score_bands(hub(), kiosks, pooled=True),
        kiosks=len(kiosks),
    )


@ui.get("/all")
def whole_fleet() -> ResponseReturnValue:
    kiosks = report.kiosks_in(hub())
    start, end = _period()
    return _charts(
        "The whole fleet",
        report.series(hub(), start, end, kiosks),
        report.score_bands(hub(), kiosks, pooled=True),
        kiosks=len(kiosks),
    )


def _charts(title: str, data: dict[str, Any], bands: list[report.BandCell], **extra: Any) -> str:
    return render_template(
        "charts.html",
        title=title,
        data=json.dumps(data),
        bands=bands,
        min_kiosks=report.MIN_KIOSKS,
        min_tests=report.MIN_TESTS,
        **extra,
    )


@ui.get("/static/chart.umd.js")
def chart_js() -> ResponseReturnValue:
    # The kiosk's vendored Chart.js: one copy in the repository, no CDN.
    return send_file(CHART_JS, mimetype="text/javascript", max_age=86400)


@ui.get("/static/hub.css")
def css() -> ResponseReturnValue:
    return send_file(ROOT / "static" / "hub.css", mimetype="text/css", max_age=3600)


@ui.get("/static/hub.js")
def js() -> ResponseReturnValue:
    return send_file(ROOT / "static" / "hub.js", mimetype="text/javascript", max_age=3600)
