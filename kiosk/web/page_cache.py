"""Rendered parts of the public screens, kept for the minute in which they stay true.

An activity list, an activity's facts and the start screen's highlights depend
only on the catalogue snapshot, the settings, the minute, the visitor's language
and the page's address. Rendering them is most of a request's CPU time (Jinja,
Babel's dates, ``url_for``), which on a Raspberry Pi is what the visitor waits
for after a tap; Back, paging and the idle loop return to the same pages.

The rest of a page (the visit's CSRF token, the display toggles) is rendered
every time. The cache holds one minute of one catalogue and settings: when any
of the three changes it starts empty, so "starts in 20 minutes" is never stale,
an import shows at once, and memory stays at a minute's worth of pages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

# Distinct pages a minute's cache keeps (the oldest used goes first). A visitor
# sees a handful a minute; a client walking every filter cannot grow it further.
LIMIT = 64


@dataclass(frozen=True)
class Generation:
    """What every cached part depends on. Compared by identity where it is an
    object: a reloaded catalogue or new settings are new objects."""

    catalogue: object
    settings: object
    minute: datetime

    def same(self, other: Generation | None) -> bool:
        return (
            other is not None
            and other.catalogue is self.catalogue
            and other.settings is self.settings
            and other.minute == self.minute
        )


class PageCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._parts: OrderedDict[Hashable, Markup] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def part(self, generation: Generation, key: Hashable, render: Callable[[], str]) -> Markup:
        """The part ``key`` rendered in ``generation``: from the cache, or ``render()``."""
        with self._lock:
            if not generation.same(self._generation):
                self._generation = generation
                self._parts.clear()
            found = self._parts.get(key)
            if found is not None:
                self._parts.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        # Rendered outside the lock: two threads missing at once both render the
        # same bytes, and neither waits for the other.
        text = Markup(render())
        with self._lock:
            if generation.same(self._generation):
                self._parts[key] = text
                while len(self._parts) > self.limit:
                    self._parts.popitem(last=False)
        return text

    def __len__(self) -> int:
        return len(self._parts)
