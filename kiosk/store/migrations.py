"""Schema of the kiosk database, as sqlite-utils migrations applied at start.

Never edit a migration that has shipped; add a new one.

Privacy note: nothing here has a row per visit or per person. Usage is kept as
counters per (local date, metric, key) incremented in place by kiosk.tally; the
score is kept only as band counts in the pending score window.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("kiosk")


@migrations()
def m001_catalogue(db: Database) -> None:
    # One row per activity; multilingual and list fields are JSON (see kiosk.catalog.model).
    db.table("activities").create(
        {
            "id": str,
            "data": str,  # Activity.to_json()
            "source": str,
            "last_date": str,  # local date of the last occurrence, '' when open-ended
            "updated_at": str,
        },
        pk="id",
    )
    db.table("meta").create({"key": str, "value": str}, pk="key")


@migrations()
def m002_tally(db: Database) -> None:
    # Daily counters: (date, metric, key) -> value, incremented in place.
    db.table("counters").create(
        {"date": str, "metric": str, "key": str, "value": int},
        pk=("date", "metric", "key"),
        not_null={"value"},
        defaults={"key": "", "value": 0},
    )
    # The pending score window of each instrument pack: band counts, never per test.
    # Keyed by pack so that a non-official pack is never pooled with the official one.
    db.table("score_pending").create(
        {"pack": str, "since": str, "n": int, "b0": int, "b1": int, "b2": int, "b3": int},
        pk="pack",
    )
    # Released windows (n >= k), disjoint and contiguous.
    db.table("score_windows").create(
        {
            "period_start": str,
            "period_end": str,
            "n": int,
            "b0": int,
            "b1": int,
            "b2": int,
            "b3": int,
            "pack": str,
        },
        pk=("pack", "period_start"),
    )


@migrations()
def m003_upload(db: Database) -> None:
    # The newest test in a pending window: a window is released only with a closed day
    # on or after it, so a test taken after midnight never joins yesterday's window.
    db.table("score_pending").add_column("last", str, not_null_default="")
    # Signed batches waiting for (or acknowledged by) the hub, in batch number order.
    db.table("outbox").create(
        {
            "seq": int,
            "body": str,  # the exact bytes signed and sent (canonical JSON, UTF-8)
            "signature": str,  # base64 Ed25519 signature of body
            "first_date": str,
            "last_date": str,
            "created_at": str,
            "acked_at": str,  # '' until the hub answers 2xx
            "attempts": int,
            "last_error": str,
        },
        pk="seq",
        not_null={"body", "signature", "acked_at", "attempts", "last_error"},
        defaults={"acked_at": "", "attempts": 0, "last_error": ""},
    )


@migrations()
def m004_upload_late_counts(db: Database) -> None:
    # How much of each counter has gone into a batch: what a closed day gains later
    # (a clock that was behind, a new card of a kiosk the hub already has days of)
    # is value - sent, and goes to the hub as a correction instead of being lost.
    db.table("counters").add_column("sent", int, not_null_default=0)
    db.execute("UPDATE counters SET sent = value WHERE date <= coalesce("
               "(SELECT value FROM meta WHERE key = 'upload_closed_through'), '')")  # fmt: skip
    # A batch the hub refused for a reason people must fix is set aside (kept, not
    # sent again) so that the days after it keep flowing.
    db.table("outbox").add_column("set_aside_at", str, not_null_default="")
    # What each batch's corrections took from the counters, to give back if the batch
    # is taken back before the hub stored it.
    db.table("outbox_late").create(
        {"seq": int, "date": str, "metric": str, "key": str, "delta": int},
        pk=("seq", "date", "metric", "key"),
    )
    # Days whose counts no batch could carry (the reason is kept for staff and logs).
    db.table("set_aside_day").create({"date": str, "reason": str, "at": str}, pk="date")


@migrations()
def m005_windows_in_memory(db: Database) -> None:
    # The pending score window lives in the app's memory (kiosk.tally); a clean stop
    # keeps it here as one row per pack, which the next start takes back and deletes.
    db.table("score_held").create(
        {"pack": str, "since": str, "n": int, "b0": int, "b1": int, "b2": int, "b3": int,
         "last": str},
        pk="pack",
    )  # fmt: skip
    # A window written before this release, still under k: it goes back to memory too.
    db.execute(
        "INSERT INTO score_held SELECT pack, since, n, b0, b1, b2, b3, last FROM score_pending "
        "WHERE n < ?", [5]
    )  # fmt: skip
    db.execute("DELETE FROM score_pending WHERE n < 5")
    # The time of the newest good print sat next to every count of a visit: a day is enough.
    db.execute("UPDATE meta SET value = substr(value, 1, 10) WHERE key = 'last_good_print'")


@migrations(transactional=False)
def m006_scrub_old_pages(db: Database) -> None:
    # Files written before secure_delete may still hold old versions of the score
    # window in free pages: rebuild the file once so that none of them remain.
    db.execute("PRAGMA secure_delete=ON")
    db.execute("VACUUM")
