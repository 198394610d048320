"""What the hub's answers to a kiosk mean: the ``code`` of a refusal and what the kiosk does.

The hub answers every batch (and every ``hello``) with JSON: ``status``,
``reason`` (words for people, shown on the staff Health screen and kept in the
hub's refusal log) and, on a refusal, ``code`` (for the kiosk to act on).

Three kinds of refusal:

* about the kiosk or its key (:data:`STOP`): every batch would get the same
  answer, so the kiosk stops and keeps everything waiting, with an alarm, until
  people fix it at the hub (enroll the kiosk, its key);
* about the order of things (:data:`TAKE_BACK`): the batch was not stored and
  the hub says why and where this kiosk stands (``next_seq``,
  ``reported_through``, ``hub_time``); the kiosk takes that batch and the ones
  after it back, closes its days again by what the hub said, and sends again;
* anything else about one batch: it is set aside with an alarm and the batches
  after it go on.
"""

from __future__ import annotations

UNKNOWN_KIOSK = "unknown-kiosk"
KIOSK_RETIRED = "kiosk-retired"
UNKNOWN_KEY = "unknown-key"
KEY_RETIRED = "key-retired"
SEQ_TAKEN = "seq-taken"  # this batch number holds another body (another card's)
DAY_REPORTED = "day-reported"  # a day of ``ops`` is at the hub already (another card's)
FUTURE = "future"  # a day after the hub's tomorrow: this kiosk's clock was ahead
SCHEMA = "schema"
TOO_LARGE = "too-large"
NOT_JSON = "not-json"
WRONG_KIOSK = "wrong-kiosk"
WINDOW = "window"
CONFLICT = "conflict"  # stored at the same moment by another request: send again

STOP = frozenset({UNKNOWN_KIOSK, KIOSK_RETIRED, UNKNOWN_KEY, KEY_RETIRED})
TAKE_BACK = frozenset({SEQ_TAKEN, DAY_REPORTED, FUTURE})
AGAIN = frozenset({CONFLICT})  # try again, like a busy hub

# By status, where there is no code (a hub of an earlier release, a proxy in between):
# a refusal of this one batch (set it aside); a hub busy or away (try again later);
# anything else in 4xx (401, 403, 404: a wrong address or an unknown kiosk) stops.
SET_ASIDE_STATUSES = frozenset({400, 409, 413, 422})
AGAIN_STATUSES = frozenset({408, 425, 429})


def action(status: int | None, code: str) -> str:
    """What a kiosk does with an answer: "ok", "again", "stop", "take-back" or "set-aside"."""
    if status is not None and 200 <= status < 300:
        return "ok"
    if code in TAKE_BACK:
        return "take-back"
    if code in STOP:
        return "stop"
    if code in AGAIN or status is None or status >= 500 or status in AGAIN_STATUSES:
        return "again"
    if status in SET_ASIDE_STATUSES:
        return "set-aside"
    return "stop"
