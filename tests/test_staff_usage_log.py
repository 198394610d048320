"""The Usage and Log screens: counts per day, top activities, released scores only, events."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.catalog.model import pick
from kiosk.context import Services
from tests.staff_support import sign_in


@pytest.fixture
def staff(app: Flask, client: FlaskClient) -> FlaskClient:
    sign_in(app, client)
    client.get("/staff/lang/en")  # not counted as a visitor's choice
    return client


def _day(services: Services, days_ago: int) -> datetime:
    day = services.tally.today() - timedelta(days=days_ago)
    return datetime.combine(day, time(12), tzinfo=services.tally.tz)


def test_usage_counts_per_day_for_fourteen_days(staff: FlaskClient, services: Services) -> None:
    tally = services.tally
    tally.count("sessions_started", n=4, now=_day(services, 0))
    tally.count("sessions_started", n=7, now=_day(services, 13))
    tally.count("sessions_started", n=99, now=_day(services, 14))  # outside the window
    tally.count("consent_declined", n=2, now=_day(services, 1))
    tally.count("abandoned", "1:timeout", n=1, now=_day(services, 0))
    tally.count("abandoned", "3:exit", n=2, now=_day(services, 0))
    data = staff.get("/staff/usage.json").get_json()
    assert len(data["days"]) == 14
    assert data["days"][-1] == services.tally.today().isoformat()
    assert data["series"]["sessions_started"][-1] == 4
    assert data["series"]["sessions_started"][0] == 7
    assert sum(data["series"]["sessions_started"]) == 11
    assert data["series"]["consent_declined"][-2] == 2
    assert data["series"]["abandoned"][-1] == 3
    html = staff.get("/staff/usage").get_data(as_text=True)
    assert "vendor/chart.umd.js" in html
    assert 'id="visits-chart"' in html


def test_top_activities_have_their_titles(staff: FlaskClient, services: Services) -> None:
    activity = services.catalog.get("demo-001")
    assert activity is not None
    for _ in range(3):
        services.tally.count("activity_views", "demo-001")
    services.tally.count("activity_prints", "demo-001")
    services.tally.count("activity_views", "gone-42")
    html = staff.get("/staff/usage").get_data(as_text=True)
    assert pick(activity.title, "en") in html
    assert "gone-42" in html  # an activity no longer listed shows by its id


def test_pending_score_window_is_invisible(staff: FlaskClient, services: Services) -> None:
    for raw in (12, 25, 33, 41, 45):
        services.tally.complete_test("esis-test-pack", raw)
    html = staff.get("/staff/usage").get_data(as_text=True)
    assert "esis-test-pack" not in html
    assert "No results have been released yet." in html
    assert staff.get("/staff/usage.json").get_json()["series"]["tests_completed"][-1] == 5
    tomorrow = datetime.now(services.tally.tz) + timedelta(days=1)
    assert services.tally.seal_due(tomorrow) == 1  # as the app does after midnight
    with services.store.write():
        assert services.tally.roll_window("esis-test-pack", services.tally.today())
    services.tally.complete_test("esis-test-pack", 20)  # a new pending window: hidden again
    html = staff.get("/staff/usage").get_data(as_text=True)
    assert "esis-test-pack" in html
    windows = html[html.index('class="windows"') :]
    assert "<td>5</td><td>1</td><td>1</td><td>1</td><td>2</td>" in windows
    assert "<td>6</td>" not in windows


def test_log_shows_events_newest_first_and_filters_by_level(
    staff: FlaskClient, services: Services
) -> None:
    services.events.info("printer", "paper restocked")
    services.events.warning("printer", "print failed (paper_out): printer paper_out")
    services.events.error("config", "bad value")
    html = staff.get("/staff/log").get_data(as_text=True)
    assert html.index("bad value") < html.index("paper_out") < html.index("paper restocked")
    warnings = staff.get("/staff/log?level=warning").get_data(as_text=True)
    assert "paper_out" in warnings and "paper restocked" not in warnings
    assert "bad value" not in warnings
    assert "bad value" in staff.get("/staff/log?level=nonsense").get_data(as_text=True)


def test_log_keeps_to_two_hundred_events(staff: FlaskClient, services: Services) -> None:
    for i in range(250):
        services.events.info("test", f"event number {i:03d}")
    html = staff.get("/staff/log").get_data(as_text=True)
    assert "event number 249" in html
    assert "event number 050" in html
    assert "event number 049" not in html
