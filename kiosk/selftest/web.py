"""The self-test's screens: consent, the statements, the result.

The answers never leave the page until the last statement: the whole test is
one page, the statements are shown one at a time by its script, and the answers
are kept in the page's memory. They are sent once, as JSON with ``fetch()``, to
:func:`answers`, which counts the test through the tally in one transaction and
returns the result as a fragment that the page shows in place. A fetch makes no
history entry and leaves no form to resubmit, so neither Back, a reload nor the
browser's session files can bring the answers or the score back. Abandonment is
counted by the furthest statement reached and the reason, nothing more.
"""

from __future__ import annotations

from typing import Any

from babel import Locale
from flask import Blueprint, Response, abort, redirect, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, get_locale

from kiosk.catalog.query import Filters
from kiosk.catalog.store import Catalog
from kiosk.context import services
from kiosk.i18n import current_language
from kiosk.selftest import scoring
from kiosk.selftest.library import Library, Offered

bp = Blueprint("selftest", __name__, url_prefix="/selftest")
REASONS = ("exit", "timeout")
ACTIVITIES_OFFERED = 3
# The page's requests are a few dozen bytes; anything far larger is not from it.
MAX_BODY = 4096


def library() -> Library:
    lib: Library = services().extra["selftest"]
    return lib


def _offered(pack_id: str) -> Offered:
    offered = library().get(pack_id)
    if offered is None:
        abort(404)
    return offered


def _json_body() -> dict[str, Any]:
    """The request's JSON object, or 400: too large, not JSON, or nested too deep to read."""
    if (request.content_length or 0) > MAX_BODY:
        abort(400)
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        abort(400)
    return body if isinstance(body, dict) else {}


def language_name(code: str) -> str:
    """A form's language named in the visitor's language ("finska", "Finnish"), from CLDR."""
    locale = get_locale() or Locale("fi")
    return str(locale.languages.get(code, code))


@bp.get("")
def start() -> ResponseReturnValue:
    """Consent, in the visitor's language; the form itself only where a pack exists."""
    lib = library()
    lang = current_language(services().settings.kiosk.default_language)
    here = lib.for_language(lang)
    elsewhere = [o for o in lib.offered.values() if o.pack.language != lang]
    if lib.offered:
        services().tally.count("consent_shown")
    choices = here or sorted(elsewhere, key=lambda o: (not o.official, o.pack.language, o.pack.id))
    return render_template(
        "selftest/consent.html",
        choices=choices,
        in_visitor_language=bool(here),
        language_name=language_name,
        available=[language_name(code) for code in lib.languages()],
    )


@bp.post("/decline")
def decline() -> ResponseReturnValue:
    services().tally.count("consent_declined")
    return redirect("/")


@bp.get("/<pack_id>")
def statements(pack_id: str) -> ResponseReturnValue:
    offered = _offered(pack_id)
    response = Response(
        render_template(
            "selftest/statements.html",
            offered=offered,
            pack=offered.pack,
            language_name=language_name,
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<pack_id>/answers")
def answers(pack_id: str) -> ResponseReturnValue:
    """The answers, once, as JSON; counted, then the result fragment. Nothing is kept."""
    offered = _offered(pack_id)
    raw = _json_body().get("answers")
    if not isinstance(raw, list) or len(raw) > len(offered.pack.statements):
        abort(400)
    given = [a if isinstance(a, int) and not isinstance(a, bool) else None for a in raw]
    given += [None] * (len(offered.pack.statements) - len(given))
    total = scoring.raw_sum(offered.pack, given)
    if total is None:
        services().tally.count("tests_incomplete")
    else:
        services().tally.complete_test(offered.tally_key, total)
    return _fragment(offered, total)


@bp.post("/<pack_id>/shown")
def shown(pack_id: str) -> ResponseReturnValue:
    """The result again, in the language or display mode the visitor just chose.

    Takes the raw sum the page holds after :func:`answers` and counts nothing, so
    showing a result twice never counts a test twice.
    """
    offered = _offered(pack_id)
    total = _json_body().get("total")
    if total is not None:
        low, high = offered.pack.sum_range
        if not isinstance(total, int) or isinstance(total, bool) or not low <= total <= high:
            abort(400)
    return _fragment(offered, total)


@bp.post("/stop")
def stop() -> ResponseReturnValue:
    """Stop midway: counted by the statement reached; the visit (and its language) goes on."""
    reached = _json_body().get("reached")
    if isinstance(reached, int) and not isinstance(reached, bool) and 1 <= reached <= _longest():
        services().tally.count("abandoned", f"{reached}:exit")
    return Response(status=204)


def _fragment(offered: Offered, total: int | None) -> Response:
    pack = offered.pack
    context: dict[str, Any] = {
        "offered": offered,
        "pack": pack,
        "official": offered.official,
        "items": _activities(),
        "mean": format_decimal(pack.reference.mean),
        "total": total,
    }
    if total is not None:
        value = scoring.score(pack, total)
        context["score"] = format_decimal(float(value), format="#,##0.#")
        context["position"] = float(value)
    response = Response(render_template("selftest/result.html", **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def _activities() -> list[Any]:
    """The same few activities for everyone: today's next ones, never chosen by score."""
    catalog = services().catalog
    if not isinstance(catalog, Catalog):
        return []
    catalog.maybe_reload()
    now = services().local_now()
    listed = catalog.listing(Filters(when="today"), now) or catalog.listing(Filters(), now)
    return listed[:ACTIVITIES_OFFERED]


def _longest() -> int:
    # Bounded by the longest installed form, so the key set cannot grow from input.
    return max((len(o.pack.statements) for o in library().offered.values()), default=0)


def count_abandonment() -> None:
    """Before the visit's reset: a test left midway is counted by statement and reason."""
    if request.endpoint != "public.reset":
        return
    item, reason = request.form.get("selftest_item", ""), request.form.get("reason", "")
    if not item.isdigit() or reason not in REASONS:
        return
    if 1 <= int(item) <= _longest():
        services().tally.count("abandoned", f"{int(item)}:{reason}")
