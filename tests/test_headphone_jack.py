"""The headphone jack: reading amixer's output, and the watch that starts speech on a plug."""

from __future__ import annotations

import queue
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from hardware.display import FakeDisplay
from hardware.gpio import CallStaff, DeviceEvent, EventQueue
from hardware.jack import (
    AlsaJack,
    Control,
    FakeJack,
    JackError,
    control_id,
    find_headphone_jack,
    parse_controls,
    parse_value,
)
from kiosk.app import create_app
from kiosk.devices.headphones import HeadphoneWatch
from kiosk.devices.pump import Devices, ScreenSignals, standard_pump
from kiosk.settings import Settings

# `amixer -c 1 controls` of a USB sound card that describes its connectors (UAC2).
USB_CONTROLS = """\
numid=5,iface=CARD,name='Headphone - Output Jack'
numid=6,iface=CARD,name='Headset - Input Jack'
numid=3,iface=MIXER,name='Headphone Playback Switch'
numid=4,iface=MIXER,name='Headphone Playback Volume'
numid=1,iface=MIXER,name='Mic Capture Switch'
numid=2,iface=MIXER,name='Mic Capture Volume'
numid=7,iface=PCM,name='Playback Channel Map'
numid=8,iface=PCM,name='Capture Channel Map'
"""
# An HDA codec of a laptop: a headset combo jack, phantom jacks, HDMI jacks.
HDA_LAPTOP_CONTROLS = """\
numid=22,iface=CARD,name='HDMI/DP,pcm=3 Jack'
numid=28,iface=CARD,name='HDMI/DP,pcm=7 Jack'
numid=20,iface=CARD,name='Headphone Mic Jack'
numid=18,iface=CARD,name='Headphones Jack'
numid=17,iface=CARD,name='Internal Mic Phantom Jack'
numid=19,iface=CARD,name='Speaker Phantom Jack'
numid=10,iface=MIXER,name='Master Playback Switch'
numid=9,iface=MIXER,name='Master Playback Volume'
numid=2,iface=MIXER,name='Headphone Playback Switch'
numid=1,iface=MIXER,name='Headphone Playback Volume'
"""
# An HDA codec of a desktop board: front and rear jacks.
HDA_DESKTOP_CONTROLS = """\
numid=16,iface=CARD,name='Front Mic Jack'
numid=19,iface=CARD,name='Line Out Jack'
numid=17,iface=CARD,name='Rear Mic Jack'
numid=18,iface=CARD,name='Line Jack'
numid=20,iface=CARD,name='Front Headphone Jack'
numid=1,iface=MIXER,name='Front Playback Volume'
"""
# An HDA codec whose headphone pin cannot sense a plug: a phantom jack, always on.
HDA_PHANTOM_CONTROLS = """\
numid=12,iface=CARD,name='Headphone Phantom Jack'
numid=11,iface=CARD,name='Mic Jack'
numid=13,iface=CARD,name='Speaker Phantom Jack'
numid=2,iface=MIXER,name='Headphone Playback Switch'
"""
# A Raspberry Pi 4's own 3.5 mm jack (card Headphones): no jack control at all.
PI_HEADPHONES_CONTROLS = """\
numid=2,iface=MIXER,name='PCM Playback Switch'
numid=1,iface=MIXER,name='PCM Playback Volume'
"""
PLUGGED = """\
numid=18,iface=CARD,name='Headphones Jack'
  ; type=BOOLEAN,access=r-------,values=1
  : values=on
"""
UNPLUGGED = PLUGGED.replace("values=on", "values=off")
NO_SUCH_CARD = "Invalid card number '7'.\n"
NO_SUCH_ELEMENT = "amixer: Cannot find the given element from control hw:1\n\n"


@pytest.mark.parametrize(
    "listing, name",
    [
        (USB_CONTROLS, "Headphone - Output Jack"),
        (HDA_LAPTOP_CONTROLS, "Headphones Jack"),
        (HDA_DESKTOP_CONTROLS, "Front Headphone Jack"),
        (HDA_PHANTOM_CONTROLS, None),
        (PI_HEADPHONES_CONTROLS, None),
        ("", None),
    ],
)
def test_the_headphone_jack_is_found_among_the_cards_controls(
    listing: str, name: str | None
) -> None:
    found = find_headphone_jack(parse_controls(listing))
    assert (found.name if found else None) == name


