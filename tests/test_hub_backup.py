"""kiosk-hub backup and restore: a backup restored into an empty database shows the
same dashboard, on SQLite and PostgreSQL; a restore that cannot be made changes nothing."""

from __future__ import annotations

import gzip
import json
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from hub.app import HubConfig, create_app
from hub.backup import BackupError, backup, restore
from hub.cli import main as hub_main
from hub.db import CURRENT_VERSION, MIGRATIONS, Hub
from hub.users import add_user
from tests.hub_support import open_test_hub, postgres_or_skip
from tests.test_hub_views import DAY, Fleet, window

PASSWORD = "pitkä salasana 1"
PAGES = (
    "/",
    "/kiosks/k-000001",
    "/kiosks/k-000004",
    "/regions/Etelä-Savo",
    "/all",
    "/all?raw=1",
    "/export.csv?from=2026-10-01&to=2026-12-01&by=kiosk",
    "/export.csv?from=2026-10-01&to=2026-12-01&by=region&raw=1",
)
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def fill(fleet: Fleet) -> None:
    """Six kiosks in two regions, a month of counts, score windows, a correction, users."""
    for i in range(1, 7):
        fleet.add(f"k-00000{i}", "Etelä-Savo" if i <= 3 else "Pohjois-Karjala")
    for day in range(1, 29):
        for i in range(1, 7):
            fleet.clock.now = fleet.clock.now.replace(month=10, day=day, hour=3)
            fleet.send(f"k-00000{i}", date(2026, 10, day), visits=day * i % 13, prints=i % 3,
                       tests=(day + i) % 4)  # fmt: skip
    for i in range(1, 7):
        fleet.send(f"k-00000{i}", date(2026, 10, 29), windows=[window(6, (1, 2, 2, 1),
                   date(2026, 10, 15))])  # fmt: skip
    fleet.send("k-000002", date(2026, 10, 3), visits=2, correction=True)
    fleet.clock.now = fleet.clock.now.replace(month=11, day=20, hour=9)
    add_user(fleet.hub, "anna", PASSWORD, "coordinator")
    add_user(fleet.hub, "ville", PASSWORD, "viewer")


