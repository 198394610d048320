"""gpiozero's mock pins for the device tests, and the pins the tests wire them to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPWMPin

# Motion sensor, staff button, paper-low switch, status light, call-staff light.
PIR, BUTTON, PAPER, LED, CALL = 4, 17, 27, 5, 6


@pytest.fixture
def mock_pins() -> Iterator[MockFactory]:
    """Mock pins (PWM-capable, for the status light's patterns) for the test's
    devices; the factory before it is put back afterwards."""
    previous = Device.pin_factory
    Device.pin_factory = MockFactory(pin_class=MockPWMPin)
    yield Device.pin_factory
    Device.pin_factory.reset()
    Device.pin_factory = previous
