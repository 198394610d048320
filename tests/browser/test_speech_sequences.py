"""Everything the kiosk says on one visit, in order, in each language (EN 301 549 5.1.3).

A visitor who cannot see the screen presses * (speech mode) and then moves with the
arrow keys and Enter. The fake speech device records each utterance (its text and
its language); the test builds what must be heard from what the screens are made
of (the demo activity in the catalogue, the self-test's pack file, the kiosk's own
translations) and compares the whole list. Nothing said is retyped here: a
paraphrased statement, a left-out option or a Finnish statement given to the
Swedish voice fails.

A screen read as a whole is checked as its parts in order, each in its language:
where the language changes inside a screen (the Finnish form on a Swedish page)
the reading is split there, never inside a part. What a screen holds besides the
parts (badges, cards, the promises of the consent page) is not pinned here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import session
from flask_babel import gettext

from hardware.speech import FakeSpeaker, Utterance
from kiosk.catalog import wording
from kiosk.catalog.model import pick, pick_language
from kiosk.catalog.occurrences import next_occurrences
from kiosk.selftest.web import language_name
from tests.browser.conftest import LiveKiosk, make_live, new_page
from tests.browser.screens import FIXED_NOW
from tests.selftest_support import official_raw

pytestmark = pytest.mark.browser
LOCALES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
ACTIVITY = "demo-001"
# Every option once and then some: (sum - 10) * 2.5 = 65. "65 / 100" holds "5 / 10",
# as the fifth statement's progress does: a reading must not take one for the other.
ANSWERS = [1, 2, 3, 4, 5, 5, 4, 3, 4, 5]
SCORE = 65


@dataclass(frozen=True)
class Said:
    """One utterance, word for word."""

    text: str
    lang: str


@dataclass(frozen=True)
class Screen:
    """A screen read as a whole: these (text, language) parts in this order, the first
    at its very start and the last at its very end; each part within one utterance
    in its own language."""

    parts: tuple[tuple[str, str], ...]


Heard = Said | Screen


def normal(text: str) -> str:
    """Whitespace as the kiosk sends it to the voice: single spaces."""
    return " ".join(text.split())


def screen_end(screen: Screen, said: Sequence[Utterance], at: int) -> int | None:
    """Where the screen's reading ends in ``said`` when it begins at ``at``; None when
    the utterances from there are not that reading."""
    u, pos = at, 0
    for n, (text, lang) in enumerate(screen.parts):
        while u < len(said):
            found = said[u].text.find(text, pos)
            if found >= 0 and said[u].lang == lang and (n > 0 or found == 0):
                pos = found + len(text)
                break
            if n == 0:
                return None  # the reading starts with its first part
            u, pos = u + 1, 0  # the part is in the next utterance (another language)
        else:
            return None
    if u >= len(said) or pos != len(said[u].text):
        return None
    return u + 1


def matches(expected: Sequence[Heard], said: Sequence[Utterance]) -> bool:
    at: int | None = 0
    for item in expected:
        assert at is not None
        if isinstance(item, Said):
            if at >= len(said) or (said[at].text, said[at].lang) != (item.text, item.lang):
                return False
            at += 1
        else:
            at = screen_end(item, said, at)
            if at is None:
                return False
    return at == len(said)


class Visit:
    """The page, the kiosk, and everything that must have been heard so far."""

    def __init__(self, page: Any, kiosk: LiveKiosk) -> None:
        self.page = page
        self.kiosk = kiosk
        self.expected: list[Heard] = []

    @property
    def said(self) -> list[Utterance]:
        speaker = self.kiosk.app.extensions["kiosk"].extra["speech"].speaker
        assert isinstance(speaker, FakeSpeaker)
        return list(speaker.said)

    def press(self, key: str, *heard: Heard) -> None:
        """Press a key; then exactly these utterances follow what was heard before."""
        self.page.keyboard.press(key)
        self.hear(*heard)

    def hear(self, *heard: Heard) -> None:
        self.expected.extend(heard)
        deadline = time.monotonic() + 5
        while not matches(self.expected, self.said):
            if time.monotonic() > deadline:
                got = "\n".join(f"  {u.lang}: {u.text}" for u in self.said[-12:])
                want = "\n".join(f"  {h}" for h in self.expected[-len(heard) - 2 :])
                pytest.fail(f"expected, at the end:\n{want}\nheard, at the end:\n{got}")
            time.sleep(0.02)


class Words:
    """What the screens say in one language, from the kiosk's translations and data."""

    def __init__(self, kiosk: LiveKiosk, lang: str) -> None:
        self.app = kiosk.app
        self.lang = lang
        self.pack = official_raw()
        self.options = [o["text"] for o in self.pack["options"]]

    @contextmanager
    def context(self) -> Iterator[None]:
        with self.app.test_request_context("/"):
            session["lang"] = self.lang
            yield

    def _(self, text: str, **values: Any) -> str:
        with self.context():
            return normal(gettext(text, **values))

    def mine(self, *texts: str) -> list[tuple[str, str]]:
        """Texts of the page's own language."""
        return [(self._(t), self.lang) for t in texts]

    def form(self, *texts: str) -> list[tuple[str, str]]:
        """Texts of the self-test's form, in the form's language."""
        return [(normal(t), self.pack["language"]) for t in texts]

    @property
    def keys(self) -> tuple[str, str]:
        return self._(
            "Arrow keys move, Enter chooses, the star key reads the screen again."
        ), self.lang

    TILES = ("Things to do", "Now", "Today", "7 days", "Self-test")

    def start_screen(self) -> Screen:
        return Screen(
            (
                *self.mine(
                    "Things to do nearby",
                    "Find groups, meals, help and things to do. Print a slip to take with you. "
                    "You can also take an anonymous self-test.",
                    *self.TILES,
                ),
                self.keys,
            )
        )

    def activity_screen(self) -> Screen:
        """Its title, what it is, its next time, its place, its price, how to print."""
        activity = self.app.extensions["kiosk"].catalog.get(ACTIVITY)
        assert activity is not None
        first = next_occurrences(activity, FIXED_NOW, 1)[0]
        when = f"{wording.day(first.start, self.lang)} "
        when += wording.clock_range(first.start, first.end, self.lang)
        if activity.free:
            price = self._("Free of charge")
        else:
            price = normal(pick(activity.price, self.lang))
        assert activity.place and activity.title and activity.description

        def text(field: dict[str, str]) -> tuple[str, str]:
            return normal(pick(field, self.lang)), pick_language(field, self.lang)

        return Screen(
            (
                text(activity.title),
                text(activity.description),
                (when, self.lang),
                (activity.place, self.lang),
                (price, self.lang),
                *self.mine("Print slip"),
                self.keys,
            )
        )

    @property
    def start_test(self) -> str:
        if self.lang == self.pack["language"]:
            return self._("Start the test")
        with self.context():
            name = language_name(self.pack["language"])
        return self._("Start the test in %(language)s", language=name)

    def consent_screen(self) -> Screen:
        return Screen(
            (
                *self.mine(
                    "How included do you feel?",
                    "Ten statements about your everyday life. "
                    "You choose how well each one fits you.",
                ),
                (self.start_test, self.lang),
                self.keys,
            )
        )

    def notice(self) -> list[tuple[str, str]]:
        return [
            *self.mine("The form's copyright notice, as its publisher wrote it:"),
            *self.form(self.pack["notice"]),
        ]

    def test_screen(self) -> Screen:
        """The test as it opens: the main question, the guiding sentence, the first
        statement and its options, the form's notice."""
        return Screen(
            (
                *self.form(self.pack["question"], self.pack["guiding"]),
                (self._("Statement %(n)s of %(count)s", n=1, count=10), self.lang),
                *self.form(self.pack["statements"][0], *self.options),
                *self.notice(),
                self.keys,
            )
        )

    def statement(self, n: int) -> Said:
        """A statement as the focus reaches it: the statement, then every option."""
        return Said(". ".join([self.pack["statements"][n], *self.options]), self.pack["language"])

    def result_screen(self, score: str | None) -> Screen:
        return Screen(
            (
                *self.mine("Your result"),
                *([(f"{score} / 100", self.lang)] if score else []),
                *self.mine(
                    "The score tells how strongly you feel included right now: that you belong "
                    "somewhere, that what you do matters, and that you can influence your own "
                    "life. A higher score means a stronger experience of inclusion. It can "
                    "change from one time to the next."
                ),
                *self.notice(),
                *self.mine("Home"),
                self.keys,
            )
        )


