"""Talking to the hub: ``hello`` (where this kiosk stands), then the outbox in batch-number order.

What each answer means is in :mod:`kiosk.shared.answers`; in short:

* 2xx: the batch is acknowledged (the hub stores it once, even when sent twice).
* A refusal about the kiosk or its key (unknown kiosk, key not enrolled or retired,
  a wrong address): the run stops and an alarm stands in the event log and on the
  staff screen until a batch goes through; everything waits.
* A refusal the hub explains with where this kiosk stands (a batch number or day
  another card sent, a day still to come by the hub's clock): the run hands the
  batch back to be taken back and closed again (:mod:`kiosk.upload.reconcile`).
* Any other refusal of one batch: it is set aside with an alarm and the next
  batches go on.
* Network errors, timeouts, 429 and 5xx: retried with full-jitter backoff,
  honouring Retry-After, a few times; then the run stops and the next one
  continues where this one left off.

The hub's reason is kept as words (the ``reason`` of its JSON answer), never as
the raw answer.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.shared import answers
from kiosk.shared.signature import sign
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.upload import outbox
from kiosk.upload.reconcile import Standing

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_RETRY_AFTER = 600.0
MAX_ANSWER = 8192


class HubAddressError(ValueError):
    """The hub address cannot be used; the message says why."""


def batches_url(hub_url: str, kiosk_id: str) -> str:
    """The batch endpoint; HTTPS only, except to this machine (tests, a local hub)."""
    parts = urlsplit(hub_url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return f"{hub_url.rstrip('/')}/v1/kiosks/{kiosk_id}/batches"
    raise HubAddressError(f"upload.hub_url {hub_url!r}: the hub must be reached over https://")


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no answer (network error or timeout)
    reason: str  # words: the hub's reason, or what went wrong on the way
    retry_after: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the hub's JSON answer

    @property
    def code(self) -> str:
        code = self.fields.get("code")
        return code if isinstance(code, str) else ""

    def describe(self) -> str:
        what = f"HTTP {self.status}" if self.status else "no answer"
        return f"{what}: {self.reason}"[:300]


Post = Callable[[str, bytes, dict[str, str], float], Answer]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return read_answer(response.status, response.read(MAX_ANSWER))
    except urllib.error.HTTPError as exc:
        raw = exc.read(MAX_ANSWER) if exc.fp else b""
        return read_answer(exc.code, raw, _retry_after(exc.headers.get("Retry-After")))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}")


def read_answer(status: int, raw: bytes, retry_after: float | None = None) -> Answer:
    """The hub's JSON answer, or words for what some other server sent instead."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        fields = json.loads(text)
    except ValueError:
        fields = None
    if isinstance(fields, dict) and isinstance(fields.get("reason"), str):
        return Answer(status, _plain(fields["reason"]), retry_after, fields)
    standard = http.client.responses.get(status, "unexpected answer")
    if not text or text.startswith("<"):
        # A proxy's or another server's page: its name for the status says enough.
        return Answer(status, f"{standard} (not the hub's answer)", retry_after)
    return Answer(status, _plain(text), retry_after)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:200]


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, (when - datetime.now(UTC)).total_seconds()))


@dataclass
class Report:
    sent: list[int] = field(default_factory=list)
    alarm: str | None = None  # a refusal about the kiosk or its key: everything waits
    set_aside: list[str] = field(default_factory=list)  # "batch 5: HTTP 400: ..."
    gave_up: str | None = None  # a transient failure after the last try; the next run goes on
    take_back: tuple[int, Standing, str] | None = None  # (batch, what the hub said, why)


