"""The speech worker (one owner of the speaker) and the page's speech endpoints."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hardware.speech import FakeSpeaker, Utterance
from kiosk.app import create_app
from kiosk.context import Services
from kiosk.settings import Settings
from kiosk.speech.worker import MAX_CHARS, SpeechRefused, SpeechWorker
from tests.conftest import csrf_token


def wait_for(check: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the worker did not get there"
        time.sleep(0.005)


class SlowStop(FakeSpeaker):
    """A speaker whose stop takes a while, as killing an engine's processes may."""

    def __init__(self) -> None:
        super().__init__()
        self.order: list[str] = []

    def say(self, utterance: Utterance) -> None:
        self.order.append("say " + utterance.text)
        super().say(utterance)

    def stop(self) -> None:
        time.sleep(0.1)
        self.order.append("stop")
        super().stop()


def test_cutting_short_the_old_utterance_never_cuts_the_new_one() -> None:
    speaker = SlowStop()
    worker = SpeechWorker(speaker).start()
    try:
        worker.say("Hei", "fi")
        wait_for(lambda: "say Hei" in speaker.order)
        assert speaker.order == ["stop", "say Hei"]
    finally:
        worker.close()


def test_the_newest_waiting_utterance_replaces_the_older_one() -> None:
    fake = FakeSpeaker()
    worker = SpeechWorker(fake)
    worker.say("Etusivu", "fi")
    worker.say("Toiminnat tänään", "fi")  # the visitor moved on before anything was said
    worker.start()
    try:
        wait_for(lambda: fake.said)
        worker.say("Tulosta lappu", "fi")
        wait_for(lambda: len(fake.said) == 2)
    finally:
        worker.close()
    assert fake.texts == ["Toiminnat tänään", "Tulosta lappu"]


def test_a_new_utterance_cuts_short_the_one_being_said_and_say_never_waits() -> None:
    fake = FakeSpeaker(hold=True)  # each utterance lasts until stopped
    worker = SpeechWorker(fake, volume=60).start()
    try:
        worker.say("Pitkä kuvaus toiminnasta", "fi")
        assert fake.started.wait(5)
        fake.started.clear()
        worker.say("Tulosta", "fi")  # returns although the speaker is busy
        assert fake.started.wait(5)
        assert fake.stopped >= 1
    finally:
        worker.close()
    assert fake.said == [
        Utterance("Pitkä kuvaus toiminnasta", "fi", 60),
        Utterance("Tulosta", "fi", 60),
    ]


def test_a_reading_in_parts_is_said_in_order_each_in_its_voice() -> None:
    fake = FakeSpeaker(hold=True)
    worker = SpeechWorker(fake, volume=60).start()
    try:
        worker.say("Vanha", "fi")
        assert fake.started.wait(5)
        # A Swedish page with the form in Finnish: one reading, three voices in turn.
        worker.say_parts([("Påstående 1 av 10", "sv"), (" ", "sv"), ("Tunnen", "fi")])
        wait_for(lambda: len(fake.said) == 2)
        fake.stop()  # the Swedish part ends by itself: the Finnish one follows it
        wait_for(lambda: len(fake.said) == 3)
        worker.say("Uusi", "fi")  # a new reading replaces what of the old one waits
        wait_for(lambda: len(fake.said) == 4)
    finally:
        worker.close()
    assert fake.said == [
        Utterance("Vanha", "fi", 60),
        Utterance("Påstående 1 av 10", "sv", 60),
        Utterance("Tunnen", "fi", 60),
        Utterance("Uusi", "fi", 60),
    ]


def test_the_end_of_a_visit_silences_and_puts_the_volume_back() -> None:
    fake = FakeSpeaker(hold=True)
    worker = SpeechWorker(fake, volume=50, max_volume=90, volume_step=10).start()
    try:
        assert worker.change_volume(1) == 60
        worker.say("Lue tämä", "fi")
        assert fake.started.wait(5)
        worker.end_visit()
        assert fake.stopped >= 1
        assert worker.volume == 50
        worker.say("Uusi käynti", "fi")
        wait_for(lambda: len(fake.said) == 2)
    finally:
        worker.close()
    assert fake.said[0].volume == 60 and fake.said[1].volume == 50


