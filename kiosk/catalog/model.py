"""The activity as the kiosk knows it: plain, immutable data.

This is the contract between importers (which produce activities), storage,
the screens and the slip layout (which read them). No IO here.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from typing import Any

LANGUAGES = ("fi", "sv", "en")

# Category ids, in the order of the tiles (themes of THL's guide, seed 004 §4.4).
CATEGORIES = (
    "meeting-places",  # open meeting places and living rooms
    "peer-groups",  # peer and discussion groups
    "volunteering",
    "culture-crafts",
    "exercise-nature",
    "meals-food-help",
    "digital-help",
    "money-advice",
    "work-study",
    "having-a-say",
)

# Announced changes to an activity (schema.org's EventStatusType, as Linked Events
# uses it). A postponed activity has no new time yet, so it offers no times.
STATUSES = ("rescheduled", "postponed", "moved-online")

Text = dict[str, str]  # language code -> text


def pick_language(text: Text, lang: str) -> str:
    """The language ``pick`` takes: the visitor's, then Finnish, then any that has text."""
    if text.get(lang):
        return lang
    if text.get("fi"):
        return "fi"
    for code, value in text.items():
        if value:
            return code
    return lang


def pick(text: Text, lang: str) -> str:
    """Text in the visitor's language, falling back to Finnish, then to any language."""
    return text.get(pick_language(text, lang), "")


@dataclass(frozen=True)
class WeeklyRule:
    """Every week (or every ``interval`` weeks) on ``weekday`` (0 = Monday)."""

    weekday: int
    start: time
    end: time | None = None
    interval: int = 1
    # For interval > 1: a date on which the activity takes place (fixes the parity).
    anchor: date | None = None


@dataclass(frozen=True)
class Occurrence:
    start: datetime  # local, naive (Europe/Helsinki wall time)
    end: datetime | None = None


@dataclass(frozen=True)
class Activity:
    id: str
    title: Text
    categories: tuple[str, ...] = ()
    description: Text = field(default_factory=dict)
    place: str = ""
    address: str = ""
    # A word on finding the place ("2nd floor, door B"), or the feed's whole
    # address text when it names no place of its own.
    place_note: Text = field(default_factory=dict)
    accessibility: Text = field(default_factory=dict)
    organiser: str = ""
    contact: str = ""  # phone or e-mail, as the organiser wants it shown
    price: Text = field(default_factory=dict)  # what it costs, when the source says
    # True only when the source says free of charge, False when it says there is a
    # price, None when it says nothing: an unknown price is never shown as free.
    free: bool | None = None
    languages: tuple[str, ...] = ()  # languages spoken at the activity; () = not known
    # "" (as planned), or one of STATUSES: a change the organiser has announced.
    status: str = ""
    url: str = ""  # only http(s); the way out is a QR code
    occurrences: tuple[Occurrence, ...] = ()  # one-off dates
    weekly: tuple[WeeklyRule, ...] = ()  # recurring times
    valid_from: date | None = None
    valid_until: date | None = None
    exceptions: tuple[date, ...] = ()  # dates a weekly activity does not take place
    source: str = "demo"

    def to_json(self) -> str:
        return json.dumps(_encode(asdict(self)), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Activity:
        raw: dict[str, Any] = json.loads(text)
        return cls(
            id=raw["id"],
            title=raw["title"],
            categories=tuple(raw.get("categories", ())),
            description=raw.get("description", {}),
            place=raw.get("place", ""),
            address=raw.get("address", ""),
            place_note=raw.get("place_note", {}),
            accessibility=raw.get("accessibility", {}),
            organiser=raw.get("organiser", ""),
            contact=raw.get("contact", ""),
            price=raw.get("price", {}),
            free=raw.get("free"),
            languages=tuple(raw.get("languages", ())),
            status=raw.get("status", ""),
            url=raw.get("url", ""),
            occurrences=tuple(
                Occurrence(
                    datetime.fromisoformat(o["start"]),
                    datetime.fromisoformat(o["end"]) if o.get("end") else None,
                )
                for o in raw.get("occurrences", ())
            ),
            weekly=tuple(
                WeeklyRule(
                    weekday=w["weekday"],
                    start=time.fromisoformat(w["start"]),
                    end=time.fromisoformat(w["end"]) if w.get("end") else None,
                    interval=w.get("interval", 1),
                    anchor=date.fromisoformat(w["anchor"]) if w.get("anchor") else None,
                )
                for w in raw.get("weekly", ())
            ),
            valid_from=date.fromisoformat(raw["valid_from"]) if raw.get("valid_from") else None,
            valid_until=date.fromisoformat(raw["valid_until"]) if raw.get("valid_until") else None,
            exceptions=tuple(date.fromisoformat(d) for d in raw.get("exceptions", ())),
            source=raw.get("source", "demo"),
        )


def _encode(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value