@dataclass
class Sender:
    store: Store
    events: EventLog
    url: str
    kiosk_id: str
    key_id: str
    timeout: float = 20.0
    tries: int = 5
    backoff_base: float = 2.0
    backoff_cap: float = 120.0
    post: Post = post
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    def hello(self, key: Ed25519PrivateKey, report: Report) -> Standing | None:
        """Ask the hub where this kiosk stands; None when it cannot say (old hub, no answer)."""
        body = json.dumps(
            {"kiosk_id": self.kiosk_id, "sent_at": self.now().isoformat(timespec="seconds")},
            sort_keys=True,
            separators=(",", ":"),
        ).encode()
        url = self.url.removesuffix("/batches") + "/hello"
        answer = self._exchange(url, body, sign(key, body), "hello")
        act = answers.action(answer.status, answer.code)
        if act == "ok":
            return Standing.from_answer(answer.fields)
        if answer.status in (404, 405):
            return None  # a hub of an earlier release: it has no hello
        error = answer.describe()
        if act == "stop":
            outbox.raise_alarm(self.store, f"hello: {error}", answer.code)
            self.events.error("upload", f"hub refused this kiosk ({error}); nothing sent")
            report.alarm = error
        elif act == "again":
            self.events.warning("upload", f"hub not reached ({error}); next run tries again")
            report.gave_up = error
        else:
            self.events.warning("upload", f"hub did not say where this kiosk stands ({error})")
        return None

    def run(self, report: Report | None = None) -> Report:
        report = report or Report()
        for queued in outbox.waiting(self.store):
            if not self._deliver(queued, report):
                break
        return report

    def _exchange(self, url: str, body: bytes, signature: str, what: str) -> Answer:
        """One request, tried again while the hub is busy or away; the last answer."""
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"{self.kiosk_id}:{what}",
            "Kiosk-Id": self.kiosk_id,
            "Kiosk-Key-Id": self.key_id,
            "Kiosk-Signature": f"ed25519={signature}",
        }
        answer = Answer(None, "not sent")
        for attempt in range(1, self.tries + 1):
            # Not signed: it only tells the hub how far this clock is off (monitoring).
            headers["Kiosk-Sent-At"] = self.now().isoformat(timespec="seconds")
            if what != "hello":
                outbox.sending(self.store, int(what))
            answer = self.post(url, body, headers, self.timeout)
            if answers.action(answer.status, answer.code) != "again" or attempt == self.tries:
                return answer
            if what != "hello":
                outbox.record_failure(self.store, int(what), answer.describe(), alarm=False)
            self.sleep(self._wait(attempt, answer.retry_after))
        return answer

    def _deliver(self, queued: outbox.Queued, report: Report) -> bool:
        """Send one batch; False stops the run."""
        answer = self._exchange(self.url, queued.body, queued.signature, str(queued.seq))
        act = answers.action(answer.status, answer.code)
        if act == "ok":
            outbox.acknowledge(self.store, queued.seq, self.now())
            self.events.info("upload", f"batch {queued.seq} acknowledged by the hub")
            report.sent.append(queued.seq)
            return True
        error = answer.describe()
        if act == "take-back":
            outbox.record_failure(self.store, queued.seq, error, alarm=False)
            self.events.warning("upload", f"hub did not store batch {queued.seq} ({error})")
            report.take_back = (queued.seq, Standing.from_answer(answer.fields), error)
            return False
        if act == "set-aside":
            outbox.set_aside(self.store, queued.seq, error, self.now())
            self.events.error(
                "upload", f"hub refused batch {queued.seq} ({error}); set aside, later ones go on"
            )
            report.set_aside.append(f"batch {queued.seq}: {error}")
            return True
        if act == "stop":
            outbox.record_failure(self.store, queued.seq, error, alarm=True, code=answer.code)
            self.events.error("upload", f"hub refused batch {queued.seq} ({error}); stopped")
            report.alarm = error
            return False
        outbox.record_failure(self.store, queued.seq, error, alarm=False)
        self.events.warning(
            "upload", f"batch {queued.seq} not delivered ({error}); next run retries"
        )
        report.gave_up = error
        return False

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        # Full jitter (AWS architecture blog): kiosks that lost the hub together
        # do not come back together.
        wait = self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))
        return max(wait, retry_after) if retry_after is not None else wait