def test_volume_stays_between_ten_percent_and_the_safe_maximum() -> None:
    worker = SpeechWorker(FakeSpeaker(), volume=60, max_volume=80, volume_step=10)
    assert [worker.change_volume(1) for _ in range(4)] == [70, 80, 80, 80]
    assert [worker.change_volume(-1) for _ in range(9)][-1] == 10
    assert SpeechWorker(FakeSpeaker(), volume=95, max_volume=70).volume == 70


def test_private_text_is_said_only_on_a_private_output() -> None:
    public = SpeechWorker(FakeSpeaker())
    with pytest.raises(SpeechRefused, match="not private"):
        public.say("Pisteesi: 12", "fi", private=True)
    fake = FakeSpeaker()
    private = SpeechWorker(fake, private_output=True).start()
    try:
        private.say("Pisteesi: 12", "fi", private=True)
        wait_for(lambda: fake.said)
    finally:
        private.close()
    assert fake.texts == ["Pisteesi: 12"]


def test_empty_or_overlong_text_is_refused() -> None:
    worker = SpeechWorker(FakeSpeaker())
    with pytest.raises(SpeechRefused):
        worker.say("  \n ", "fi")
    with pytest.raises(SpeechRefused):
        worker.say("a" * (MAX_CHARS + 1), "fi")


class Breaking(FakeSpeaker):
    def say(self, utterance: Utterance) -> None:
        super().say(utterance)
        if utterance.text == "rikki":
            raise OSError("the sound card went away")


def test_an_engine_failure_is_counted_and_the_worker_goes_on() -> None:
    fake = Breaking()
    worker = SpeechWorker(fake).start()
    try:
        worker.say("rikki", "fi")
        wait_for(lambda: worker.failures == 1)
        worker.say("ehjä", "fi")
        wait_for(lambda: len(fake.said) == 2)
    finally:
        worker.close()
    assert fake.texts == ["rikki", "ehjä"]


def test_close_ends_the_thread_while_an_utterance_is_being_said() -> None:
    fake = FakeSpeaker(hold=True)
    worker = SpeechWorker(fake).start()
    worker.say("kesken", "fi")
    assert fake.started.wait(5)
    worker.close()
    assert not [t for t in threading.enumerate() if t.name == "speech"]


# --- the page's endpoints ---------------------------------------------------------------


@pytest.fixture
def speech_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings().replace(
        kiosk={"data_dir": str(tmp_path / "data")},
        speech={"kind": "fake", "volume": 60, "max_volume": 80},
    )
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app
    svc: Services = app.extensions["kiosk"]
    svc.close()


def fake_of(app: Flask) -> FakeSpeaker:
    worker = app.extensions["kiosk"].extra["speech"]
    assert isinstance(worker.speaker, FakeSpeaker)
    return worker.speaker


def post(client: FlaskClient, path: str, body: object) -> tuple[int, dict[str, object]]:
    reply = client.post(path, json=body, headers={"X-CSRFToken": csrf_token(client)})
    return reply.status_code, (reply.get_json(silent=True) or {})


def test_the_page_hands_text_to_the_worker_in_its_language(speech_app: Flask) -> None:
    client = speech_app.test_client()
    status, body = post(client, "/speech/say", {"text": "Tervetuloa", "lang": "fi"})
    assert (status, body) == (202, {"volume": 60})
    wait_for(lambda: fake_of(speech_app).said)
    assert fake_of(speech_app).said == [Utterance("Tervetuloa", "fi", 60)]


def test_the_page_hands_a_reading_in_parts(speech_app: Flask) -> None:
    client = speech_app.test_client()
    parts = [{"text": "Ditt resultat", "lang": "sv"}, {"text": "© THL", "lang": "fi"}]
    assert post(client, "/speech/say", {"parts": parts})[0] == 202
    wait_for(lambda: len(fake_of(speech_app).said) == 2)
    assert fake_of(speech_app).said == [
        Utterance("Ditt resultat", "sv", 60),
        Utterance("© THL", "fi", 60),
    ]


