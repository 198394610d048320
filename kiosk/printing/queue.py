"""The print queue: one worker thread owns the printer; requests only enqueue.

``submit()`` returns a job id at once; the page polls the job's state (queued,
printing, done, failed + reason). Before writing, the worker asks the printer
for its status and does not print when the paper is out, the cover is open or
the printer does not answer. A job that fails midway is *not* retried: the
visitor may already hold half a slip, and a retry could print a second one;
the screen shows the QR code instead. A job whose bytes were all written counts
as printed, whatever the printer says (or does not say) afterwards: the paper
is what counts, and calling it failed would invite a second slip. A fault or
silence after it is logged as a warning and stops the next job before it starts.
After a write error the port is closed and reopened for the next job, so
unplugging and replugging needs no restart. A second tap on the same activity
while its slip is queued or printing gets the same job (no double slips from a
double tap).

Paper use is an estimate (lines x line height + QR + tear feed) summed in the
``meta`` table since the last restock, for the staff screen.
"""

from __future__ import annotations

import itertools
import queue
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from hardware.printer import Printer, PrinterError, PrinterState
from hardware.printer.escpos_import import dummy
from kiosk.catalog.model import Activity
from kiosk.printing.slips import Op, layout_slip, layout_test_slip, length_mm, render
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally

REASONS = ("paper_out", "cover_open", "offline", "other")
_REASON_OF_STATE = {
    PrinterState.PAPER_OUT: "paper_out",
    PrinterState.COVER_OPEN: "cover_open",
    PrinterState.OFFLINE: "offline",
    PrinterState.ERROR: "other",
}
KEEP_JOBS = 200


@dataclass(frozen=True)
class Job:
    id: str
    kind: str  # "slip", "test" (staff test print) or "status" (status refresh)
    activity_id: str  # for a test print: the kiosk id printed on it
    lang: str
    state: str = "queued"  # queued, printing, done, failed
    reason: str | None = None  # one of REASONS when failed


@dataclass(frozen=True)
class PaperStatus:
    used_mm: float
    roll_mm: float
    restocked_at: str
    last_good_print: str

    @property
    def left_percent(self) -> int:
        return max(0, round(100 * (1 - self.used_mm / self.roll_mm))) if self.roll_mm else 0


