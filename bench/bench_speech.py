"""Speech figures: from a key press in the kiosk's browser to the start of speech,
and from entering a screen to its first word, with the fake and with espeak-ng;
espeak-ng's memory per utterance.

"Start of speech" is when the speaker receives the utterance (fake), or when
espeak-ng's first audio samples come out of its pipe, ready for the player
(real). The key press is Playwright pressing "*" (Listen) in the system Chromium,
so the figure includes the page's script, the HTTP request and the worker's hand-over.

Run: .venv/bin/python bench/bench_speech.py [ROUNDS]   (prints figures; not a test)
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from hardware.speech import EspeakSpeaker, FakeSpeaker, Utterance
from tests.browser.screens import ARGS, CHROMIUM, make_live

HEADER = 44  # bytes of the WAV header espeak-ng writes before the samples


class TimedFake(FakeSpeaker):
    """The fake, noting when each utterance reached it."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def say(self, utterance: Utterance) -> None:
        self.times.append(time.perf_counter())
        super().say(utterance)


class TimedEspeak:
    """espeak-ng as the kiosk runs it, noting when its first samples come out."""

    def __init__(self) -> None:
        self.engine = EspeakSpeaker(wav_dir=Path(tempfile.mkdtemp()))
        self.times: list[float] = []
        self.peak_kb = 0
        self._proc: subprocess.Popen[bytes] | None = None

    def say(self, utterance: Utterance) -> None:
        proc = subprocess.Popen(
            self.engine.command(utterance),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._proc = proc
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(utterance.text.encode())
        proc.stdin.close()
        proc.stdout.read(HEADER + 1)  # the header, then the first sample
        self.times.append(time.perf_counter())
        # The rest, as a player would take it; espeak-ng's peak memory (VmHWM: of
        # this program alone, unlike rusage, which counts the forking parent too).
        while proc.stdout.read(4096):
            self.peak_kb = max(self.peak_kb, vm_hwm_kb(proc.pid))
        proc.wait()

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()

    def close(self) -> None:
        self.stop()


def vm_hwm_kb(pid: int) -> int:
    try:
        for row in Path(f"/proc/{pid}/status").read_text().splitlines():
            if row.startswith("VmHWM:"):
                return int(row.split()[1])
    except OSError:
        pass  # already gone
    return 0


def wait_count(times: list[float], count: int, seconds: float = 10.0) -> float:
    deadline = time.perf_counter() + seconds
    while len(times) < count:
        if time.perf_counter() > deadline:
            raise RuntimeError("no speech came")
        time.sleep(0.001)
    return times[count - 1]


def measure(browser: Any, speaker: Any, rounds: int) -> tuple[list[float], list[float]]:
    """(key press -> speech start, entering a screen -> first word), in ms."""
    live = make_live(Path(tempfile.mkdtemp()), speech={"kind": "fake"})
    worker = live.app.extensions["kiosk"].extra["speech"]
    worker.speaker = speaker
    keys: list[float] = []
    screens: list[float] = []
    try:
        page = browser.new_context(viewport={"width": 800, "height": 480}).new_page()
        page.goto(live.url + "/activities/demo-001")
        page.keyboard.press("*")  # speech mode on; the first press warms everything up
        wait_count(speaker.times, 1)
        done = 1
        for _ in range(rounds):
            time.sleep(0.05)
            start = time.perf_counter()
            page.keyboard.press("*")
            done += 1
            keys.append((wait_count(speaker.times, done) - start) * 1000)
        for _ in range(rounds):
            start = time.perf_counter()
            page.goto(live.url + "/activities/demo-002")
            done += 1
            screens.append((wait_count(speaker.times, done) - start) * 1000)
            time.sleep(0.05)
    finally:
        live.stop()
    return keys, screens


def own_peak_mb() -> float:
    """This process's peak memory: the kiosk app, its speech worker thread, the bench."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return (
        f"{name:<44} median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms"
        f"   max {max(values):7.1f} ms   (n={len(values)})"
    )


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    if CHROMIUM is None:
        print("no Chromium installed: nothing measured")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        keys, screens = measure(browser, TimedFake(), rounds)
        print(line("key press -> speech start, fake", keys))
        print(line("entering a screen -> first word, fake", screens))
        if shutil.which("espeak-ng") is None:
            print("espeak-ng not installed: the real engine is not measured")
        else:
            real = TimedEspeak()
            keys, screens = measure(browser, real, rounds)
            print(line("key press -> first audio, espeak-ng", keys))
            print(line("entering a screen -> first audio, espeak-ng", screens))
            print(f"{'espeak-ng peak memory (largest run)':<44} {real.peak_kb / 1024:7.1f} MB")
        print(f"{'kiosk process (server, worker) max RSS':<44} {own_peak_mb():7.1f} MB")
        browser.close()


if __name__ == "__main__":
    main()
