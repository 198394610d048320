"""The catalogue as the screens see it: an immutable snapshot loaded from SQLite.

Reads never touch the database: the snapshot is replaced whole (one reference
swap) when an import commits, so a request sees either the old or the new
catalogue, never a mix. When nothing has been imported yet, the demo catalogue
is seeded so that a new kiosk shows something real-looking.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import date, datetime

from kiosk.catalog.model import Activity
from kiosk.catalog.occurrences import last_date
from kiosk.catalog.query import Agenda, Filters, Listed, agenda, listing, spoken_languages
from kiosk.store.db import Store


class Catalog:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._activities: list[Activity] = []
        self._by_id: dict[str, Activity] = {}
        self.source = "demo"
        self.last_import = ""
        self._agenda: tuple[date, Agenda] | None = None
        # Lists by filters for the current minute: paging and Back cost nothing, and
        # the catalogue is never walked more than once a minute per filter choice.
        self._listings: tuple[datetime, dict[Filters, list[Listed]]] | None = None
        self._languages: list[str] | None = None
        # The last import the snapshot holds, and when the database was last asked.
        self._stamp = ""
        self._checked = 0.0

    def agenda(self, today: date) -> Agenda:
        """Occurrences of every activity from ``today`` on; computed once a day per snapshot."""
        cached = self._agenda
        if cached is not None and cached[0] == today:
            return cached[1]
        with self._lock:
            if self._agenda is None or self._agenda[0] != today:
                self._agenda = (today, agenda(self._activities, today))
            return self._agenda[1]

    def listing(self, filters: Filters, now: datetime) -> list[Listed]:
        """The activities ``filters`` choose (page aside) as of ``now``'s minute."""
        minute = now.replace(second=0, microsecond=0)
        key = dataclasses.replace(filters, page=1)
        cached = self._listings
        if cached is None or cached[0] != minute:
            cached = (minute, {})
            self._listings = cached
        found = cached[1].get(key)
        if found is None:
            found = listing(self._activities, key, minute, self.agenda(minute.date()))
            # Bounded: a handful of categories x when x free x languages.
            if len(cached[1]) < 512:
                cached[1][key] = found
        return found

    def spoken_languages(self) -> list[str]:
        if self._languages is None:
            self._languages = spoken_languages(self._activities)
        return self._languages

    @property
    def activities(self) -> list[Activity]:
        return self._activities

    def get(self, activity_id: str) -> Activity | None:
        return self._by_id.get(activity_id)

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    def reload(self) -> None:
        """Read every activity from the database and swap the snapshot in."""
        db = self.store.db()
        activities = [Activity.from_json(row["data"]) for row in db["activities"].rows]
        activities.sort(key=lambda a: a.id)
        meta = {r["key"]: r["value"] for r in db["meta"].rows}
        with self._lock:
            self._activities = activities
            self._by_id = {a.id: a for a in activities}
            self.source = meta.get("catalog_source", "demo")
            self.last_import = meta.get("catalog_last_import", "")
            self._stamp = self.last_import
            self._agenda = None
            self._listings = None
            self._languages = None

    def maybe_reload(self, every: float = 5.0) -> bool:
        """Pick up an import made elsewhere (kiosk import, the feed, the staff screen).

        One small query at most every ``every`` seconds; True when it reloaded.
        """
        now = time.monotonic()
        if now - self._checked < every:
            return False
        self._checked = now
        row = (
            self.store.db()
            .execute("SELECT value FROM meta WHERE key = 'catalog_last_import'")
            .fetchone()
        )
        if (row[0] if row else "") == self._stamp:
            return False
        self.reload()
        return True

    def seed_demo(self, today: date) -> None:
        """(Re)write the demo activities, dated from ``today``.

        Called at start while no real catalogue has been imported, so the demo's
        one-off events always lie in the coming weeks.
        """
        from kiosk.catalog.demo import demo_activities

        now = datetime.now().isoformat(timespec="seconds")
        rows = []
        for activity in demo_activities(today):
            last = last_date(activity)
            rows.append(
                {
                    "id": activity.id,
                    "data": activity.to_json(),
                    "source": "demo",
                    "last_date": last.isoformat() if last else "",
                    "updated_at": now,
                }
            )
        with self.store.write() as db:
            db.execute("DELETE FROM activities WHERE source = 'demo'")
            db.table("activities").insert_all(rows, pk="id")
            db.table("meta").upsert({"key": "catalog_source", "value": "demo"}, pk="key")
