"""A printer in memory: records each job's bytes; status and faults are driven."""

from __future__ import annotations

import threading

from hardware.printer.base import PrinterError, PrinterState

# The newest jobs kept: enough for any test, and a demo left running for days does not
# grow with every slip.
KEEP_JOBS = 100


class FakePrinter:
    def __init__(self, state: PrinterState = PrinterState.READY) -> None:
        self.state = state
        self.jobs: list[bytes] = []
        self.partial: list[bytes] = []  # what went out of writes that failed midway
        self.is_open = False
        self.opens = 0
        self._fail_after: int | None = None
        self._fail_open = False
        self._lock = threading.Lock()

    # --- driving ---------------------------------------------------------------
    def fail_next_write(self, after_bytes: int = 0) -> None:
        """The next write sends ``after_bytes`` bytes, then fails (an unplug midway)."""
        self._fail_after = after_bytes

    def fail_open(self, failing: bool = True) -> None:
        self._fail_open = failing

    # --- Printer -----------------------------------------------------------------
    def open(self) -> None:
        if self._fail_open:
            raise PrinterError("fake printer: cannot open")
        if not self.is_open:
            self.is_open = True
            self.opens += 1

    def close(self) -> None:
        self.is_open = False

    def write(self, data: bytes) -> None:
        with self._lock:
            if not self.is_open:
                raise PrinterError("fake printer is not open")
            if self._fail_after is not None:
                self.partial.append(data[: self._fail_after])
                self._fail_after = None
                self.is_open = False
                raise PrinterError("fake printer: write failed midway")
            self.jobs.append(bytes(data))
            del self.jobs[:-KEEP_JOBS]

    def status(self) -> PrinterState:
        if self._fail_open:
            return PrinterState.OFFLINE
        return self.state
