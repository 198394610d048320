"""Nothing of a self-test stays on the device: 200 visits through Chromium started with
the appliance's flags, then every file of the browser profile, the kiosk's data folder
(the database, its WAL and journal, the slips), and every log line are searched for
the answers, the scores and the visits' times."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.context import Services
from tests.browser.appliance import chromium_flags
from tests.browser.screens import ARGS, CHROMIUM, make_live

pytestmark = pytest.mark.browser
VISITS = 200
SEED = 2026

# One visit, run in the page: the options are tapped through the page's own handlers
# (the pause between statements shortened), then the result is awaited.
ANSWER = """async (answers) => {
  const root = document.getElementById('selftest');
  root.dataset.pauseMs = '0';
  const until = async (ok) => { while (!ok()) { await new Promise(r => setTimeout(r, 5)); } };
  for (let i = 0; i < answers.length; i++) {
    const step = document.getElementById('step-' + (i + 1));
    await until(() => !step.hidden);
    step.querySelector(`.option[data-points="${answers[i]}"]`).click();
  }
  await until(() => document.querySelector('.result'));
  return document.querySelector('.result .score .value')?.textContent ?? '';
}"""


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Keep(logging.DEBUG)
    root = logging.getLogger()
    old = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old)


def needles(vector: list[int], total: int) -> list[bytes]:
    """How a visit's answers or score could be written down by a browser or a server."""
    digits = "".join(map(str, vector))
    score = f"{(total - 10) * 2.5:g}"
    texts = [
        digits,
        ",".join(map(str, vector)),
        ", ".join(map(str, vector)),
        "&".join(f"s{i}={a}" for i, a in enumerate(vector, start=1)),
        f'<span class="value">{score.replace(".", ",")}</span>',
        f'<span class="value">{score}</span>',
        f'data-total="{total}"',
        f'"total": {total}',
        f'"total":{total}',
    ]
    found = [t.encode() for t in texts]
    found += [t.encode("utf-16-le") for t in texts[:2]]  # Chromium's page state is UTF-16
    return found


def moments(stamp: float, epoch: bool) -> list[bytes]:
    """A visit's time, to the second, as it would be written in text.

    Seconds since 1970 are looked for only in the kiosk's own files and logs: Chromium
    keeps its own start and exit times that way, and with a visit in every second of
    the run they always match one.
    """
    at = datetime.fromtimestamp(stamp)
    found = [at.strftime("%Y-%m-%dT%H:%M:%S").encode(), at.strftime("%Y-%m-%d %H:%M:%S").encode()]
    return found + ([str(int(stamp)).encode()] if epoch else [])


def test_two_hundred_visits_leave_nothing_of_a_test_on_the_device(
    tmp_path: Path, browser: Any
) -> None:
    # The session's Playwright drives a second, persistent Chromium: a second
    # sync_playwright() in the same process is refused once the first is running.
    rng = random.Random(SEED)
    kiosk = make_live(tmp_path, printer={"kind": "emulator"})
    svc: Services = kiosk.app.extensions["kiosk"]
    profile = tmp_path / "profile"
    visits: list[tuple[list[int], int, float]] = []
    try:
        with every_log_line() as log:
            context = browser.browser_type.launch_persistent_context(
                str(profile),
                executable_path=CHROMIUM,
                headless=True,
                args=ARGS + chromium_flags(),
                viewport={"width": 800, "height": 480},
                has_touch=True,
                locale="fi-FI",
            )
            page = context.pages[0] if context.pages else context.new_page()
            # The kiosk's start is logged with its time, as it should be; on a quick
            # machine the first visit ends within that second, so it starts in the next.
            time.sleep(1.05 - time.time() % 1)
            for _ in range(VISITS):
                vector = [rng.randint(1, 5) for _ in range(10)]
                page.goto(kiosk.url + "/selftest/esis-fi-2019")
                shown = page.evaluate(ANSWER, vector)
                total = sum(vector)
                assert shown == f"{(total - 10) * 2.5:g}".replace(".", ",")
                visits.append((vector, total, time.time()))
                if len(visits) % 25 == 0:  # some print a slip after the test
                    # A print is logged with its time, as it should be; it is made in the
                    # next second so that its time cannot also be read as the test's.
                    time.sleep(1.05 - time.time() % 1)
                    page.goto(kiosk.url + "/activities/demo-001")
                    button = page.locator("button.print")
                    done = button.get_attribute("data-done")
                    button.click()
                    page.locator(".print-status", has_text=done).wait_for()
                if len(visits) % 10 == 0:  # now and then the idle reset ends a visit
                    page.evaluate("document.getElementById('reset-form').submit()")
                    page.wait_for_url("**/?fresh=1")
            context.close()  # as the appliance's browser is closed by a power cut or restart
            log_text = "\n".join(log).encode()
        completed = svc.tally.day(svc.tally.today())["tests_completed"][""]
        assert completed == VISITS
    finally:
        kiosk.stop()

    data_dir = tmp_path / "data"
    places = {"browser profile": profile, "data folder": data_dir}
    files = {
        f"{name}: {f.relative_to(root)}": f
        for name, root in places.items()
        for f in root.rglob("*")
        if f.is_file()
    }
    assert any(name.endswith("-wal") or name.endswith(".db") for name in files)
    assert any("slips/" in name for name in files)  # the slips printed are searched too
    blobs = {name: path.read_bytes() for name, path in files.items()}
    blobs["logs"] = log_text
    found: list[str] = []
    for vector, total, stamp in visits:
        for where, blob in blobs.items():
            epoch = not where.startswith("browser")
            for needle in needles(vector, total) + moments(stamp, epoch):
                if needle in blob:
                    found.append(f"{where} holds {needle!r}")
    # The test page's address is not in the profile either: no history of who took the test.
    for where, blob in blobs.items():
        if where.startswith("browser") and (b"/selftest/esis" in blob or b"/answers" in blob):
            found.append(f"{where} holds the self-test's address")
    assert found == [], "\n".join(sorted(set(found))[:20])
