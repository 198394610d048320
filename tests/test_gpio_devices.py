"""GPIO devices on gpiozero's mock pins: drive the inputs, watch the queue and outputs."""

from __future__ import annotations

import itertools
import queue
import time
from collections.abc import Callable
from typing import Any

import pytest
from gpiozero import Button
from gpiozero.pins.mock import MockFactory, MockPin

from hardware.gpio import (
    FAST,
    NAVIGATION_KEYS,
    OFF,
    SLOW,
    STEADY,
    CallStaff,
    DeviceEvent,
    EventQueue,
    GpioError,
    KeyButton,
    PaperLowSensor,
    Pattern,
    PirSensor,
    SpeechButton,
    StaffButton,
    StatusLight,
    light_pattern,
    make_pin_factory,
)
from tests.gpio_support import BUTTON, CALL, LED, PAPER, PIR


@pytest.fixture
def events() -> EventQueue:
    return queue.Queue()


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def kinds(events: EventQueue, n: int, timeout: float = 3.0) -> list[str]:
    return [events.get(timeout=timeout).kind for _ in range(n)]


def assert_quiet(events: EventQueue, wait: float = 0.3) -> None:
    with pytest.raises(queue.Empty):
        event: DeviceEvent = events.get(timeout=wait)
        pytest.fail(f"unexpected event {event.kind}")


# --- PIR --------------------------------------------------------------------------


def test_motion_right_after_start_is_not_lost(mock_pins: Any, events: EventQueue) -> None:
    # The first-sample gotcha: without waiting for it, this edge fires nothing.
    pir = PirSensor(PIR, events, idle_seconds=None, sample_rate=100)
    mock_pins.pin(PIR).drive_high()
    assert kinds(events, 1) == ["motion"]
    assert pir.motion
    pir.close()


class HeldHighPin(MockPin):  # type: ignore[misc]
    """A PIR output already high at start: it drives the line whatever the pull."""

    def _set_pull(self, value: str) -> None:
        self._pull = value


def test_someone_already_there_at_start_is_motion(events: EventQueue) -> None:
    held = MockFactory(pin_class=HeldHighPin)
    held.pin(PIR).drive_high()
    pir = PirSensor(PIR, events, idle_seconds=0.05, sample_rate=100, pin_factory=held)
    assert kinds(events, 1) == ["motion"]
    assert_quiet(events)  # no idle while motion lasts
    pir.close()
    held.reset()


def test_no_motion_turns_idle_and_motion_cancels_it(mock_pins: Any, events: EventQueue) -> None:
    pir = PirSensor(PIR, events, idle_seconds=0.05, sample_rate=100)
    assert kinds(events, 1) == ["idle"]
    mock_pins.pin(PIR).drive_high()
    assert kinds(events, 1) == ["motion"]
    assert_quiet(events)
    mock_pins.pin(PIR).drive_low()
    assert kinds(events, 1) == ["idle"]
    pir.close()


def test_motion_before_the_idle_time_keeps_the_screen_on(
    mock_pins: Any, events: EventQueue
) -> None:
    pir = PirSensor(PIR, events, idle_seconds=0.4, sample_rate=100)
    mock_pins.pin(PIR).drive_high()
    assert kinds(events, 1) == ["motion"]
    assert_quiet(events, 0.6)
    pir.close()


def test_never_idle_when_screen_off_is_disabled(mock_pins: Any, events: EventQueue) -> None:
    pir = PirSensor(PIR, events, idle_seconds=0, sample_rate=100)
    mock_pins.pin(PIR).drive_high()
    assert kinds(events, 1) == ["motion"]
    mock_pins.pin(PIR).drive_low()
    assert wait_until(lambda: not pir.motion)
    assert_quiet(events)
    pir.close()


# --- status light -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printer", "healthy", "pattern"),
    [
        ("ready", True, STEADY),
        ("none", True, STEADY),
        ("paper_out", True, SLOW),
        ("paper near end", True, SLOW),
        ("paper-low", True, SLOW),
        ("cover_open", True, SLOW),
        ("offline", True, SLOW),
        ("unknown", True, SLOW),
        ("ready", False, FAST),
        ("paper_out", False, FAST),
    ],
)
def test_light_pattern(printer: str, healthy: bool, pattern: Pattern) -> None:
    assert light_pattern(printer, healthy) == pattern


def test_patterns_are_told_apart() -> None:
    assert FAST.on_time < SLOW.on_time
    assert len({STEADY, SLOW, FAST, OFF}) == 4


def test_status_light_steady_blink_and_off(mock_pins: Any) -> None:
    light = StatusLight(LED)
    pin = mock_pins.pin(LED)
    light.show(STEADY)
    light.show(STEADY)  # the same pattern again changes nothing
    pin.assert_states([False, True])
    light.show(Pattern("test", 0.02, 0.02))
    assert wait_until(lambda: len(pin.states) >= 6), pin.states
    states = [s.state for s in pin.states]
    assert all(a != b for a, b in itertools.pairwise(states))  # on, off, on, ...
    light.close()
    assert not pin.state


