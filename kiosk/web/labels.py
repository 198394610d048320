"""Words the screens show for the catalogue's codes, in the visitor's language."""

from __future__ import annotations

from datetime import date, datetime, time

from babel import Locale
from flask_babel import format_date, get_locale, gettext, lazy_gettext
from flask_babel import format_time as _format_time

from kiosk.catalog.model import Activity, Occurrence, WeeklyRule

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


def category(code: str) -> str:
    return str(CATEGORY_NAMES.get(code, code))


def language_name(code: str) -> str:
    """A spoken language's name in the visitor's language (from CLDR via Babel)."""
    locale = get_locale() or Locale("fi")
    name = locale.languages.get(code)
    return name if name else code


def clock(value: time | datetime) -> str:
    return str(_format_time(value if isinstance(value, time) else value.time(), "HH.mm"))


def day(value: date | datetime) -> str:
    return str(format_date(value, "EEE d.M."))


def span(occurrence: Occurrence) -> str:
    text = f"{day(occurrence.start)} {clock(occurrence.start)}"
    if occurrence.end:
        text += f"–{clock(occurrence.end)}"
    return text


def weekly(rule: WeeklyRule) -> str:
    locale = get_locale() or Locale("fi")
    weekday = locale.days["stand-alone"]["wide"][rule.weekday].lower()
    times = clock(rule.start) + (f"–{clock(rule.end)}" if rule.end else "")
    if rule.interval == 2:
        return str(gettext("Every other %(weekday)s %(times)s", weekday=weekday, times=times))
    return str(gettext("Every %(weekday)s %(times)s", weekday=weekday, times=times))


def schedule(activity: Activity) -> list[str]:
    """How the activity recurs, as short lines ('Every Tuesday 10.00–12.00')."""
    return [weekly(rule) for rule in activity.weekly]


def span_start(moment: datetime) -> str:
    """A future moment as 'ti 24.11. 10.00'."""
    return f"{day(moment)} {clock(moment)}"
