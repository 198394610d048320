"""Shared fixtures: an app on a temporary data directory, its client and services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings


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


# The hub's backends (SQLite, and PostgreSQL when a server answers) and its live server.
from tests.hub_support import hub_db, live_hub  # noqa: E402, F401
