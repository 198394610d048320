"""The passers-by's screens: start, activity lists, one activity, language, reset.

Stable URLs: ``/`` start, ``/activities`` (filters as query parameters),
``/activities/<id>``, ``/lang/<fi|sv|en>``, ``/healthz``.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup

from kiosk import __version__
from kiosk.catalog.model import CATEGORIES, pick, pick_language
from kiosk.catalog.occurrences import next_occurrences
from kiosk.catalog.query import Filters, paginate
from kiosk.catalog.store import Catalog
from kiosk.context import services
from kiosk.i18n import UI_LANGUAGES, current_language
from kiosk.web import labels
from kiosk.web.icons import icon
from kiosk.web.page_cache import Generation, PageCache
from kiosk.web.security import plain_next

bp = Blueprint("public", __name__)
TODAY = Filters(when="today")
HIGHLIGHTS = 6

TOGGLES = ("large_text", "high_contrast")
HEALTH_NAMES = {"print_queue": "printer"}
# Endpoints that do not begin a visit: the idle start screen and machine endpoints.
NOT_A_VISIT = {
    "public.start",
    "public.healthz",
    "public.heartbeat",
    "public.favicon",
    "public.reset",
    "devices.signals",
    "devices.stream",
    "devices.touch",
    "static",
}


def _now() -> datetime:
    """The request's minute: the screens change by the minute (their clock, "starts in
    20 minutes"), and one request sees one minute throughout."""
    if "now" not in g:
        g.now = services().local_now().replace(second=0, microsecond=0)
    now: datetime = g.now
    return now


def _catalog() -> Catalog:
    catalog = services().catalog
    assert isinstance(catalog, Catalog)
    catalog.maybe_reload()
    # The snapshot this request's page is made from, even if an import swaps it meanwhile.
    g.catalogue = catalog.activities
    return catalog


# Screens whose parts are cached: the catalogue's, the same for every visitor. The
# self-test and staff screens, which share the page frame, are always rendered.
CACHED_SCREENS = {"public.start", "public.activities", "public.activity"}


@bp.record_once
def _add_page_cache(state: Any) -> None:
    state.app.extensions["page_cache"] = PageCache()


@bp.app_template_global()
def cached(*key: Hashable, caller: Callable[[], str]) -> Markup:
    """``{% call cached('list', filters) %}...{% endcall %}``: the body rendered once per
    catalogue, settings, minute, language and address (see kiosk.web.page_cache).

    The call names whatever else its body depends on; the rest goes in here.
    """
    if request.endpoint not in CACHED_SCREENS:
        return Markup(caller())
    svc = services()
    snapshot = g.catalogue if "catalogue" in g else _catalog().activities
    generation = Generation(catalogue=snapshot, settings=svc.settings, minute=_now())
    lang = current_language(svc.settings.kiosk.default_language)
    # The parts the kiosk runs (a printer's queue, devices) decide which buttons show.
    parts = tuple(sorted(svc.extra))
    cache: PageCache = current_app.extensions["page_cache"]
    return cache.part(generation, (key, lang, request.full_path, parts), caller)


def _local_path(target: str | None) -> str:
    """Only a path on this kiosk; anything else returns to the start screen. A
    control character is a bad request (400): it cannot go into a Location header."""
    target = plain_next(target)
    if not target:
        return url_for("public.start")
    parts = urlsplit(target)
    # Browsers read a backslash as a slash: "/\evil.example" would leave the kiosk.
    outside = parts.scheme or parts.netloc or target.startswith("//") or "\\" in target
    if outside or not target.startswith("/"):
        return url_for("public.start")
    return target


@bp.before_app_request
def _begin_visit() -> None:
    """Count a visit at its first tap away from the idle start screen."""
    if request.endpoint in NOT_A_VISIT or request.endpoint is None:
        return
    if request.blueprint == "staff":
        return  # staff at work are not visitors
    if not session.get("visit"):
        session.permanent = True
        session["visit"] = True
        services().tally.count("sessions_started")


@bp.app_template_filter("pick")
def _pick(text: dict[str, str], lang: str) -> str:
    return pick(text, lang)


@bp.app_template_filter("pick_lang")
def _pick_lang(text: dict[str, str], lang: str) -> str:
    """The language of what ``pick`` shows, for the element's ``lang`` (hyphenation, speech)."""
    return pick_language(text, lang)


@bp.app_errorhandler(404)
def _not_found(_exc: Exception) -> tuple[str, int]:
    return render_template("not_found.html"), 404


@bp.app_context_processor
def _page_context() -> dict[str, Any]:
    svc = services()
    settings = svc.settings
    return {
        "settings": settings,
        "lang": current_language(settings.kiosk.default_language),
        "ui_languages": UI_LANGUAGES,
        "toggles": {name: bool(session.get(name)) for name in TOGGLES},
        "labels": labels,
        "icon": icon,
        "now": _now(),
        "version": __version__,
    }


@bp.get("/")
def start() -> str:
    settings = services().settings
    catalog = _catalog()
    now = _now()
    return render_template(
        "start.html",
        # Today's activities still to come, for the attract loop.
        highlights=catalog.listing(TODAY, now)[:HIGHLIGHTS],
        staff_hours=settings.staff.present_hours,
        fresh=request.args.get("fresh") == "1",
        clock_unset=clock_unset(TIMESYNC_FLAG, SYSTEMD_RUNNING),
    )


# systemd-timesyncd leaves this file once the clock has been set over the network
# since boot; /run/systemd/system exists only where systemd runs (the appliance).
TIMESYNC_FLAG = Path("/run/systemd/timesync/synchronized")
SYSTEMD_RUNNING = Path("/run/systemd/system")


