"""USB, network (TCP 9100) and file printers.

USB goes through python-escpos ``Usb`` (pyusb), always with a timeout: its
default of 0 means a write may block for ever. Reading status back over USB is
not reliable on cheap printers, so a silent USB printer is ``UNKNOWN`` (print and
see), not offline. escpos is imported inside the functions: importing it calls
``logging.basicConfig()`` and creates a temporary directory (see
:func:`hardware.printer.escpos_import.escpos_printer`).
"""

from __future__ import annotations

import contextlib
import importlib.util
import socket
from pathlib import Path
from typing import IO, Any

from hardware.printer.base import DLE_EOT, PrinterError, PrinterState, state_from_replies, why
from hardware.printer.escpos_import import escpos_printer


class UsbPrinter:
    def __init__(self, vendor: int, product: int, *, timeout_ms: int = 5000) -> None:
        self.vendor, self.product, self.timeout_ms = vendor, product, timeout_ms
        self._dev: Any = None

    def open(self) -> None:
        if self._dev is not None:
            return
        if importlib.util.find_spec("usb") is None:
            # Checked first: a failed escpos Usb() leaves an object whose __del__ raises.
            raise PrinterError("USB printing needs pyusb: pip install 'python-escpos[usb]'")
        try:
            dev = escpos_printer().Usb(self.vendor, self.product, timeout=self.timeout_ms)
            dev.open()
        except Exception as exc:  # pyusb and escpos raise many unrelated types
            raise PrinterError(
                f"cannot open USB printer {self.vendor:04x}:{self.product:04x}: {why(exc)}"
            ) from exc
        self._dev = dev

    def close(self) -> None:
        dev, self._dev = self._dev, None
        if dev is not None:
            with contextlib.suppress(Exception):
                dev.close()

    def write(self, data: bytes) -> None:
        if self._dev is None:
            raise PrinterError("USB printer is not open")
        try:
            self._dev._raw(data)
        except Exception as exc:
            raise PrinterError(f"USB write failed: {why(exc)}") from exc

    def _query(self, n: int) -> int | None:
        self._dev._raw(DLE_EOT + bytes([n]))
        reply = self._dev._read()
        return reply[0] if reply else None

    def status(self) -> PrinterState:
        try:
            self.open()
            replies = [self._query(n) for n in (1, 2, 4)]
        except PrinterError:
            return PrinterState.OFFLINE
        except Exception:
            return PrinterState.UNKNOWN
        if any(r is None for r in replies):
            return PrinterState.UNKNOWN
        return state_from_replies(*replies)


class NetworkPrinter:
    def __init__(
        self, host: str, port: int = 9100, *, timeout: float = 5.0, status_timeout: float = 0.3
    ) -> None:
        self.host, self.port = host, port
        self.timeout, self.status_timeout = timeout, status_timeout
        self._sock: socket.socket | None = None

    def open(self) -> None:
        if self._sock is not None:
            return
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise PrinterError(f"cannot connect to {self.host}:{self.port}: {why(exc)}") from exc

    def close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def write(self, data: bytes) -> None:
        if self._sock is None:
            raise PrinterError("network printer is not connected")
        try:
            self._sock.settimeout(self.timeout)
            self._sock.sendall(data)
        except OSError as exc:
            raise PrinterError(f"send to {self.host}:{self.port} failed: {why(exc)}") from exc

    def _query(self, sock: socket.socket, n: int) -> int | None:
        sock.settimeout(self.status_timeout)
        sock.sendall(DLE_EOT + bytes([n]))
        try:
            reply = sock.recv(1)
        except TimeoutError:
            return None
        if not reply:
            raise PrinterError("connection closed by the printer")
        return reply[0]

    def status(self) -> PrinterState:
        try:
            self.open()
            assert self._sock is not None
            replies = [self._query(self._sock, n) for n in (1, 2, 4)]
        except (PrinterError, OSError):
            self.close()
            return PrinterState.OFFLINE
        if any(r is None for r in replies):
            return PrinterState.UNKNOWN  # connected but mute: many print servers never answer
        return state_from_replies(*replies)


class FilePrinter:
    """Appends each job's bytes to a file (or a device such as /dev/usb/lp0)."""

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._file: IO[bytes] | None = None

    def open(self) -> None:
        if self._file is None:
            try:
                self._file = self.path.open("ab")
            except OSError as exc:
                raise PrinterError(f"cannot open {self.path}: {why(exc)}") from exc

    def close(self) -> None:
        f, self._file = self._file, None
        if f is not None:
            with contextlib.suppress(OSError):
                f.close()

    def write(self, data: bytes) -> None:
        if self._file is None:
            raise PrinterError(f"{self.path} is not open")
        try:
            self._file.write(data)
            self._file.flush()
        except OSError as exc:
            raise PrinterError(f"write to {self.path} failed: {why(exc)}") from exc

    def status(self) -> PrinterState:
        return PrinterState.UNKNOWN
