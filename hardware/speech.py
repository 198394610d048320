"""Speech output: espeak-ng for real, a recording fake for tests and demos.

A :class:`Speaker` says one utterance at a time and blocks until it is done or
:meth:`~Speaker.stop` cuts it short (from another thread). Only one thread may
call :meth:`~Speaker.say`: the kiosk's speech worker owns the audio device, as
the print worker owns the printer.

The real one runs ``espeak-ng`` (Debian package ``espeak-ng``) with the voice of
the text's language and pipes its WAV output into ``aplay`` (``alsa-utils``) on
the ALSA device the settings name (headphone jack, USB sound card or HDMI). With
``wav_dir`` set it writes each utterance to a WAV file there instead: a machine
without a sound card, and demos. The text goes to espeak-ng on standard input,
never on the command line, so no text can be taken for an option.

Nothing here logs what is said: the self-test's score may be among it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

# espeak-ng's voice for each language the kiosk shows. English is British English,
# nearer to what Finnish schools teach than the American voice.
VOICES: Mapping[str, str] = {"fi": "fi", "sv": "sv", "en": "en-gb"}
# espeak-ng's amplitude at 100 % volume; its own default is 100, 200 distorts.
FULL_AMPLITUDE = 160


class SpeechError(RuntimeError):
    """The speech engine is missing or failed; the message names what to do."""


@dataclass(frozen=True)
class Utterance:
    """One thing to say: the text, its language, the volume in percent."""

    text: str
    lang: str
    volume: int


def voice_for(lang: str, fallback: str = "en") -> tuple[str, str]:
    """(espeak-ng voice, language actually used) for a language code such as "fi" or "sv-FI".

    A language the kiosk has no voice for is read with the fallback's voice, and the
    second value says so, so that the caller can tell the visitor.
    """
    base = lang.strip().lower().replace("_", "-").split("-")[0]
    if base in VOICES:
        return VOICES[base], base
    return VOICES[fallback], fallback


def amplitude(volume: int) -> int:
    """espeak-ng's ``-a`` for a volume in percent (0-100)."""
    return round(FULL_AMPLITUDE * max(0, min(100, volume)) / 100)


class Speaker(Protocol):
    def say(self, utterance: Utterance) -> None:
        """Say it; returns when done or stopped."""

    def stop(self) -> None:
        """Cut the utterance being said short (any thread); nothing when idle."""

    def close(self) -> None: ...


class FakeSpeaker:
    """Records what would be said, in order; ``hold`` makes each say() wait until stop().

    ``started`` is set whenever an utterance begins, for tests that need to know
    the worker has reached the device.
    """

    KEEP = 200

    def __init__(self, *, hold: bool = False) -> None:
        self.said: list[Utterance] = []
        self.stopped = 0
        self.started = threading.Event()
        self._hold = hold
        self._release = threading.Event()

    def say(self, utterance: Utterance) -> None:
        self._release.clear()
        self.said.append(utterance)
        # A demo kiosk runs for days: keep the latest only, not every visit's words.
        del self.said[: -self.KEEP]
        self.started.set()
        if self._hold:
            self._release.wait()

    def stop(self) -> None:
        self.stopped += 1
        self._release.set()

    def close(self) -> None:
        self._release.set()

    @property
    def texts(self) -> list[str]:
        return [u.text for u in self.said]


class EspeakSpeaker:
    """espeak-ng into aplay on an ALSA device, or into WAV files in ``wav_dir``."""

    def __init__(
        self,
        *,
        rate: int = 150,
        device: str = "default",
        wav_dir: Path | None = None,
        espeak: str = "espeak-ng",
        player: str = "aplay",
    ) -> None:
        self.rate = rate
        self.device = device or "default"
        self.wav_dir = wav_dir
        self._espeak = shutil.which(espeak)
        if self._espeak is None:
            raise SpeechError(f"{espeak} is not installed (Debian package espeak-ng)")
        self._player = None if wav_dir is not None else shutil.which(player)
        if wav_dir is None and self._player is None:
            raise SpeechError(f"{player} is not installed (Debian package alsa-utils)")
        self._lock = threading.Lock()
        self._running: list[subprocess.Popen[bytes]] = []
        self._stopped = False
        self._count = 0

    def command(self, utterance: Utterance) -> list[str]:
        """The espeak-ng command line for an utterance (its text goes on stdin)."""
        voice, _ = voice_for(utterance.lang)
        return [
            str(self._espeak),
            "-v",
            voice,
            "-s",
            str(self.rate),
            "-a",
            str(amplitude(utterance.volume)),
            "--stdout",
        ]

    def synthesize(self, utterance: Utterance) -> bytes:
        """The utterance as a WAV file's bytes (no playing); SpeechError when espeak-ng fails.

        Written to a file rather than standard output: only then does espeak-ng fill
        in the header's lengths.
        """
        with tempfile.TemporaryDirectory(prefix="speech-") as folder:
            target = Path(folder) / "utterance.wav"
            done = subprocess.run(
                [*self.command(utterance)[:-1], "-w", str(target)],
                input=utterance.text.encode(),
                capture_output=True,
                timeout=60,
                check=False,
            )
            data = target.read_bytes() if target.exists() else b""
        if done.returncode != 0 or not data:
            raise SpeechError(f"espeak-ng failed: {done.stderr.decode(errors='replace')[:200]}")
        return data

    def say(self, utterance: Utterance) -> None:
        with self._lock:
            self._stopped = False
            self._count += 1
            count = self._count
        if self.wav_dir is not None:
            self.wav_dir.mkdir(parents=True, exist_ok=True)
            target = self.wav_dir / f"utterance-{count:06d}.wav"
            self._run([[*self.command(utterance)[:-1], "-w", str(target)]], utterance.text)
            return
        self._run(
            [self.command(utterance), [str(self._player), "-q", "-D", self.device]],
            utterance.text,
        )

    def _run(self, commands: list[list[str]], text: str) -> None:
        """Run the commands as a pipeline, the text on the first one's stdin."""
        with self._lock:
            if self._stopped:
                return
            first = subprocess.Popen(
                commands[0],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE if len(commands) > 1 else subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            procs = [first]
            if len(commands) > 1:
                procs.append(
                    subprocess.Popen(
                        commands[1],
                        stdin=first.stdout,
                        stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL,
                    )
                )
                assert first.stdout is not None
                first.stdout.close()  # the player holds the pipe now: espeak sees it close
            self._running = procs
        try:
            assert first.stdin is not None
            first.stdin.write(text.encode())
            first.stdin.close()
        except BrokenPipeError:
            pass  # stopped before it read the text
        for proc in procs:
            proc.wait()
        with self._lock:
            self._running = []

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            for proc in self._running:
                if proc.poll() is None:
                    proc.kill()

    def close(self) -> None:
        self.stop()


def make_speaker(kind: str, *, rate: int, device: str, wav_dir: Path | None) -> Speaker | None:
    """The speaker ``[speech] kind`` names: none (None), fake or espeak."""
    if kind == "none":
        return None
    if kind == "fake":
        return FakeSpeaker()
    if kind == "espeak":
        return EspeakSpeaker(rate=rate, device=device, wav_dir=wav_dir)
    raise SpeechError(f"speech.kind = {kind!r}: expected none, fake or espeak")
