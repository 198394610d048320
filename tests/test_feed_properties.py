"""Any Linked Events record, imported and shown: no heading with nothing under it, and
"free" only where the source said free.

Records are drawn in every shape the API uses: a location embedded, only referenced,
``null`` (with or without ``location_extra_info``) or empty; offers missing, free, not
free, with or without a price; languages given or not; Swedish and English missing,
copied from the Finnish or real; every event status.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from typing import Any

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.catalog.apply import apply
from kiosk.catalog.importers import Limits, parse
from kiosk.catalog.store import Catalog
from kiosk.context import Services
from kiosk.printing.slips import Line, layout_slip
from kiosk.settings import Settings

LIMITS = Limits.from_settings(Settings())
NOW = datetime(2026, 10, 1, 9)
FREE_ON_PAGE = {"fi": "Maksuton", "sv": "Avgiftsfritt", "en": "Free of charge"}
FREE_ON_SLIP = {"fi": "Maksuton", "sv": "Avgiftsfri", "en": "Free"}
API = "https://api.hel.fi/linkedevents/v1"

# Lower-case words only: no drawn text can spell a label the test looks for.
words = st.text(alphabet="abcdeghijklmnoprstuvy ", min_size=1, max_size=30).filter(str.strip)


@st.composite
def texts(draw: Any) -> dict[str, Any]:
    fi = draw(words)
    out: dict[str, Any] = {"fi": fi}
    for lang in ("sv", "en"):
        out[lang] = draw(st.sampled_from([None, fi, "x" + fi]))
    return out


@st.composite
def locations(draw: Any) -> Any:
    kind = draw(st.sampled_from(["embedded", "reference", "null", "empty"]))
    if kind == "reference":
        return {"@id": f"{API}/place/tprek:{draw(st.integers(1, 9999))}/"}
    if kind == "null":
        return None
    if kind == "empty":
        return {}
    return {
        "@id": f"{API}/place/tprek:1/",
        "name": draw(st.one_of(st.none(), texts())),
        "street_address": draw(st.one_of(st.none(), st.builds(lambda w: {"fi": w}, words))),
        "address_locality": draw(st.one_of(st.none(), st.just({"fi": "helsinki"}))),
    }


offer = st.fixed_dictionaries(
    {},
    optional={
        "is_free": st.sampled_from([True, False, None]),
        "price": st.one_of(st.none(), texts()),
    },
)


@st.composite
def events(draw: Any) -> dict[str, Any]:
    day = draw(st.integers(2, 28))
    return {
        "@id": f"{API}/event/t:1/",
        "id": "t:1",
        "name": draw(texts()),
        "description": draw(st.one_of(st.none(), texts())),
        "location": draw(locations()),
        "location_extra_info": draw(st.one_of(st.none(), texts())),
        "offers": draw(st.one_of(st.none(), st.lists(offer, max_size=3))),
        "in_language": [
            {"@id": f"{API}/language/{code}/"}
            for code in draw(st.lists(st.sampled_from(["fi", "sv", "en", "ru"]), max_size=3))
        ],
        "event_status": draw(
            st.sampled_from(
                ["EventScheduled", "EventRescheduled", "EventPostponed", "EventMovedOnline", None]
            )
        ),
        "start_time": f"2026-10-{day:02d}T10:00:00Z",
        "end_time": f"2026-10-{day:02d}T12:00:00Z",
        "info_url": draw(st.one_of(st.none(), st.just({"fi": "https://www.example.fi/e"}))),
        "provider": draw(st.one_of(st.none(), st.builds(lambda w: {"fi": w}, words))),
    }


def facts(html: str) -> list[tuple[str, str]]:
    """(heading, text under it) of every fact on the activity page."""
    found = re.findall(r"<dt>.*?<span>(.*?)</span></dt>\s*<dd>(.*?)</dd>", html, re.S)
    return [(h, " ".join(re.sub(r"<[^>]+>", " ", d).split())) for h, d in found]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(event=events(), lang=st.sampled_from(["fi", "sv", "en"]))
def test_no_empty_heading_and_free_only_when_said(
    client: FlaskClient, services: Services, event: dict[str, Any], lang: str
) -> None:
    page = {"meta": {"next": None}, "data": [event]}
    result = parse(
        json.dumps(page).encode(),
        name="e.json",
        source="e.json",
        limits=LIMITS,
        today=date(2026, 9, 1),
    )
    assert result.problems == []
    (activity,) = result.activities
    assert apply(services.store, "e.json", result).ok
    assert isinstance(services.catalog, Catalog)
    services.catalog.reload()
    services.clock = lambda: NOW
    client.get(f"/lang/{lang}")
    html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    shown = facts(html)
    assert len(shown) >= 3  # when, where and price are always there
    for heading, text in shown:
        assert text, f"the heading {heading!r} has nothing under it"
    said_free = any(o.get("is_free") is True for o in event["offers"] or [])
    assert (FREE_ON_PAGE[lang] in html) == said_free
    ops = layout_slip(activity, lang=lang, width_mm=58, meeting_point_name="x", today=NOW)
    printed = " ".join(op.text for op in ops if isinstance(op, Line))
    assert (FREE_ON_SLIP[lang] in printed) == said_free
    assert re.search(r"(Paikka|Plats|Place): \S", printed)


@st.composite
def rows(draw: Any) -> dict[str, str]:
    """A template row in the columns that may say nothing: free, price, languages, place."""
    return {
        "title_fi": draw(words),
        "title_sv": draw(st.sampled_from(["", "x"])),
        "place": draw(st.one_of(st.just(""), words)),
        "address": draw(st.one_of(st.just(""), words)),
        "accessibility_fi": draw(st.one_of(st.just(""), words)),
        "free": draw(st.sampled_from(["", "kyllä", "x", "yes", "ei", "0", "nej"])),
        "price_fi": draw(st.one_of(st.just(""), words)),
        "languages": draw(st.sampled_from(["", "fi", "sv, en"])),
        "url": draw(st.sampled_from(["", "https://www.example.fi/a"])),
        "dates": "5.10.2026 klo 10-12",
    }


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(row=rows(), lang=st.sampled_from(["fi", "sv", "en"]))
def test_a_template_row_says_free_only_when_its_cell_does(
    client: FlaskClient, services: Services, row: dict[str, str], lang: str
) -> None:
    written = io.StringIO()
    csv.writer(written).writerows([list(row), list(row.values())])
    data = written.getvalue().encode()
    result = parse(data, name="t.csv", source="t.csv", limits=LIMITS, today=date(2026, 9, 1))
    assert result.problems == []
    (activity,) = result.activities
    assert apply(services.store, "t.csv", result).ok
    assert isinstance(services.catalog, Catalog)
    services.catalog.reload()
    services.clock = lambda: NOW
    client.get(f"/lang/{lang}")
    html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    for heading, text in facts(html):
        assert text, f"the heading {heading!r} has nothing under it"
    said_free = row["free"] in ("kyllä", "x", "yes")
    assert (FREE_ON_PAGE[lang] in html) == said_free
    ops = layout_slip(activity, lang=lang, width_mm=80, meeting_point_name="x", today=NOW)
    printed = " ".join(op.text for op in ops if isinstance(op, Line))
    assert (FREE_ON_SLIP[lang] in printed) == said_free
