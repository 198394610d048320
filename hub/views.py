"""The dashboard: signing in, the fleet, charts per kiosk, region and fleet, the export.

Every count and score band on these pages comes through :mod:`hub.report`, which
applies the publication rules; raw counts only for a coordinator who asks.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from hub import refusals, report, texts, throttle
from hub.app import ROOT, config, hub
from hub.export import BY, export_csv, export_json
from hub.i18n import LANGUAGES
from hub.publication import MIN_KIOSKS, MIN_TESTS
from hub.report import FLEET, Unit
from hub.safety import safe_next
from hub.users import COORDINATOR, login, role_of

CHART_JS = ROOT.parent / "kiosk" / "static" / "vendor" / "chart.umd.js"
OPEN = ("ui.login", "ui.language", "ui.chart_js", "ui.css", "ui.js")
MAX_EXPORT_DAYS = 366

ui = Blueprint("ui", __name__)


@ui.before_request
def _signed_in() -> ResponseReturnValue | None:
    if request.endpoint in OPEN:
        return None
    user = session.get("user")
    role = role_of(hub(), user) if isinstance(user, str) else None
    if role is None:  # never signed in, or the user was removed since
        session.clear()
        return redirect(url_for("ui.login", next=request.full_path.rstrip("?")))
    g.user, g.role = user, role
    return None


@ui.route("/login", methods=["GET", "POST"], endpoint="login")
def login_page() -> ResponseReturnValue:
    if request.method != "POST":
        return render_template("login.html", error="")
    name = request.form.get("name", "")
    attempt = throttle.begin(hub(), name, request.remote_addr, config().clock())
    if isinstance(attempt, int):
        response = make_response(
            render_template("login.html", error=texts.too_many_tries(attempt)), 429
        )
        response.headers["Retry-After"] = str(attempt)
        return response
    if login(hub(), name, request.form.get("password", "")):
        throttle.succeeded(hub(), attempt)
        lang = session.get("lang")
        session.clear()  # a new session for the person signing in; their language stays
        if lang in LANGUAGES:
            session["lang"] = lang
        session.permanent = True
        session["user"] = name.strip()
        return redirect(safe_next(request.args.get("next")))
    throttle.failed(attempt)
    return render_template("login.html", error=texts.WRONG_PASSWORD), 401


@ui.post("/logout")
def logout() -> ResponseReturnValue:
    lang = session.get("lang")
    session.clear()
    if lang in LANGUAGES:
        session["lang"] = lang
    return redirect(url_for("ui.login"))


@ui.get("/language/<lang>", endpoint="language")
def pick_language(lang: str) -> ResponseReturnValue:
    """The language switch: kept in the session cookie, signed in or not."""
    if lang not in LANGUAGES:
        abort(404)
    session["lang"] = lang
    return redirect(safe_next(request.args.get("next")))


def _coordinator() -> bool:
    return bool(g.get("role") == COORDINATOR)


def _raw() -> bool:
    """Raw counts: asked for with ?raw=1, and only a coordinator may ask."""
    if request.args.get("raw", "") not in ("", "0"):
        if not _coordinator():
            abort(403, texts.RAW_NOT_ALLOWED)
        return True
    return False


@ui.get("/")
def fleet() -> ResponseReturnValue:
    today = config().clock().date()
    rows = report.fleet(hub(), config().clock())
    return render_template(
        "fleet.html",
        rows=rows,
        alarms={r.kiosk_id: _alarms(r) for r in rows},
        regions=report.regions(hub()),
        coordinator=_coordinator(),
        export_from=(today - timedelta(days=30)).isoformat(),
        export_to=today.isoformat(),
    )


def _alarms(row: report.KioskRow) -> list[str]:
    """The row's alarms in words (printer fault counts for coordinators only)."""
    return [
        texts.alert_words(
            code,
            silent_hours=row.silent_hours,
            missing=row.missing,
            skew_s=row.skew_s or 0,
            faults=row.printer_faults if _coordinator() else None,
        )
        for code in row.alerts
    ]


def _period() -> tuple[date, date]:
    end = config().clock().date()
    try:
        days = max(7, min(366, int(request.args.get("days", "60"))))
    except ValueError:
        days = 60
    return end - timedelta(days=days - 1), end