def test_controls_are_read_with_their_number_interface_and_name() -> None:
    controls = parse_controls(HDA_LAPTOP_CONTROLS)
    assert len(controls) == 10
    assert controls[0] == Control(22, "CARD", "HDMI/DP,pcm=3 Jack")
    assert Control(18, "CARD", "Headphones Jack") in controls


def test_the_plug_is_read_from_cget() -> None:
    assert parse_value(PLUGGED) is True
    assert parse_value(UNPLUGGED) is False
    for odd in ("", "numid=1,iface=MIXER,name='PCM Playback Volume'\n  : values=87\n"):
        with pytest.raises(JackError):
            parse_value(odd)


def test_a_control_name_is_quoted_as_amixer_reads_it() -> None:
    assert control_id("Headphone Jack") == "iface=CARD,name='Headphone Jack'"
    assert control_id("Kuuloke's Jack") == 'iface=CARD,name="Kuuloke\'s Jack"'


class Amixer:
    """subprocess.run standing in for amixer: answers by the arguments after -c CARD."""

    def __init__(self, answers: dict[str, tuple[int, str, str]]) -> None:
        self.answers = answers
        self.calls: list[list[str]] = []

    def __call__(self, args: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(args)
        code, out, err = self.answers[args[3]]
        return subprocess.CompletedProcess(args, code, out, err)


def test_the_jack_looks_its_control_up_once_and_reads_it() -> None:
    amixer = Amixer({"controls": (0, HDA_LAPTOP_CONTROLS, ""), "cget": (0, PLUGGED, "")})
    jack = AlsaJack("PCH", runner=amixer)
    assert jack.plugged() is True
    amixer.answers["cget"] = (0, UNPLUGGED, "")
    assert jack.plugged() is False
    assert [call[3] for call in amixer.calls] == ["controls", "cget", "cget"]
    assert amixer.calls[-1] == ["amixer", "-c", "PCH", "cget", "iface=CARD,name='Headphones Jack'"]
    assert jack.describe() == "sound card PCH, control 'Headphones Jack'"


def test_a_card_without_a_jack_control_cannot_tell() -> None:
    amixer = Amixer({"controls": (0, PI_HEADPHONES_CONTROLS, "")})
    assert AlsaJack("Headphones", runner=amixer).plugged() is None
    named = Amixer({"cget": (1, "", NO_SUCH_ELEMENT)})
    assert AlsaJack("1", control="Headphone Jack", runner=named).plugged() is None
    assert [call[3] for call in named.calls] == ["cget"]  # a named control is not looked up


def test_a_failing_amixer_is_an_error_that_says_what_it_said() -> None:
    jack = AlsaJack("7", runner=Amixer({"controls": (1, "", NO_SUCH_CARD)}))
    with pytest.raises(JackError, match="Invalid card number"):
        jack.plugged()

    def missing(*_: Any, **__: Any) -> Any:
        raise FileNotFoundError("amixer")

    with pytest.raises(JackError, match="could not run"):
        AlsaJack("1", runner=missing).plugged()


@pytest.mark.parametrize("card", ["-D", "plughw:CARD=Device", "hw:1", "1 2", "", "Ääni"])
def test_only_a_card_index_or_id_is_taken(card: str) -> None:
    with pytest.raises(JackError, match="ALSA card"):
        AlsaJack(card)


# --- the watch ------------------------------------------------------------------


class Watched:
    def __init__(self, state: bool | None = False) -> None:
        self.jack = FakeJack(state)
        self.events: EventQueue = queue.Queue()
        self.notes: list[tuple[str, str]] = []
        self.watch = HeadphoneWatch(
            self.jack,
            self.events,
            poll_seconds=0.01,
            note=lambda level, text: self.notes.append((level, text)),
        )

    def taken(self) -> list[str]:
        kinds: list[str] = []
        while True:
            try:
                event: DeviceEvent = self.events.get_nowait()
            except queue.Empty:
                return kinds
            kinds.append(event.kind)


def test_a_plug_starts_speech_once_and_an_unplug_stops_it() -> None:
    w = Watched(False)
    assert w.watch.poll()
    assert w.taken() == []
    w.jack.state = True
    assert w.watch.poll()
    assert w.taken() == ["headphones_in"]
    for _ in range(3):  # left in: nothing more
        w.watch.poll()
    assert w.taken() == []
    w.jack.state = False
    w.watch.poll()
    w.watch.poll()
    assert w.taken() == ["headphones_out"]


def test_headphones_in_at_start_start_nothing() -> None:
    w = Watched(True)
    w.watch.poll()
    assert w.taken() == []
    w.jack.state = False
    w.watch.poll()
    assert w.taken() == ["headphones_out"]


def test_a_card_that_cannot_tell_is_said_once_and_not_asked_again() -> None:
    w = Watched(None)
    w.watch.start()
    w.watch.join(5.0)
    assert not w.watch.watching
    assert w.jack.reads == 1
    assert len(w.notes) == 1
    assert "cannot tell whether headphones are plugged in" in w.notes[0][1]
    assert w.taken() == []


def test_a_failing_jack_is_logged_once_and_watched_on() -> None:
    w = Watched(False)
    w.watch.poll()
    w.jack.error = JackError("amixer -c 1 cget: Invalid card number '1'.")
    for _ in range(3):
        assert w.watch.poll()  # still watching
    warnings = [text for level, text in w.notes if level == "warning"]
    assert len(warnings) == 1 and "Invalid card number" in warnings[0]
    w.jack.error = None
    w.jack.state = True  # plugged in while amixer failed: a plug all the same
    w.watch.poll()
    assert w.taken() == ["headphones_in"]
    assert "answers again" in w.notes[-1][1]


def test_the_watch_thread_puts_the_plug_on_the_queue_and_stops() -> None:
    w = Watched(False)
    w.watch.start()
    try:
        deadline = time.monotonic() + 5.0
        while w.jack.reads == 0 and time.monotonic() < deadline:
            time.sleep(0.01)  # the first answer is where it starts from
        w.jack.state = True
        event = w.events.get(timeout=5.0)
        assert event.kind == "headphones_in"
        assert event.time <= datetime.now(UTC)
    finally:
        w.watch.stop()
    assert not w.watch.watching


# --- the pump and the running kiosk -------------------------------------------------


def wait_until(check: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()


def collect(got: list[str], more: list[str]) -> list[str]:
    got.extend(more)
    return got


def test_the_pump_has_the_page_listen_on_a_plug_and_silences_on_an_unplug() -> None:
    w = Watched(False)
    display = FakeDisplay()
    devices = Devices(w.events, display, CallStaff(None, 10))
    signals = ScreenSignals()
    silenced: list[bool] = []
    pump = standard_pump(devices, signals, on_headphones_out=lambda: silenced.append(True))
    try:
        w.watch.poll()
        w.jack.state = True
        w.watch.poll()
        got: list[str] = []
        assert wait_until(lambda: "listen" in collect(got, signals.pop_for_page()))
        assert got.count("listen") == 1
        assert silenced == []
        w.jack.state = False
        w.watch.poll()
        assert wait_until(lambda: silenced == [True])
        assert "listen" not in signals.pop_for_page()
    finally:
        pump.stop()
        devices.close()


@pytest.fixture
def jack_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path)},
        speech={"kind": "fake", "headphone_card": "7", "headphone_poll_seconds": 0.2},
        display={"kind": "fake"},
    )
    app = create_app(settings, memory=True)
    yield app
    app.extensions["kiosk"].close()


