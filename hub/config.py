"""The hub's settings: environment variables, each with its default and meaning.

docs/upload-and-hub.md lists them (a test checks that every one is there). They
start with ``HUB_``, apart from the kiosk's ``KIOSK_`` ones, so that neither
program is given the other's settings. The names of earlier releases
(``KIOSK_HUB_...``) are still read, with a warning, where the new name is not set.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kiosk.shared.bands import MIN_K


def _now() -> datetime:
    return datetime.now(UTC)


# (variable, default, meaning)
SETTINGS = (
    ("HUB_DATA_DIR", "/var/lib/kiosk-hub", "data directory (hub.db, the secret key)"),
    ("DATABASE_URL", "", "postgresql://... to use PostgreSQL instead of SQLite"),
    (
        "HUB_TRUSTED_PROXIES",
        "0",
        "how many reverse proxies in front of the hub set X-Forwarded-For/-Proto/-Host "
        "(1 behind Caddy or nginx); 0 trusts no such header",
    ),
    (
        "HUB_SETTLE_DAYS",
        "3",
        "days a day's counts (and a month's score bands) wait for late batches before "
        "they are published; what arrives later is left out of published figures",
    ),
)


OLD_PREFIX = "KIOSK_HUB_"  # earlier releases; it collided with the kiosk's KIOSK_ settings
log = logging.getLogger("hub")


class ConfigError(ValueError):
    """A setting cannot be used; the message names it."""


@dataclass(frozen=True)
class HubConfig:
    data_dir: Path
    database_url: str | None = None
    db_schema: str = ""  # PostgreSQL schema (tests use one of their own)
    k: int = MIN_K  # kiosk.shared.bands: the kiosk refuses a lower selftest.k
    trusted_proxies: int = 0
    settle_days: int = 3
    clock: Callable[[], datetime] = field(default=_now, compare=False)

    def __post_init__(self) -> None:
        if self.k < MIN_K:
            raise ConfigError(f"k = {self.k}: a score window holds at least {MIN_K} tests")

    @classmethod
    def from_env(
        cls, data_dir: str | None = None, env: Mapping[str, str] | None = None
    ) -> HubConfig:
        env, named = _with_old_names(os.environ if env is None else env)
        folder = data_dir or env.get("HUB_DATA_DIR") or "/var/lib/kiosk-hub"
        return cls(
            Path(folder),
            env.get("DATABASE_URL") or None,
            trusted_proxies=_count(env, named, "HUB_TRUSTED_PROXIES", 0, 5),
            settle_days=_count(env, named, "HUB_SETTLE_DAYS", 3, 60),
        )


def _with_old_names(env: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The environment with each old KIOSK_HUB_ name read as its HUB_ name (with a
    warning), and the name each value was given under (for messages)."""
    out = dict(env)
    named: dict[str, str] = {}
    for name, value in env.items():
        if not name.startswith(OLD_PREFIX):
            continue
        new = "HUB_" + name.removeprefix(OLD_PREFIX)
        if new in env:
            log.warning("%s is ignored: %s is set (the old name can go)", name, new)
        else:
            log.warning("%s is the old name of %s; rename it (the old name will stop working)",
                        name, new)  # fmt: skip
            out[new] = value
            named[new] = name
    return out, named


def _count(
    env: Mapping[str, str], named: Mapping[str, str], name: str, default: int, most: int
) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= most:
        raise ConfigError(f"{named.get(name, name)}={text!r}: a whole number from 0 to {most}")
    return value