class _Failed(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class PrintQueue:
    def __init__(
        self,
        *,
        printer: Printer,
        settings: Settings,
        store: Store,
        tally: Tally,
        events: EventLog,
        lookup: Callable[[str], Activity | None],
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.printer = printer
        self.settings = settings
        self.store = store
        self.tally = tally
        self.events = events
        self.lookup = lookup
        self.state = PrinterState.UNKNOWN  # last status seen, for the staff screen
        self._on_stop = on_stop
        self._tz = ZoneInfo(settings.kiosk.timezone)
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._ids = itertools.count(1)
        self._thread: threading.Thread | None = None
        self._last_reason: str | None = None
        self._sensor_low = False  # the GPIO paper-low sensor, when one is wired
        # The newest good print to the second, for the staff screen, in memory only: the
        # database keeps its day, since a time stored with each print would date the
        # counts of the same visit written next to it.
        self._last_good_print = ""

    # --- lifecycle -----------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="print-worker", daemon=True)
            self._thread.start()

    def paper_sensor(self, low: bool) -> None:
        """The GPIO paper-low sensor's reading (printers without a near-end status)."""
        self._sensor_low = low

    def printer_state(self) -> str:
        """The state the staff screen and the status light show, sensor included."""
        if self._sensor_low and self.state in (
            PrinterState.READY,
            PrinterState.UNKNOWN,
        ):
            return PrinterState.PAPER_NEAR_END.value
        return str(self.state.value)

    def health(self) -> dict[str, object]:
        """For /healthz: printer state, paper left and whether the worker runs."""
        return {
            "state": self.printer_state(),
            "paper_left_percent": self.paper().left_percent,
            "worker": self.is_alive(),
        }

    def is_alive(self) -> bool:
        """The worker thread runs (for the service watchdog)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=self.settings.printer.write_timeout + 5)
            self._thread = None
        if self._on_stop is not None:
            self._on_stop()

    # --- requests (never touch the printer) ------------------------------------------
    def submit(self, activity_id: str, lang: str) -> str:
        with self._lock:
            for job in self._jobs.values():
                if (job.kind, job.activity_id, job.lang) == ("slip", activity_id, lang) and (
                    job.state in ("queued", "printing")
                ):
                    return job.id
            return self._add("slip", activity_id, lang)

    def test_print(self, kiosk_id: str) -> str:
        with self._lock:
            return self._add("test", kiosk_id, self.settings.kiosk.default_language)

    def refresh_status(self) -> str:
        """Ask the printer for its status (staff screen); the answer lands in ``state``."""
        with self._lock:
            return self._add("status", "", self.settings.kiosk.default_language)

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _add(self, kind: str, key: str, lang: str) -> str:
        # The random part keeps a page from before a restart from reading another job.
        job = Job(
            id=f"p{next(self._ids)}-{secrets.token_hex(3)}", kind=kind, activity_id=key, lang=lang
        )
        self._jobs[job.id] = job
        while len(self._jobs) > KEEP_JOBS:
            self._jobs.popitem(last=False)
        self._queue.put(job.id)
        return job.id

    def _set(self, job_id: str, state: str, reason: str | None = None) -> Job:
        with self._lock:
            job = replace(self._jobs[job_id], state=state, reason=reason)
            self._jobs[job_id] = job
            return job

    # --- paper -------------------------------------------------------------------
    def paper(self) -> PaperStatus:
        meta = _read_meta(self.store)
        return PaperStatus(
            used_mm=float(meta.get("paper_used_mm", "0")),
            roll_mm=self.settings.printer.roll_length_m * 1000,
            restocked_at=meta.get("paper_restocked_at", ""),
            last_good_print=self._last_good_print or meta.get("last_good_print", ""),
        )

    def restock(self) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.store.write() as db:
            _put_meta(db, paper_used_mm="0", paper_restocked_at=now)
        self.events.info("printer", "paper restocked")

    # --- the worker ----------------------------------------------------------------
    def _run(self) -> None:
        try:
            dummy(self.settings.printer.profile)  # import escpos here, not on the first tap
        except Exception as exc:  # e.g. an unknown profile: every job will say so
            self.events.error("printer", f"cannot prepare slips: {type(exc).__name__}: {exc}")
        while True:
            job_id = self._queue.get()
            if job_id is None:
                break
            try:
                self._print(job_id)
            except Exception as exc:  # the worker must outlive any one job
                self._set(job_id, state="failed", reason="other")
                self.events.error("printer", f"print worker: {type(exc).__name__}: {exc}")
        self.printer.close()

    def _print(self, job_id: str) -> None:
        job = self._set(job_id, state="printing")
        if job.kind == "status":
            self._refresh(job)
            return
        try:
            ops = self._layout(job)
            data = render(
                ops,
                width_mm=self.settings.printer.width_mm,
                profile=self.settings.printer.profile,
                qr_mode=self.settings.printer.qr,
            )
            after = self._send(data)
        except _Failed as failed:
            self._outcome(job, failed.reason, str(failed))
            self._set(job_id, state="failed", reason=failed.reason)
            return
        except Exception as exc:  # a bug or a bad record must not kill the worker
            self._outcome(job, "other", f"{type(exc).__name__}: {exc}")
            self._set(job_id, state="failed", reason="other")
            return
        # Bookkeeping first: whoever sees "done" also sees the counts and the paper.
        self._add_paper(length_mm(ops, self.settings.printer.width_mm))
        self._outcome(job, None, "")
        if after is not None:
            self.events.warning(
                "printer",
                f"a slip was sent in full, then the printer was {after.value}: "
                "counted as printed; check that it came out",
            )
        self._set(job_id, state="done")

    def _refresh(self, job: Job) -> None:
        try:
            self.printer.open()
            self.state = self.printer.status()
        except PrinterError:
            self.state = PrinterState.OFFLINE
        reason = None if self.state.can_print else _REASON_OF_STATE.get(self.state, "other")
        self._set(job.id, state="done" if reason is None else "failed", reason=reason)

    def _layout(self, job: Job) -> list[Op]:
        now = datetime.now(self._tz).replace(tzinfo=None)
        name, width = self.settings.kiosk.name, self.settings.printer.width_mm
        if job.kind == "test":
            return layout_test_slip(
                kiosk_id=job.activity_id, meeting_point_name=name, now=now, width_mm=width
            )
        activity = self.lookup(job.activity_id)
        if activity is None:
            raise _Failed("other", f"activity {job.activity_id} is no longer in the catalogue")
        return layout_slip(
            activity, lang=job.lang, width_mm=width, meeting_point_name=name, today=now
        )

    def _send(self, data: bytes) -> PrinterState | None:
        """Write one job; the printer's state after it when that is not a good one."""
        try:
            self.printer.open()
        except PrinterError as exc:
            self.state = PrinterState.OFFLINE
            raise _Failed("offline", str(exc)) from exc
        before = self.printer.status()
        self._check(before, "before printing")
        try:
            self.printer.write(data)
        except PrinterError as exc:
            self.printer.close()  # reopened on the next job (unplug and replug)
            self.state = PrinterState.OFFLINE
            raise _Failed("offline", str(exc)) from exc
        # Every byte went out: the slip is printed as far as anyone can tell. Silence
        # or a fault now is the printer's next problem, not this slip's.
        try:
            after = self.printer.status()
        except Exception:  # a transport that fails to ask: the state is unknown
            after = PrinterState.UNKNOWN
        self.state = after
        if after is PrinterState.OFFLINE:
            self.printer.close()
        # UNKNOWN is normal for a transport that never tells; worth a word only when
        # the same printer answered a moment ago.
        went_quiet = after is PrinterState.UNKNOWN and before is not PrinterState.UNKNOWN
        return after if went_quiet or not after.can_print else None

    def _check(self, state: PrinterState, when: str) -> None:
        self.state = state
        if not state.can_print:
            if state is PrinterState.OFFLINE:
                self.printer.close()
            raise _Failed(_REASON_OF_STATE.get(state, "other"), f"printer {state.value} {when}")

    def _outcome(self, job: Job, reason: str | None, detail: str) -> None:
        if job.kind == "slip":
            self.tally.count("printer", reason or "ok")
            if reason is None:
                self.tally.count("activity_prints", job.activity_id)
                # The hub's "paper low" alarm: the roll was low when this slip came out.
                if self.printer_state() == PrinterState.PAPER_NEAR_END.value:
                    self.tally.count("printer", "paper_low")
        if reason is not None and reason != self._last_reason:
            self.events.warning("printer", f"print failed ({reason}): {detail}")
        elif reason is None and self._last_reason is not None:
            self.events.info("printer", f"printer recovered after {self._last_reason}")
        if reason is None and self.state is PrinterState.PAPER_NEAR_END:
            self.events.warning("printer", "paper near end")
        self._last_reason = reason

    def _add_paper(self, mm: float) -> None:
        now = datetime.now(self._tz)
        self._last_good_print = now.isoformat(timespec="seconds")
        with self.store.write() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'paper_used_mm'").fetchone()
            used = float(row[0]) if row else 0.0
            _put_meta(db, paper_used_mm=f"{used + mm:.1f}", last_good_print=now.date().isoformat())


def _read_meta(store: Store) -> dict[str, str]:
    rows = store.db().execute(
        "SELECT key, value FROM meta WHERE key LIKE 'paper_%' OR key = 'last_good_print'"
    )
    return {key: value for key, value in rows.fetchall()}


def _put_meta(db: Any, **values: str) -> None:
    for key, value in values.items():
        db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
