"""Building the speech worker from ``[speech]`` and starting it."""

from __future__ import annotations

from pathlib import Path

from hardware.speech import SpeechError, make_speaker
from kiosk.context import Services
from kiosk.settings import ConfigError
from kiosk.speech.worker import SpeechWorker


def create_speech(svc: Services) -> SpeechWorker | None:
    """The started worker, kept in ``svc.extra["speech"]``; None when speech is off.

    A missing espeak-ng is a ConfigError naming the setting and the package.
    """
    section = svc.settings.speech
    try:
        speaker = make_speaker(
            section.kind,
            rate=section.rate,
            device=section.device,
            wav_dir=Path(section.wav_dir) if section.wav_dir else None,
        )
    except SpeechError as exc:
        raise ConfigError(f"{svc.settings.source}: setting 'speech.kind': {exc}") from None
    if speaker is None:
        return None
    worker = SpeechWorker(
        speaker,
        volume=section.volume,
        max_volume=section.max_volume,
        volume_step=section.volume_step,
        private_output=section.private,
    ).start()
    svc.extra["speech"] = worker
    return worker
