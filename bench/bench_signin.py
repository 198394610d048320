"""Password guesses a day against one user name and from one address, before and after
sign-in throttling.

Before: nothing but the password hash slowed guessing, so a day allowed as many
guesses as the CPU could hash (measured here: one wrong sign-in's time, on every
core). After: the hub's own app, on a SQLite hub in a temporary folder, is driven
by an attacker who tries again the moment a 429's Retry-After allows, under a fake
clock for 24 hours: one name from ever new addresses, then one address with ever
new names. The counts are checked against the rules (hub.throttle.attempts_within).

    .venv/bin/python bench/bench_signin.py
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hub import throttle  # noqa: E402
from hub.app import HubConfig, create_app  # noqa: E402
from hub.db import Hub  # noqa: E402
from hub.users import add_user, login  # noqa: E402

DAY = 86400


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def before(hub: Hub, tries: int = 20) -> tuple[float, int]:
    started = time.perf_counter()
    for i in range(tries):
        assert not login(hub, "koordinaattori", f"guess {i}")
    each = (time.perf_counter() - started) / tries
    return each, int(DAY / each * (os.cpu_count() or 1))


def after(folder: Path, rotate: str) -> int:
    clock = Clock()
    hub = Hub(path=folder / f"{rotate}.db")
    add_user(hub, "koordinaattori", "pitkä salasana 1", "coordinator")
    app = create_app(HubConfig(folder / "data", clock=clock), db=hub)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    start, guesses, i = clock(), 0, 0
    while (clock() - start).total_seconds() < DAY:
        i += 1
        name = "koordinaattori" if rotate == "address" else f"name-{i}"
        address = f"198.51.100.{i % 250}" if rotate == "address" else "203.0.113.7"
        answer = client.post("/login", data={"name": name, "password": f"guess {i}"},
                             environ_base={"REMOTE_ADDR": address})  # fmt: skip
        if answer.status_code == 429:
            clock.now += timedelta(seconds=int(answer.headers["Retry-After"]))
        else:
            guesses += 1
    hub.close()
    return guesses


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="log: %(message)s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        hub = Hub(path=folder / "before.db")
        add_user(hub, "koordinaattori", "pitkä salasana 1", "coordinator")
        each, per_day = before(hub)
        hub.close()
        print(f"before: one wrong sign-in takes {each * 1000:.0f} ms (scrypt); "
              f"{os.cpu_count()} cores allow about {per_day:,} guesses a day, "
              "against one name or from one address alike")  # fmt: skip
        by_name = after(folder, "address")
        by_address = after(folder, "name")
    rules = (
        ("one user name", by_name, throttle.BY_NAME),
        ("one address", by_address, throttle.BY_ADDRESS),
    )
    for what, measured, rule in rules:
        expected = throttle.attempts_within(rule, DAY)
        print(
            f"after: {what}: {measured} guesses in 24 hours (rules: {rule.free} free, then "
            f"waits from {rule.first_wait} s doubling to {rule.cap} s; computed {expected})"
        )
        if measured != expected:
            print("error: the hub allowed a different number than its rules", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
