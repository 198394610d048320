"""The printer interface, its states and the ESC/POS real-time status decoding.

Status comes from ``DLE EOT n`` (``10 04 n``): the printer answers one byte per
query, of the form ``0xx1xx10``. A query that gets no byte within the timeout
means offline (serial) or unknown (transports that cannot read back); it is never
taken as "paper OK" (python-escpos 3.1 ``paper_status()`` does exactly that).
"""

from __future__ import annotations

import enum
from typing import Protocol

DLE_EOT = b"\x10\x04"
# Bits of the replies (Epson ESC/POS reference, DLE EOT n = 1..4).
OFFLINE_BIT = 0x08  # n=1
COVER_OPEN_BIT = 0x04  # n=2
PAPER_STOP_BIT = 0x20  # n=2: printing stopped because the paper ran out
ERROR_BIT = 0x40  # n=2: an error occurred
NEAR_END_BITS = 0x0C  # n=4
PAPER_END_BITS = 0x60  # n=4


class PrinterState(enum.Enum):
    READY = "ready"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"
    # The transport cannot read status back (file, some USB and network printers).
    UNKNOWN = "unknown"

    @property
    def can_print(self) -> bool:
        return self in (PrinterState.READY, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN)


class PrinterError(Exception):
    """The printer could not be opened or written to (unplugged, timeout, refused)."""


def why(exc: BaseException) -> str:
    """An exception as words for a message: its text, or its kind when it has none
    (a timeout from some transports has no text, and "failed: " says nothing)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


class Printer(Protocol):
    def open(self) -> None: ...

    def close(self) -> None: ...

    def write(self, data: bytes) -> None:
        """Send bytes; raises :class:`PrinterError` when they did not all go out."""

    def status(self) -> PrinterState: ...


def valid_reply(byte: int) -> bool:
    return byte & 0x93 == 0x12


def state_from_replies(
    printer: int | None, offline_cause: int | None, paper: int | None
) -> PrinterState:
    """Decode the replies to DLE EOT 1, 2 and 4 (``None``: no reply)."""
    replies = (printer, offline_cause, paper)
    if any(r is None for r in replies):
        return PrinterState.OFFLINE
    assert printer is not None and offline_cause is not None and paper is not None
    if not all(valid_reply(r) for r in (printer, offline_cause, paper)):
        return PrinterState.ERROR
    if offline_cause & COVER_OPEN_BIT:
        return PrinterState.COVER_OPEN
    if paper & PAPER_END_BITS or offline_cause & PAPER_STOP_BIT:
        return PrinterState.PAPER_OUT
    if offline_cause & ERROR_BIT:
        return PrinterState.ERROR
    if printer & OFFLINE_BIT:
        return PrinterState.OFFLINE
    if paper & NEAR_END_BITS:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.READY
