"""The self-test's screens: consent, the statements, the result.

The answers are never held by the server between requests: the statements page
carries them in the page (radio buttons in one form) and posts them once, to
the result. The result is computed, counted through the tally in one
transaction and rendered; then the answers are gone. Abandonment arrives with
the visit's reset (Stop, "Start over" or the idle timeout) as the furthest
statement reached and the reason, nothing more.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal

from kiosk.catalog.query import Filters
from kiosk.catalog.store import Catalog
from kiosk.context import services
from kiosk.i18n import LANGUAGE_NAMES, current_language
from kiosk.selftest import scoring
from kiosk.selftest.library import Library, Offered

bp = Blueprint("selftest", __name__, url_prefix="/selftest")
REASONS = ("exit", "timeout")
ACTIVITIES_OFFERED = 4


def library() -> Library:
    lib: Library = services().extra["selftest"]
    return lib


def _offered(pack_id: str) -> Offered:
    offered = library().get(pack_id)
    if offered is None:
        abort(404)
    return offered


@bp.get("")
def start() -> ResponseReturnValue:
    """Consent, in the visitor's language; the form itself only where a pack exists."""
    lib = library()
    lang = current_language(services().settings.kiosk.default_language)
    here = lib.for_language(lang)
    elsewhere = [o for o in lib.offered.values() if o.pack.language != lang]
    if lib.offered:
        services().tally.count("consent_shown")
    return render_template(
        "selftest/consent.html",
        packs=here,
        elsewhere=sorted(elsewhere, key=lambda o: (not o.official, o.pack.language, o.pack.id)),
        language_names=LANGUAGE_NAMES,
        available=[LANGUAGE_NAMES.get(code, code) for code in lib.languages()],
    )


@bp.post("/decline")
def decline() -> ResponseReturnValue:
    services().tally.count("consent_declined")
    return redirect("/")


@bp.get("/<pack_id>")
def statements(pack_id: str) -> ResponseReturnValue:
    offered = _offered(pack_id)
    return render_template("selftest/statements.html", offered=offered, pack=offered.pack)


@bp.post("/<pack_id>/result")
def result(pack_id: str) -> ResponseReturnValue:
    offered = _offered(pack_id)
    pack = offered.pack
    answers = [_answer(request.form.get(f"s{i}")) for i in range(1, len(pack.statements) + 1)]
    total = scoring.raw_sum(pack, answers)
    svc = services()
    context = {
        "pack": pack,
        "official": offered.official,
        "activities": _activities(),
        "mean": format_decimal(pack.reference.mean),
    }
    if total is None:
        svc.tally.count("tests_incomplete")
        return render_template("selftest/incomplete.html", **context)
    value = scoring.score(pack, total)
    svc.tally.complete_test(offered.tally_key, total)
    return render_template(
        "selftest/result.html",
        score=format_decimal(float(value), format="#,##0.#"),
        position=float(value),
        **context,
    )


def _answer(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _activities() -> list[object]:
    """The same few activities for everyone: today's next ones, never chosen by score."""
    catalog = services().catalog
    if not isinstance(catalog, Catalog):
        return []
    tz = ZoneInfo(services().settings.kiosk.timezone)
    now = datetime.now(tz).replace(tzinfo=None)
    listed = catalog.listing(Filters(when="today"), now) or catalog.listing(Filters(), now)
    return [x.activity for x in listed[:ACTIVITIES_OFFERED]]


def count_abandonment() -> None:
    """Before the visit's reset: a test left midway is counted by statement and reason."""
    if request.endpoint != "public.reset":
        return
    item, reason = request.form.get("selftest_item", ""), request.form.get("reason", "")
    if not item.isdigit() or reason not in REASONS:
        return
    # Bounded by the longest installed form, so the key set cannot grow from input.
    longest = max((len(o.pack.statements) for o in library().offered.values()), default=0)
    if 1 <= int(item) <= longest:
        services().tally.count("abandoned", f"{int(item)}:{reason}")
