"""The speech worker: one thread owns the speaker; requests only hand it text.

Speech never blocks a request. :meth:`SpeechWorker.say` puts the utterance in a
one-place slot and returns: the newest utterance replaces one still waiting and
cuts short the one being said (a visitor who moves on wants to hear where they
are now, not the end of the last screen). :meth:`SpeechWorker.say_parts` hands
it a screen whose language changes (a Finnish form on a Swedish page) as one
reading in several utterances, each with its own voice: they follow one another,
and the next reading replaces all of them. :meth:`SpeechWorker.end_visit` (the
idle reset) stops speech and puts the volume back to where every visit starts.

What is said is never logged: it may be the self-test's score.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

from hardware.speech import Speaker, Utterance

MAX_CHARS = 4000  # a screen's main content is far shorter; more is a page bug


class SpeechRefused(ValueError):
    """The text cannot be said here (too long, empty, or private on a public speaker)."""


class SpeechWorker:
    def __init__(
        self,
        speaker: Speaker,
        *,
        volume: int = 60,
        max_volume: int = 100,
        volume_step: int = 10,
        private_output: bool = False,
    ) -> None:
        self.speaker = speaker
        self.start_volume = min(volume, max_volume)
        self.max_volume = max_volume
        self.volume_step = volume_step
        self.private_output = private_output
        self._volume = self.start_volume
        self._cond = threading.Condition()
        self._pending: deque[Utterance] = deque()
        self._closed = False
        self._thread: threading.Thread | None = None
        self.failures = 0  # utterances the engine failed on (counted, never logged)

    @property
    def volume(self) -> int:
        with self._cond:
            return self._volume

    def say(self, text: str, lang: str, *, private: bool = False) -> None:
        """Say ``text`` next, cutting short whatever is being said; returns at once.

        ``private`` text (the self-test's score) is said only when the output is
        private (headphones); otherwise SpeechRefused.
        """
        self.say_parts([(text, lang)], private=private)

    def say_parts(self, parts: Sequence[tuple[str, str]], *, private: bool = False) -> None:
        """Say these (text, language) parts one after another, as :meth:`say` says one.

        Empty parts are left out; ``private`` and the length limit hold for the whole.
        """
        texts = [(" ".join(text.split()), lang) for text, lang in parts]
        texts = [(text, lang) for text, lang in texts if text]
        if not texts:
            raise SpeechRefused("nothing to say")
        if sum(len(text) for text, _ in texts) > MAX_CHARS:
            raise SpeechRefused(f"longer than {MAX_CHARS} characters")
        if private and not self.private_output:
            raise SpeechRefused("private text and the output is not private")
        with self._cond:
            # Cut short what is being said before the new one is given out, so the
            # stop can never reach the new one if the worker starts it quickly.
            self.speaker.stop()
            self._pending = deque(Utterance(text, lang, self._volume) for text, lang in texts)
            self._cond.notify()

    def silence(self) -> None:
        """Drop what waits and cut short what is being said."""
        with self._cond:
            self._pending.clear()
        self.speaker.stop()

    def change_volume(self, steps: int) -> int:
        """Louder (steps > 0) or quieter by whole steps, within 10 % and max_volume."""
        with self._cond:
            wanted = self._volume + steps * self.volume_step
            self._volume = max(min(10, self.max_volume), min(self.max_volume, wanted))
            return self._volume

    def end_visit(self) -> None:
        """The visit ended (idle reset, start over): silence, and the volume back."""
        self.silence()
        with self._cond:
            self._volume = self.start_volume

    def _take(self) -> Utterance | None:
        with self._cond:
            while not self._pending and not self._closed:
                self._cond.wait()
            if self._closed:
                return None
            return self._pending.popleft()

    def _loop(self) -> None:
        while (utterance := self._take()) is not None:
            try:
                self.speaker.say(utterance)
            except Exception:  # a failing engine must not end the worker
                # Deliberately no text in any log: only that speech failed.
                self.failures += 1

    def start(self) -> SpeechWorker:
        if self._thread is not None:
            raise RuntimeError("speech worker already started")
        self._thread = threading.Thread(target=self._loop, name="speech", daemon=True)
        self._thread.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._cond.notify()
        self.speaker.stop()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.speaker.close()
