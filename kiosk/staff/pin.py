"""The staff PIN: a salted scrypt hash in the data directory, and the pad's lock-out.

Only the hash, its salt and the scrypt parameters are kept (``staff_pin.json``,
mode 0600); the PIN itself is never written anywhere. Wrong PINs in a row are
counted in ``staff_pin_lock.json`` so that switching the kiosk off and on does
not reset the lock. The clock is injected so tests need not wait.

After ``max_attempts`` wrong PINs in a row the pad locks for ``lock_seconds``;
each further lock lasts ``lock_growth`` times longer, up to ``lock_max_seconds``
(5 min, 15 min, 45 min, ... a day), until the right PIN or a new one. With the
defaults that is 30 guesses on the first day and 5 a day after, where a fixed
5-minute lock allowed 1,440 a day. The staff button lifts a lock (staff can get
in when a passer-by has locked the pad) without lowering the next one, and
``kiosk set-pin`` clears everything. New PINs have 6 to 8 digits; a 4-digit PIN
set before that still opens the pad, and the sign-in says to change it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PIN_FILE = "staff_pin.json"
LOCK_FILE = "staff_pin_lock.json"
MIN_DIGITS, MAX_DIGITS = 6, 8
# Locks grow no further than this many steps (the last step is lock_max_seconds anyway).
MAX_STEPS = 40
# scrypt cost: about 16 MiB and some tens of milliseconds on a Raspberry Pi.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class PinError(ValueError):
    """A PIN that cannot be used, worded for the person setting it."""


def check_format(pin: str) -> str:
    if not pin.isascii() or not pin.isdigit() or not MIN_DIGITS <= len(pin) <= MAX_DIGITS:
        raise PinError(f"the PIN must be {MIN_DIGITS}-{MAX_DIGITS} digits")
    return pin


def hash_pin(pin: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hashlib.scrypt(
        pin.encode("ascii"),
        salt=salt,
        n=params["n"],
        r=params["r"],
        p=params["p"],
        dklen=params["dklen"],
        maxmem=256 * params["r"] * params["n"] * params["p"],
    )


def _write_private(path: Path, data: dict[str, Any]) -> None:
    """Write a file only its owner can read, replacing the old one at once."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o600)
    if os.geteuid() == 0:
        # `sudo kiosk set-pin`: the kiosk service (its own user) must still read the file.
        owner = path.parent.stat()
        os.chown(tmp, owner.st_uid, owner.st_gid)
    os.replace(tmp, path)


@dataclass(frozen=True)
class Attempt:
    """The outcome of one try on the pad."""

    ok: bool
    locked_for: int = 0  # seconds the pad stays locked (0: not locked)
    just_locked: bool = False  # this try caused the lock
    no_pin: bool = False
    short: bool = False  # the right PIN, but shorter than a new PIN may be: change it


class PinStore:
    def __init__(
        self,
        data_dir: Path,
        *,
        max_attempts: int = 5,
        lock_seconds: int = 300,
        lock_growth: int = 3,
        lock_max_seconds: int = 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = data_dir / PIN_FILE
        self.lock_path = data_dir / LOCK_FILE
        self.max_attempts = max_attempts
        self.lock_seconds = lock_seconds
        self.lock_growth = lock_growth
        self.lock_max_seconds = lock_max_seconds
        self.clock = clock
        self._lock = threading.Lock()

    # --- setting -------------------------------------------------------------------
    def set_pin(self, pin: str) -> None:
        check_format(pin)
        salt = secrets.token_bytes(16)
        params = dict(SCRYPT)
        record = {
            "algorithm": "scrypt",
            **params,
            "salt": salt.hex(),
            "hash": hash_pin(pin, salt, params).hex(),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            _write_private(self.path, record)
            self._save(failures=0, locked_until=0, locks=0)

    def is_set(self) -> bool:
        return self._record() is not None

    def _record(self) -> dict[str, Any] | None:
        try:
            record = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("algorithm") != "scrypt":
            return None
        return record

    # --- trying ----------------------------------------------------------------------
    def lock_length(self, lock: int) -> int:
        """Seconds of the ``lock``-th lock in a row (1 is the first)."""
        steps = min(max(lock, 1) - 1, MAX_STEPS)
        return int(min(self.lock_max_seconds, self.lock_seconds * self.lock_growth**steps))

    def locked_for(self) -> int:
        """Seconds left of a lock (0 when the pad is open)."""
        left = self._lock_state()["locked_until"] - self.clock()
        return max(0, int(left + 0.999))

    def attempt(self, pin: str) -> Attempt:
        record = self._record()
        if record is None:
            return Attempt(ok=False, no_pin=True)
        with self._lock:
            state = self._lock_state()
            now = self.clock()
            locks = int(state["locks"])
            if state["locked_until"] > now:
                return Attempt(ok=False, locked_for=int(state["locked_until"] - now + 0.999))
            if _matches(pin, record):
                self._save(failures=0, locked_until=0, locks=0)
                return Attempt(ok=True, short=len(pin) < MIN_DIGITS)
            failures = int(state["failures"]) + 1
            if failures >= self.max_attempts:
                seconds = self.lock_length(locks + 1)
                self._save(failures=0, locked_until=now + seconds, locks=locks + 1)
                return Attempt(ok=False, locked_for=seconds, just_locked=True)
            self._save(failures=failures, locked_until=0, locks=locks)
            return Attempt(ok=False)

    def unlock(self) -> bool:
        """Lift a lock now (the staff button); True when the pad was locked.

        The count of locks stays: a passer-by who then goes on guessing meets the
        next, longer lock. Only the right PIN or a new PIN starts over.
        """
        with self._lock:
            state = self._lock_state()
            was_locked = state["locked_until"] > self.clock()
            self._save(failures=0, locked_until=0, locks=int(state["locks"]))
        return was_locked

    def _save(self, *, failures: int, locked_until: float, locks: int) -> None:
        _write_private(
            self.lock_path, {"failures": failures, "locked_until": locked_until, "locks": locks}
        )

    def _lock_state(self) -> dict[str, float]:
        try:
            raw = json.loads(self.lock_path.read_text(encoding="utf-8"))
            return {
                "failures": float(raw.get("failures", 0)),
                "locked_until": float(raw.get("locked_until", 0)),
                # A lock file from before growing locks has no count: its lock was the first.
                "locks": float(raw.get("locks", 1 if raw.get("locked_until") else 0)),
            }
        except (OSError, ValueError, AttributeError, TypeError):
            return {"failures": 0.0, "locked_until": 0.0, "locks": 0.0}


def _matches(pin: str, record: dict[str, Any]) -> bool:
    """Compare in constant time; a badly formed try is hashed all the same."""
    try:
        params = {k: int(record[k]) for k in ("n", "r", "p", "dklen")}
        salt = bytes.fromhex(record["salt"])
        want = bytes.fromhex(record["hash"])
    except (KeyError, ValueError, TypeError):
        return False
    candidate = pin if pin.isascii() and len(pin) <= 64 else ""
    got = hash_pin(candidate, salt, params)
    return hmac.compare_digest(got, want) and bool(candidate)
