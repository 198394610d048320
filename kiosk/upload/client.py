"""Sending the outbox to the hub, in batch-number order, and what each answer means.

* 2xx: the batch is acknowledged (the hub stores it once, even when sent twice).
* 400, 401, 403, 409: something only people can fix (a bad batch, an unknown
  kiosk or key, a batch number reused with another body). The run stops and an
  alarm stands in the event log and on the staff screen until a batch goes through.
* Network errors, timeouts, 429 and 5xx: retried with full-jitter backoff,
  honouring Retry-After, a few times; then the run stops and the next one
  continues where this one left off.
"""

from __future__ import annotations

import http.client
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.upload import outbox

STOP_CODES = frozenset({400, 401, 403, 409})
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_RETRY_AFTER = 600.0


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
    reason: str
    retry_after: float | None = None


Post = Callable[[str, bytes, dict[str, str], float], Answer]


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.read(300).decode("utf-8", "replace"))
    except urllib.error.HTTPError as exc:
        text = exc.read(300).decode("utf-8", "replace") if exc.fp else ""
        return Answer(exc.code, text or exc.reason, _retry_after(exc.headers.get("Retry-After")))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(None, f"{type(exc).__name__}: {exc}")


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
    alarm: str | None = None
    gave_up: str | None = None  # a transient failure after the last try; the next run goes on


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

    def run(self) -> Report:
        report = Report()
        for queued in outbox.waiting(self.store):
            if not self._deliver(queued, report):
                break
        return report

    def _deliver(self, queued: outbox.Queued, report: Report) -> bool:
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": f"{self.kiosk_id}:{queued.seq}",
            "Kiosk-Id": self.kiosk_id,
            "Kiosk-Key-Id": self.key_id,
            "Kiosk-Signature": f"ed25519={queued.signature}",
        }
        for attempt in range(1, self.tries + 1):
            # Not signed: it only tells the hub how far this clock is off (monitoring).
            headers["Kiosk-Sent-At"] = self.now().isoformat(timespec="seconds")
            answer = self.post(self.url, queued.body, headers, self.timeout)
            if answer.status is not None and 200 <= answer.status < 300:
                outbox.acknowledge(self.store, queued.seq, self.now())
                self.events.info("upload", f"batch {queued.seq} acknowledged by the hub")
                report.sent.append(queued.seq)
                return True
            what = f"HTTP {answer.status}" if answer.status else "no answer"
            error = f"{what}: {answer.reason.strip()[:200]}"
            if answer.status in STOP_CODES:
                outbox.record_failure(self.store, queued.seq, error, alarm=True)
                self.events.error("upload", f"hub refused batch {queued.seq} ({error}); stopped")
                report.alarm = error
                return False
            outbox.record_failure(self.store, queued.seq, error, alarm=False)
            if attempt == self.tries:
                self.events.warning(
                    "upload", f"batch {queued.seq} not delivered ({error}); next run retries"
                )
                report.gave_up = error
                return False
            self.sleep(self._wait(attempt, answer.retry_after))
        return False

    def _wait(self, attempt: int, retry_after: float | None) -> float:
        # Full jitter (AWS architecture blog): kiosks that lost the hub together
        # do not come back together.
        wait = self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))
        return max(wait, retry_after) if retry_after is not None else wait
