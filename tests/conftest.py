"""Shared fixtures: an app on a temporary data directory, its client and services."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings
from tests.profiles import MUTATION, MUTATION_EXAMPLES, PROFILE_VARIABLE

# Property tests assert behaviour, never timings: no per-example deadline, and no
# health check that fails a test because a loaded machine generated data slowly.
hypothesis_settings.register_profile(
    "kiosk", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# scripts/mutation.py runs the tests once per mutant: fewer examples there (see
# tests/profiles.py), the same tests.
hypothesis_settings.register_profile(
    MUTATION,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    max_examples=MUTATION_EXAMPLES,
)
hypothesis_settings.load_profile(os.environ.get(PROFILE_VARIABLE) or "kiosk")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings().replace(kiosk={"data_dir": str(tmp_path / "data")})


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    svc: Services = app.extensions["kiosk"]
    svc.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def services(app: Flask) -> Services:
    svc: Services = app.extensions["kiosk"]
    return svc


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The CSRF token a page carries, as a browser would read it."""
    import re

    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "page has no CSRF token"
    return match.group(1)


# Fixtures the modules share: the hub's backends (SQLite, and PostgreSQL when a server
# answers) and its live server, gpiozero's mock pins for the device tests, and a kiosk
# uploading to a live hub on simulated days.
from tests.gpio_support import mock_pins  # noqa: E402, F401
from tests.hub_support import hub_db, live_hub  # noqa: E402, F401
from tests.upload_support import uploading  # noqa: E402, F401
