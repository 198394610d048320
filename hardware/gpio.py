"""The GPIO devices around the screen, on gpiozero; every one is optional.

Quirks worth knowing (docs/hardware.md has the wiring):

* gpiozero runs callbacks on its own threads (the pin driver's, or the
  ``GPIOQueue`` sampling thread of a MotionSensor); with the mock pins they run in
  whatever thread drives the pin. So a callback here does one thing: put a
  :class:`DeviceEvent` on the queue the kiosk's event pump consumes. It never
  touches a database connection, Flask or the screen.
* ``MotionSensor`` needs a first sample before it fires anything: if the line
  goes high before the sampling thread has read it once, the first state is
  "indeterminate" and ``when_motion`` never fires for that edge. :class:`PirSensor`
  waits for that first sample in its constructor.
* The buttons are mechanical and bounce, hence ``bounce_time``.
* Devices claim their pins in their constructors only; importing this module
  opens nothing. ``close()`` releases the pins (the status light goes off: "off"
  means the kiosk is not running).
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from gpiozero import LED as GpioLED
from gpiozero import Button, DigitalInputDevice, DigitalOutputDevice, MotionSensor


@dataclass(frozen=True)
class DeviceEvent:
    """Something happened at the hardware: motion, idle, staff_button, speech_button,
    key_<name> (a navigation button, see :data:`NAVIGATION_KEYS`), paper_low, paper_ok;
    headphones_in and headphones_out come from the kiosk's headphone watch."""

    kind: str
    time: datetime


EventQueue = queue.Queue[DeviceEvent]


def emit(events: EventQueue, kind: str) -> None:
    events.put(DeviceEvent(kind, datetime.now(UTC)))


class GpioError(RuntimeError):
    """A GPIO device could not be set up; the message names the setting."""


def make_pin_factory(name: str) -> Any:
    """The gpiozero pin factory named by ``[gpio] pin_factory``; None = gpiozero's default."""
    try:
        if name == "":
            return None
        if name == "mock":
            from gpiozero.pins.mock import MockFactory, MockPWMPin

            return MockFactory(pin_class=MockPWMPin)
        if name == "lgpio":
            from gpiozero.pins.lgpio import LGPIOFactory

            return LGPIOFactory()
        if name == "native":
            from gpiozero.pins.native import NativeFactory

            return NativeFactory()
    except Exception as exc:  # ImportError, or the driver refusing this board
        raise GpioError(f"gpio.pin_factory = {name!r}: cannot start it: {exc}") from None
    raise GpioError(f"gpio.pin_factory = {name!r}: expected lgpio, native, mock or empty")


# --- PIR motion sensor ----------------------------------------------------------


