"""The speech interface: the recording fake, voices per language, and espeak-ng for real."""

from __future__ import annotations

import io
import shutil
import struct
import threading
import wave
from pathlib import Path

import pytest

from hardware.speech import (
    EspeakSpeaker,
    FakeSpeaker,
    SpeechError,
    Utterance,
    amplitude,
    make_speaker,
    voice_for,
)

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (scripts/install-system-deps.sh installs it on Debian)",
)

SENTENCES = {
    "fi": "Tervetuloa kohtaamispaikkaan. Valitse toiminta ja tulosta lappu.",
    "sv": "Välkommen till mötesplatsen. Välj en aktivitet och skriv ut en lapp.",
    "en": "Welcome to the meeting point. Choose an activity and print a slip.",
}


def test_each_language_has_its_own_voice_and_others_fall_back_visibly() -> None:
    assert voice_for("fi") == ("fi", "fi")
    assert voice_for("sv-FI") == ("sv", "sv")
    assert voice_for("en") == ("en-gb", "en")
    # Northern Sami has no voice: English is used, and the second value says so.
    assert voice_for("se") == ("en-gb", "en")
    assert voice_for("se", fallback="fi") == ("fi", "fi")


def test_volume_maps_to_espeak_amplitude_within_its_range() -> None:
    assert amplitude(0) == 0
    assert amplitude(100) == 160
    assert amplitude(150) == 160  # never above full
    assert amplitude(50) == 80


def test_fake_records_what_it_was_asked_to_say_in_order() -> None:
    fake = FakeSpeaker()
    fake.say(Utterance("Hei", "fi", 60))
    fake.say(Utterance("Hej", "sv", 70))
    assert fake.said == [Utterance("Hei", "fi", 60), Utterance("Hej", "sv", 70)]
    assert fake.texts == ["Hei", "Hej"]


def test_fake_that_holds_returns_when_stopped() -> None:
    fake = FakeSpeaker(hold=True)
    thread = threading.Thread(target=fake.say, args=(Utterance("pitkä teksti", "fi", 60),))
    thread.start()
    assert fake.started.wait(5)
    fake.stop()
    thread.join(5)
    assert not thread.is_alive()


def test_make_speaker_by_kind(tmp_path: Path) -> None:
    assert make_speaker("none", rate=150, device="default", wav_dir=None) is None
    assert isinstance(make_speaker("fake", rate=150, device="default", wav_dir=None), FakeSpeaker)
    with pytest.raises(SpeechError, match=r"speech\.kind = 'loud'"):
        make_speaker("loud", rate=150, device="default", wav_dir=None)


def test_a_missing_engine_names_its_package() -> None:
    with pytest.raises(SpeechError, match="Debian package espeak-ng"):
        EspeakSpeaker(espeak="no-such-espeak-here", wav_dir=Path("/tmp"))


def wav_facts(data: bytes) -> tuple[float, int]:
    """(seconds, peak sample) of 16-bit mono WAV bytes."""
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getsampwidth() == 2
        assert wav.getnchannels() == 1
        frames = wav.readframes(wav.getnframes())
        seconds = wav.getnframes() / wav.getframerate()
    samples = struct.unpack(f"<{len(frames) // 2}h", frames)
    return seconds, max(abs(s) for s in samples)


@needs_espeak
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_espeak_says_each_language_as_audible_speech_of_plausible_length(
    lang: str, tmp_path: Path
) -> None:
    speaker = EspeakSpeaker(rate=150, wav_dir=tmp_path)
    seconds, peak = wav_facts(speaker.synthesize(Utterance(SENTENCES[lang], lang, 60)))
    # About ten words at 150 words a minute: a few seconds, not a click, not a minute.
    assert 2.0 < seconds < 15.0
    assert peak > 3000  # not silence


@needs_espeak
def test_espeak_writes_each_utterance_to_a_wav_file_and_louder_is_louder(tmp_path: Path) -> None:
    speaker = EspeakSpeaker(rate=150, wav_dir=tmp_path)
    speaker.say(Utterance(SENTENCES["fi"], "fi", 20))
    speaker.say(Utterance(SENTENCES["fi"], "fi", 100))
    quiet, loud = sorted(tmp_path.glob("utterance-*.wav"))
    _, quiet_peak = wav_facts(quiet.read_bytes())
    _, loud_peak = wav_facts(loud.read_bytes())
    assert loud_peak > 2 * quiet_peak


@needs_espeak
def test_text_that_looks_like_an_option_is_spoken_not_obeyed(tmp_path: Path) -> None:
    speaker = EspeakSpeaker(rate=150, wav_dir=tmp_path)
    target = tmp_path / "x.wav"
    seconds, peak = wav_facts(speaker.synthesize(Utterance(f"--version -w {target}", "en", 60)))
    assert seconds > 0.5 and peak > 3000
    assert not target.exists()


@needs_espeak
def test_stop_cuts_the_utterance_short_and_kills_the_player(tmp_path: Path) -> None:
    # A player that takes the audio and then keeps the device for a minute.
    player = tmp_path / "slow-player"
    player.write_text("#!/bin/sh\ncat > /dev/null\nexec sleep 60\n")
    player.chmod(0o755)
    speaker = EspeakSpeaker(rate=150, player=str(player))
    done = threading.Event()

    def run() -> None:
        speaker.say(Utterance(SENTENCES["en"], "en", 60))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    while not speaker._running:  # the pipeline has started
        assert not done.is_set()
        threading.Event().wait(0.01)
    running = list(speaker._running)
    speaker.stop()
    assert done.wait(10), "say() did not return after stop()"
    assert all(proc.poll() is not None for proc in running)


def test_fake_keeps_only_the_latest_utterances() -> None:
    fake = FakeSpeaker()
    for n in range(FakeSpeaker.KEEP + 5):
        fake.say(Utterance(f"lause {n}", "fi", 60))
    assert len(fake.said) == FakeSpeaker.KEEP
    assert fake.texts[0] == "lause 5" and fake.texts[-1] == f"lause {FakeSpeaker.KEEP + 4}"