def clock_unset(flag: Path = TIMESYNC_FLAG, systemd: Path = SYSTEMD_RUNNING) -> bool:
    """True on an appliance whose clock has not been set over the network since it
    started: after a power cut without network it runs from the last saved time, and
    "today" may be wrong. The start screen says so instead of pretending."""
    return systemd.exists() and not flag.exists()


@bp.get("/activities")
def activities() -> str:
    settings = services().settings
    catalog = _catalog()
    filters = Filters.from_args(request.args.to_dict())
    listed = catalog.listing(filters, _now())
    page = paginate(listed, filters.page, settings.web.page_size)
    when = dict(_when_choices())
    if filters.when == "week":
        heading = gettext("Next 7 days")
    elif filters.when:
        heading = when[filters.when]
    elif filters.category:
        heading = labels.category(filters.category)
    else:
        heading = gettext("Things to do")
    return render_template(
        "activities.html",
        page=page,
        filters=filters,
        heading=heading,
        when_choices=_when_choices(),
        chosen=_chosen(filters),
        categories=CATEGORIES,
        languages=catalog.spoken_languages(),
    )


def _when_choices() -> list[tuple[str, str]]:
    return [
        ("", gettext("Any day")),
        ("now", gettext("Now")),
        ("today", gettext("Today")),
        ("week", gettext("7 days")),
    ]


@dataclass(frozen=True)
class Chosen:
    """A filter in force, named, with the list's address without it."""

    text: str
    url: str


def _chosen(filters: Filters) -> list[Chosen]:
    """The filters in force, so an empty list can say which choice emptied it."""
    out: list[Chosen] = []

    def without(**change: object) -> str:
        args: dict[str, Any] = filters.args(page=1, **change)
        return url_for("public.activities", **args)

    if filters.when:
        out.append(Chosen(dict(_when_choices())[filters.when], without(when="")))
    if filters.category:
        out.append(Chosen(labels.category(filters.category), without(category="")))
    if filters.free:
        out.append(Chosen(gettext("Free of charge"), without(free=False)))
    if filters.language:
        name = labels.language_name(filters.language)
        out.append(Chosen(gettext("Spoken: %(language)s", language=name), without(language="")))
    return out


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> Markup:
    """The activity's web address as an inline SVG QR code (the way out of the kiosk)."""
    code = segno.make(url, error="m")
    svg: str = code.svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return Markup(svg)


@bp.get("/activities/<activity_id>")
def activity(activity_id: str) -> str:
    activity = _catalog().get(activity_id)
    if activity is None:
        abort(404)
    services().tally.count("activity_views", activity.id)
    return render_template(
        "activity.html",
        activity=activity,
        upcoming=next_occurrences(activity, _now(), 3),
        qr=qr_svg(activity.url) if activity.url else None,
        back=_local_path(request.args.get("back")),
        print_url=f"/activities/{activity.id}/print" if "print_queue" in services().extra else "",
    )


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in UI_LANGUAGES:
        abort(404)
    target = _local_path(request.args.get("next"))  # a bad one changes nothing
    session["lang"] = code
    counted = set(session.get("langs_counted", []))
    if code not in counted:
        services().tally.count("ui_language", code)
        session["langs_counted"] = sorted(counted | {code})
    return redirect(target)  # type: ignore[return-value]


@bp.post("/toggle/<name>")
def toggle(name: str) -> Response:
    if name not in TOGGLES:
        abort(404)
    target = _local_path(request.form.get("next"))  # a bad one changes nothing
    session[name] = not session.get(name)
    if session[name]:
        counted = set(session.get("toggles_counted", []))
        if name not in counted:
            services().tally.count("accessibility", name)
            session["toggles_counted"] = sorted(counted | {name})
    return redirect(target)  # type: ignore[return-value]


@bp.post("/reset")
def reset() -> Response:
    """End the visit: forget language, toggles and everything else in the cookie.

    Speech stops and its volume goes back to where every visit starts.
    """
    session.clear()
    speech = services().extra.get("speech")
    if speech is not None:
        speech.end_visit()
    return redirect(url_for("public.start", fresh="1"))  # type: ignore[return-value]


@bp.get("/talk")
def talk() -> str:
    settings = services().settings
    part = services().extra.get("devices")
    can_call = bool(part is not None and part.devices.call_staff.available)
    return render_template("talk.html", staff_hours=settings.staff.present_hours, can_call=can_call)


@bp.post("/heartbeat")
def heartbeat() -> Response:
    """The kiosk browser's sign of life; a watcher restarts the browser when it stops."""
    path = services().settings.web.heartbeat_file
    if path:
        target = Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(str(int(time.time())))
        except OSError:
            pass  # a missing /run folder on a developer machine is not the page's problem
    return Response(status=204)


@bp.get("/favicon.ico")
def favicon() -> Response:
    """Nothing. The pages name no icon, but a browser showing a document that is not
    a page (``/healthz``) asks for one; the not-found page it would get starts a
    session, and a second session started beside a page's first one leaves that page
    holding a form token its cookie no longer matches."""
    return Response(status=204)


@bp.get("/healthz")
def healthz() -> Response:
    svc = services()
    body: dict[str, Any] = {
        "status": "ok",
        "version": __version__,
        "catalogue": {"source": _catalog().source, "activities": len(_catalog().activities)},
    }
    for name, part in svc.extra.items():
        state = getattr(part, "health", None)
        if callable(state):
            body[HEALTH_NAMES.get(name, name)] = state()
    return jsonify(body)
