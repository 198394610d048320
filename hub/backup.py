"""A backup of the hub's database as one file, and its restore into an empty database.

The file is the same for SQLite and PostgreSQL (gzip-compressed JSON lines: a header
naming the tables, their columns and the schema version, rows in chunks, and an end
line with the number of rows of each table), so a hub can also move from one to the
other. It is read in one consistent snapshot while the hub keeps running.

A restore goes into a database that holds no hub, or an empty one: it never merges
into or overwrites figures. A backup made by an earlier release is restored at its
own schema version and then migrated, as an upgrade would; one made by a newer
release is refused. Everything happens in one transaction: a truncated or damaged
file changes nothing.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.db import CURRENT_VERSION, Hub, Tx

FORMAT = "kiosk-hub-backup"
FORMAT_VERSION = 1
# Parents before the rows that refer to them (the foreign keys of kiosk_key and batch).
TABLES = (
    "kiosk",
    "kiosk_key",
    "batch",
    "ops_day",
    "ops_daily",
    "ops_correction",
    "score_window",
    "hub_user",
    "signin_throttle",
    "upload_refusal",
)
CHUNK = 1000  # rows per line


class BackupError(ValueError):
    """The file cannot be restored here; the message says why. Nothing was changed."""


@dataclass(frozen=True)
class Summary:
    schema_version: int
    created_at: str
    rows: dict[str, int]

    def describe(self) -> str:
        shown = ("kiosk", "batch", "ops_daily", "hub_user", "upload_refusal")
        words = ("kiosks", "batches", "daily counts", "users", "refused uploads")
        parts = [f"{self.rows.get(t, 0)} {w}" for t, w in zip(shown, words, strict=True)]
        return ", ".join(parts)


def in_folder(folder: Path, now: datetime) -> Path:
    """The name of a backup made now in ``folder`` (names sort by time)."""
    return folder / f"hub-{now.astimezone(UTC):%Y-%m-%dT%H%M%S}.backup.gz"


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest backups in ``folder`` (at least one stays)."""
    found = sorted(folder.glob("hub-*.backup.gz"))
    old = found[: max(0, len(found) - max(1, keep))]
    for path in old:
        path.unlink()
    return old


def backup(hub: Hub, out: Path, now: datetime | None = None) -> Summary:
    """Write the whole database to ``out`` (created with mode 0600: it holds password
    hashes), through a temporary file so that a failed backup leaves no half file."""
    created = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".hub-backup-", dir=out.parent)
    try:
        with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as gz:
            summary = _write(hub, gz, created)
            gz.flush()
        os.replace(name, out)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return summary


def _write(hub: Hub, gz: gzip.GzipFile, created: str) -> Summary:
    with hub.transaction(snapshot=True) as tx:  # every table as at one moment
        version = hub.version(tx)
        if version is None:
            raise BackupError("the database holds no hub")
        present = [t for t in TABLES if _exists(hub, tx, t)]
        columns = {t: _columns(tx, t) for t in present}
        header = {"format": FORMAT, "version": FORMAT_VERSION, "schema_version": version,
                  "created_at": created, "tables": columns}  # fmt: skip
        _line(gz, header)
        rows: dict[str, int] = {}
        for table in present:
            rows[table] = 0
            tx.execute(f"SELECT {', '.join(columns[table])} FROM {table}")
            while chunk := tx.cursor.fetchmany(CHUNK):
                _line(gz, {"table": table, "rows": [list(r) for r in chunk]})
                rows[table] += len(chunk)
        _line(gz, {"end": True, "rows": rows})
    return Summary(version, created, rows)


def _line(gz: gzip.GzipFile, value: Any) -> None:
    gz.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")


