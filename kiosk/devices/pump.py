"""The hardware around the screen, as the kiosk app sees it.

``build_devices`` claims the pins and the display named in the settings (every
device is optional); ``standard_pump`` starts the one thread that consumes the
device events, so GPIO callbacks (on gpiozero's threads) never reach a request's
database connection or Flask. The page learns what to do from :class:`ScreenSignals`,
sent to it as they come (``GET /signals/stream``) or polled (``GET /signals``):
``wake`` (motion or the staff button: start the attract loop), ``sleep`` (the screen
went off), ``open_staff_pad``, ``listen`` (the start-speech button or headphones plugged in: read
the screen aloud), ``key_up`` ... ``key_volume_down`` (a navigation button: the page handles it
as its key).

Lifecycle, in create_app and at exit::

    devices = build_devices(settings.gpio, settings.display)
    signals = ScreenSignals()
    pump = standard_pump(devices, signals, on_paper=..., status=..., on_error=...)
    ...
    pump.stop(); devices.close()
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hardware.display import DisplayError, DisplayPower, make_display
from hardware.gpio import (
    NAVIGATION_KEYS,
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
    emit,
    light_pattern,
    make_pin_factory,
)
from kiosk.hours import staff_open
from kiosk.settings import DisplaySection, GpioSection

__all__ = [
    "DeviceEvent",
    "Devices",
    "EventPump",
    "GpioError",
    "ScreenSignals",
    "build_devices",
    "standard_pump",
]

log = logging.getLogger(__name__)

PIN_SETTINGS = (
    "pir_pin",
    "staff_button_pin",
    "paper_low_pin",
    "status_led_pin",
    "call_staff_pin",
    "speech_button_pin",
    *(f"key_{key}_pin" for key in NAVIGATION_KEYS),
)
KEY_SIGNALS = tuple(f"key_{key}" for key in NAVIGATION_KEYS)
PAGE_SIGNALS = ("wake", "sleep", "open_staff_pad", "listen", *KEY_SIGNALS)
_OPPOSITE = {"wake": "sleep", "sleep": "wake"}
# A key press is for the screen in front of the visitor now: one the page has not
# taken within this time (a staff screen was shown, the page was loading for long)
# is dropped rather than acted on later, on another screen.
KEY_FRESH_SECONDS = 3.0


class ScreenSignals:
    """Signals for the page, kept until it takes them: through the stream, or a poll.

    ``wake``, ``sleep``, ``open_staff_pad`` and ``listen`` are kept at most once each;
    key presses are kept each and in order (two presses of Down move twice), for
    :data:`KEY_FRESH_SECONDS`.

    One stream receives them: the newest (:meth:`listen`). The kiosk shows one page;
    the stream of a page that is gone may still be open for a while, and a signal it
    took would be lost.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._changed = threading.Condition()
        self._pending: list[tuple[str, float]] = []
        self._listener = 0
        self._closed = False

    def post(self, name: str) -> None:
        if name not in PAGE_SIGNALS:
            raise ValueError(f"unknown screen signal {name!r}")
        with self._changed:
            # Presses nobody took in time go now, so that a chattering contact while no
            # page listens (a staff screen, the browser restarting) cannot pile them up.
            now = self._clock()
            self._pending = [
                (pending, posted)
                for pending, posted in self._pending
                if pending not in KEY_SIGNALS or now - posted <= KEY_FRESH_SECONDS
            ]
            names = [pending for pending, _ in self._pending]
            if name not in KEY_SIGNALS:
                # The page only needs the latest of wake and sleep.
                opposite = _OPPOSITE.get(name)
                if opposite in names:
                    del self._pending[names.index(opposite)]
                if name in names:
                    return
            self._pending.append((name, now))
            self._changed.notify_all()

    def pop_for_page(self) -> list[str]:
        with self._changed:
            return self._take_locked()

    def _take_locked(self) -> list[str]:
        now = self._clock()
        pending, self._pending = self._pending, []
        return [
            name
            for name, posted in pending
            if name not in KEY_SIGNALS or now - posted <= KEY_FRESH_SECONDS
        ]

    def listen(self) -> int:
        """A new stream: from now on it, not an older one, receives the signals."""
        with self._changed:
            self._listener += 1
            self._changed.notify_all()  # the older stream ends at once
            return self._listener

    def wait_for_page(
        self, listener: int, timeout: float, gone: Callable[[], bool] = lambda: False
    ) -> list[str] | None:
        """The signals for stream ``listener``, waiting up to ``timeout`` seconds for one
        ([] when none came); None once a newer stream has taken over, or its page is
        ``gone()`` (checked before taking: a page that has closed takes nothing)."""
        with self._changed:
            self._changed.wait_for(
                lambda: listener != self._listener or self._closed or bool(self._pending),
                timeout,
            )
            if listener != self._listener or self._closed or gone():
                return None
            return self._take_locked()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """The kiosk stops: every stream ends now, so that no web thread waits on one."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


@dataclass
class Devices:
    """The devices that are wired; absent ones are None (the call output never is)."""

    events: EventQueue
    display: DisplayPower
    call_staff: CallStaff
    pir: PirSensor | None = None
    staff_button: StaffButton | None = None
    paper_sensor: PaperLowSensor | None = None
    light: StatusLight | None = None
    speech_button: SpeechButton | None = None
    # The navigation buttons that are wired, by key name ("up", "select", ...).
    keys: dict[str, KeyButton] = field(default_factory=dict)
    _closed: bool = field(default=False, repr=False)

    @property
    def paper_low(self) -> bool | None:
        """What the paper-low sensor says; None when there is none."""
        return None if self.paper_sensor is None else self.paper_sensor.paper_low

    def show_status(self, printer_state: str, healthy: bool) -> Pattern:
        pattern = light_pattern(printer_state, healthy)
        if self.light is not None:
            self.light.show(pattern)
        return pattern

    def keep_awake(self) -> None:
        """A touch on the screen: restart the count to screen-off."""
        if self.pir is not None:
            self.pir.keep_awake()

    def call_staff_now(self, hours_text: str, now: datetime) -> str:
        """The "talk to someone" tile: "called", "closed" or "unavailable".

        ``now`` is the kiosk's wall-clock time; a bad hours text raises ValueError
        (check it at start with ``kiosk.hours.parse_hours``).
        """
        if not self.call_staff.available:
            return "unavailable"
        if not staff_open(hours_text, now):
            return "closed"
        return "called" if self.call_staff.call() else "unavailable"

    def close(self) -> None:
        """Release every pin; the status light goes off, the screen is left on."""
        if self._closed:
            return
        self._closed = True
        for device in (
            self.pir,
            self.staff_button,
            self.paper_sensor,
            self.light,
            self.speech_button,
            *self.keys.values(),
        ):
            if device is not None:
                device.close()
        self.call_staff.close()
        try:
            self.display.on()  # a stopped kiosk must not leave a dark screen behind
        except DisplayError as exc:
            log.warning("display on at close: %s", exc)


def _check_pins(gpio: GpioSection) -> dict[str, int]:
    pins = {key: getattr(gpio, key) for key in PIN_SETTINGS if getattr(gpio, key) is not None}
    seen: dict[int, str] = {}
    for key, pin in pins.items():
        if pin in seen:
            raise GpioError(f"gpio.{key} = {pin}: pin already used by gpio.{seen[pin]}")
        seen[pin] = key
    return pins


def build_devices(
    gpio: GpioSection,
    display: DisplaySection,
    pin_factory: Any = None,
    *,
    runner: Callable[..., Any] | None = None,
) -> Devices:
    """Claim the configured pins and the display; raise GpioError naming the setting.

    ``pin_factory`` overrides ``gpio.pin_factory`` (tests pass a MockFactory);
    ``runner`` replaces subprocess.run for wlr-randr.
    """
    events: EventQueue = queue.Queue()
    screen = make_display(
        display.kind,
        output=display.output,
        backlight_path=display.backlight_path,
        rotation=display.rotation,
        runner=runner,
    )
    if not gpio.enabled:
        return Devices(events, screen, CallStaff(None, gpio.call_staff_seconds))
    pins = _check_pins(gpio)
    factory = pin_factory if pin_factory is not None else make_pin_factory(gpio.pin_factory)
    built: dict[str, Any] = {}
    makers: dict[str, Callable[[int], Any]] = {
        "pir_pin": lambda pin: PirSensor(
            pin, events, idle_seconds=gpio.screen_off_minutes * 60, pin_factory=factory
        ),
        "staff_button_pin": lambda pin: StaffButton(pin, events, pin_factory=factory),
        "paper_low_pin": lambda pin: PaperLowSensor(
            pin, events, active_low=gpio.paper_low_active_low, pin_factory=factory
        ),
        "status_led_pin": lambda pin: StatusLight(pin, pin_factory=factory),
        "call_staff_pin": lambda pin: CallStaff(pin, gpio.call_staff_seconds, pin_factory=factory),
        "speech_button_pin": lambda pin: SpeechButton(pin, events, pin_factory=factory),
    }
    for key in NAVIGATION_KEYS:
        makers[f"key_{key}_pin"] = lambda pin, key=key: KeyButton(  # type: ignore[misc]
            pin, events, key, pin_factory=factory
        )
    try:
        for key, pin in pins.items():
            try:
                built[key] = makers[key](pin)
            except Exception as exc:  # gpiozero's errors: busy pin, no driver, bad pin
                raise GpioError(f"gpio.{key} = {pin}: {type(exc).__name__}: {exc}") from None
    except GpioError:
        for device in built.values():
            device.close()
        raise
    return Devices(
        events,
        screen,
        built.get("call_staff_pin") or CallStaff(None, gpio.call_staff_seconds),
        pir=built.get("pir_pin"),
        staff_button=built.get("staff_button_pin"),
        paper_sensor=built.get("paper_low_pin"),
        light=built.get("status_led_pin"),
        speech_button=built.get("speech_button_pin"),
        keys={key: built[f"key_{key}_pin"] for key in NAVIGATION_KEYS if f"key_{key}_pin" in built},
    )


Handler = Callable[[DeviceEvent], None]
ErrorHandler = Callable[[str, Exception], None]
_STOP = "_stop"


def _log_error(kind: str, exc: Exception) -> None:
    log.warning("device event %s: %s", kind, exc)


class EventPump:
    """One thread: takes device events off the queue and calls their handlers.

    ``tick`` (if given) runs about every ``tick_seconds`` on the same thread, e.g.
    to refresh the status light. A failing handler is reported to ``on_error`` and
    the pump goes on.
    """

    def __init__(
        self,
        events: EventQueue,
        *,
        tick: Callable[[], None] | None = None,
        tick_seconds: float = 5.0,
        on_error: ErrorHandler = _log_error,
    ) -> None:
        self.events = events
        self._handlers: dict[str, list[Handler]] = {}
        self._tick = tick
        self._tick_seconds = tick_seconds
        self._on_error = on_error
        self._thread: threading.Thread | None = None

    def on(self, kind: str, handler: Handler) -> None:
        self._handlers.setdefault(kind, []).append(handler)

    def handle(self, event: DeviceEvent) -> None:
        for handler in self._handlers.get(event.kind, []):
            try:
                handler(event)
            except Exception as exc:  # one bad handler must not stop the screen waking
                self._on_error(event.kind, exc)

    def _run_tick(self) -> None:
        if self._tick is None:
            return
        try:
            self._tick()
        except Exception as exc:
            self._on_error("tick", exc)

    def _loop(self) -> None:
        self._run_tick()
        next_tick = time.monotonic() + self._tick_seconds
        while True:
            try:
                event = self.events.get(timeout=max(0.0, next_tick - time.monotonic()))
            except queue.Empty:
                event = None
            if event is not None:
                if event.kind == _STOP:
                    return
                self.handle(event)
            if time.monotonic() >= next_tick:
                self._run_tick()
                next_tick = time.monotonic() + self._tick_seconds

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("event pump already started")
        self._thread = threading.Thread(target=self._loop, name="device-events", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        if self._thread is None:
            return
        emit(self.events, _STOP)
        self._thread.join(timeout)
        self._thread = None


def standard_pump(
    devices: Devices,
    signals: ScreenSignals,
    *,
    on_paper: Callable[[bool], None] | None = None,
    status: Callable[[], tuple[str, bool]] | None = None,
    on_staff_button: Callable[[], None] | None = None,
    on_headphones_out: Callable[[], None] | None = None,
    screen_allowed: Callable[[], bool] = lambda: True,
    tick_seconds: float = 5.0,
    on_error: ErrorHandler = _log_error,
) -> EventPump:
    """The kiosk's wiring of device events, started.

    motion wakes the screen; idle turns it off; the staff button calls
    ``on_staff_button()`` (which lifts a lock of the PIN pad), wakes the screen and
    opens the pad; the start-speech button wakes the screen and has the page read
    it aloud (the "listen" signal), and so do headphones plugged in
    (kiosk.devices.headphones), whose unplugging calls ``on_headphones_out()`` (which
    silences speech); a navigation button wakes the screen, restarts its count to
    screen-off and has the page handle its key; the paper sensor calls
    ``on_paper(low)``; ``status()`` returns (printer state, healthy) for the status
    light. Outside the screen's hours (``screen_allowed()`` false) the screen is
    turned off and motion leaves it off; the staff button still wakes it.
    """
    display = devices.display

    def wake(_: DeviceEvent) -> None:
        signals.post("wake")
        if not display.is_on:
            display.on()

    def motion(event: DeviceEvent) -> None:
        if screen_allowed():
            wake(event)

    def sleep(_: DeviceEvent) -> None:
        signals.post("sleep")
        display.off()

    def listen(event: DeviceEvent) -> None:
        signals.post("listen")  # the page reads its screen aloud, speech mode on
        wake(event)

    def key(event: DeviceEvent) -> None:
        signals.post(event.kind)  # the page handles it as its key
        wake(event)
        devices.keep_awake()  # as a touch does

    def staff(event: DeviceEvent) -> None:
        if on_staff_button is not None:
            on_staff_button()  # before the pad opens, so that it opens unlocked
        signals.post("open_staff_pad")  # before waking: a failing display must not hide it
        wake(event)

    allowed_before = [screen_allowed()]

    def tick() -> None:
        allowed = screen_allowed()
        if allowed != allowed_before[0]:
            # The screen's hours begin or end: switch once, at the edge, so that the
            # staff button can still light the screen at night.
            allowed_before[0] = allowed
            (wake if allowed else sleep)(DeviceEvent("hours", datetime.now(UTC)))
        if status is not None:
            devices.show_status(*status())

    def start(event: DeviceEvent) -> None:
        # The screen may have been left off by a previous run: switch it on once,
        # unless it is outside its hours.
        if allowed_before[0]:
            display.on()
        else:
            sleep(event)

    pump = EventPump(devices.events, tick=tick, tick_seconds=tick_seconds, on_error=on_error)
    pump.on("start", start)
    pump.on("motion", motion)
    pump.on("idle", sleep)
    pump.on("staff_button", staff)
    pump.on("speech_button", listen)
    pump.on("headphones_in", listen)
    if on_headphones_out is not None:
        pump.on("headphones_out", lambda _: on_headphones_out())
    for name in KEY_SIGNALS:
        pump.on(name, key)
    if on_paper is not None:
        pump.on("paper_low", lambda _: on_paper(True))
        pump.on("paper_ok", lambda _: on_paper(False))
    emit(devices.events, "start")
    pump.start()
    return pump