def test_listening_turns_speech_mode_on_until_the_visit_ends(speech_app: Flask) -> None:
    client = speech_app.test_client()
    assert 'data-speech-mode="1"' not in client.get("/").get_data(as_text=True)
    post(client, "/speech/say", {"text": "Tervetuloa", "lang": "fi"})
    assert 'data-speech-mode="1"' in client.get("/activities").get_data(as_text=True)
    post(client, "/speech/volume", {"steps": 1})
    client.post("/reset", data={"csrf_token": csrf_token(client), "reason": "timeout"})
    assert 'data-speech-mode="1"' not in client.get("/").get_data(as_text=True)
    assert speech_app.extensions["kiosk"].extra["speech"].volume == 60


def test_volume_keys_change_it_within_the_safe_limit(speech_app: Flask) -> None:
    client = speech_app.test_client()
    assert [post(client, "/speech/volume", {"steps": 1})[1]["volume"] for _ in range(3)] == [
        70,
        80,
        80,
    ]
    assert post(client, "/speech/volume", {"steps": -1}) == (200, {"volume": 70})


@pytest.mark.parametrize(
    "body",
    [
        "Tervetuloa",
        ["Tervetuloa"],
        {"text": "Tervetuloa", "lang": "de"},
        {"text": 5, "lang": "fi"},
        {"text": "", "lang": "fi"},
        {"text": "x" * (MAX_CHARS + 1), "lang": "fi"},
        {"text": "Pisteesi 12", "lang": "fi", "private": True},
        {"text": "Pisteesi 12", "lang": "fi", "private": "yes"},
        {"parts": []},
        {"parts": "Tervetuloa"},
        {"parts": [{"text": "Tervetuloa", "lang": "fi"}, {"text": "Hej", "lang": "de"}]},
        {"parts": [{"text": "Tervetuloa", "lang": "fi"}, "Hej"]},
        {"parts": [{"text": "x" * MAX_CHARS, "lang": "fi"}, {"text": "y", "lang": "sv"}]},
        {"parts": [{"text": "Pisteesi 12", "lang": "fi"}], "private": True},
    ],
)
def test_bad_input_gets_a_reason_and_nothing_is_said(speech_app: Flask, body: object) -> None:
    client = speech_app.test_client()
    status, answer = post(client, "/speech/say", body)
    assert status == 400 and answer["error"]
    time.sleep(0.05)
    assert fake_of(speech_app).said == []
    assert 'data-speech-mode="1"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("body", [{"steps": 5}, {"steps": True}, {}, "up"])
def test_bad_volume_input_changes_nothing(speech_app: Flask, body: object) -> None:
    client = speech_app.test_client()
    assert post(client, "/speech/volume", body)[0] == 400
    assert speech_app.extensions["kiosk"].extra["speech"].volume == 60


def test_without_csrf_token_nothing_is_said(speech_app: Flask) -> None:
    client = speech_app.test_client()
    reply = client.post("/speech/say", json={"text": "Tervetuloa", "lang": "fi"})
    assert reply.status_code == 400
    assert fake_of(speech_app).said == []


def test_without_speech_there_is_no_listen_control_and_no_endpoint(client: FlaskClient) -> None:
    assert "listen-button" not in client.get("/").get_data(as_text=True)
    status, _ = post(client, "/speech/say", {"text": "Tervetuloa", "lang": "fi"})
    assert status == 404


def test_the_stop_endpoint_silences(speech_app: Flask) -> None:
    client = speech_app.test_client()
    reply = client.post("/speech/stop", headers={"X-CSRFToken": csrf_token(client)})
    assert reply.status_code == 204
    assert fake_of(speech_app).stopped >= 1


def test_a_kiosk_set_to_espeak_without_espeak_says_which_package_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from kiosk.settings import ConfigError

    monkeypatch.setattr(shutil, "which", lambda _name: None)
    settings = Settings().replace(kiosk={"data_dir": str(tmp_path)}, speech={"kind": "espeak"})
    with pytest.raises(ConfigError, match=r"speech\.kind.*Debian package espeak-ng"):
        create_app(settings, memory=True)
