"""What every import does last, whatever the format: nothing shown that the source did not say.

* A translation that is a copy of the Finnish text (feeds often fill ``sv`` and
  ``en`` with the Finnish) is no translation: it is dropped, so the screen falls
  back to the Finnish and marks it ``lang="fi"`` (hyphenation, speech).
* A postponed activity has no new time yet: its old times are not offered. It
  stays listed, with its label, until the day it was to take place.
* The count of activities without any place, for the preview and the log.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kiosk.catalog.importers.common import Problem, last_date
from kiosk.catalog.model import Activity, Text

TRANSLATED = ("title", "description", "accessibility", "price", "place_note")


def without_copies(text: Text) -> Text:
    """``text`` without the languages whose text is the Finnish text again."""
    finnish = " ".join(text.get("fi", "").split())
    if not finnish:
        return text
    return {
        lang: value
        for lang, value in text.items()
        if lang == "fi" or " ".join(value.split()) != finnish
    }


def settle(activity: Activity) -> Activity:
    changes: dict[str, object] = {}
    for name in TRANSLATED:
        text: Text = getattr(activity, name)
        kept = without_copies(text)
        if kept != text:
            changes[name] = kept
    if activity.status == "postponed" and (activity.occurrences or activity.weekly):
        ended = last_date(activity)
        changes.update(occurrences=(), weekly=(), exceptions=())
        if ended:
            changes["valid_until"] = date.fromisoformat(ended)
    return replace(activity, **changes) if changes else activity  # type: ignore[arg-type]


def has_place(activity: Activity) -> bool:
    """A place or an address a visitor can go to (a note alone is not one)."""
    return bool(activity.place or activity.address)


def without_place(activities: list[Activity], name: str) -> list[Problem]:
    """A warning that names how many activities have no place at all, or none."""
    missing = sum(1 for a in activities if not has_place(a))
    if not missing:
        return []
    return [
        Problem(
            name,
            f"{missing} of {len(activities)} activities have no place; the screen and the "
            "slip ask the visitor to ask the staff or to see the web page",
        )
    ]