def _exists(hub: Hub, tx: Tx, table: str) -> bool:
    if hub.postgres:
        found = tx.one("SELECT to_regclass(?) IS NOT NULL", [table])
    else:
        found = tx.one("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                       [table])  # fmt: skip
    return bool(found and found[0])


def _columns(tx: Tx, table: str) -> list[str]:
    tx.execute(f"SELECT * FROM {table} LIMIT 0")
    tx.cursor.fetchall()
    return [str(d[0]) for d in tx.cursor.description]


def restore(hub: Hub, source: Path) -> Summary:
    """Restore ``source`` into ``hub``'s database, which holds no hub or an empty one.

    ``hub`` is opened without migrating (``Hub(..., migrate=False)``): the tables are
    made at the backup's schema version, filled, then migrated to this release's.
    """
    lines = _read(source)
    header = next(lines, None)
    if (
        not isinstance(header, dict)
        or header.get("format") != FORMAT
        or header.get("version") != FORMAT_VERSION
    ):
        raise BackupError(f"{source} is not a kiosk-hub backup")
    version = header.get("schema_version")
    tables = header.get("tables")
    if not isinstance(version, int) or not isinstance(tables, dict):
        raise BackupError(f"{source} is not a kiosk-hub backup (no schema version)")
    if version > CURRENT_VERSION:
        raise BackupError(
            f"{source} was made by a newer kiosk-hub (database version {version}, this one "
            f"knows {CURRENT_VERSION}): restore it with that release or a newer one"
        )
    unknown = set(tables) - set(TABLES)
    if unknown:
        raise BackupError(f"{source} has tables this kiosk-hub does not know: {sorted(unknown)}")
    with hub.transaction() as tx:
        found = hub.version(tx)
        if found is not None and found != version:
            raise BackupError(
                f"the database already holds a hub (version {found}); restore into an "
                "empty database: a new data directory, or a new PostgreSQL database"
            )
        hub.migrate(tx, upto=version)
        full = [t for t in TABLES if _exists(hub, tx, t) and tx.one(f"SELECT 1 FROM {t} LIMIT 1")]
        if full:
            raise BackupError(
                f"the database is not empty ({', '.join(full)} hold rows): restore into a "
                "new data directory, or a new PostgreSQL database"
            )
        for table, columns in tables.items():
            known = _columns(tx, table) if _exists(hub, tx, table) else []
            if not isinstance(columns, list) or not set(columns) <= set(known):
                raise BackupError(f"{source} does not match database version {version} "
                                  f"(the columns of {table})")  # fmt: skip
        rows = _insert(tx, tables, lines, source)
        hub.migrate(tx)
    return Summary(version, str(header.get("created_at", "")), rows)


def _insert(tx: Tx, tables: dict[str, Any], lines: Iterator[Any], source: Path) -> dict[str, int]:
    rows = {str(t): 0 for t in tables}
    for line in lines:
        if not isinstance(line, dict):
            raise BackupError(f"{source} is damaged (a line is not an object)")
        if line.get("end") is True:
            if line.get("rows") != rows:
                raise BackupError(f"{source} is damaged: its rows do not add up")
            if next(lines, None) is not None:
                raise BackupError(f"{source} is damaged: lines after its end")
            return rows
        table, chunk = line.get("table"), line.get("rows")
        if table not in tables or not isinstance(chunk, list):
            raise BackupError(f"{source} is damaged (rows of an unknown table)")
        columns = tables[table]
        if any(not isinstance(r, list) or len(r) != len(columns) for r in chunk):
            raise BackupError(f"{source} is damaged (a row of {table} has the wrong length)")
        marks = ", ".join("?" * len(columns))
        tx.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", chunk)
        rows[table] += len(chunk)
    raise BackupError(f"{source} is incomplete (it ends before its last line): a copy cut short?")


def _read(source: Path) -> Iterator[Any]:
    try:
        with gzip.open(source, "rb") as gz:
            for raw in gz:
                yield json.loads(raw)
    except FileNotFoundError:
        raise BackupError(f"{source} does not exist") from None
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BackupError(f"{source} is not a kiosk-hub backup or is damaged ({exc})") from None
