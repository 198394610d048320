"""Thermal printers: one interface (:class:`Printer`), one adapter per transport.

Adapters take plain values (a device path, a USB id, a host and port); the kiosk
builds the one its settings name (kiosk.printing.printer). Nothing is opened
until the print worker calls ``open()`` (no IO at import or at build).
"""

from __future__ import annotations

from hardware.printer.base import Printer, PrinterError, PrinterState, state_from_replies
from hardware.printer.fake import FakePrinter
from hardware.printer.other import FilePrinter, NetworkPrinter, UsbPrinter
from hardware.printer.serial_printer import SerialPrinter, wire_seconds

__all__ = [
    "FakePrinter",
    "FilePrinter",
    "NetworkPrinter",
    "Printer",
    "PrinterError",
    "PrinterState",
    "SerialPrinter",
    "UsbPrinter",
    "state_from_replies",
    "wire_seconds",
]
