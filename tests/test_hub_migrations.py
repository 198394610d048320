"""A hub database made by an earlier release: opened by this one, nothing breaks."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hub.cli import main as hub_main
from hub.db import Hub
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
    assert versions == [2, 3]
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
