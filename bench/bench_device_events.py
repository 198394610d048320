"""How fast a GPIO edge reaches the page: staff button -> event pump -> screen signal.

Runs on gpiozero's mock pins, so it measures the kiosk's own path (callback, queue,
pump thread, signals), not the pin driver. Also: PIR edge -> display switched on,
which includes waiting for the MotionSensor's next sample (10 per second; the
loop below starts right after a sample, so expect about one full period).

    .venv/bin/python bench/bench_device_events.py
"""

from __future__ import annotations

import queue
import statistics
import time
from collections.abc import Callable

from gpiozero.pins.mock import MockFactory

from hardware.display import FakeDisplay
from hardware.gpio import CallStaff, EventQueue, PirSensor, StaffButton
from kiosk.devices.pump import Devices, ScreenSignals, standard_pump

BUTTON, PIR = 17, 4


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("no answer")
        time.sleep(0.0001)


def report(name: str, samples: list[float]) -> None:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[int(len(ms) * 0.95) - 1]
    print(
        f"{name}: n={len(ms)} median={statistics.median(ms):.2f} ms "
        f"p95={p95:.2f} ms max={ms[-1]:.2f} ms"
    )


def main() -> None:
    factory = MockFactory()
    events: EventQueue = queue.Queue()
    display = FakeDisplay()
    devices = Devices(
        events,
        display,
        CallStaff(None, 10),
        pir=PirSensor(PIR, events, idle_seconds=None, pin_factory=factory),
        staff_button=StaffButton(BUTTON, events, bounce_time=0.0, pin_factory=factory),
    )
    signals = ScreenSignals()
    pump = standard_pump(devices, signals, tick_seconds=60)
    wait_for(lambda: display.calls == ["on"])
    signals.pop_for_page()

    button = factory.pin(BUTTON)
    presses = []
    for _ in range(300):
        start = time.perf_counter()
        button.drive_low()
        wait_for(lambda: "open_staff_pad" in signals.pop_for_page())
        presses.append(time.perf_counter() - start)
        button.drive_high()
    report("staff button -> open_staff_pad signal", presses)

    pir = factory.pin(PIR)
    sensor = devices.pir
    assert sensor is not None
    wakes = []
    for _ in range(20):
        display.off()
        start = time.perf_counter()
        pir.drive_high()
        wait_for(lambda: display.is_on)
        wakes.append(time.perf_counter() - start)
        pir.drive_low()
        wait_for(lambda: not sensor.motion)
    report("PIR edge -> display on (10 samples/s)", wakes)

    pump.stop()
    devices.close()


if __name__ == "__main__":
    main()
