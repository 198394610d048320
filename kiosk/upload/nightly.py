"""One run of ``kiosk upload``: ask the hub, close finished days, send, and say what happened.

The order matters. The hub is asked first (``hello``) where this kiosk stands and
what time it is; days are then closed only once they have ended by a synchronised
clock: the hub's when it answered (and never later than this kiosk's own), else
this kiosk's own if systemd-timesyncd has synchronised it since boot. Otherwise
the days stay open and their counts wait. Then the outbox is sent; a batch the
hub did not store for a reason it explains is taken back and the days closed
again by what it said (:mod:`kiosk.upload.reconcile`).

Exit status (also in docs/upload-and-hub.md): 0 all delivered or nothing to do;
1 the kiosk cannot close or send (no key, a bad hub address); 2 the hub could not
be reached this time (batches wait); 3 the hub refused this kiosk (an alarm, all
waits) or set a batch aside; 4 days stay open because the clock is not
synchronised (nothing wrong with the hub).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.shared.batch import BatchError
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally
from kiosk.upload import outbox, reconcile
from kiosk.upload.client import Report, Sender
from kiosk.upload.reconcile import Standing

SKEW_TOLERANCE = timedelta(minutes=5)
MAX_TAKE_BACKS = 3  # per run: the hub's word settles it; more would be a loop
OK, CANNOT, AWAY, REFUSED, CLOCK = 0, 1, 2, 3, 4


@dataclass
class Nightly:
    store: Store
    events: EventLog
    tally: Tally
    key: Ed25519PrivateKey
    kiosk_id: str
    now: datetime  # this kiosk's clock (injected in tests and demos)
    synced: bool  # systemd-timesyncd has synchronised the clock since boot
    say: Callable[[str], None] = print
    kept_open: str = ""
    report: Report = field(default_factory=Report)

    def run(self, sender: Sender | None) -> int:
        if not self._anything_to_do():
            # The hourly retry on a quiet kiosk: nothing to close or send, the hub is not asked.
            self.say("nothing to close or send")
            self._prune()
            return OK
        standing: Standing | None = None
        if sender is not None:
            standing = sender.hello(self.key, self.report)
            if self.report.alarm:
                return self._summary()
            if standing is not None:
                self._follow(standing)
        try:
            self._close(standing)
        except BatchError as exc:  # a bug: every value is checked where it is counted
            self.events.error("upload", f"cannot close days: {exc}")
            self.say(f"error: {exc}")
            return CANNOT
        if sender is not None and not self.report.gave_up:
            self._send(sender)
        self._prune()
        return self._summary()

    def _anything_to_do(self) -> bool:
        yesterday = self.tally.today(self.now) - timedelta(days=1)
        return bool(
            outbox.waiting(self.store)
            or outbox.late_days(self.store)
            or outbox.first_open_day(self.store, yesterday) <= yesterday
        )

    def _follow(self, standing: Standing) -> None:
        for change in reconcile.follow(self.store, standing):
            self.events.info("upload", f"as the hub says: {change}")
            self.say(f"as the hub says: {change}")

    def _close(self, standing: Standing | None) -> None:
        hub_time = standing.hub_time if standing is not None else None
        if hub_time is not None:
            ahead = self.now - hub_time
            clock_ok = abs(ahead) <= SKEW_TOLERANCE
            if not clock_ok:
                words = f"{_span(ahead)} {'ahead of' if ahead > timedelta(0) else 'behind'}"
                note = f"this kiosk's clock is {words} the hub's; days close by the earlier"
                self.events.warning("upload", note)
                self.say(f"warning: {note}")
            horizon = min(self.now, hub_time)
        elif self.synced:
            horizon, clock_ok = self.now, True
        else:
            # A clock not set since boot could file today's counts under a wrong date.
            self.kept_open = (
                "days stay open: the clock has not been synchronised since boot "
                "and the hub could not confirm it"
            )
            self.events.warning("upload", self.kept_open)
            return
        made = outbox.close_days(
            self.store,
            self.tally,
            self.key,
            kiosk_id=self.kiosk_id,
            now=horizon,
            clock_synced=clock_ok,
            on_set_aside=self._set_aside_day,
        )
        if made:
            text = f"closed days into batch(es) {', '.join(map(str, made))}"
            self.events.info("upload", text)
            self.say(text)

    def _set_aside_day(self, note: str) -> None:
        self.events.error("upload", note)
        self.report.set_aside.append(note)

    def _send(self, sender: Sender) -> None:
        for _ in range(MAX_TAKE_BACKS + 1):
            sender.run(self.report)
            if self.report.take_back is None:
                return
            seq, standing, why = self.report.take_back
            self.report.take_back = None
            taken = reconcile.take_back(self.store, seq)
            if not taken:
                outbox.set_aside(self.store, seq, why, sender.now())
                self.report.set_aside.append(f"batch {seq}: {why}")
                continue
            note = f"took back batch(es) {', '.join(map(str, taken))} ({why}); closing again"
            self.events.warning("upload", note)
            self.say(note)
            self._follow(standing)
            self._close(standing)

    def _prune(self) -> None:
        pruned = outbox.prune(self.store, self.now)
        if pruned:
            self.events.info("upload", f"forgot {pruned} acknowledged batch(es) older than 30 days")

    def _summary(self) -> int:
        report = self.report
        waiting = len(outbox.waiting(self.store))
        for item in report.set_aside:
            self.say(f"set aside: {item}; later days go on")
        if report.alarm:
            self.say(
                f"alarm: the hub refused this kiosk ({report.alarm}); nothing more is sent "
                "until it is fixed at the hub"
            )
        if report.gave_up:
            self.say(f"the hub could not be reached ({report.gave_up}); the next run tries again")
        if self.kept_open:
            self.say(self.kept_open)
        self.say(f"sent {len(report.sent)} batch(es); {waiting} waiting")
        if report.alarm or report.set_aside:
            return REFUSED
        if report.gave_up:
            return AWAY
        return CLOCK if self.kept_open else OK


def _span(delta: timedelta) -> str:
    seconds = abs(int(delta.total_seconds()))
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 2 * 3600:
        return f"{seconds // 3600} hours"
    return f"{max(1, seconds // 60)} minutes"
