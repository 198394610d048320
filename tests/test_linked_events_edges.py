"""The Linked Events importer at its edges: pages that are not pages, series and their
dates, places in their three shapes, prices, keywords and languages taken exactly as
the feed gives them, and nothing invented."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from kiosk.catalog.importers import Limits, ParseResult
from kiosk.catalog.importers.common import stable_id
from kiosk.catalog.importers.linkedevents import (
    INCLUDE_LOCATION,
    pages_from_json,
    parse_linked_events,
    place_refs,
)
from kiosk.catalog.model import Activity, Occurrence
from kiosk.settings import Settings

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)
API = "https://api.hel.fi/linkedevents/v1"


def ev(n: int | str = 1, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": f"helsinki:{n}",
        "@id": f"{API}/event/helsinki:{n}/",
        "name": {"fi": f"Tapahtuma {n}"},
        "start_time": "2026-10-01T07:00:00Z",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not ...}


def read(
    *events: dict[str, Any],
    limits: Limits = LIMITS,
    places: dict[str, Any] | None = None,
) -> ParseResult:
    pages = [{"meta": {"next": None}, "data": list(events)}]
    return parse_linked_events(
        pages, file="f.json", source="f", limits=limits, today=TODAY, places=places
    )


def messages(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems]


def only(*events: dict[str, Any], places: dict[str, Any] | None = None) -> Activity:
    result = read(*events, places=places)
    assert messages(result) == []
    (activity,) = result.activities
    return activity


# --- pages ------------------------------------------------------------------------------


def test_one_page_or_a_list_of_pages() -> None:
    page: dict[str, Any] = {"data": []}
    assert pages_from_json(page) == [page]
    assert pages_from_json([page, page]) == [page, page]


def test_the_page_limit() -> None:
    pages = [{"data": [ev(n)]} for n in range(3)]
    at = parse_linked_events(
        pages, file="f.json", source="f", limits=replace(LIMITS, max_pages=3), today=TODAY
    )
    assert messages(at) == [] and len(at.activities) == 3
    over = parse_linked_events(
        pages, file="f.json", source="f", limits=replace(LIMITS, max_pages=2), today=TODAY
    )
    assert messages(over) == ["f.json: more than 2 pages"]


def test_every_page_that_is_not_a_page_is_named() -> None:
    pages: list[Any] = [{"data": [ev(1)]}, [ev(2)], {"data": [ev(3), "x"]}, {"meta": {}}]
    result = parse_linked_events(pages, file="f.json", source="f", limits=LIMITS, today=TODAY)
    assert messages(result) == [
        f"f.json, page {n}: not a Linked Events page (no 'data' list of events)" for n in (2, 3, 4)
    ]
    assert result.activities == []


def test_the_event_limit() -> None:
    assert len(read(ev(1), ev(2), limits=replace(LIMITS, max_rows=2)).activities) == 2
    assert messages(read(ev(1), ev(2), limits=replace(LIMITS, max_rows=1))) == [
        "f.json: more than 1 events"
    ]


# --- ids and statuses -----------------------------------------------------------------


def test_ids_as_given_a_number_as_text_and_an_odd_one_made_usable() -> None:
    assert only(ev(1)).id == "helsinki:1"
    assert only(ev(1, id=12345)).id == "12345"
    odd = only(ev(1, id=" kerho 1 "))
    assert odd.id == stable_id("f", "kerho 1")


@pytest.mark.parametrize("raw", [None, True, 1.5, ...])
def test_an_event_without_a_usable_id_is_named_by_its_place_in_the_file(raw: object) -> None:
    result = read(ev(1), ev(2, id=raw))
    assert messages(result) == ["f.json, event 2, 'id': no id (missing, null or not text)"]


def test_the_same_id_twice() -> None:
    result = read(ev(1), ev(1, **{"@id": "x"}))
    assert messages(result) == ["f.json, event 'helsinki:1', 'id': the same id twice"]


@pytest.mark.parametrize(
    ("feed", "status"),
    [
        ("EventScheduled", ""),
        ("EventRescheduled", "rescheduled"),
        ("EventPostponed", "postponed"),
        ("EventMovedOnline", "moved-online"),
        ("SomethingNew", ""),
    ],
)
def test_statuses(feed: str, status: str) -> None:
    assert only(ev(1, event_status=feed)).status == status


@pytest.mark.parametrize("gone", ["EventCancelled", "EventDeleted"])
def test_cancelled_and_deleted_events_are_skipped(gone: str) -> None:
    result = read(ev(1, event_status=gone), ev(2))
    assert [a.id for a in result.activities] == ["helsinki:2"]
    assert [str(p) for p in result.skipped] == ["f.json, event 'helsinki:1': cancelled"]


# --- times ------------------------------------------------------------------------------


def test_times_in_the_kiosks_zone_and_without_a_zone_as_written() -> None:
    a = only(ev(1, start_time="2026-10-01T07:00:00Z", end_time="2026-10-01T09:30:00+02:00"))
    assert a.occurrences == (Occurrence(datetime(2026, 10, 1, 10), datetime(2026, 10, 1, 10, 30)),)
    naive = only(ev(1, start_time="2026-10-01T07:00:00", end_time=None))
    assert naive.occurrences == (Occurrence(datetime(2026, 10, 1, 7), None),)
    # RFC 3339 allows the letters in lower case.
    lower = only(ev(1, start_time="2026-10-01t07:00:00z", end_time=None))
    assert lower.occurrences == (Occurrence(datetime(2026, 10, 1, 10), None),)


def test_time_refusals_name_the_field() -> None:
    result = read(
        ev(1, start_time="huomenna"),
        ev(2, end_time="2026-10-01T07:00:00Z"),
        ev(3, start_time=None),
        ev(4, start_time="1969-12-31T10:00:00"),
        ev(5, end_time="2026-10-01T06:59:00Z"),
    )
    assert messages(result) == [
        "f.json, event 'helsinki:1', 'start_time': 'huomenna' is not a time",
        "f.json, event 'helsinki:2', 'end_time': the end 2026-10-01 10:00 is not after "
        "the start 2026-10-01 10:00",
        "f.json, event 'helsinki:3', 'start_time': no start_time",
        "f.json, event 'helsinki:4', 'start_time': the date 1969-12-31 is not between 1970 "
        "and 2031; check the year",
        "f.json, event 'helsinki:5', 'end_time': the end 2026-10-01 09:59 is not after "
        "the start 2026-10-01 10:00",
    ]
    assert result.activities == []


def test_a_minute_long_event() -> None:
    a = only(ev(1, end_time="2026-10-01T07:01:00Z"))
    assert a.occurrences[0].end == datetime(2026, 10, 1, 10, 1)


# --- series ----------------------------------------------------------------------------


def series(*kids: dict[str, Any], kind: str = "recurring") -> list[dict[str, Any]]:
    parent = ev("s", super_event_type=kind, name={"fi": "Sarja"})
    return [parent, *kids]


def kid(n: int, day: int, **fields: Any) -> dict[str, Any]:
    ref = {"@id": f"{API}/event/helsinki:s/"}
    return ev(n, super_event=ref, start_time=f"2026-10-{day:02d}T07:00:00Z", **fields)


def test_a_recurring_series_is_one_activity_with_its_dates() -> None:
    result = read(*series(kid(1, 8), kid(2, 1), kid(3, 15, event_status="EventCancelled")))
    assert messages(result) == []
    (a,) = result.activities
    assert (a.id, a.title) == ("helsinki:s", {"fi": "Sarja"})
    assert [o.start for o in a.occurrences] == [
        datetime(2026, 10, 1, 10),
        datetime(2026, 10, 8, 10),
    ]


def test_a_postponed_date_of_a_series_is_not_offered() -> None:
    a = only(*series(kid(1, 1), kid(2, 8, event_status="EventPostponed")))
    assert ([o.start.day for o in a.occurrences], a.status) == ([1], "")
    postponed = only(*series(kid(1, 1, event_status="EventPostponed")))
    assert ([o.start.day for o in postponed.occurrences], postponed.status) == ([1], "postponed")


def test_a_series_without_dates_is_skipped() -> None:
    for events in (series(), series(kid(1, 1, event_status="EventDeleted"))):
        result = read(*events)
        assert result.activities == []
        assert [str(p) for p in result.skipped][
            -1
        ] == "f.json, event 'helsinki:s': a series without dates"


def test_an_umbrella_events_parts_stay_activities_of_their_own() -> None:
    result = read(*series(kid(1, 1), kid(2, 8), kind="umbrella"))
    assert [a.id for a in result.activities] == ["helsinki:s", "helsinki:1", "helsinki:2"]


def test_a_series_named_by_id_alone() -> None:
    parent = ev("s", super_event_type="recurring", **{"@id": ...})
    child = ev(1, super_event="helsinki:s", start_time="2026-10-01T07:00:00Z")
    (a,) = read(parent, child).activities
    assert a.id == "helsinki:s"


# --- places ----------------------------------------------------------------------------


def test_an_embedded_place_in_finnish_else_any_language() -> None:
    location = {
        "name": {"sv": "Biblioteket", "fi": "Kirjasto"},
        "street_address": {"sv": "Gatan 1"},
        "address_locality": {"fi": "Helsinki", "sv": "Helsingfors"},
    }
    a = only(ev(1, location=location, location_extra_info={"fi": "2. krs"}))
    assert (a.place, a.address, a.place_note) == ("Kirjasto", "Gatan 1, Helsinki", {"fi": "2. krs"})


def test_extra_info_is_the_place_when_there_is_none() -> None:
    a = only(ev(1, location=None, location_extra_info={"sv": "Torget"}))
    assert (a.place, a.address, a.place_note) == ("Torget", "", {})


def test_a_reference_is_resolved_from_the_places_looked_up() -> None:
    ref = f"{API}/place/tprek:1/"
    places = {ref: {"@id": ref, "name": {"fi": "Kirjasto"}}}
    a = only(ev(1, location={"@id": ref}), places=places)
    assert a.place == "Kirjasto"
    assert read(ev(1, location={"@id": ref}), places=places).warnings == []


def test_references_not_looked_up_are_counted_in_one_warning() -> None:
    ref = f"{API}/place/tprek:1/"
    result = read(
        ev(1, location={"@id": ref}, location_extra_info={"fi": "sali B"}),
        ev(2, location={"@id": ref}),
        ev(3),
    )
    assert messages(result) == []
    assert [(a.place, a.place_note) for a in result.activities] == [
        ("", {"fi": "sali B"}),
        ("", {}),
        ("", {}),
    ]
    assert [str(w) for w in result.warnings] == [
        "f.json: 2 activities name their place only by reference (location @id) and were "
        f"imported without a place: {INCLUDE_LOCATION}"
    ]
    with_problem = read(ev(1, location={"@id": ref}), ev(2, name=None))
    assert with_problem.warnings == []


def test_place_references_are_listed_once_in_order() -> None:
    one, two = f"{API}/place/tprek:1/", f"{API}/place/tprek:2/"
    pages: list[Any] = [
        {"data": [ev(1, location={"@id": two}), ev(2, location={"@id": one, "name": {"fi": "x"}})]},
        {"data": [ev(3, location={"@id": one}), ev(4, location={"@id": two}), "x", ev(5)]},
        "not a page",
        {"data": "not a list"},
    ]
    assert place_refs(pages) == [two, one]


# --- texts, prices, keywords, languages ------------------------------------------------


def test_texts_in_each_language_and_a_plain_string_as_finnish() -> None:
    a = only(
        ev(
            1,
            name="Kahvila",
            description={"fi": "<p>Tule <b>mukaan</b></p>", "sv": "Kom", "de": "x", "en": 5},
            provider={"en": "City"},
            info_url={"sv": "https://x.fi/sv", "fi": "https://x.fi/fi"},
        )
    )
    assert a.title == {"fi": "Kahvila"}
    assert a.description == {"fi": "Tule mukaan", "sv": "Kom"}
    assert (a.organiser, a.url, a.source) == ("City", "https://x.fi/fi", "f")


def test_the_short_description_when_there_is_no_description() -> None:
    assert only(ev(1, short_description={"fi": "Lyhyt"})).description == {"fi": "Lyhyt"}
    both = only(ev(1, short_description={"fi": "Lyhyt"}, description={"fi": "Pitkä"}))
    assert both.description == {"fi": "Pitkä"}


def test_a_name_that_is_not_text_is_no_name() -> None:
    assert messages(read(ev(1, name=["Kahvila"]))) == [
        "f.json, event 'helsinki:1', 'name': no name in fi, sv or en"
    ]


def test_refused_texts_name_their_field() -> None:
    result = read(
        ev(1, name={"fi": "=1+1"}),
        ev(2, location={"name": {"fi": "@SUM(1)"}}),
        ev(3, offers=[{"price": {"fi": "=A1"}}]),
        ev(4, info_url={"fi": "javascript:x"}),
    )
    assert messages(result) == [
        "f.json, event 'helsinki:1', 'name': '=1+1' looks like a spreadsheet formula; "
        "formulas are refused",
        "f.json, event 'helsinki:2', 'location/offers': '@SUM(1)' looks like a spreadsheet "
        "formula; formulas are refused",
        "f.json, event 'helsinki:3', 'location/offers': '=A1' looks like a spreadsheet "
        "formula; formulas are refused",
        "f.json, event 'helsinki:4', 'info_url': 'javascript:x' is not an http(s) address",
    ]


@pytest.mark.parametrize(
    ("offers", "free", "price"),
    [
        (..., None, {}),
        ([], None, {}),
        ([{"is_free": True}], True, {}),
        ([{"is_free": True, "price": {"fi": "0 €"}}], True, {}),
        ([{"is_free": False}], False, {}),
        ([{"is_free": None, "price": {"fi": "5 €"}}], False, {"fi": "5 €"}),
        (
            [{"is_free": False, "price": {"fi": "5 €"}}, {"price": {"fi": "3 €", "en": "€3"}}],
            False,
            {"fi": "5 €", "en": "€3"},
        ),
        ([{"is_free": False}, {"is_free": True}], True, {}),
        (["x", {"is_free": "yes"}], None, {}),
    ],
)
def test_free_and_price_only_as_the_offers_say(
    offers: object, free: bool | None, price: dict[str, str]
) -> None:
    a = only(ev(1, offers=offers))
    assert (a.free, a.price) == (free, price)


def test_keywords_by_id_name_or_address_and_languages_by_address() -> None:
    a = only(
        ev(
            1,
            keywords=[
                {"@id": f"{API}/keyword/digital-help/"},
                {"id": "yso:1", "name": {"fi": "ruoka", "sv": 5}},
                {"@id": f"{API}/keyword/yso:p965/", "name": {"fi": "Ruoka"}},
                "peer-groups",
                {"@id": f"{API}/keyword/tuntematon/"},
            ],
            in_language=[
                {"@id": f"{API}/language/sv/"},
                {"@id": f"{API}/language/fi/"},
                {"@id": f"{API}/language/sv/"},
                {"@id": f"{API}/language/russian/"},
                {"@id": f"{API}/language/sme/"},
                "en",
            ],
        )
    )
    assert a.categories == ("digital-help", "meals-food-help", "peer-groups")
    assert a.languages == ("sv", "fi", "sme", "en")


def test_a_keyword_id_mapped_in_the_settings() -> None:
    limits = replace(LIMITS, category_map={"yso:p965": "exercise-nature"})
    kw = [{"@id": f"{API}/keyword/yso:p965/"}, {"id": "yso:p1", "name": "ruoka"}]
    result = read(ev(1, keywords=kw), limits=limits)
    assert result.activities[0].categories == ("exercise-nature",)


@pytest.mark.parametrize(
    "given",
    [
        {"name": {"fi": "Kirjasto"}},
        {"street_address": {"fi": "Katu 1"}},
        {"address_locality": {"fi": "Turku"}},
    ],
)
def test_a_place_with_a_name_or_an_address_is_embedded_not_a_reference(
    given: dict[str, Any],
) -> None:
    location = {"@id": f"{API}/place/tprek:1/", **given}
    other = {location["@id"]: {"name": {"fi": "Muu paikka"}}}
    result = read(ev(1, location=location), places=other)
    assert place_refs([{"data": [ev(1, location=location)]}]) == []
    assert result.warnings == []
    a = result.activities[0]
    assert (a.place, a.address) in {("Kirjasto", ""), ("", "Katu 1"), ("", "Turku")}


def test_a_keyword_given_by_its_id_alone() -> None:
    a = only(ev(1, keywords=[{"id": "digital-help"}, {"id": "work-study", "name": None}]))
    assert a.categories == ("digital-help", "work-study")


def test_a_refused_address_is_named_once() -> None:
    assert messages(read(ev(1, info_url={"fi": "=HYPERLINK(1)"}))) == [
        "f.json, event 'helsinki:1', 'info_url': '=HYPERLINK(1)' looks like a spreadsheet "
        "formula; formulas are refused"
    ]


def test_a_time_that_is_not_text_is_no_time() -> None:
    assert messages(read(ev(1, start_time=20261001))) == [
        "f.json, event 'helsinki:1', 'start_time': no start_time"
    ]
    assert only(ev(1, end_time=5)).occurrences[0].end is None


def test_events_after_a_series_part_a_dateless_series_and_a_repeated_id_are_read() -> None:
    events = [
        *series(kid(1, 1)),
        ev(2),
        ev("t", super_event_type="recurring"),
        ev(3),
        ev(3, **{"@id": "other"}),
        ev(4),
    ]
    result = read(*events)
    assert messages(result) == ["f.json, event 'helsinki:3', 'id': the same id twice"]
    assert [a.id for a in result.activities] == [
        "helsinki:s",
        "helsinki:2",
        "helsinki:3",
        "helsinki:4",
    ]


def test_a_bad_date_of_a_series_is_named_by_the_series() -> None:
    result = read(*series(kid(1, 1), {**kid(2, 8), "start_time": "ensi viikolla"}))
    assert messages(result) == [
        "f.json, event 'helsinki:s', 'start_time': 'ensi viikolla' is not a time"
    ]


def test_a_long_event_id_is_shortened_in_messages() -> None:
    long_id = "helsinki:" + "a" * 50
    result = read(ev(1, id=long_id, start_time=None))
    assert messages(result) == [f"f.json, event '{long_id[:39]}…', 'start_time': no start_time"]
