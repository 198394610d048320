"""The kiosk served as ``kiosk serve`` serves it: a free loopback port, the command in
its own process, or the app on waitress in a thread."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import threading
import time

from flask import Flask

from kiosk.cli import web_server
from kiosk.settings import Settings


def free_port() -> int:
    """A loopback port nothing listens on now: for a server told its port before it
    starts (a ``kiosk serve`` process; settings, whose [web] port may not be 0), or for
    an address nobody answers on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def run_kiosk(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"kiosk serve exited with {proc.returncode}")
        try:
            get(port, "/healthz")
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("kiosk serve did not answer")


class WaitressKiosk:
    """The app on waitress as ``kiosk serve`` runs it (kiosk.cli.web_server), on the
    loopback port of its settings, in a thread: a page's stream of signals holds one of
    its threads, as on a kiosk."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self.app = app
        self.server = web_server(app, settings)
        self.url = f"http://127.0.0.1:{settings.web.port}"
        threading.Thread(target=self.server.run, daemon=True).start()

    def stop(self) -> None:
        services = self.app.extensions["kiosk"]
        devices = services.extra.get("devices")
        if devices is not None:
            devices.signals.close()  # as kiosk serve stops: the page's stream ends first
        self.server.close()
        services.close()
