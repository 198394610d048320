"""Helpers for the staff-mode tests: a settable clock and signing in."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token

PIN = "246813"


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def use_clock(app: Flask, clock: FakeClock) -> None:
    """The staff part's clock and its PIN store's clock, both set by the test."""
    app.extensions["staff"]["clock"] = clock
    app.extensions["staff"]["pins"].clock = clock


def set_pin(app: Flask, pin: str = PIN) -> None:
    app.extensions["staff"]["pins"].set_pin(pin)


def try_pin(client: FlaskClient, pin: str) -> tuple[int, str]:
    token = csrf_token(client, "/staff/pin")
    response = client.post("/staff/pin", data={"pin": pin, "csrf_token": token})
    return response.status_code, response.get_data(as_text=True)


def sign_in(app: Flask, client: FlaskClient) -> str:
    """Set the PIN, sign in, and return a CSRF token for the staff forms."""
    set_pin(app)
    status, _ = try_pin(client, PIN)
    assert status == 302
    return csrf_token(client, "/staff/health")