@pytest.fixture(params=[True, False], ids=["private", "public"])
def private(request: pytest.FixtureRequest) -> bool:
    return bool(request.param)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_visit_is_heard_in_order_in_each_language(
    browser: Any, tmp_path: Path, lang: str, private: bool
) -> None:
    live = make_live(
        tmp_path,
        fixed_clock=True,
        # The fault comes a second after "Printing…": sooner, on a loaded machine, it can
        # reach the speech worker before "Printing…" is taken, and the newest utterance
        # replaces one still waiting (by design), so "Printing…" would not be heard.
        printer={"kind": "emulator", "emulator_fault": "paper_out", "status_timeout": 1.0},
        speech={"kind": "fake", "private": private},
    )
    try:
        words = Words(live, lang)
        page = new_page(browser, locale=LOCALES[lang])
        visit = Visit(page, live)
        page.goto(f"{live.url}/lang/{lang}?next=/")
        visit.hear()  # nothing until the visitor asks
        # The start screen, on entering speech mode.
        visit.press("*", words.start_screen())

        # An activity (how a visitor reaches one by keys is test_keypad's journey): read
        # as it opens; its print button; the printer's fault.
        page.goto(f"{live.url}/activities/{ACTIVITY}")
        visit.hear(words.activity_screen())
        visit.press("ArrowDown", Said(words._("Print slip"), lang))
        failed = (
            "Sorry, the printer is not working right now. Scan the QR code with your phone "
            "instead, or ask the staff."
        )
        visit.press("Enter", Said(words._("Printing…"), lang), Said(words._(failed), lang))

        # Home, to the self-test's tile, its consent page, into the test.
        visit.press("Home", words.start_screen())
        for tile in words.TILES:
            visit.press("ArrowDown", Said(words._(tile), lang))
        visit.press("Enter", words.consent_screen())
        visit.press("ArrowDown", Said(words.start_test, lang))
        visit.press("Enter", words.test_screen())

        # Each statement: Down to the option wanted (each heard as it is reached), Enter;
        # the next statement and its options follow as the form has them.
        form = words.pack["language"]
        for n, points in enumerate(ANSWERS):
            for option in words.options[:points]:
                visit.press("ArrowDown", Said(option, form))
            last = n + 1 == len(ANSWERS)
            visit.press("Enter", words.result_screen(None) if last else words.statement(n + 1))

        value = page.locator(".result .score .value").inner_text()
        assert float(value.replace(",", ".")) == SCORE
        # The score only when the visitor asks (*), and only on a private output.
        before = len(visit.said)
        visit.press("*", words.result_screen(value if private else None))
        score = f"{value} / 100"
        assert not any(score in u.text for u in visit.said[:before])
        assert any(score in u.text for u in visit.said[before:]) is private
        # The comparison with the population goes with the score, never without it.
        reference = normal(page.locator(".result .reference").inner_text())
        assert not any(reference in u.text for u in visit.said[:before])
        assert any(reference in u.text for u in visit.said[before:]) is private
    finally:
        live.stop()
