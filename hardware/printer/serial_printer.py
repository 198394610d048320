"""A printer on a serial line (GPIO UART, USB-serial adapter, or the emulator's pty).

The kiosk owns the pyserial port itself instead of using python-escpos ``Serial``:
that class reads 16 bytes per status query (so every query waits the whole
timeout) and does not pass ``write_timeout``, ``rtscts`` or ``exclusive``.

On a pty ``flush()`` returns at once, so the bytes of a job may still be "on the
wire" when we ask for status afterwards; the first status reply after a write is
awaited for the job's wire time (10 bits per byte) plus the status timeout.
"""

from __future__ import annotations

import contextlib
import termios
import time

import serial

from hardware.printer.base import DLE_EOT, PrinterError, PrinterState, state_from_replies, why

# termios.error (not an OSError) comes from tcdrain() when the other end is gone.
_PORT_ERRORS = (serial.SerialException, OSError, termios.error)


def wire_seconds(n_bytes: int, baud: int) -> float:
    """Time ``n_bytes`` take on an 8N1 line."""
    return n_bytes * 10 / baud


class SerialPrinter:
    def __init__(
        self,
        device: str,
        *,
        baud: int = 9600,
        flow_control: str = "none",
        write_timeout: float = 10.0,
        status_timeout: float = 0.3,
    ) -> None:
        if flow_control not in ("none", "xonxoff", "rtscts"):
            raise ValueError(f"unknown flow control {flow_control!r}")
        self.device = device
        self.baud = baud
        self.flow_control = flow_control
        self.write_timeout = write_timeout
        self.status_timeout = status_timeout
        self._port: serial.Serial | None = None
        self._drained_at = 0.0

    def open(self) -> None:
        if self._port is not None:
            return
        try:
            self._port = serial.Serial(
                self.device,
                baudrate=self.baud,
                bytesize=serial.EIGHTBITS,
                parity=serial.PARITY_NONE,
                stopbits=serial.STOPBITS_ONE,
                timeout=self.status_timeout,
                write_timeout=self.write_timeout,
                xonxoff=self.flow_control == "xonxoff",
                rtscts=self.flow_control == "rtscts",
                exclusive=True,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterError(f"cannot open {self.device}: {why(exc)}") from exc

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            # Already gone when unplugged: nothing left to release.
            with contextlib.suppress(*_PORT_ERRORS):
                port.close()

    def _require(self) -> serial.Serial:
        if self._port is None:
            raise PrinterError(f"{self.device} is not open")
        return self._port

    def write(self, data: bytes) -> None:
        port = self._require()
        try:
            port.write(data)
            port.flush()
        except _PORT_ERRORS as exc:
            raise PrinterError(f"write to {self.device} failed: {why(exc)}") from exc
        self._drained_at = time.monotonic() + wire_seconds(len(data), self.baud)

    def query(self, n: int) -> int | None:
        """One ``DLE EOT n`` query: the reply byte, or ``None`` on silence."""
        port = self._require()
        # Reads use the port's own timeout (changing it reconfigures the tty); a job
        # still draining to the printer extends the wait by its wire time.
        deadline = max(time.monotonic(), self._drained_at) + self.status_timeout
        try:
            port.reset_input_buffer()  # a late reply to an earlier query is stale
            port.write(DLE_EOT + bytes([n]))
            reply = port.read(1)
            while not reply and time.monotonic() < deadline - self.status_timeout:
                reply = port.read(1)
        except _PORT_ERRORS as exc:
            raise PrinterError(f"status query on {self.device} failed: {why(exc)}") from exc
        return reply[0] if reply else None

    def status(self) -> PrinterState:
        try:
            self.open()
            first = self.query(1)
            if first is None:
                return PrinterState.OFFLINE
            return state_from_replies(first, self.query(2), self.query(4))
        except PrinterError:
            self.close()
            return PrinterState.OFFLINE
