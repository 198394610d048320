"""Wiring the GPIO devices and display power into the running kiosk.

GPIO callbacks never reach Flask or the database: devices put events on a queue,
the event pump consumes it on its own thread, and the page learns what to do from
:class:`~kiosk.devices.pump.ScreenSignals`, sent to it through ``GET /signals/stream``
(Server-Sent Events) or, where that fails, polled through ``GET /signals``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from kiosk.context import Services
from kiosk.hours import within_hours

if TYPE_CHECKING:
    from hardware.gpio import EventQueue
    from kiosk.devices.headphones import HeadphoneWatch
    from kiosk.devices.pump import Devices, EventPump, ScreenSignals


@dataclass
class DevicePart:
    devices: Devices
    signals: ScreenSignals
    pump: EventPump
    # The gpiozero pin factory in use (a MockFactory in demo mode and tests).
    pin_factory: Any = None
    # The page's stream of signals (kiosk.devices.views): how long one lasts, how
    # often it shows it is alive, and when the page comes back after it ends.
    stream_seconds: float = 300.0
    heartbeat_seconds: float = 15.0
    retry_ms: int = 1000
    # The headphone jack's watch ([speech] headphone_card), when there is one.
    headphones: HeadphoneWatch | None = None

    def stop(self) -> None:
        if self.headphones is not None:
            self.headphones.stop()
        self.signals.close()
        self.pump.stop()
        self.devices.close()

    def health(self) -> dict[str, Any]:
        return {
            "paper_low_sensor": self.devices.paper_low,
            "call_staff": self.devices.call_staff.available,
        }


def wire(svc: Services) -> DevicePart | None:
    """Open the configured devices and start the pump; None when GPIO is off."""
    settings = svc.settings
    # Screen hours need the pump even on a kiosk without GPIO devices.
    hours = settings.display.on_hours if settings.display.kind != "none" else ""
    # So does a headphone jack that starts speech.
    speech = settings.speech
    jack_card = speech.headphone_card if speech.kind != "none" else ""
    if not settings.gpio.enabled and not hours.strip() and not jack_card:
        return None
    # gpiozero takes a noticeable part of a Pi's start-up: import it only when used.
    from hardware.gpio import make_pin_factory
    from kiosk.devices.pump import ScreenSignals, build_devices, standard_pump

    factory = make_pin_factory(settings.gpio.pin_factory)
    devices = build_devices(settings.gpio, settings.display, pin_factory=factory)
    signals = ScreenSignals()

    def printer_status() -> tuple[str, bool]:
        printer = svc.extra.get("print_queue")
        state = getattr(printer, "printer_state", None)
        return (str(state()) if callable(state) else "none", True)

    def on_paper(low: bool) -> None:
        printer = svc.extra.get("print_queue")
        hook = getattr(printer, "paper_sensor", None)
        if callable(hook):
            hook(low)
        if low:
            svc.events.warning("paper", "paper low (sensor)")
        else:
            svc.events.info("paper", "paper sensor ok")

    def why(exc: Exception) -> str:
        return str(exc) or type(exc).__name__  # never "kind: " with nothing after it

    def on_error(kind: str, exc: Exception) -> None:
        svc.events.warning("device", f"{kind}: {why(exc)}")

    def on_staff_button() -> None:
        # The button is within reach of staff only: it lifts a lock of the PIN pad
        # that passers-by caused (kiosk.staff.pin). A failure must not keep the pad shut.
        pad = svc.extra.get("staff_pad")
        unlock = getattr(pad, "unlock", None)
        try:
            if callable(unlock) and unlock():
                svc.events.info("staff", "PIN pad unlocked with the staff button")
        except OSError as exc:
            svc.events.error("staff", f"the staff button could not unlock the PIN pad: {why(exc)}")

    zone = ZoneInfo(settings.kiosk.timezone)

    def screen_allowed() -> bool:
        return within_hours(hours, datetime.now(zone).replace(tzinfo=None))

    def on_headphones_out() -> None:
        # The speech worker is built after the devices: looked up when needed.
        silence = getattr(svc.extra.get("speech"), "silence", None)
        if callable(silence):
            silence()

    pump = standard_pump(
        devices,
        signals,
        on_paper=on_paper,
        status=printer_status,
        on_staff_button=on_staff_button,
        on_headphones_out=on_headphones_out,
        screen_allowed=screen_allowed,
        on_error=on_error,
    )
    part = DevicePart(devices, signals, pump, factory)
    if jack_card:
        part.headphones = watch_headphones(svc, devices.events)
    return part


def watch_headphones(svc: Services, events: EventQueue) -> HeadphoneWatch:
    """The started watch of ``[speech] headphone_card``'s jack."""
    from hardware.jack import AlsaJack
    from kiosk.devices.headphones import HeadphoneWatch

    speech = svc.settings.speech
    jack = AlsaJack(speech.headphone_card, control=speech.headphone_control)

    def note(level: str, text: str) -> None:
        (svc.events.warning if level == "warning" else svc.events.info)("speech", text)

    return HeadphoneWatch(
        jack, events, poll_seconds=speech.headphone_poll_seconds, note=note
    ).start()
