"""The kiosk served on loopback: a free port, ``kiosk serve`` in its own process, the
app on waitress in a thread as ``kiosk serve`` runs it, or on werkzeug in a thread."""

from __future__ import annotations

import http.client
import logging
import socket
import subprocess
import sys
import threading
import time

from flask import Flask
from werkzeug.serving import make_server

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


class LiveKiosk:
    """The kiosk app on werkzeug, on a loopback port, in a thread."""

    def __init__(self, app: Flask) -> None:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.app.extensions["kiosk"].close()


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