def test_plugging_headphones_into_the_kiosk_starts_speech_and_unplugging_silences_it(
    jack_app: Flask,
) -> None:
    svc = jack_app.extensions["kiosk"]
    part = svc.extra["devices"]
    # This machine has no card 7: amixer fails, the kiosk runs on and says so once.
    assert wait_until(lambda: any("cannot read it" in e.message for e in svc.events.recent()))
    assert part.headphones.watching
    part.headphones.stop()
    w = Watched(False)
    w.events = part.devices.events
    w.watch = HeadphoneWatch(w.jack, w.events, poll_seconds=0.01, note=lambda *_: None)
    w.watch.poll()
    w.jack.state = True
    w.watch.poll()
    client = jack_app.test_client()
    got: list[str] = []
    assert wait_until(
        lambda: "listen" in collect(got, client.get("/signals").get_json()["signals"])
    )
    assert got.count("listen") == 1
    speaker = svc.extra["speech"].speaker
    before = speaker.stopped
    w.jack.state = False
    w.watch.poll()
    assert wait_until(lambda: speaker.stopped > before)
    assert len([e for e in svc.events.recent() if "cannot read it" in e.message]) == 1


def test_headphones_are_watched_only_where_a_card_is_given_and_speech_is_on(
    tmp_path: Path,
) -> None:
    for speech in ({"kind": "fake"}, {"kind": "none", "headphone_card": "1"}):
        app = create_app(Settings().replace(kiosk={"data_dir": str(tmp_path)}, speech=speech))
        try:
            assert "devices" not in app.extensions["kiosk"].extra
        finally:
            app.extensions["kiosk"].close()
