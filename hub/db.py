"""The hub's storage: the same tables and SQL on SQLite and PostgreSQL.

SQL is written with ``?`` placeholders and ``ON CONFLICT`` (SQLite 3.24+ and
PostgreSQL both have it); :class:`Hub` turns the placeholders into ``%s`` for
psycopg. One transaction per request: :meth:`Hub.transaction`.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS kiosk (
        kiosk_id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL,
        place TEXT NOT NULL, status TEXT NOT NULL, registered_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS kiosk_key (
        kiosk_id TEXT NOT NULL REFERENCES kiosk (kiosk_id), key_id TEXT NOT NULL,
        pubkey TEXT NOT NULL, active INTEGER NOT NULL, PRIMARY KEY (kiosk_id, key_id))""",
    """CREATE TABLE IF NOT EXISTS batch (
        kiosk_id TEXT NOT NULL REFERENCES kiosk (kiosk_id), batch_seq INTEGER NOT NULL,
        body_sha256 TEXT NOT NULL, created_at TEXT NOT NULL, received_at TEXT NOT NULL,
        skew_s INTEGER, clock_synced INTEGER NOT NULL, app_version TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, batch_seq))""",
    """CREATE TABLE IF NOT EXISTS ops_daily (
        kiosk_id TEXT NOT NULL, date TEXT NOT NULL, metric TEXT NOT NULL,
        key TEXT NOT NULL DEFAULT '', value INTEGER NOT NULL, batch_seq INTEGER NOT NULL,
        PRIMARY KEY (kiosk_id, date, metric, key))""",
    """CREATE TABLE IF NOT EXISTS ops_day (
        kiosk_id TEXT NOT NULL, date TEXT NOT NULL, batch_seq INTEGER NOT NULL,
        PRIMARY KEY (kiosk_id, date))""",
    """CREATE TABLE IF NOT EXISTS score_window (
        kiosk_id TEXT NOT NULL, form TEXT NOT NULL, period_start TEXT NOT NULL,
        period_end TEXT NOT NULL, n INTEGER NOT NULL, b0 INTEGER NOT NULL, b1 INTEGER NOT NULL,
        b2 INTEGER NOT NULL, b3 INTEGER NOT NULL, batch_seq INTEGER NOT NULL,
        PRIMARY KEY (kiosk_id, form, period_start))""",
    """CREATE TABLE IF NOT EXISTS hub_user (
        name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS hub_migration (
        version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)""",
]
# Changes to a hub made by an earlier release, applied once each and recorded in
# hub_migration. Statements run in the same transaction as the tables above, on
# SQLite and PostgreSQL alike; a new database goes through the same steps.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (
        2,
        [
            # Roles. Users who existed before roles keep what they could do (everything);
            # a user added from now on is a viewer unless made a coordinator.
            "ALTER TABLE hub_user ADD COLUMN role TEXT NOT NULL DEFAULT 'viewer' "
            "CHECK (role IN ('coordinator', 'viewer'))",
            "UPDATE hub_user SET role = 'coordinator'",
        ],
    ),
    (
        3,
        [
            # Failed sign-ins per user name and per address (hub.throttle): kept in the
            # database so that restarting the hub does not wipe a lock-out.
            """CREATE TABLE IF NOT EXISTS signin_throttle (
                kind TEXT NOT NULL, subject TEXT NOT NULL, failures INTEGER NOT NULL,
                last_at TEXT NOT NULL, PRIMARY KEY (kind, subject))""",
        ],
    ),
    (
        4,
        [
            # Which enrolled key signed each batch, and when keys came and went: a
            # kiosk's card is replaced, its new key enrolled and the old one retired.
            "ALTER TABLE batch ADD COLUMN key_id TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE kiosk_key ADD COLUMN enrolled_at TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE kiosk_key ADD COLUMN retired_at TEXT NOT NULL DEFAULT ''",
            # Counts a kiosk made on a day it had already sent (its clock was behind, or
            # a new card counted on a day the old one sent), added to that day once.
            """CREATE TABLE IF NOT EXISTS ops_correction (
                kiosk_id TEXT NOT NULL, batch_seq INTEGER NOT NULL, date TEXT NOT NULL,
                metric TEXT NOT NULL, key TEXT NOT NULL DEFAULT '', value INTEGER NOT NULL,
                PRIMARY KEY (kiosk_id, batch_seq, date, metric, key))""",
            "CREATE INDEX IF NOT EXISTS ops_correction_date ON ops_correction (date)",
            # Every refused upload of an enrolled kiosk, with the reason it was given
            # (the dashboard shows the newest; hub.refusals keeps a bounded number).
            """CREATE TABLE IF NOT EXISTS upload_refusal (
                kiosk_id TEXT NOT NULL, received_at TEXT NOT NULL, status INTEGER NOT NULL,
                code TEXT NOT NULL, reason TEXT NOT NULL, batch_seq INTEGER,
                key_id TEXT NOT NULL DEFAULT '')""",
            "CREATE INDEX IF NOT EXISTS upload_refusal_kiosk "
            "ON upload_refusal (kiosk_id, received_at)",
        ],
    ),
]
BASE_VERSION = 1  # the tables of SCHEMA, before any migration
CURRENT_VERSION = MIGRATIONS[-1][0]
log = logging.getLogger("hub")
PLACEHOLDER = re.compile(r"\?")