class PirSensor:
    """Motion puts "motion"; ``idle_seconds`` without motion puts "idle" (screen off).

    ``idle_seconds`` of None or 0 never puts "idle".
    """

    def __init__(
        self,
        pin: int,
        events: EventQueue,
        *,
        idle_seconds: float | None,
        pin_factory: Any = None,
        sample_rate: float = 10,
        first_sample_timeout: float = 2.0,
    ) -> None:
        self._events = events
        self._idle_seconds = idle_seconds or None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._generation = 0
        self._sensor = MotionSensor(
            pin, queue_len=1, sample_rate=sample_rate, pin_factory=pin_factory
        )
        self._wait_first_sample(first_sample_timeout)
        self._sensor.when_motion = self._on_motion
        self._sensor.when_no_motion = self._arm_idle
        if self._sensor.motion_detected:
            emit(events, "motion")
        else:
            self._arm_idle()

    def _wait_first_sample(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            # Both are None until the sampling thread has read the pin once.
            if self._sensor.active_time is not None or self._sensor.inactive_time is not None:
                return
            time.sleep(0.005)

    @property
    def motion(self) -> bool:
        return bool(self._sensor.motion_detected)

    def _on_motion(self) -> None:
        with self._lock:
            self._cancel_locked()
        emit(self._events, "motion")

    def _cancel_locked(self) -> None:
        self._generation += 1
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _arm_idle(self) -> None:
        if self._idle_seconds is None:
            return
        with self._lock:
            self._cancel_locked()
            generation = self._generation
            self._timer = threading.Timer(self._idle_seconds, self._idle, args=(generation,))
            self._timer.daemon = True
            self._timer.start()

    def _idle(self, generation: int) -> None:
        with self._lock:
            # A motion that came while this timer was already running wins.
            if generation != self._generation:
                return
            self._timer = None
        emit(self._events, "idle")

    def keep_awake(self) -> None:
        """Someone is using the screen: restart the idle count unless motion holds it."""
        if not self.motion:
            self._arm_idle()

    def close(self) -> None:
        with self._lock:
            self._cancel_locked()
        self._sensor.close()


# --- status light -----------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """How the status light shows a state; blink times in seconds."""

    name: str
    on_time: float
    off_time: float


STEADY = Pattern("steady", 1.0, 0.0)  # ready
SLOW = Pattern("slow", 1.0, 1.0)  # the printer needs attention
FAST = Pattern("fast", 0.15, 0.15)  # the kiosk's own health check fails
OFF = Pattern("off", 0.0, 1.0)  # the kiosk is not running

# Printer states that are fine: "none" when no printer is configured at all.
PRINTER_FINE = frozenset({"ready", "none", ""})


def light_pattern(printer_state: str, healthy: bool) -> Pattern:
    """The status light for a printer state and the kiosk's own health.

    The kiosk's health comes first: a kiosk that cannot serve is worse than a
    printer without paper. Every printer state but ready (paper near end, paper
    out, cover open, offline, unknown, error) asks for attention, because silence
    from the printer never means it is fine.
    """
    if not healthy:
        return FAST
    state = printer_state.strip().lower().replace(" ", "_").replace("-", "_")
    return STEADY if state in PRINTER_FINE else SLOW


class StatusLight:
    """An LED showing a :class:`Pattern`; gpiozero's own thread does the blinking."""

    def __init__(self, pin: int, *, pin_factory: Any = None) -> None:
        self._led = GpioLED(pin, pin_factory=pin_factory)
        self._lock = threading.Lock()
        self.pattern = OFF

    def show(self, pattern: Pattern) -> None:
        with self._lock:
            if pattern == self.pattern:
                return  # re-starting a blink would make it stutter
            self.pattern = pattern
            if pattern == OFF:
                self._led.off()
            elif pattern.off_time == 0:
                self._led.on()
            else:
                self._led.blink(on_time=pattern.on_time, off_time=pattern.off_time)

    @property
    def lit(self) -> bool:
        return bool(self._led.is_lit)

    def close(self) -> None:
        self.show(OFF)
        self._led.close()


# --- inputs -------------------------------------------------------------------------


class _PressButton:
    """A button to ground (pulled up) whose press puts one event, named by the subclass."""

    event = ""

    def __init__(
        self,
        pin: int,
        events: EventQueue,
        *,
        bounce_time: float = 0.05,
        pin_factory: Any = None,
    ) -> None:
        self._button = Button(pin, pull_up=True, bounce_time=bounce_time, pin_factory=pin_factory)
        self._button.when_pressed = lambda: emit(events, self.event)

    def close(self) -> None:
        self._button.close()


class StaffButton(_PressButton):
    """A press puts "staff_button" (the screen opens the PIN pad)."""

    event = "staff_button"


class SpeechButton(_PressButton):
    """The tactile start-speech button: a press puts "speech_button" (the screen is read aloud).

    A passer-by who cannot see the screen finds it by touch (a raised symbol), so
    it is the dependable way to start speech: a 3.5 mm jack cannot tell that
    headphones went in.
    """

    event = "speech_button"


# The navigation buttons, in the order the docs list them; the page handles each one
# as the key of a numeric keypad (docs/accessibility.md).
NAVIGATION_KEYS = ("up", "down", "select", "back", "home", "volume_up", "volume_down")


class KeyButton(_PressButton):
    """A navigation button: a press puts "key_<name>", which the page handles as that key."""

    def __init__(
        self,
        pin: int,
        events: EventQueue,
        key: str,
        *,
        bounce_time: float = 0.05,
        pin_factory: Any = None,
    ) -> None:
        if key not in NAVIGATION_KEYS:
            raise ValueError(f"unknown navigation key {key!r}")
        self.event = f"key_{key}"
        super().__init__(pin, events, bounce_time=bounce_time, pin_factory=pin_factory)


class PaperLowSensor:
    """Paper running low puts "paper_low", paper back puts "paper_ok".

    With ``active_low`` (the default, e.g. an open-collector sensor) the line is
    pulled up and the sensor pulls it low when paper is low. If paper is already
    low at start, "paper_low" is put at once.
    """

    def __init__(
        self,
        pin: int,
        events: EventQueue,
        *,
        active_low: bool = True,
        pin_factory: Any = None,
    ) -> None:
        self._input = DigitalInputDevice(pin, pull_up=active_low, pin_factory=pin_factory)
        self._input.when_activated = lambda: emit(events, "paper_low")
        self._input.when_deactivated = lambda: emit(events, "paper_ok")
        if self._input.is_active:
            emit(events, "paper_low")

    @property
    def paper_low(self) -> bool:
        return bool(self._input.is_active)

    def close(self) -> None:
        self._input.close()


# --- call staff -----------------------------------------------------------------------


class CallStaff:
    """A buzzer or light at the staff desk, on for ``seconds`` per call.

    ``pin`` None means no output is wired: :meth:`call` then returns False so the
    screen can say staff cannot be called from here.
    """

    def __init__(self, pin: int | None, seconds: float, *, pin_factory: Any = None) -> None:
        self.seconds = seconds
        self._out = (
            None
            if pin is None
            else DigitalOutputDevice(pin, initial_value=False, pin_factory=pin_factory)
        )

    @property
    def available(self) -> bool:
        return self._out is not None

    @property
    def calling(self) -> bool:
        return self._out is not None and bool(self._out.is_active)

    def call(self) -> bool:
        """Signal the desk (again: the signal restarts); False if nothing is wired."""
        if self._out is None:
            return False
        # One blink on gpiozero's thread: on for `seconds`, then off; a new call
        # stops the running one and starts afresh.
        self._out.blink(on_time=self.seconds, off_time=0, n=1)
        return True

    def close(self) -> None:
        if self._out is not None:
            self._out.off()  # stops a running signal: never leave the buzzer sounding
            self._out.close()
