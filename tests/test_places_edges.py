"""Looking up the places a feed names by reference, without a network: which are asked
for, which are kept, and the warnings a coordinator reads, word for word."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

from kiosk.catalog.importers import Limits
from kiosk.catalog.importers.linkedevents import INCLUDE_LOCATION
from kiosk.catalog.places import fetch_places

FEED = "https://api.example/linkedevents/v1/event/"
LIMITS = Limits()
PLACE = {"@id": "", "name": {"fi": "Kirjasto"}}


def ref(n: int, host: str = "api.example", scheme: str = "https") -> str:
    return f"{scheme}://{host}/linkedevents/v1/place/tprek:{n}/"


class Server:
    """Answers each place reference from a table; an exception is raised as it is."""

    def __init__(self, answers: dict[str, object] | None = None) -> None:
        self.answers = answers or {}
        self.asked: list[tuple[str, float, int]] = []

    def __call__(self, url: str, timeout: float, max_bytes: int) -> bytes:
        self.asked.append((url, timeout, max_bytes))
        answer = self.answers.get(url, PLACE)
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, bytes):
            return answer
        return json.dumps(answer).encode()


def still() -> Callable[[], float]:
    return lambda: 0.0


def test_every_reference_on_the_feeds_server_is_looked_up_once_with_the_limits() -> None:
    server = Server()
    refs = [ref(1), ref(2)]
    places, warnings = fetch_places(refs, FEED, LIMITS, 20.0, server, clock=still())
    assert places == {ref(1): PLACE, ref(2): PLACE}
    assert warnings == []
    assert server.asked == [(ref(1), 20.0, LIMITS.max_bytes), (ref(2), 20.0, LIMITS.max_bytes)]


def test_a_timeout_longer_than_the_time_left_is_cut_to_it() -> None:
    server = Server()
    limits = replace(LIMITS, place_lookup_seconds=10)
    fetch_places([ref(1)], FEED, limits, 20.0, server, clock=still())
    assert server.asked[0][1] == 10.0


def test_no_time_left_is_no_lookup() -> None:
    moments = iter([0.0, 30.0, 29.5])
    server = Server()
    limits = replace(LIMITS, place_lookup_seconds=30)
    places, warnings = fetch_places(
        [ref(1), ref(2)], FEED, limits, 20.0, server, clock=lambda: next(moments)
    )
    assert list(places) == [ref(2)]
    assert [w.message for w in warnings] == [
        "1 of 2 places named by reference could not be looked up (first: places not looked "
        f"up: 1, 30 s ([catalog] place_lookup_seconds) ran out); {INCLUDE_LOCATION}"
    ]


def test_references_elsewhere_or_over_plain_http_are_not_followed() -> None:
    server = Server()
    refs = [ref(1, host="other.example"), ref(2, scheme="http"), ref(3)]
    places, warnings = fetch_places(refs, FEED, LIMITS, 20.0, server, clock=still())
    assert list(places) == [ref(3)]
    assert [url for url, _, _ in server.asked] == [ref(3)]
    assert [(w.file, w.message) for w in warnings] == [
        (
            FEED,
            "2 places are on another server and were not looked up "
            f"(first: {ref(1, 'other.example')}); {INCLUDE_LOCATION}",
        )
    ]


def test_a_place_that_fails_or_is_not_a_place_is_named_first() -> None:
    server = Server(
        {
            ref(1): {"detail": "not found"},
            ref(2): OSError("connection refused"),
            ref(3): b"{",
        }
    )
    refs = [ref(1), ref(2), ref(3), ref(4)]
    places, warnings = fetch_places(refs, FEED, LIMITS, 20.0, server, clock=still())
    assert list(places) == [ref(4)]
    assert [w.message for w in warnings] == [
        f"3 of 4 places named by reference could not be looked up (first: {ref(1)}: not a "
        f"Linked Events place); {INCLUDE_LOCATION}"
    ]
    server = Server({ref(2): OSError("connection refused")})
    _, warnings = fetch_places([ref(2)], FEED, LIMITS, 20.0, server, clock=still())
    assert [w.message for w in warnings] == [
        f"1 of 1 places named by reference could not be looked up (first: {ref(2)}: OSError: "
        f"connection refused); {INCLUDE_LOCATION}"
    ]


def test_a_list_or_a_bare_reference_is_not_a_place() -> None:
    server = Server({ref(1): [PLACE], ref(2): {"@id": ref(2)}})
    places, warnings = fetch_places([ref(1), ref(2)], FEED, LIMITS, 20.0, server, clock=still())
    assert places == {}
    assert warnings[0].message.startswith("2 of 2 places named by reference could not")


def test_lookups_stop_at_the_setting_and_say_how_many_were_left() -> None:
    server = Server()
    limits = replace(LIMITS, max_place_lookups=2)
    refs = [ref(n) for n in range(5)]
    places, warnings = fetch_places(refs, FEED, limits, 20.0, server, clock=still())
    assert list(places) == refs[:2]
    assert [w.message for w in warnings] == [
        "3 of 5 places named by reference could not be looked up (first: places not looked "
        f"up: 3, more than 2 places ([catalog] max_place_lookups)); {INCLUDE_LOCATION}"
    ]
    exactly = replace(LIMITS, max_place_lookups=5)
    assert fetch_places(refs, FEED, exactly, 20.0, Server(), clock=still())[1] == []


def test_every_place_left_for_want_of_time_is_counted() -> None:
    moments = iter([0.0, 30.0, 30.0, 31.0])
    limits = replace(LIMITS, place_lookup_seconds=30)
    places, warnings = fetch_places(
        [ref(1), ref(2), ref(3)], FEED, limits, 20.0, Server(), clock=lambda: next(moments)
    )
    assert places == {}
    assert [(w.file, w.message) for w in warnings] == [
        (
            FEED,
            "3 of 3 places named by reference could not be looked up (first: places not "
            f"looked up: 3, 30 s ([catalog] place_lookup_seconds) ran out); {INCLUDE_LOCATION}",
        )
    ]


def test_a_long_address_is_shortened_in_the_warnings() -> None:
    long_ref = f"https://api.example/linkedevents/v1/place/{'x' * 120}/"
    shown = long_ref[:119] + "…"
    server = Server({long_ref: OSError("refused")})
    _, warnings = fetch_places([long_ref], FEED, LIMITS, 20.0, server, clock=still())
    assert warnings[0].message.startswith(
        f"1 of 1 places named by reference could not be looked up (first: {shown}: OSError"
    )
    server = Server({long_ref: {"detail": "x"}})
    _, warnings = fetch_places([long_ref], FEED, LIMITS, 20.0, server, clock=still())
    assert f"(first: {shown}: not a Linked Events place)" in warnings[0].message
    far = long_ref.replace("api.example", "other.example")
    _, warnings = fetch_places([far], FEED, LIMITS, 20.0, Server(), clock=still())
    assert f"(first: {far[:119]}…);" in warnings[0].message
