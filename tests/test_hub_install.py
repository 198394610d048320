"""docs/hub-install.md against what it installs: the unit it shows is the one in the
repository, its commands exist, and the databases' own backup recipes restore a hub
that shows the same dashboard."""

from __future__ import annotations

import logging
import re
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.cli import build_parser
from hub.config import SETTINGS
from hub.db import Hub
from tests.hub_support import postgres_or_skip
from tests.test_hub_backup import dashboard, fill
from tests.test_hub_views import Fleet

REPO = Path(__file__).resolve().parent.parent
DOC = (REPO / "docs" / "hub-install.md").read_text()
UNITS = REPO / "systemd" / "hub"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC, re.S)


def directives(unit: str, name: str) -> list[str]:
    text = (UNITS / unit).read_text()
    return re.findall(rf"^{name}=(.*)$", text, re.M)


def test_the_page_shows_the_unit_as_it_is_in_the_repository() -> None:
    (shown,) = blocks("ini")
    assert shown == (UNITS / "kiosk-hub.service").read_text()


def test_the_units_serve_on_loopback_and_keep_their_data_in_their_state_directory() -> None:
    for unit in ("kiosk-hub.service", "kiosk-hub-backup.service"):
        env = dict(e.split("=", 1) for e in directives(unit, "Environment"))
        assert set(env) <= {name for name, _, _ in SETTINGS}, unit
        assert env["HUB_DATA_DIR"] == "/var/lib/" + directives(unit, "StateDirectory")[0]
        assert directives(unit, "User") == ["kiosk-hub"]
        (command,) = directives(unit, "ExecStart")
        program, *args = shlex.split(command)
        assert program == "/opt/kiosk-hub/venv/bin/kiosk-hub"
        parsed = build_parser().parse_args(args)  # the arguments the command takes
        if unit == "kiosk-hub.service":
            assert (parsed.command, parsed.host) == ("serve", "127.0.0.1")
        else:
            assert (parsed.command, parsed.keep) == ("backup", 14)
            assert parsed.file.startswith(env["HUB_DATA_DIR"] + "/")


def test_every_kiosk_hub_command_on_the_page_exists() -> None:
    import argparse

    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    commands = set(sub.choices)
    found = re.findall(r"sudo kiosk-hub ([a-z-]+)", DOC)
    assert {"add-user", "enroll", "backup", "restore"} <= set(found)
    assert set(found) <= commands
    for block in blocks("sh"):
        for path in re.findall(r"/opt/kiosk-hub/app/(\S+?)(?:\s|$)", block):
            if "*" in path or path.endswith("]'"):
                continue
            assert (REPO / path).exists(), path
    assert "kiosk-hub-backup.timer" in DOC and (UNITS / "kiosk-hub-backup.timer").is_file()


def test_an_upgrade_says_which_migrations_it_applied(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = Hub(path=tmp_path / "hub.db", migrate=False)
    with old.transaction() as tx:
        old.migrate(tx, upto=2)
    old.close()
    with caplog.at_level(logging.INFO, logger="hub"):
        Hub(path=tmp_path / "hub.db").close()
        Hub(path=tmp_path / "hub.db").close()  # up to date: says nothing
    assert [r.getMessage() for r in caplog.records] == ["database migrated from version 2 to 4"]


@pytest.fixture
def fleet(tmp_path: Path) -> Iterator[Fleet]:
    made = Fleet(Hub(path=tmp_path / "hub.db"), tmp_path)
    fill(made)
    yield made
    made.close()
    made.hub.close()


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 program is not installed")
@pytest.mark.parametrize("recipe", [".backup '{out}'", "VACUUM INTO '{out}'"])
def test_the_sqlite_recipes_copy_a_running_hub(fleet: Fleet, tmp_path: Path, recipe: str) -> None:
    before = dashboard(fleet.hub, fleet, tmp_path)
    out = tmp_path / "copy" / "hub.db"
    out.parent.mkdir()
    subprocess.run(["sqlite3", str(tmp_path / "hub.db"), recipe.format(out=out)], check=True)
    copy = Hub(path=out)
    assert dashboard(copy, fleet, tmp_path) == before
    copy.close()


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_pg_dump_and_pg_restore_into_a_new_database(tmp_path: Path) -> None:
    import psycopg

    url = postgres_or_skip()
    names = [f"hubtest_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(url, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    urls = [url.rsplit("/", 1)[0] + "/" + name for name in names]
    try:
        fleet = Fleet(Hub(url=urls[0]), tmp_path)
        fill(fleet)
        before = dashboard(fleet.hub, fleet, tmp_path)
        dump = tmp_path / "hub.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), "-d", urls[0]], check=True)
        subprocess.run(["pg_restore", "--no-owner", "-d", urls[1], str(dump)], check=True)
        restored = Hub(url=urls[1])
        assert dashboard(restored, fleet, tmp_path) == before
        restored.close()
        fleet.hub.close()
        fleet.close()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
