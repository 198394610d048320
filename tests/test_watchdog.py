"""The systemd watchdog: READY once, WATCHDOG only while every check passes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from kiosk.watchdog import Watchdog

ENV = {"NOTIFY_SOCKET": "/run/fake/notify", "WATCHDOG_USEC": "30000000"}


class FakeNotifier:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def notify(self, state: str) -> None:
        self.sent.append(state)


def test_interval_is_half_the_systemd_timeout() -> None:
    assert Watchdog([], FakeNotifier(), ENV).interval == 15.0


def test_pings_only_while_all_checks_pass() -> None:
    state = {"web": True, "printer": True}
    fake = FakeNotifier()
    dog = Watchdog([lambda: state["web"], lambda: state["printer"]], fake, ENV)
    assert dog.tick() is True
    state["printer"] = False
    assert dog.tick() is False
    state["printer"] = True
    assert dog.tick() is True
    assert fake.sent == ["WATCHDOG=1", "WATCHDOG=1"]


def test_a_check_that_raises_counts_as_failing() -> None:
    def broken() -> bool:
        raise RuntimeError("print worker gone")

    fake = FakeNotifier()
    dog = Watchdog([broken], fake, ENV)
    assert dog.tick() is False
    assert fake.sent == []


def test_ready_is_sent_once_and_stopping_at_stop() -> None:
    fake = FakeNotifier()
    dog = Watchdog([], fake, {"NOTIFY_SOCKET": "/run/fake/notify"})
    dog.start()
    dog.start()
    dog.stop()
    assert fake.sent == ["READY=1", "STOPPING=1"]


def test_no_notify_socket_means_no_op() -> None:
    fake = FakeNotifier()
    dog = Watchdog([lambda: True], fake, {"WATCHDOG_USEC": "30000000"})
    dog.start()
    assert dog.tick() is False
    dog.stop()
    assert fake.sent == []


def test_nothing_runs_before_start() -> None:
    fake = FakeNotifier()
    Watchdog([lambda: True], fake, ENV)
    assert fake.sent == []


def test_real_notify_socket_receives_ready_and_pings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "notify"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    server.bind(str(path))
    # A generous timeout only guards against a hang; nothing asserts on timing.
    server.settimeout(10)
    # sdnotify reads NOTIFY_SOCKET from the process environment.
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    try:
        dog = Watchdog([lambda: True], None, {"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "20000"})
        dog.start()
        got = [server.recv(64).decode(), server.recv(64).decode()]
        dog.stop()
    finally:
        server.close()
    assert got[:2] == ["READY=1", "WATCHDOG=1"]
