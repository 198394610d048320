"""The kiosk's Flask application factory.

Everything that touches the outside world is opened here, never at import:
the database, the catalogue snapshot, the event log, and (as their parts are
configured) the print worker and GPIO devices. Tests pass a Settings object
with an in-memory or temporary data directory.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from kiosk import __version__
from kiosk.bootconfig import read_config_error
from kiosk.catalog.store import Catalog
from kiosk.context import Services
from kiosk.devices import wiring as device_wiring
from kiosk.hours import parse_hours
from kiosk.i18n import init_babel
from kiosk.settings import ConfigError, Settings, resolve_data_dir
from kiosk.shared.secret import secret_key
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally, WindowSealer
from kiosk.web import assets, security

ROOT = Path(__file__).resolve().parent
TEMPLATES = ROOT.parent / "templates"


def create_app(
    settings: Settings | None = None, *, memory: bool = False, config_error: str | None = None
) -> Flask:
    """Build the kiosk app. ``memory=True`` keeps the database and log in RAM (tests).

    ``config_error`` (or the error kiosk-config.service left at boot) puts the
    kiosk in configuration-error mode: every screen explains the problem.
    """
    settings = settings or Settings()
    config_error = config_error or read_config_error()
    for name, text in (
        ("staff.present_hours", settings.staff.present_hours),
        ("display.on_hours", settings.display.on_hours),
    ):
        try:
            parse_hours(text)
        except ValueError as exc:
            if config_error is None:
                raise ConfigError(f"{settings.source}: setting '{name}': {exc}") from None

    app = Flask(
        __name__,
        template_folder=str(TEMPLATES),
        static_folder=str(ROOT / "static"),
    )
    data_dir = resolve_data_dir(settings)
    if memory:
        store = Store(None)
        events = EventLog(None, level=settings.log.level)
        secret = secrets.token_hex(32)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        store = Store(data_dir / "kiosk.db")
        events = EventLog(data_dir / "log" / "events.jsonl", level=settings.log.level)
        secret = secret_key(data_dir)

    app.config.update(
        SECRET_KEY=secret,
        # A kiosk page can stay open for hours; the token still rotates with the visit.
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="kiosk_visit",
        PERMANENT_SESSION_LIFETIME=timedelta(
            seconds=settings.web.idle_seconds + settings.web.idle_warning_seconds + 60
        ),
        MAX_CONTENT_LENGTH=64 * 1024,
        DATA_DIR=str(data_dir),
    )
    CSRFProtect(app)
    init_babel(app, settings)

    tz = ZoneInfo(settings.kiosk.timezone)
    catalog = Catalog(store)
    if catalog_is_demo(store):
        catalog.seed_demo(datetime.now(tz).date())
    catalog.reload()

    tally = Tally(store, settings.kiosk.timezone, k=settings.selftest.k)
    tally.resume()  # the score windows the last clean stop kept (Services.close holds them)
    svc = Services(settings=settings, store=store, tally=tally, events=events, catalog=catalog)
    app.extensions["kiosk"] = svc
    sealer = WindowSealer(tally)
    sealer.start()
    svc.extra["window_sealer"] = sealer
    from kiosk.upload.state import UploadPart

    svc.extra["upload"] = UploadPart(store, settings.upload.hub_url)
    devices = device_wiring.wire(svc)
    if devices is not None:
        svc.extra["devices"] = devices

    from kiosk.devices import views as devices_views
    from kiosk.printing.views import bp as print_bp
    from kiosk.printing.wiring import create_print_queue
    from kiosk.speech import views as speech_views
    from kiosk.speech.wiring import create_speech
    from kiosk.web import public

    # One worker thread owns the printer; requests only enqueue. A kiosk without a
    # printer has no queue, so its screens offer no print button.
    if settings.printer.kind != "none":
        create_print_queue(svc, data_dir).start()
    # One worker thread owns the audio device too; the page only hands it text.
    create_speech(svc)
    # On the appliance the web app has no network: kiosk-feed.timer refreshes instead.
    if settings.catalog.feed_url and settings.catalog.refresh_in_app and not memory:
        from kiosk.catalog.import_cli import FeedRefresher

        refresher = FeedRefresher(settings, store, events)
        refresher.start()
        svc.extra["catalog_feed"] = refresher

    app.register_blueprint(public.bp)
    app.register_blueprint(devices_views.bp)
    app.register_blueprint(print_bp)
    app.register_blueprint(speech_views.bp)
    if settings.selftest.enabled:
        from kiosk import selftest

        selftest.init_app(app)
    security.init_app(app, settings)
    assets.init_app(app)
    from kiosk import staff

    staff.init_app(app)
    if config_error:
        show_config_error(app, config_error)
        events.error("config", config_error)

    @app.teardown_appcontext
    def _close_db(_exc: BaseException | None) -> None:
        # waitress reuses threads; a connection per thread is kept open on purpose.
        return None

    events.info("start", f"kiosk {__version__} started; catalogue: {catalog.source}")
    return app


def show_config_error(app: Flask, message: str) -> None:
    """Answer every screen with the configuration error, and /healthz with its status."""

    @app.before_request
    def _config_error() -> tuple[str | dict[str, str], int] | None:
        from flask import render_template, request

        if request.endpoint == "static":
            return None
        if request.endpoint == "public.healthz":
            return {"status": "config-error", "error": message}, 503
        return render_template("config_error.html", message=message), 503


def open_catalog(settings: Settings) -> Catalog:
    """The catalogue for a command-line tool, without starting the web app."""
    data_dir = resolve_data_dir(settings)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "kiosk.db")
    catalog = Catalog(store)
    if catalog_is_demo(store):
        catalog.seed_demo(datetime.now(ZoneInfo(settings.kiosk.timezone)).date())
    catalog.reload()
    return catalog


def catalog_is_demo(store: Store) -> bool:
    row = store.db().execute("SELECT value FROM meta WHERE key = 'catalog_source'").fetchone()
    return row is None or row[0] == "demo"
