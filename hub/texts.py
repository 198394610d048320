"""The words the hub's Python code shows to people, in one place, translated.

Templates hold their own text; what views, errors and alarms say is here, so that
a translation has one file to start from. Constants are lazy: they are put into
words in the language of the request that shows them.
"""

from __future__ import annotations

from flask_babel import gettext, lazy_gettext, ngettext

from hub.publication import SMALL_BELOW
from kiosk.shared import answers

WRONG_PASSWORD = lazy_gettext("Wrong name or password.")
SMALL = f"< {SMALL_BELOW}"  # a count of 1 to 4
HIDDEN = ".."  # withheld so that another figure cannot be worked out
RAW_NOT_ALLOWED = lazy_gettext("Raw counts are for coordinators.")
EXPORT_BAD_DATES = lazy_gettext("Dates are YYYY-MM-DD, from on or before to, at most 366 days.")
EXPORT_BAD_BY = lazy_gettext("by must be kiosk, region or fleet.")
EXPORT_BAD_UNIT = lazy_gettext("There is no such kiosk or region.")
NOT_RECEIVED = lazy_gettext("not received")  # a day no batch has brought (yet)
NOT_SETTLED = lazy_gettext("not published yet")  # a day still waiting for late batches
ROLES = {"coordinator": lazy_gettext("coordinator"), "viewer": lazy_gettext("viewer")}

# The fleet table's "attention" marks (hub.report.KioskRow.alerts): their codes.
ALERT_REFUSED = "upload refused"
ALERT_SILENT = "silent"
ALERT_GAP = "gap"
ALERT_SKEW = "clock skew"
ALERT_NOT_SYNCED = "clock not synced"
ALERT_PRINTER = "printer"
ALERT_PAPER_LOW = "paper low"
ALERT_PAPER_OUT = "out of paper"

ERRORS = {
    400: lazy_gettext("The request could not be understood."),
    401: lazy_gettext("Please sign in."),
    403: lazy_gettext("You do not have access to this page."),
    404: lazy_gettext("There is no such page."),
    405: lazy_gettext("That is not allowed here."),
    413: lazy_gettext("The request is too large."),
    429: lazy_gettext("Too many tries. Please wait and try again."),
    500: lazy_gettext("Something went wrong at the hub. It has been logged."),
}

# What a refused upload means for the people who run the kiosk, by the refusal's code
# (kiosk.shared.answers); the hub's own reason is shown beside it.
REFUSALS = {
    answers.UNKNOWN_KIOSK: lazy_gettext("the kiosk is not enrolled: run kiosk-hub enroll"),
    answers.KIOSK_RETIRED: lazy_gettext("the kiosk was retired at the hub"),
    answers.UNKNOWN_KEY: lazy_gettext(
        "signed with a key the hub does not accept: enroll this card's key"
    ),
    answers.KEY_RETIRED: lazy_gettext(
        "signed with a retired key: an old card is still in use; put in the new one"
    ),
    answers.SEQ_TAKEN: lazy_gettext("numbered like a batch of another card: the kiosk renumbers"),
    answers.DAY_REPORTED: lazy_gettext("a day the hub already has: the kiosk sends it again"),
    answers.FUTURE: lazy_gettext("days after the hub's today: the kiosk's clock was ahead"),
    answers.CONFLICT: lazy_gettext("sent twice at once: the kiosk sends it again"),
}
REFUSED_BATCH = lazy_gettext("a batch the hub cannot read: the kiosk set it aside")


def too_many_tries(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return str(
        ngettext(
            "Too many failed sign-ins. Try again in %(num)d minute.",
            "Too many failed sign-ins. Try again in %(num)d minutes.",
            minutes,
        )
    )


def error_text(status: int) -> str:
    return str(ERRORS.get(status) or ERRORS[500 if status >= 500 else 400])


def refusal_words(code: str) -> str:
    return str(REFUSALS.get(code, REFUSED_BATCH))


def alert_words(
    code: str,
    *,
    silent_hours: int = 0,
    missing: int = 0,
    skew_s: int = 0,
    faults: int | None = None,
) -> str:
    """One alarm of the fleet table in words (``faults``: None when the reader may not
    see the number of printer faults)."""
    if code == ALERT_REFUSED:
        return str(gettext("upload refused"))
    if code == ALERT_SILENT:
        if not silent_hours:
            return str(gettext("silent: nothing received yet"))
        days = silent_hours // 24
        return str(ngettext("silent for %(num)d day", "silent for %(num)d days", days))
    if code == ALERT_GAP:
        return str(ngettext("%(num)d batch missing", "%(num)d batches missing", missing))
    if code == ALERT_SKEW:
        return str(gettext("clock %(minutes)s min off", minutes=round(skew_s / 60)))
    if code == ALERT_NOT_SYNCED:
        return str(gettext("clock not synchronised"))
    if code == ALERT_PRINTER:
        if faults is None:
            return str(gettext("printer faults"))
        return str(
            ngettext(
                "printer faults: %(num)d in 14 days", "printer faults: %(num)d in 14 days", faults
            )
        )
    if code == ALERT_PAPER_LOW:
        return str(gettext("paper low: bring a new roll"))
    if code == ALERT_PAPER_OUT:
        return str(gettext("out of paper"))
    return code