@ui.get("/kiosks/<kiosk_id>")
def kiosk(kiosk_id: str) -> ResponseReturnValue:
    rows = [r for r in report.fleet(hub(), config().clock()) if r.kiosk_id == kiosk_id]
    if not rows:
        abort(404)
    # No score bands here: a kiosk's own windows are never published (hub.publication).
    return _charts(
        rows[0].name, ("kiosk", kiosk_id), None, row=rows[0], alarms=_alarms(rows[0]),
        refusals=refusals.of_kiosk(hub(), kiosk_id),
    )  # fmt: skip


@ui.get("/regions/<region>")
def region(region: str) -> ResponseReturnValue:
    if region not in report.regions(hub()):
        abort(404)
    unit = ("region", region)
    kiosks = sum(1 for r in report.regions_of(hub()).values() if r == region)
    title = gettext("Region: %(region)s", region=region)
    return _charts(title, unit, _bands(unit), kiosks=kiosks)


@ui.get("/all")
def whole_fleet() -> ResponseReturnValue:
    title = gettext("The whole fleet")
    return _charts(title, FLEET, _bands(FLEET), kiosks=len(report.regions_of(hub())))


def _bands(unit: Unit) -> list[report.BandCell]:
    tables = report.score_bands(hub(), settle_days=config().settle_days, now=config().clock())
    return tables.get(unit, [])


def _charts(
    title: str, unit: Unit, bands: list[report.BandCell] | None, **extra: object
) -> ResponseReturnValue:
    raw = _raw()
    start, end = _period()
    found = report.counts(
        hub(),
        start,
        end,
        tuple(report.SERIES.values()),
        raw=raw,
        settle_days=config().settle_days,
        now=config().clock(),
        memo=current_app.extensions.setdefault("hub_published", {}),
    )
    labels = {"small": texts.SMALL, "hidden": texts.HIDDEN, "none": str(texts.NOT_RECEIVED)}
    data = report.series(found, unit, labels)
    if found.published_until is not None:  # a day still settling is not "not received"
        for words in data["text"].values():
            for i, day in enumerate(found.days):
                if date.fromisoformat(day) > found.published_until:
                    words[i] = str(texts.NOT_SETTLED)
    data["labels"] = {
        "visits": gettext("Visits"),
        "prints": gettext("Slips printed"),
        "tests": gettext("Self-tests completed"),
    }
    downloads = {"by": unit[0], "from": start.isoformat(), "to": end.isoformat()}
    downloads.update({"unit": unit[1]} if unit[1] else {})
    downloads.update({"raw": "1"} if raw else {})
    return render_template(
        "charts.html",
        title=title,
        downloads=downloads,
        data=data,
        bands=bands,
        raw=raw,
        coordinator=_coordinator(),
        published_until=found.published_until,
        settle_days=config().settle_days,
        min_kiosks=MIN_KIOSKS,
        min_tests=MIN_TESTS,
        small=texts.SMALL,
        hidden=texts.HIDDEN,
        **extra,
    )


@ui.get("/export.csv", endpoint="export", defaults={"kind": "csv"})
@ui.get("/export.json", endpoint="export_json", defaults={"kind": "json"})
def export(kind: str) -> ResponseReturnValue:
    raw = _raw()
    by = request.args.get("by", "kiosk")
    if by not in BY:
        abort(400, texts.EXPORT_BAD_BY)
    only = request.args.get("unit") or None
    if only is not None and only not in _units(by):
        abort(404, texts.EXPORT_BAD_UNIT)
    try:
        start = date.fromisoformat(request.args.get("from", ""))
        end = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        abort(400, texts.EXPORT_BAD_DATES)
    if start > end or (end - start).days >= MAX_EXPORT_DAYS:
        abort(400, texts.EXPORT_BAD_DATES)
    data = (export_csv if kind == "csv" else export_json)(
        hub(),
        start,
        end,
        by,
        raw=raw,
        settle_days=config().settle_days,
        now=config().clock(),
        memo=current_app.extensions.setdefault("hub_published", {}),
        only=only,
    )
    what = f"{by}-{only}" if only and by == "kiosk" else by  # a region's name may be any text
    name = f"counts-{what}-{start}-{end}{'-raw' if raw else ''}.{kind}"
    return Response(
        data,
        mimetype="text/csv" if kind == "csv" else "application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _units(by: str) -> set[str]:
    if by == "kiosk":
        return set(report.regions_of(hub()))
    if by == "region":
        return set(report.regions(hub()))
    return {"fleet"}


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
