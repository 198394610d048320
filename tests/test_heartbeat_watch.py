"""The browser heartbeat watch restarts a browser whose page went silent."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kiosk.heartbeat_watch import check_once, is_stale, unit_started


def test_fresh_heartbeat_is_not_stale() -> None:
    assert not is_stale(now=1000, heartbeat=990, browser_started=100, max_age=60)


def test_old_heartbeat_is_stale() -> None:
    assert is_stale(now=1000, heartbeat=900, browser_started=100, max_age=60)


def test_missing_heartbeat_gets_grace_after_browser_start() -> None:
    assert not is_stale(now=1000, heartbeat=None, browser_started=980, max_age=60)
    assert is_stale(now=1000, heartbeat=None, browser_started=900, max_age=60)


def test_heartbeat_from_before_a_restart_does_not_count_against_the_new_browser() -> None:
    assert not is_stale(now=1000, heartbeat=500, browser_started=990, max_age=60)


def test_stopped_browser_is_left_to_systemd() -> None:
    assert not is_stale(now=1000, heartbeat=None, browser_started=None, max_age=60)


def test_check_once_restarts_only_when_stale(tmp_path: Path) -> None:
    beat = tmp_path / "heartbeat"
    beat.write_text("x")
    os.utime(beat, (900, 900))
    restarted: list[str] = []

    def run(now: float) -> bool:
        return check_once(
            beat,
            "kiosk-browser.service",
            60,
            now=lambda: now,
            started=lambda unit: 100.0,
            restarter=restarted.append,
        )

    assert run(now=930) is False
    assert run(now=1000) is True
    assert restarted == ["kiosk-browser.service"]


def fake_systemctl(tmp_path: Path, active: bool, monotonic_usec: int) -> str:
    script = tmp_path / "systemctl"
    script.write_text(
        f'#!/bin/sh\n[ "$1" = is-active ] && exit {0 if active else 3}\necho {monotonic_usec}\n'
    )
    script.chmod(0o755)
    return f"{tmp_path}:{os.environ['PATH']}"


def test_unit_started_converts_systemds_monotonic_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started_usec = int((time.monotonic() - 100) * 1_000_000)
    monkeypatch.setenv("PATH", fake_systemctl(tmp_path, True, started_usec))
    started = unit_started("kiosk-browser.service")
    assert started is not None
    # Started about 100 s ago: well before now, well after an hour ago.
    assert time.time() - 3600 < started < time.time() - 50


def test_unit_started_is_none_for_a_stopped_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", fake_systemctl(tmp_path, False, 0))
    assert unit_started("kiosk-browser.service") is None
