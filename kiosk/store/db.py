"""SQLite through sqlite-utils: one connection per thread, writes in BEGIN IMMEDIATE.

What a database file remembers: the WAL keeps every version of every page written
since the last checkpoint, and a page freed or rewritten keeps its old bytes unless
``secure_delete`` zeroes them. So every connection sets ``secure_delete``, and
:meth:`Store.flush` (after writes that matter for privacy, and at close) copies the
WAL into the main file and truncates it to nothing.

Why not ``db.atomic()`` alone: it starts a deferred transaction, and a reader
that upgrades to a writer after another thread committed gets SQLITE_BUSY_SNAPSHOT,
which the busy handler does not retry ("database is locked" under load). BEGIN
IMMEDIATE takes the write lock up front, so the busy timeout applies.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from kiosk.store.migrations import migrations

BUSY_TIMEOUT_MS = 5000


def connect(path: Path | str | None) -> Database:
    """Open one connection (``None``: in memory) with the kiosk's pragmas."""
    if path is None:
        db = Database(memory=True)
    else:
        db = Database(sqlite3.connect(str(path), isolation_level=None, check_same_thread=True))
        # WAL: readers never block the writer; FULL: a committed count survives a power cut.
        db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA secure_delete=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys=ON")
    return db


@contextlib.contextmanager
def write_tx(db: Database) -> Iterator[Database]:
    """One write transaction, taken with BEGIN IMMEDIATE; rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


class Store:
    """The kiosk's database file: migrations at open, one connection per thread.

    Threads (waitress workers, the print worker, GPIO consumers) each get their own
    connection on first use; :meth:`close` closes the calling thread's.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._local = threading.local()
        self._memory: Database | None = None
        self._lock = threading.Lock()
        if path is None:
            # An in-memory database exists once per connection, so share one (tests only).
            self._memory = Database(sqlite3.connect(":memory:", check_same_thread=False))
            self._memory.execute("PRAGMA foreign_keys=ON")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        migrations.apply(self.db())

    def db(self) -> Database:
        if self._memory is not None:
            return self._memory
        db: Database | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path)
            self._local.db = db
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        """A write transaction on this thread's connection."""
        if self._memory is not None:
            # The shared in-memory connection needs a process lock instead.
            with self._lock, write_tx(self._memory) as db:
                yield db
            return
        with write_tx(self.db()) as db:
            yield db

    def flush(self) -> bool:
        """Checkpoint the WAL into the main file and truncate it; False if a reader
        held it (the busy timeout passed): the next flush truncates it then."""
        if self._memory is not None:
            return True
        busy, _frames, _done = self.db().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy) == 0

    def close(self) -> None:
        """Flush and close the calling thread's connection."""
        db: Database | None = getattr(self._local, "db", None)
        if db is not None:
            self.flush()
            db.close()
            self._local.db = None
