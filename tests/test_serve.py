"""`kiosk serve` as systemd runs it: READY and watchdog pings, and the error page."""

from __future__ import annotations

import http.client
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve_support import free_port, get, run_kiosk, wait_up


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[Path, int, dict[str, str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env["KIOSK_KIOSK_DATA_DIR"] = str(tmp_path / "data")
    yield tmp_path, port, env


def test_ready_and_watchdog_pings_reach_systemd(serve: tuple[Path, int, dict[str, str]]) -> None:
    tmp, port, env = serve
    sock_path = tmp / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    sock.settimeout(10)
    env.update(NOTIFY_SOCKET=str(sock_path), WATCHDOG_USEC="1000000")
    proc = run_kiosk(["serve", "--port", str(port)], env)
    try:
        messages: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (
            "READY=1" in messages and messages.count("WATCHDOG=1") >= 2
        ):
            messages.append(sock.recv(256).decode())
        assert "READY=1" in messages
        assert messages.count("WATCHDOG=1") >= 2
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        sock.close()


def test_bad_config_serves_an_error_page_not_a_blank_screen(
    serve: tuple[Path, int, dict[str, str]],
) -> None:
    tmp, port, env = serve
    bad = tmp / "kiosk.toml"
    bad.write_text("[web]\nprot = 1\n")
    proc = run_kiosk(["serve", "--config", str(bad), "--port", str(port)], env)
    try:
        wait_up(port, proc)
        status, body = get(port, "/")
        assert status == 503 and "web.prot" in body and "kiosk.toml" in body
        status, body = get(port, "/healthz")
        assert status == 503 and "config-error" in body
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_served_kiosk_answers_only_its_own_host(
    serve: tuple[Path, int, dict[str, str]],
) -> None:
    _, port, env = serve
    proc = run_kiosk(["serve", "--port", str(port)], env)
    try:
        wait_up(port, proc)  # http.client names 127.0.0.1 and the port: answered
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.putrequest("GET", "/", skip_host=True)
        conn.putheader("Host", f"evil.example:{port}")
        conn.endheaders()
        assert conn.getresponse().status == 400
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