def signed_in(hub: Hub, fleet: Fleet, tmp_path: Path, name: str) -> FlaskClient:
    app = create_app(HubConfig(tmp_path / f"data-{uuid.uuid4().hex[:6]}", clock=fleet.clock),
                     db=hub)  # fmt: skip
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    answer = client.post("/login", data={"name": name, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return client


def dashboard(hub: Hub, fleet: Fleet, tmp_path: Path) -> dict[str, str]:
    """Every page and export as each role sees it (the form tokens set aside)."""
    seen = {}
    for name in ("anna", "ville"):
        client = signed_in(hub, fleet, tmp_path, name)
        for path in PAGES:
            answer = client.get(path)
            seen[f"{name} {path}"] = f"{answer.status_code} " + CSRF.sub(
                "", answer.get_data(as_text=True)
            )
    return seen


@pytest.fixture
def filled(hub_db: Hub, tmp_path: Path) -> Iterator[Fleet]:
    fleet = Fleet(hub_db, tmp_path)
    fill(fleet)
    yield fleet
    fleet.close()


@pytest.fixture
def empty_hub(tmp_path: Path) -> Iterator[Callable[[str], Hub]]:
    """A database that holds no hub yet, SQLite or PostgreSQL, opened without migrating."""
    drops: list[Callable[[], None]] = []

    def make(kind: str) -> Hub:
        if kind == "sqlite":
            hub = Hub(path=tmp_path / f"restored-{len(drops)}.db", migrate=False)
            drops.append(hub.close)
            return hub
        url = postgres_or_skip()
        schema = f"hubtest_{uuid.uuid4().hex[:12]}"
        hub = Hub(url=url, schema=schema, migrate=False)

        def drop() -> None:
            import psycopg

            hub.close()
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

        drops.append(drop)
        return hub

    yield make
    for drop in drops:
        drop()


def kind_of(hub: Hub) -> str:
    return "postgres" if hub.postgres else "sqlite"


def test_a_restored_backup_shows_the_same_dashboard(
    filled: Fleet, empty_hub: Callable[[str], Hub], tmp_path: Path
) -> None:
    before = dashboard(filled.hub, filled, tmp_path)
    assert "k-000004" in before["anna /"] and "Pohjois-Karjala" in before["ville /"]
    assert before["ville /all?raw=1"].startswith("403")
    assert before["anna /export.csv?from=2026-10-01&to=2026-12-01&by=kiosk"].count("\n") > 100
    file = tmp_path / "hub.backup.gz"
    made = backup(filled.hub, file)
    assert made.rows["kiosk"] == 6 and made.rows["hub_user"] == 2
    assert file.stat().st_mode & 0o077 == 0  # password hashes: the owner's eyes only

    restored = empty_hub(kind_of(filled.hub))
    summary = restore(restored, file)
    assert summary.rows == made.rows
    assert dashboard(restored, filled, tmp_path) == before


def test_a_sqlite_hub_moves_to_postgresql_and_back(
    filled: Fleet, empty_hub: Callable[[str], Hub], tmp_path: Path
) -> None:
    before = dashboard(filled.hub, filled, tmp_path)
    other = "sqlite" if filled.hub.postgres else "postgres"
    file = tmp_path / "hub.backup.gz"
    backup(filled.hub, file)
    moved = empty_hub(other)
    restore(moved, file)
    assert dashboard(moved, filled, tmp_path) == before


def test_a_restore_into_a_hub_with_figures_is_refused_and_changes_nothing(
    filled: Fleet, tmp_path: Path
) -> None:
    file = tmp_path / "hub.backup.gz"
    backup(filled.hub, file)
    counted = filled.hub.query("SELECT count(*) FROM ops_daily")
    with pytest.raises(BackupError, match="not empty"):
        restore(filled.hub, file)
    assert filled.hub.query("SELECT count(*) FROM ops_daily") == counted


def test_a_damaged_or_cut_backup_changes_nothing(
    filled: Fleet, empty_hub: Callable[[str], Hub], tmp_path: Path
) -> None:
    file = tmp_path / "hub.backup.gz"
    backup(filled.hub, file)
    lines = gzip.decompress(file.read_bytes()).splitlines(keepends=True)
    cut = tmp_path / "cut.gz"
    cut.write_bytes(gzip.compress(b"".join(lines[:-3])))
    bad_row = tmp_path / "bad-row.gz"
    line = json.loads(lines[1])
    line["rows"][0] = line["rows"][0][:-1]
    bad_row.write_bytes(gzip.compress(b"".join([lines[0], json.dumps(line).encode() + b"\n",
                                                *lines[2:]])))  # fmt: skip
    injected = tmp_path / "injected.gz"
    header = json.loads(lines[0])
    header["tables"]["kiosk"][0] = "kiosk_id) SELECT 1; --"
    injected.write_bytes(gzip.compress(b"".join([json.dumps(header).encode() + b"\n",
                                                 *lines[1:]])))  # fmt: skip
    newer = tmp_path / "newer.gz"
    header = json.loads(lines[0])
    header["schema_version"] = CURRENT_VERSION + 1
    newer.write_bytes(gzip.compress(b"".join([json.dumps(header).encode() + b"\n", *lines[1:]])))
    not_gzip = tmp_path / "notes.txt"
    not_gzip.write_text("hello")
    raw_half = tmp_path / "half.gz"
    raw_half.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    reasons = {
        cut: "incomplete",
        bad_row: "wrong length",
        injected: "does not match",
        newer: "newer kiosk-hub",
        not_gzip: "not a kiosk-hub backup",
        raw_half: "damaged",
        tmp_path / "missing.gz": "does not exist",
    }
    target = empty_hub(kind_of(filled.hub))
    for source, reason in reasons.items():
        with pytest.raises(BackupError, match=reason):
            restore(target, source)
        with target.transaction() as tx:
            assert target.version(tx) is None, source  # not even the tables were made
    restore(target, file)  # the same empty database takes the whole file
    assert target.query("SELECT count(*) FROM kiosk") == [(6,)]


def test_a_backup_of_an_earlier_release_is_restored_and_migrated(
    empty_hub: Callable[[str], Hub], tmp_path: Path
) -> None:
    from hub.users import hash_password, role_of

    old = Hub(path=tmp_path / "old.db", migrate=False)
    with old.transaction() as tx:
        old.migrate(tx, upto=1)  # before roles: every user could do everything
        tx.execute("INSERT INTO hub_user VALUES ('vanha', ?, '2026-01-01T00:00:00+00:00')",
                   [hash_password(PASSWORD)])  # fmt: skip
    file = tmp_path / "old.backup.gz"
    assert backup(old, file).schema_version == 1
    old.close()
    for kind in ("sqlite", "postgres"):
        if kind == "postgres":
            postgres_or_skip()
        restored = empty_hub(kind)
        restore(restored, file)
        assert role_of(restored, "vanha") == "coordinator"
        versions = restored.query("SELECT version FROM hub_migration ORDER BY version")
        assert [v for (v,) in versions] == [v for v, _ in MIGRATIONS]


def test_the_commands_back_up_and_restore_a_data_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    hub, close = open_test_hub("sqlite", tmp_path)
    fleet = Fleet(hub, tmp_path)
    fleet.add("k-000001", "Etelä-Savo")
    fleet.send("k-000001", DAY, visits=7)
    close()
    fleet.close()
    file = tmp_path / "backups" / "hub.backup.gz"
    data = ["--data-dir", str(tmp_path)]
    assert hub_main([*data, "backup", str(file)]) == 0
    assert "backed up 1 kiosks, 1 batches" in capsys.readouterr().out
    new = tmp_path / "new"
    assert hub_main(["--data-dir", str(new), "restore", str(file)]) == 0
    assert "restored 1 kiosks, 1 batches" in capsys.readouterr().out
    with sqlite3.connect(new / "hub.db") as conn:
        assert conn.execute("SELECT sum(value) FROM ops_daily").fetchone() == (7,)
    conn.close()
    assert hub_main(["--data-dir", str(new), "restore", str(file)]) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "nothing was changed" in err


def test_a_backup_reads_one_moment_and_holds_up_no_upload(hub_db: Hub) -> None:
    import threading

    from hub.users import add_user as add

    add(hub_db, "anna", PASSWORD, "viewer")
    written: list[str] = []

    def upload_meanwhile() -> None:  # another thread: its own connection, as a request
        add(hub_db, "ville", PASSWORD, "viewer")
        written.append("done")
        hub_db.release()

    with hub_db.transaction(snapshot=True) as tx:
        before = tx.all("SELECT name FROM hub_user ORDER BY name")
        writer = threading.Thread(target=upload_meanwhile)
        writer.start()
        writer.join()
        assert written == ["done"]  # committed while the snapshot was open
        assert tx.all("SELECT name FROM hub_user ORDER BY name") == before == [("anna",)]
    assert hub_db.query("SELECT name FROM hub_user ORDER BY name") == [("anna",), ("ville",)]