class Hub:
    """A connection source for one database; ``url`` None means SQLite at ``path``."""

    def __init__(
        self, *, path: Path | None = None, url: str | None = None, schema: str = "",
        migrate: bool = True,
    ) -> None:  # fmt: skip
        if (path is None) == (url is None):
            raise ValueError("give the SQLite path or the PostgreSQL URL")
        self.path, self.url, self.schema = path, url, schema
        self.postgres = url is not None
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        if migrate:  # hub.backup restores into a database before migrating it
            with self.transaction() as tx:
                self.migrate(tx)

    def migrate(self, tx: Tx, upto: int | None = None) -> None:
        """Create the tables and apply the migrations not yet applied (up to ``upto``)."""
        if self.postgres:
            # Two processes opening one database at once (the server and a
            # kiosk-hub command) migrate it one after the other.
            tx.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [f"kiosk-hub:{self.schema}"])
        if self.postgres and self.schema:
            tx.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        for ddl in SCHEMA:
            tx.execute(ddl)
        done = {int(v) for (v,) in tx.all("SELECT version FROM hub_migration")}
        applied = []
        for version, statements in MIGRATIONS:
            if version in done or (upto is not None and version > upto):
                continue
            applied.append(version)
            for sql in statements:
                tx.execute(sql)
            tx.execute(
                "INSERT INTO hub_migration (version, applied_at) VALUES (?, ?)",
                [version, datetime.now(UTC).isoformat(timespec="seconds")],
            )
        if applied and done:  # a new database is made, not migrated: nothing to say
            log.info("database migrated from version %d to %d", max(done), applied[-1])

    def version(self, tx: Tx) -> int | None:
        """The newest migration applied; None where the database holds no hub at all."""
        if self.postgres:
            found = tx.one("SELECT to_regclass('hub_migration') IS NOT NULL")
        else:
            found = tx.one("SELECT count(*) FROM sqlite_master WHERE name = 'hub_migration'")
        if not found or not found[0]:
            return None
        newest = tx.one("SELECT max(version) FROM hub_migration")
        return int(newest[0]) if newest and newest[0] is not None else BASE_VERSION

    def _connect(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self.postgres:
            import psycopg

            conn = psycopg.connect(str(self.url), autocommit=False)
            if self.schema:
                conn.execute(f'SET search_path TO "{self.schema}"')
                conn.commit()
        else:
            assert self.path is not None
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
        self._local.conn = conn
        with self._lock:
            self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self, *, snapshot: bool = False) -> Iterator[Tx]:
        """One transaction; ``snapshot``: reads only, every table as at one moment, and
        writers are not held up meanwhile (a backup)."""
        conn = self._connect()
        if self.postgres:
            try:
                with conn.cursor() as cursor:
                    if snapshot:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    yield Tx(cursor, postgres=True)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            return
        # A deferred transaction reads one snapshot of the WAL database from its first
        # read; an immediate one takes the write lock at once.
        conn.execute("BEGIN" if snapshot else "BEGIN IMMEDIATE")
        cursor = conn.cursor()
        try:
            yield Tx(cursor, postgres=False)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            cursor.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.transaction() as tx:
            return tx.all(sql, params)

    def release(self) -> None:
        """Close the calling thread's connection (a server that starts a thread per request)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        with self._lock:
            self._all.remove(conn)
        conn.close()
        self._local.conn = None

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class Tx:
    def __init__(self, cursor: Any, *, postgres: bool) -> None:
        self.cursor, self.postgres = cursor, postgres

    @contextmanager
    def pipeline(self) -> Iterator[None]:
        """Statements sent together, their results read at the end: one round trip to
        PostgreSQL instead of one each (nothing changes on SQLite, which is in-process).
        Read each result with :meth:`later`."""
        if not self.postgres:
            yield
            return
        with self.cursor.connection.pipeline():
            yield

    def later(self, sql: str, params: Sequence[Any] = ()) -> Later:
        """Run a statement on a cursor of its own; its rows are read when asked for."""
        cursor = self.cursor.connection.cursor()
        if not self.postgres:
            cursor.execute(sql, tuple(params))
            return Later(rows=[tuple(r) for r in cursor.fetchall()])
        cursor.execute(PLACEHOLDER.sub("%s", sql), tuple(params))
        return Later(cursor=cursor)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        self.cursor.execute(PLACEHOLDER.sub("%s", sql) if self.postgres else sql, tuple(params))
        return int(self.cursor.rowcount)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """One statement for many rows (psycopg pipelines them: one round trip, not one each)."""
        if rows:
            query = PLACEHOLDER.sub("%s", sql) if self.postgres else sql
            self.cursor.executemany(query, [tuple(r) for r in rows])

    def insert_rows(
        self, table: str, columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Many rows into one table, a row already there left as it is.

        ``columns`` are (name, SQL type). On PostgreSQL one short statement takes every
        row at once, so it is parsed and planned once and goes in the caller's pipeline:
        no round trip, nor a statement per row, of its own. On SQLite, in-process, one
        prepared statement runs for every row.
        """
        if not rows:
            return
        names = ", ".join(name for name, _ in columns)
        if not self.postgres:
            marks = ", ".join("?" * len(columns))
            self.cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING",
                [tuple(r) for r in rows],
            )
            return
        # The rows travel as one JSON text: json.dumps and PostgreSQL's JSON parser are
        # C; adapting Python lists to SQL arrays costs more than storing them.
        fields = ", ".join(f"(e->>{i})::{kind}" for i, (_, kind) in enumerate(columns))
        cursor = self.cursor.connection.cursor()
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {fields} FROM json_array_elements(%s::json) e "
            "ON CONFLICT DO NOTHING",
            [json.dumps(rows, separators=(",", ":"))],
        )

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.execute(sql, params)
        return [tuple(r) for r in self.cursor.fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self.all(sql, params)
        return rows[0] if rows else None


class Later:
    """The rows of a statement sent in a pipeline, read (and its cursor closed) on demand."""

    def __init__(self, *, rows: list[tuple[Any, ...]] | None = None, cursor: Any = None) -> None:
        self._rows, self._cursor = rows, cursor

    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = [tuple(r) for r in self._cursor.fetchall()]
            self._cursor.close()
        return self._rows


def open_hub(
    data_dir: Path, database_url: str | None, schema: str = "", *, migrate: bool = True
) -> Hub:
    if database_url:
        return Hub(url=database_url, schema=schema, migrate=migrate)
    data_dir.mkdir(parents=True, exist_ok=True)
    return Hub(path=data_dir / "hub.db", migrate=migrate)
