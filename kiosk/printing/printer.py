"""The printer adapter ``[printer] kind`` names, built from the kiosk's settings.

The hardware layer knows transports (a serial port, a USB id, a host and port),
not the kiosk's settings: the settings become plain values here, and a setting
that cannot work is refused with the kiosk's own :class:`ConfigError`. Nothing
is opened until the print worker calls ``open()``.
"""

from __future__ import annotations

from hardware.printer import (
    FakePrinter,
    FilePrinter,
    NetworkPrinter,
    Printer,
    SerialPrinter,
    UsbPrinter,
)
from kiosk.settings import ConfigError, PrinterSection


def _hex_id(value: str, name: str) -> int:
    try:
        return int(value, 16)
    except ValueError:
        raise ConfigError(f"setting 'printer.{name}' = {value!r}: expected a hex USB id") from None


def open_printer(section: PrinterSection, *, device: str | None = None) -> Printer:
    """The adapter for ``section.kind``; ``device`` overrides the serial device
    (the emulator's pty path for kind ``emulator``)."""
    kind = section.kind
    if kind == "none":
        raise ConfigError("printer kind 'none': this kiosk has no printer")
    if kind == "fake":
        return FakePrinter()
    if kind in ("serial", "emulator"):
        path = device or section.device
        if kind == "emulator" and device is None:
            raise ConfigError("printer kind 'emulator' needs a running emulator (its pty path)")
        return SerialPrinter(
            path,
            baud=section.baud,
            flow_control=section.flow_control,
            write_timeout=section.write_timeout,
            status_timeout=section.status_timeout,
        )
    if kind == "usb":
        return UsbPrinter(
            _hex_id(section.usb_vendor, "usb_vendor"),
            _hex_id(section.usb_product, "usb_product"),
            timeout_ms=int(section.write_timeout * 1000),
        )
    if kind == "network":
        if not section.host:
            raise ConfigError("printer kind 'network' needs 'printer.host'")
        return NetworkPrinter(
            section.host,
            section.port,
            timeout=section.write_timeout,
            status_timeout=section.status_timeout,
        )
    if kind == "file":
        if not section.file_path:
            raise ConfigError("printer kind 'file' needs 'printer.file_path'")
        return FilePrinter(section.file_path)
    raise ConfigError(f"unknown printer kind {kind!r}")