def test_status_light_fast_blink_is_sampled_on_and_off(mock_pins: Any) -> None:
    light = StatusLight(LED)
    pin = mock_pins.pin(LED)
    light.show(FAST)
    seen: set[bool] = set()
    deadline = time.monotonic() + 3
    while len(seen) < 2 and time.monotonic() < deadline:
        seen.add(pin.state)
        time.sleep(0.01)
    assert seen == {True, False}
    light.show(OFF)
    assert not pin.state
    light.close()


# --- staff button and paper sensor ---------------------------------------------------


def test_staff_button_press_is_one_event(mock_pins: Any, events: EventQueue) -> None:
    button = StaffButton(BUTTON, events)
    pin = mock_pins.pin(BUTTON)
    pin.drive_low()
    pin.drive_high()
    assert kinds(events, 1) == ["staff_button"]
    assert_quiet(events, 0.1)
    button.close()


def test_speech_button_press_is_one_event(mock_pins: Any, events: EventQueue) -> None:
    button = SpeechButton(BUTTON, events)
    pin = mock_pins.pin(BUTTON)
    pin.drive_low()
    pin.drive_high()
    assert kinds(events, 1) == ["speech_button"]
    assert_quiet(events, 0.1)
    button.close()
    assert mock_pins.pin(BUTTON).state  # released: pulled up again, nothing holds it


@pytest.mark.parametrize("key", NAVIGATION_KEYS)
def test_a_navigation_button_press_is_one_event_naming_its_key(
    mock_pins: Any, events: EventQueue, key: str
) -> None:
    button = KeyButton(BUTTON, events, key)
    pin = mock_pins.pin(BUTTON)
    pin.drive_low()
    pin.drive_high()
    assert kinds(events, 1) == [f"key_{key}"]
    assert_quiet(events, 0.1)
    button.close()


def test_an_unknown_navigation_key_is_refused(mock_pins: Any, events: EventQueue) -> None:
    with pytest.raises(ValueError, match="unknown navigation key 'left'"):
        KeyButton(BUTTON, events, "left")
    Button(BUTTON).close()  # the pin was never claimed


def test_paper_low_sensor_active_low(mock_pins: Any, events: EventQueue) -> None:
    sensor = PaperLowSensor(PAPER, events)
    pin = mock_pins.pin(PAPER)
    assert not sensor.paper_low
    pin.drive_low()
    assert sensor.paper_low
    pin.drive_high()
    assert not sensor.paper_low
    assert kinds(events, 2) == ["paper_low", "paper_ok"]
    sensor.close()


def test_paper_low_sensor_active_high(mock_pins: Any, events: EventQueue) -> None:
    sensor = PaperLowSensor(PAPER, events, active_low=False)
    mock_pins.pin(PAPER).drive_high()
    assert sensor.paper_low
    assert kinds(events, 1) == ["paper_low"]
    sensor.close()


# --- call staff ---------------------------------------------------------------------------


def test_call_staff_holds_the_output_then_releases(mock_pins: Any) -> None:
    call = CallStaff(CALL, 0.2)
    pin = mock_pins.pin(CALL)
    assert call.available
    assert call.call() is True
    assert wait_until(lambda: call.calling)
    assert wait_until(lambda: not call.calling)
    pin.assert_states([False, True, False])
    # The time stamp of a state is how long the state before it lasted.
    assert pin.states[-1].timestamp >= 0.2 * 0.9
    call.close()


def test_call_staff_close_silences_a_running_call(mock_pins: Any) -> None:
    call = CallStaff(CALL, 30)
    call.call()
    assert wait_until(lambda: call.calling)
    call.close()
    assert not mock_pins.pin(CALL).state


def test_call_staff_without_output_says_so() -> None:
    call = CallStaff(None, 10)
    assert not call.available
    assert call.call() is False
    assert not call.calling
    call.close()


# --- pin factories --------------------------------------------------------------------------


def test_pin_factory_by_name() -> None:
    assert make_pin_factory("") is None
    assert isinstance(make_pin_factory("mock"), MockFactory)
    with pytest.raises(GpioError, match=r"gpio\.pin_factory = 'pigpio'"):
        make_pin_factory("pigpio")


def test_closing_releases_the_pin(mock_pins: Any, events: EventQueue) -> None:
    StaffButton(BUTTON, events).close()
    Button(BUTTON).close()  # would raise GPIOPinInUse if still held


def test_a_touch_restarts_the_idle_count_but_not_during_motion(
    mock_pins: Any, events: EventQueue
) -> None:
    pir = PirSensor(PIR, events, idle_seconds=0.05, sample_rate=100)
    assert kinds(events, 1) == ["idle"]
    pir.keep_awake()  # someone uses the screen out of the sensor's sight
    assert kinds(events, 1) == ["idle"]
    mock_pins.pin(PIR).drive_high()
    assert kinds(events, 1) == ["motion"]
    pir.keep_awake()
    assert_quiet(events)
    pir.close()
