"""Words the screens show for the catalogue's codes, in the visitor's language.

Times and weekdays come from :mod:`kiosk.catalog.wording` (Babel), the same as
on the slips; this module only adds the visitor's language and the sentences.
"""

from __future__ import annotations

from datetime import date, datetime, time

from babel import Locale
from flask_babel import get_locale, gettext, lazy_gettext
from markupsafe import Markup

from kiosk.catalog import wording
from kiosk.catalog.model import Activity, Occurrence
from kiosk.hours import DAY_MINUTES, parse_hours

CATEGORY_NAMES = {
    "meeting-places": lazy_gettext("Meeting places and living rooms"),
    "peer-groups": lazy_gettext("Peer and discussion groups"),
    "volunteering": lazy_gettext("Volunteering"),
    "culture-crafts": lazy_gettext("Culture and crafts"),
    "exercise-nature": lazy_gettext("Exercise and nature"),
    "meals-food-help": lazy_gettext("Meals and food help"),
    "digital-help": lazy_gettext("Digital help"),
    "money-advice": lazy_gettext("Money and debt advice"),
    "work-study": lazy_gettext("Work and study"),
    "having-a-say": lazy_gettext("Having a say"),
}

# Pictograms (kiosk/static/icons) for the themes, so a visitor with little
# Finnish still finds the way.
CATEGORY_ICONS = {
    "meeting-places": "armchair",
    "peer-groups": "users-group",
    "volunteering": "heart-handshake",
    "culture-crafts": "palette",
    "exercise-nature": "trees",
    "meals-food-help": "tools-kitchen-2",
    "digital-help": "device-laptop",
    "money-advice": "coins",
    "work-study": "briefcase",
    "having-a-say": "speakerphone",
}


# Changes the organiser has announced (model.STATUSES), as a short badge.
STATUS_NAMES = {
    "rescheduled": lazy_gettext("New time"),
    "postponed": lazy_gettext("Postponed"),
    "moved-online": lazy_gettext("Moved online"),
}


def announced(status: str) -> str:
    """The badge of an announced change ('Postponed'), '' when as planned."""
    name = STATUS_NAMES.get(status)
    return str(name) if name else ""


def lang() -> str:
    locale = get_locale() or Locale("fi")
    return str(locale.language)


def category(code: str) -> str:
    return str(CATEGORY_NAMES.get(code, code))


def category_icon(code: str) -> str:
    return CATEGORY_ICONS.get(code, "calendar-event")


def language_name(code: str) -> str:
    """A spoken language's name in the visitor's language (from CLDR via Babel)."""
    locale = get_locale() or Locale("fi")
    name = locale.languages.get(code)
    return name if name else code


def clock(value: time | datetime) -> str:
    return wording.clock(value, lang())


def day(value: date | datetime) -> str:
    return wording.day(value, lang())


def span(occurrence: Occurrence) -> Markup:
    """'pe 27.11. 9.00–15.00', wrapping only between the day and the time."""
    language = lang()
    return Markup('<span class="nobr">{}</span> <span class="nobr">{}</span>').format(
        wording.day(occurrence.start, language),
        wording.clock_range(occurrence.start, occurrence.end, language),
    )


def span_start(moment: datetime) -> str:
    """A future moment as 'ti 24.11. 10.00'."""
    return f"{day(moment)} {clock(moment)}"


def schedule(activity: Activity) -> list[str]:
    """How the activity recurs: ['Every week: ma–pe 9.00–15.00, la 11.00–14.00']."""
    by_interval: dict[int, list[str]] = {}
    for interval, text in wording.condensed(wording.rules_as_weekly(activity.weekly), lang()):
        by_interval.setdefault(interval, []).append(text)
    lines = []
    for interval, texts in sorted(by_interval.items()):
        joined = ", ".join(texts)
        if interval == 1:
            lines.append(gettext("Every week: %(days)s", days=joined))
        elif interval == 2:
            lines.append(gettext("Every other week: %(days)s", days=joined))
        else:
            lines.append(gettext("Every %(n)s weeks: %(days)s", n=interval, days=joined))
    return lines


def status(occurrence: Occurrence | None, now: datetime) -> str:
    """'On now', 'Starts in 20 minutes', or '' (for today's lists and the highlight)."""
    found = wording.status(occurrence, now)
    if found is None:
        return ""
    kind, minutes = found
    if kind == "on":
        return str(gettext("On now"))
    return str(gettext("Starts %(in)s", **{"in": wording.in_minutes(minutes, lang())}))


def status_kind(occurrence: Occurrence | None, now: datetime) -> str:
    found = wording.status(occurrence, now)
    return found[0] if found else ""


def staff_hours(text: str) -> str:
    """The configured presence hours ('ma-pe 10-16') in the visitor's language.

    A text that cannot be read is shown as written rather than hidden: the
    settings check names the problem to the coordinator.
    """
    try:
        spans = parse_hours(text)
    except ValueError:
        return text

    def at(minutes: int) -> time:
        return time((minutes % DAY_MINUTES) // 60, minutes % 60)

    entries = [wording.Weekly(s.weekday, at(s.start), at(s.end)) for s in spans]
    return ", ".join(t for _, t in wording.condensed(entries, lang()))
