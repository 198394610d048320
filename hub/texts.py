"""The words the hub's Python code shows to people, in one place.

Templates hold their own text; what views, errors and exports say is here, so
that a translation has one file to start from.
"""

from __future__ import annotations

from hub.publication import SMALL_BELOW

WRONG_PASSWORD = "Wrong name or password."
SMALL = f"< {SMALL_BELOW}"  # a count of 1 to 4
HIDDEN = ".."  # withheld so that another figure cannot be worked out
NOT_YET = ""  # a day still settling: nothing published yet
NOT_PUBLISHED = "not published"
RAW_NOT_ALLOWED = "Raw counts are for coordinators."
EXPORT_BAD_DATES = "Dates are YYYY-MM-DD, from on or before to, at most 366 days."
EXPORT_BAD_BY = "by must be kiosk, region or fleet."

# The fleet table's "attention" marks (hub.report.KioskRow.alerts).
ALERT_REFUSED = "upload refused"
ALERT_SILENT = "silent"
ALERT_GAP = "gap"
ALERT_SKEW = "clock skew"
ALERT_NOT_SYNCED = "clock not synced"
ALERT_PRINTER = "printer"
NEVER = "never"
TWO_KEYS = "{count} keys accepted (an old card's too)"

ERRORS = {
    400: "The request could not be understood.",
    401: "Please sign in.",
    403: "You do not have access to this page.",
    404: "There is no such page.",
    405: "That is not allowed here.",
    413: "The request is too large.",
    429: "Too many tries. Please wait and try again.",
    500: "Something went wrong at the hub. It has been logged.",
}


def too_many_tries(seconds: int) -> str:
    minutes = max(1, (seconds + 59) // 60)
    return f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes > 1 else ''}."


def error_text(status: int) -> str:
    return ERRORS.get(status) or ERRORS[500 if status >= 500 else 400]
