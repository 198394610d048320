"""A hub database made by an earlier release: opened by this one, nothing breaks."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hub.cli import main as hub_main
from hub.db import MIGRATIONS, Hub
from hub.users import hash_password, login, role_of
from tests.hub_support import postgres_or_skip

# The user table as the release before roles made it.
OLD_USER_TABLE = (
    "CREATE TABLE hub_user (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, "
    "created_at TEXT NOT NULL)"
)
OLD_USER = "INSERT INTO hub_user VALUES ('vanha', '{hash}', '2026-01-01T00:00:00+00:00')"


def sqlite_old(tmp_path: Path) -> tuple[Callable[[], Hub], Callable[[], None]]:
    path = tmp_path / "hub.db"
    with sqlite3.connect(path) as conn:
        conn.execute(OLD_USER_TABLE)
        conn.execute(OLD_USER.format(hash=hash_password("vanha salasana")))
    conn.close()
    return (lambda: Hub(path=path)), (lambda: None)


def postgres_old(tmp_path: Path) -> tuple[Callable[[], Hub], Callable[[], None]]:
    import psycopg

    url = postgres_or_skip()
    schema = f"hubtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'SET search_path TO "{schema}"')
        conn.execute(OLD_USER_TABLE)
        conn.execute(OLD_USER.format(hash=hash_password("vanha salasana")))

    def drop() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return (lambda: Hub(url=url, schema=schema)), drop


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Hub]]:
    opener, drop = (sqlite_old if request.param == "sqlite" else postgres_old)(tmp_path)
    yield opener
    drop()


def test_users_from_before_roles_become_coordinators_once(old_hub: Callable[[], Hub]) -> None:
    hub = old_hub()
    assert role_of(hub, "vanha") == "coordinator"
    assert login(hub, "vanha", "vanha salasana")
    versions = [v for (v,) in hub.query("SELECT version FROM hub_migration ORDER BY version")]
    assert versions == [v for v, _ in MIGRATIONS]
    with hub.transaction() as tx:
        tx.execute("UPDATE hub_user SET role = 'viewer' WHERE name = 'vanha'")
    hub.close()
    again = old_hub()  # opening again migrates nothing a second time
    assert role_of(again, "vanha") == "viewer"
    assert again.query("SELECT count(*) FROM signin_throttle") == [(0,)]
    again.close()


def test_add_user_command_takes_a_role_and_defaults_to_viewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    data = str(tmp_path / "hub")
    for argv, role in (
        (["add-user", "katsoja"], "viewer"),
        (["add-user", "pomo", "--role", "coordinator"], "coordinator"),
        (["add-user", "pomo"], "coordinator"),  # a new password keeps the role
        (["add-user", "pomo", "--role", "viewer"], "viewer"),
    ):
        monkeypatch.setattr("sys.stdin", io.StringIO("pitkä salasana 1\n"))
        assert hub_main(["--data-dir", data, *argv, "--password-stdin"]) == 0
        assert f"as a {role}" in capsys.readouterr().out
    hub = Hub(path=tmp_path / "hub" / "hub.db")
    assert role_of(hub, "katsoja") == "viewer" and role_of(hub, "pomo") == "viewer"
    hub.close()
    with pytest.raises(SystemExit):
        hub_main(["--data-dir", data, "add-user", "x", "--role", "admin"])


def test_a_hub_from_before_keys_and_corrections_keeps_its_batches(
    hub_db: Hub, tmp_path: Path
) -> None:
    """A database made before migration 4 (no key per batch, no corrections, no refusal
    log), with a kiosk and its batches in it: opened by this release, all still there."""
    from datetime import UTC, datetime

    from hub import report
    from hub.ingest import ingest
    from tests.hub_support import make_kiosk

    kiosk = make_kiosk(tmp_path)
    with hub_db.transaction() as tx:  # back to the tables of the release before
        for table in ("ops_correction", "upload_refusal"):
            tx.execute(f"DROP TABLE {table}")
        tx.execute("DELETE FROM hub_migration WHERE version >= 4")
        tx.execute("ALTER TABLE batch DROP COLUMN key_id")
        tx.execute("ALTER TABLE kiosk_key DROP COLUMN enrolled_at")
        tx.execute("ALTER TABLE kiosk_key DROP COLUMN retired_at")
    with hub_db.transaction() as tx:
        tx.execute("INSERT INTO kiosk VALUES ('k-000001', 'Vanha', 'Kylä', '', 'active', '')")
        tx.execute(
            "INSERT INTO kiosk_key VALUES ('k-000001', 'key-1', ?, 1)",
            [kiosk.enrollment()["public_key"]],
        )
        tx.execute(
            "INSERT INTO batch VALUES ('k-000001', 1, 'abc', '2026-11-02T02:30:00+02:00', "
            "'2026-11-02T00:31:00+00:00', 3, 1, '0.1.0')"
        )
        tx.execute("INSERT INTO ops_day VALUES ('k-000001', '2026-11-01', 1)")
        tx.execute(
            "INSERT INTO ops_daily VALUES ('k-000001', '2026-11-01', 'sessions_started', '', 12, 1)"
        )
    url, schema, path = hub_db.url, hub_db.schema, hub_db.path
    hub_db.close()
    again = Hub(url=url, schema=schema) if url else Hub(path=path)
    assert max(v for (v,) in again.query("SELECT version FROM hub_migration")) == 4
    (row,) = report.fleet(again, datetime(2026, 11, 2, 9, tzinfo=UTC))
    assert (row.last_seq, row.app_version, row.keys, row.refused) == (1, "0.1.0", 1, None)
    # A batch of this release, with a correction for the day stored before, goes in.
    from kiosk.shared import batch as shape
    from kiosk.shared.signature import sign

    body = shape.canonical(shape.build(
        kiosk_id="k-000001", seq=2, created_at=datetime(2026, 11, 3, 2, 30, tzinfo=UTC),
        timezone="Europe/Helsinki", app_version="0.2.0", clock_synced=True,
        days=[{"date": "2026-11-02", "sessions_started": 5, "tests_completed": 0}], windows=[],
        corrections=[{"date": "2026-11-01", "sessions_started": 2, "tests_completed": 0}],
    ))  # fmt: skip
    answer = ingest(again, "k-000001", body, f"ed25519={sign(kiosk.key, body)}",
                    now=datetime(2026, 11, 3, 1, tzinfo=UTC))  # fmt: skip
    assert answer.status == 201, answer.reason
    assert again.query("SELECT key_id FROM batch ORDER BY batch_seq") == [("",), ("key-1",)]
    assert again.query("SELECT sum(value) FROM ops_correction") == [(2,)]
    again.close()
    kiosk.close()
