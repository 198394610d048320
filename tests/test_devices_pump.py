"""The kiosk's side of the hardware: building devices from settings, the event pump."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from gpiozero import Button

from hardware.display import FakeDisplay, NoDisplay
from hardware.gpio import (
    FAST,
    OFF,
    SLOW,
    STEADY,
    CallStaff,
    EventQueue,
    PaperLowSensor,
    PirSensor,
    StaffButton,
    StatusLight,
    emit,
)
from kiosk.devices.pump import (
    KEY_FRESH_SECONDS,
    Devices,
    EventPump,
    GpioError,
    ScreenSignals,
    build_devices,
    standard_pump,
)
from kiosk.settings import DisplaySection, GpioSection
from tests.gpio_support import BUTTON, CALL, LED, PAPER, PIR

HKI = ZoneInfo("Europe/Helsinki")


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


ALL_PINS = GpioSection(
    enabled=True,
    pir_pin=PIR,
    staff_button_pin=BUTTON,
    paper_low_pin=PAPER,
    status_led_pin=LED,
    call_staff_pin=CALL,
    call_staff_seconds=1,
)


# --- build_devices ----------------------------------------------------------------------


def test_gpio_off_builds_no_devices(mock_pins: Any) -> None:
    devices = build_devices(GpioSection(pir_pin=PIR), DisplaySection(kind="fake"))
    assert devices.pir is None and devices.light is None and devices.paper_sensor is None
    assert devices.paper_low is None
    assert not devices.call_staff.available
    assert isinstance(devices.display, FakeDisplay)
    devices.close()
    Button(PIR).close()  # the pin was never claimed


def test_every_configured_device_is_built(mock_pins: Any) -> None:
    devices = build_devices(ALL_PINS, DisplaySection(), pin_factory=mock_pins)
    assert devices.pir is not None and devices.staff_button is not None
    assert devices.light is not None and devices.call_staff.available
    assert devices.paper_low is False
    mock_pins.pin(PAPER).drive_low()
    assert devices.paper_low is True
    assert isinstance(devices.display, NoDisplay)
    devices.close()
    for pin in (PIR, BUTTON, PAPER, LED, CALL):
        Button(pin).close()  # every pin released


def test_mock_factory_from_settings() -> None:
    gpio = GpioSection(enabled=True, pin_factory="mock", staff_button_pin=BUTTON)
    devices = build_devices(gpio, DisplaySection())
    assert devices.staff_button is not None
    devices.close()


def test_a_pin_used_twice_is_refused(mock_pins: Any) -> None:
    gpio = GpioSection(enabled=True, pir_pin=PIR, call_staff_pin=PIR)
    with pytest.raises(
        GpioError, match=r"gpio.call_staff_pin = 4: pin already used by gpio.pir_pin"
    ):
        build_devices(gpio, DisplaySection())
    Button(PIR).close()


def test_one_pin_for_two_buttons_is_refused_naming_the_setting(mock_pins: Any) -> None:
    gpio = GpioSection(enabled=True, staff_button_pin=BUTTON, speech_button_pin=BUTTON)
    with pytest.raises(GpioError, match=r"gpio\.speech_button_pin = \d+: pin already used"):
        build_devices(gpio, DisplaySection())


def test_a_failing_device_releases_the_others(mock_pins: Any) -> None:
    # 99 bypasses the settings' range check, as a hand-built section could.
    gpio = GpioSection(enabled=True, staff_button_pin=BUTTON, call_staff_pin=99)
    with pytest.raises(GpioError, match=r"gpio\.call_staff_pin = 99"):
        build_devices(gpio, DisplaySection())
    Button(BUTTON).close()


def test_call_staff_only_when_wired_and_open(mock_pins: Any) -> None:
    hours = "ma-pe 10-16"
    monday_noon = datetime(2026, 11, 23, 12, 0, tzinfo=HKI)
    sunday = datetime(2026, 11, 29, 12, 0, tzinfo=HKI)
    unwired = build_devices(GpioSection(enabled=True), DisplaySection())
    assert unwired.call_staff_now(hours, monday_noon) == "unavailable"
    wired = build_devices(ALL_PINS, DisplaySection())
    assert wired.call_staff_now(hours, sunday) == "closed"
    assert not wired.call_staff.calling
    assert wired.call_staff_now(hours, monday_noon) == "called"
    assert wait_until(lambda: wired.call_staff.calling)
    with pytest.raises(ValueError, match="present hours"):
        wired.call_staff_now("always", monday_noon)
    wired.close()
    assert not mock_pins.pin(CALL).state


def test_show_status_sets_the_light(mock_pins: Any) -> None:
    devices = build_devices(ALL_PINS, DisplaySection())
    assert devices.show_status("ready", True) == STEADY
    assert mock_pins.pin(LED).state
    assert devices.show_status("paper_out", True) == SLOW
    assert devices.light is not None and devices.light.pattern == SLOW
    devices.close()
    assert not mock_pins.pin(LED).state  # off: the kiosk is not running


# --- screen signals ------------------------------------------------------------------------


def test_screen_signals_once_each_latest_of_wake_and_sleep() -> None:
    signals = ScreenSignals()
    signals.post("wake")
    signals.post("open_staff_pad")
    signals.post("wake")
    assert signals.pop_for_page() == ["wake", "open_staff_pad"]
    assert signals.pop_for_page() == []
    signals.post("wake")
    signals.post("sleep")
    assert signals.pop_for_page() == ["sleep"]
    with pytest.raises(ValueError, match="unknown screen signal"):
        signals.post("reboot")


# --- the pump ---------------------------------------------------------------------------------


def test_key_presses_are_kept_each_and_in_order() -> None:
    signals = ScreenSignals(clock=lambda: 100.0)
    for name in ("key_down", "wake", "key_down", "key_select", "wake"):
        signals.post(name)
    assert signals.pop_for_page() == ["key_down", "wake", "key_down", "key_select"]


def test_a_key_press_the_page_did_not_take_in_time_is_dropped() -> None:
    now = [100.0]
    signals = ScreenSignals(clock=lambda: now[0])
    signals.post("key_select")
    signals.post("open_staff_pad")
    now[0] += KEY_FRESH_SECONDS + 1  # a staff screen was shown meanwhile
    signals.post("key_down")
    assert signals.pop_for_page() == ["open_staff_pad", "key_down"]


def test_presses_nobody_takes_do_not_pile_up() -> None:
    now = [100.0]
    signals = ScreenSignals(clock=lambda: now[0])
    for _ in range(1000):  # a chattering contact while no page listens
        signals.post("key_down")
        now[0] += 1.0
    assert len(signals._pending) <= KEY_FRESH_SECONDS + 1


def test_the_newest_stream_takes_the_signals() -> None:
    signals = ScreenSignals()
    old = signals.listen()
    assert signals.wait_for_page(old, 0.01) == []  # nothing came
    new = signals.listen()
    assert signals.wait_for_page(old, 1.0) is None  # the old page's stream ends at once
    signals.post("key_home")
    assert signals.wait_for_page(new, 1.0) == ["key_home"]


def test_the_stream_of_a_page_that_has_gone_takes_nothing() -> None:
    signals = ScreenSignals()
    old = signals.listen()
    signals.post("key_down")  # pressed while the next page loads
    assert signals.wait_for_page(old, 1.0, gone=lambda: True) is None
    assert signals.wait_for_page(signals.listen(), 1.0) == ["key_down"]  # the next page's


def test_closing_ends_every_stream_at_once() -> None:
    signals = ScreenSignals()
    listener = signals.listen()
    threading.Timer(0.05, signals.close).start()
    assert signals.wait_for_page(listener, 30.0) is None  # the kiosk stops: not 30 s later
    assert signals.closed


def test_a_waiting_stream_gets_a_signal_posted_from_another_thread() -> None:
    signals = ScreenSignals()
    listener = signals.listen()
    threading.Timer(0.05, signals.post, args=("listen",)).start()
    assert signals.wait_for_page(listener, 5.0) == ["listen"]


def test_pump_calls_handlers_on_its_thread_and_survives_errors() -> None:
    events: EventQueue = queue.Queue()
    errors: list[tuple[str, str]] = []
    seen: list[tuple[str, str]] = []
    pump = EventPump(events, on_error=lambda kind, exc: errors.append((kind, str(exc))))

    def broken(_: Any) -> None:
        raise RuntimeError("boom")

    pump.on("motion", broken)
    pump.on("motion", lambda e: seen.append((e.kind, threading.current_thread().name)))
    pump.start()
    emit(events, "motion")
    emit(events, "unheard")
    assert wait_until(lambda: len(seen) == 1)
    pump.stop()
    assert seen == [("motion", "device-events")]
    assert errors == [("motion", "boom")]


def test_pump_ticks_without_events() -> None:
    ticks = threading.Semaphore(0)
    pump = EventPump(queue.Queue(), tick=ticks.release, tick_seconds=0.01)
    pump.start()
    assert all(ticks.acquire(timeout=3) for _ in range(3))
    pump.stop()


def test_standard_pump_end_to_end(mock_pins: Any) -> None:
    events: EventQueue = queue.Queue()
    display = FakeDisplay()
    devices = Devices(
        events,
        display,
        CallStaff(None, 10),
        pir=PirSensor(PIR, events, idle_seconds=0.1, sample_rate=100),
        staff_button=StaffButton(BUTTON, events),
        paper_sensor=PaperLowSensor(PAPER, events),
        light=StatusLight(LED),
    )
    signals = ScreenSignals()
    paper: list[bool] = []
    state = {"printer": "ready", "healthy": True}
    pump = standard_pump(
        devices,
        signals,
        on_paper=paper.append,
        status=lambda: (str(state["printer"]), bool(state["healthy"])),
        tick_seconds=0.02,
    )
    try:
        # Nobody there: the screen goes off after the idle time.
        assert wait_until(lambda: display.calls[-1:] == ["off"])
        assert display.calls[0] == "on"  # switched on once at start
        assert wait_until(lambda: "sleep" in signals.pop_for_page())
        # Someone walks up: the screen wakes and the page starts its attract loop.
        mock_pins.pin(PIR).drive_high()
        assert wait_until(lambda: display.is_on)
        assert wait_until(lambda: "wake" in signals.pop_for_page())
        # The staff button opens the PIN pad.
        mock_pins.pin(BUTTON).drive_low()
        assert wait_until(lambda: "open_staff_pad" in signals.pop_for_page())
        # The paper sensor feeds the printer state.
        mock_pins.pin(PAPER).drive_low()
        mock_pins.pin(PAPER).drive_high()
        assert wait_until(lambda: paper == [True, False])
        # The status light follows the status callback.
        assert wait_until(lambda: devices.light is not None and devices.light.pattern == STEADY)
        state["healthy"] = False
        assert wait_until(lambda: devices.light is not None and devices.light.pattern == FAST)
    finally:
        pump.stop()
        devices.close()
    assert devices.light is not None and devices.light.pattern == OFF
    assert display.is_on


def test_display_failure_is_reported_not_fatal(mock_pins: Any) -> None:
    events: EventQueue = queue.Queue()
    display = FakeDisplay()
    display.fail = True
    devices = Devices(events, display, CallStaff(None, 10))
    errors: list[str] = []
    signals = ScreenSignals()
    pump = standard_pump(devices, signals, on_error=lambda kind, exc: errors.append(kind))
    emit(events, "idle")
    emit(events, "staff_button")
    assert wait_until(lambda: "open_staff_pad" in signals.pop_for_page())
    pump.stop()
    assert errors[:2] == ["start", "idle"]
    devices.close()  # logs the failing display, does not raise


def test_outside_the_screens_hours_motion_leaves_it_off(mock_pins: Any) -> None:
    events: EventQueue = queue.Queue()
    display = FakeDisplay()
    devices = Devices(events, display, CallStaff(None, 10))
    signals = ScreenSignals()
    open_now = {"value": False}
    pump = standard_pump(
        devices, signals, screen_allowed=lambda: open_now["value"], tick_seconds=0.02
    )
    try:
        # Started at night: the screen is turned off, and motion does not wake it.
        assert wait_until(lambda: display.calls[:1] == ["off"])
        emit(events, "motion")
        emit(events, "staff_button")
        # The staff button still lights it (staff may come in early).
        assert wait_until(lambda: "open_staff_pad" in signals.pop_for_page())
        assert display.calls == ["off", "on"]
        display.off()
        # The hours begin: the screen comes on by itself, once.
        open_now["value"] = True
        assert wait_until(lambda: display.is_on)
        emit(events, "motion")
        assert wait_until(lambda: display.calls.count("on") == 2)
        # They end: off again.
        open_now["value"] = False
        assert wait_until(lambda: not display.is_on)
    finally:
        pump.stop()


def test_a_navigation_button_wakes_the_screen_and_reaches_the_page_as_its_key(
    mock_pins: Any,
) -> None:
    gpio = GpioSection(enabled=True, key_down_pin=BUTTON, key_select_pin=PAPER)
    devices = build_devices(gpio, DisplaySection(kind="fake"), pin_factory=mock_pins)
    display = devices.display
    assert isinstance(display, FakeDisplay)
    signals = ScreenSignals()
    pump = standard_pump(devices, signals, tick_seconds=0.02)
    keys: list[str] = []

    def taken() -> list[str]:
        keys.extend(name for name in signals.pop_for_page() if name.startswith("key_"))
        return keys

    try:
        assert wait_until(lambda: display.calls[:1] == ["on"])
        display.off()
        for pin in (BUTTON, BUTTON, PAPER):
            mock_pins.pin(pin).drive_low()
            mock_pins.pin(pin).drive_high()
            time.sleep(0.06)  # past the bounce time: three presses, not one
        assert wait_until(lambda: len(taken()) >= 3)
        assert keys == ["key_down", "key_down", "key_select"]
        assert display.is_on
    finally:
        pump.stop()
        devices.close()
