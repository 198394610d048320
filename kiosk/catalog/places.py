"""Looking up the places a Linked Events feed names only by reference.

Without ``include=location`` the API gives each event's place as a bare ``@id``
(``https://api.hel.fi/linkedevents/v1/place/tprek:8310/``). The import process
fetches each such place once, from the feed's own server over https only, one
after another, at most ``[catalog] max_place_lookups`` of them and all within
``place_lookup_seconds`` (the import process's wall-clock bound counts that time).
One at a time on purpose: threads in the import process would each reserve a
malloc arena of address space under its RLIMIT_AS, and fail for want of memory.
What cannot be had is a warning; the parser then counts the activities left
without a place.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from kiosk.catalog.importers import Limits, Problem, parse_json
from kiosk.catalog.importers.common import shorten
from kiosk.catalog.importers.linkedevents import INCLUDE_LOCATION, embedded
from kiosk.catalog.sources import Fetch, fetch_failure


def fetch_places(
    refs: list[str],
    feed: str,
    limits: Limits,
    timeout: float,
    fetch: Fetch,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[dict[str, Any], list[Problem]]:
    """The place objects behind ``refs``, by ``@id``, and warnings for the rest."""
    host = urlsplit(feed).netloc
    elsewhere = [r for r in refs if urlsplit(r).netloc != host or urlsplit(r).scheme != "https"]
    wanted = [r for r in refs if r not in elsewhere]
    chosen = wanted[: limits.max_place_lookups]
    deadline = clock() + limits.place_lookup_seconds

    def lookup(ref: str) -> tuple[str, Any, str]:
        """(ref, place or None, why not); each request waits only for the time left."""
        left = deadline - clock()
        if left <= 0:
            return ref, None, ""
        try:
            place = parse_json(fetch(ref, min(timeout, left), limits.max_bytes))
        except MemoryError:
            raise
        except Exception as e:  # one place missing is a warning, not a failed import
            return ref, None, f"{shorten(ref, 120)}: {fetch_failure(e)}"
        if isinstance(place, dict) and embedded(place):
            return ref, place, ""
        return ref, None, f"{shorten(ref, 120)}: not a Linked Events place"

    places: dict[str, Any] = {}
    failed: list[str] = []
    late = 0
    for ref, place, why in map(lookup, chosen):
        if place is not None:
            places[ref] = place
        elif why:
            failed.append(why)
        else:
            late += 1
    if late:
        failed.append(
            f"places not looked up: {late}, {limits.place_lookup_seconds} s "
            "([catalog] place_lookup_seconds) ran out"
        )
    if len(wanted) > len(chosen):
        failed.append(
            f"places not looked up: {len(wanted) - len(chosen)}, more than "
            f"{limits.max_place_lookups} places ([catalog] max_place_lookups)"
        )
    warnings = []
    if elsewhere:
        warnings.append(
            Problem(
                feed,
                f"{len(elsewhere)} places are on another server and were not looked up "
                f"(first: {shorten(elsewhere[0], 120)}); {INCLUDE_LOCATION}",
            )
        )
    if failed:
        warnings.append(
            Problem(
                feed,
                f"{len(wanted) - len(places)} of {len(wanted)} places named by reference could "
                f"not be looked up (first: {failed[0]}); {INCLUDE_LOCATION}",
            )
        )
    return places, warnings
