"""Sign-in throttling: growing waits after failed sign-ins, per user name and per address.

Each failed sign-in counts against the name that was tried and against the address
it came from. Up to ``free`` failures cost nothing (typing mistakes); after that the
next try must wait, and the wait doubles with every further failure up to ``cap``.
A subject waiting ``cap`` is **locked out**: that is logged, and it ends by itself
``cap`` after the last failure, or at once with ``kiosk-hub unlock-user``. A day
without failures forgets a subject.

The counts live in the hub's database (table ``signin_throttle``), so restarting
the hub does not reset them. A refused try is answered at once (429 with
Retry-After); nothing sleeps in a request thread. A try is counted *before* the
password is checked and given back when it succeeds, so parallel requests cannot
slip past a wait.
"""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from hub.db import Hub

log = logging.getLogger("hub.signin")


@dataclass(frozen=True)
class Rule:
    free: int  # failures that cost no wait
    first_wait: int  # seconds to wait after failure number ``free``
    cap: int  # the longest wait, in seconds; reaching it is a lock-out

    def wait(self, failures: int) -> int:
        """Seconds the next try must wait after ``failures`` failures in a row."""
        if failures < self.free:
            return 0
        return int(min(self.cap, self.first_wait * 2 ** min(failures - self.free, 32)))

    def locks(self, failures: int) -> bool:
        return self.wait(failures) >= self.cap


BY_NAME = Rule(free=5, first_wait=60, cap=3600)
# An office behind one address has many people mistyping: more slack than per name.
BY_ADDRESS = Rule(free=20, first_wait=60, cap=3600)
FORGET_AFTER = timedelta(hours=24)
MAX_SUBJECT = 200


def attempts_within(rule: Rule, seconds: float) -> int:
    """The most tries one subject can make in ``seconds``, each the moment it may.

    Waits never shrink while failures keep coming (and a subject that keeps trying is
    never forgotten), so this bounds any window of that length.
    """
    if rule.first_wait <= 0 or rule.cap <= 0:
        raise ValueError("a rule without waits allows any number of tries")
    at, tries = 0, 0
    while at < seconds:
        tries += 1
        at += rule.wait(tries)
    return tries


def address_key(address: str | None) -> str:
    """What one address counts as: an IPv4 address, or the /64 an IPv6 address is in."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "".join(c for c in (address or "unknown")[:MAX_SUBJECT] if c.isprintable())
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        # One subscriber gets a whole /64: counting single addresses would let them
        # rotate through 2**64 of them.
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def name_key(name: str) -> str:
    # Printable only: PostgreSQL refuses NUL in text, and no user name has control characters.
    return "".join(c for c in name.strip().casefold()[:MAX_SUBJECT] if c.isprintable())


@dataclass(frozen=True)
class Attempt:
    """A try that was let through: who it counted against, and their failures now."""

    name: str
    address: str
    name_failures: int
    address_failures: int


def begin(hub: Hub, name: str, address: str | None, now: datetime) -> Attempt | int:
    """Let a sign-in try go ahead (counted as a failure until it succeeds), or say
    how many seconds it must wait."""
    subjects = (("name", name_key(name), BY_NAME), ("address", address_key(address), BY_ADDRESS))
    with hub.transaction() as tx:
        tx.execute(
            "DELETE FROM signin_throttle WHERE last_at < ?",
            [(now - FORGET_AFTER).isoformat()],
        )
        counts: list[int] = []
        wait = 0
        for kind, subject, rule in subjects:
            tx.execute(
                "INSERT INTO signin_throttle (kind, subject, failures, last_at) "
                "VALUES (?, ?, 0, ?) ON CONFLICT (kind, subject) DO NOTHING",
                [kind, subject, now.isoformat()],
            )
            lock = " FOR UPDATE" if hub.postgres else ""  # SQLite: BEGIN IMMEDIATE locks
            row = tx.one(
                "SELECT failures, last_at FROM signin_throttle WHERE kind = ? AND subject = ?"
                + lock,
                [kind, subject],
            )
            assert row is not None
            failures, last = int(row[0]), datetime.fromisoformat(row[1])
            until = last + timedelta(seconds=rule.wait(failures))
            wait = max(wait, _seconds_until(until, now))
            counts.append(failures)
        if wait:
            return wait
        for (kind, subject, _), failures in zip(subjects, counts, strict=True):
            tx.execute(
                "UPDATE signin_throttle SET failures = ?, last_at = ? "
                "WHERE kind = ? AND subject = ?",
                [failures + 1, now.isoformat(), kind, subject],
            )
    return Attempt(subjects[0][1], subjects[1][1], counts[0] + 1, counts[1] + 1)


def failed(attempt: Attempt) -> None:
    """Log a lock-out when this failure is the one that reached it."""
    for kind, subject, failures, rule in (
        ("name", attempt.name, attempt.name_failures, BY_NAME),
        ("address", attempt.address, attempt.address_failures, BY_ADDRESS),
    ):
        if rule.locks(failures) and not rule.locks(failures - 1):
            log.warning(
                "sign-in locked out for %s %r after %d failed tries: each further try "
                "waits %d minutes (kiosk-hub unlock-user lifts it)",
                kind,
                subject,
                failures,
                rule.cap // 60,
            )


def succeeded(hub: Hub, attempt: Attempt) -> None:
    """A right password: the name starts afresh; the address gets this try back."""
    with hub.transaction() as tx:
        tx.execute(
            "DELETE FROM signin_throttle WHERE kind = 'name' AND subject = ?", [attempt.name]
        )
        tx.execute(
            "UPDATE signin_throttle SET failures = failures - 1 "
            "WHERE kind = 'address' AND subject = ? AND failures > 0",
            [attempt.address],
        )


def unlock(hub: Hub, name: str, address: str | None = None) -> int:
    """Forget the failures of a user name (and of an address); how many were forgotten."""
    with hub.transaction() as tx:
        count = tx.execute(
            "DELETE FROM signin_throttle WHERE kind = 'name' AND subject = ?", [name_key(name)]
        )
        if address:
            count += tx.execute(
                "DELETE FROM signin_throttle WHERE kind = 'address' AND subject = ?",
                [address_key(address)],
            )
    log.warning("sign-in lock lifted for %r%s", name, f" and {address}" if address else "")
    return count


def _seconds_until(until: datetime, now: datetime) -> int:
    left = (until - now).total_seconds()
    return int(left) + (1 if left > int(left) else 0) if left > 0 else 0
