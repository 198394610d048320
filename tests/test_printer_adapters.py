import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.emulator import PrinterEmulator
from hardware.printer import (
    FakePrinter,
    FilePrinter,
    NetworkPrinter,
    PrinterError,
    PrinterState,
    SerialPrinter,
    UsbPrinter,
    state_from_replies,
)
from hardware.printer.fake import KEEP_JOBS
from kiosk.printing.printer import open_printer
from kiosk.settings import ConfigError, PrinterSection

OK = 0x12


@pytest.mark.parametrize(
    ("replies", "state"),
    [
        ((OK, OK, OK), PrinterState.READY),
        ((OK | 0x08, OK | 0x04, OK), PrinterState.COVER_OPEN),
        ((OK | 0x08, OK | 0x20, OK | 0x6C), PrinterState.PAPER_OUT),
        ((OK, OK, OK | 0x60), PrinterState.PAPER_OUT),
        ((OK, OK, OK | 0x0C), PrinterState.PAPER_NEAR_END),
        ((OK | 0x08, OK | 0x40, OK), PrinterState.ERROR),
        ((OK | 0x08, OK, OK), PrinterState.OFFLINE),
        ((None, OK, OK), PrinterState.OFFLINE),
        ((OK, None, OK), PrinterState.OFFLINE),
        ((0xFF, OK, OK), PrinterState.ERROR),  # not a status byte: line noise, wrong baud
    ],
)
def test_status_decoding(
    replies: tuple[int | None, int | None, int | None], state: PrinterState
) -> None:
    assert state_from_replies(*replies) is state


def test_serial_missing_device_is_offline_not_a_crash(tmp_path: Path) -> None:
    p = SerialPrinter(str(tmp_path / "nothing"))
    with pytest.raises(PrinterError, match="cannot open"):
        p.open()
    assert p.status() is PrinterState.OFFLINE
    with pytest.raises(PrinterError):
        p.write(b"x")


@pytest.mark.parametrize("flow", ["xonxoff", "rtscts", "none"])
def test_serial_port_settings_are_applied(flow: str) -> None:
    with PrinterEmulator() as emu:
        p = SerialPrinter(emu.device, baud=19200, flow_control=flow, write_timeout=3)
        p.open()
        try:
            port = p._port
            assert port is not None
            assert (port.baudrate, port.write_timeout, port.exclusive) == (19200, 3, True)
            assert port.xonxoff == (flow == "xonxoff") and port.rtscts == (flow == "rtscts")
            # A second opener is refused while the kiosk owns the port.
            with pytest.raises(PrinterError):
                SerialPrinter(emu.device).open()
        finally:
            p.close()


def test_file_printer_appends(tmp_path: Path) -> None:
    path = tmp_path / "out.bin"
    p = FilePrinter(str(path))
    p.open()
    p.write(b"one")
    p.write(b"two")
    p.close()
    assert path.read_bytes() == b"onetwo"
    assert p.status() is PrinterState.UNKNOWN and p.status().can_print


@pytest.fixture
def tcp_printer() -> Iterator[tuple[int, list[bytes], dict[str, bool]]]:
    """A TCP 9100 printer on loopback that answers DLE EOT unless told to be mute."""
    server = socket.create_server(("127.0.0.1", 0))
    received: list[bytes] = []
    mode = {"answer": True}

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                while data := conn.recv(4096):
                    received.append(data)
                    if data.startswith(b"\x10\x04") and mode["answer"]:
                        conn.sendall(bytes([OK]))

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()[1], received, mode
    server.close()


def test_network_printer(tcp_printer: tuple[int, list[bytes], dict[str, bool]]) -> None:
    port, received, mode = tcp_printer
    p = NetworkPrinter("127.0.0.1", port, timeout=2, status_timeout=0.2)
    p.open()
    assert p.status() is PrinterState.READY
    p.write(b"\x1b@hello\n")
    mode["answer"] = False
    assert p.status() is PrinterState.UNKNOWN
    p.close()
    assert b"\x1b@hello\n" in b"".join(received)


def test_network_refused_is_offline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    p = NetworkPrinter("127.0.0.1", port, timeout=1)
    assert p.status() is PrinterState.OFFLINE
    with pytest.raises(PrinterError):
        p.open()


def test_usb_without_device_is_a_printer_error() -> None:
    p = UsbPrinter(0xFFFF, 0xFFFE, timeout_ms=100)
    with pytest.raises(PrinterError):
        p.open()
    with pytest.raises(PrinterError):
        p.write(b"x")


def test_fake_printer_records_and_fails_midway() -> None:
    p = FakePrinter()
    p.open()
    p.write(b"job1")
    p.fail_next_write(after_bytes=2)
    with pytest.raises(PrinterError):
        p.write(b"job2")
    assert p.jobs == [b"job1"] and p.partial == [b"jo"] and not p.is_open
    p.state = PrinterState.PAPER_OUT
    assert p.status() is PrinterState.PAPER_OUT


def test_factory() -> None:
    assert isinstance(open_printer(PrinterSection()), FakePrinter)
    serial = open_printer(PrinterSection(kind="serial", device="/dev/ttyUSB0", baud=19200))
    assert isinstance(serial, SerialPrinter) and serial.baud == 19200
    emu = open_printer(PrinterSection(kind="emulator"), device="/dev/pts/9")
    assert isinstance(emu, SerialPrinter) and emu.device == "/dev/pts/9"
    assert isinstance(open_printer(PrinterSection(kind="file", file_path="/tmp/x")), FilePrinter)
    net = open_printer(PrinterSection(kind="network", host="10.0.0.5"))
    assert isinstance(net, NetworkPrinter) and net.port == 9100
    usb = open_printer(PrinterSection(kind="usb", usb_vendor="0416", usb_product="5011"))
    assert isinstance(usb, UsbPrinter) and usb.vendor == 0x0416
    for bad in (
        PrinterSection(kind="emulator"),
        PrinterSection(kind="file"),
        PrinterSection(kind="network"),
        PrinterSection(kind="usb", usb_vendor="zz", usb_product="1"),
    ):
        with pytest.raises(ConfigError):
            open_printer(bad)


def test_escpos_import_leaves_no_log_handler_or_temp_dir(tmp_path: Path) -> None:
    code = (
        "import logging\n"
        "import hardware.printer, kiosk.printing.slips\n"
        "assert 'escpos' not in __import__('sys').modules  # nothing at import time\n"
        "from hardware.printer.escpos_import import dummy\n"
        "dummy('POS-5890')\n"
        "assert logging.getLogger().handlers == [], logging.getLogger().handlers\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert [p.name for p in tmp_path.iterdir()] == [f"kiosk-escpos-{os.getuid()}"]


def test_processes_importing_escpos_at_once_all_read_a_whole_capabilities_file(
    tmp_path: Path,
) -> None:
    # After a boot the cache folder is empty: the web server, a print or import command
    # and the tests' two parts may all be the first to import escpos, which writes its
    # capabilities pickle in place; one reading it half-written failed with EOFError.
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    code = "from hardware.printer.escpos_import import dummy; dummy('default')"
    runs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    answers = [(run, run.communicate(timeout=120)[1]) for run in runs]
    assert [err.decode() for run, err in answers if run.returncode != 0] == []


def test_a_failure_without_text_is_named_by_its_kind(tmp_path: Path) -> None:
    from hardware.printer.base import why

    assert why(TimeoutError()) == "TimeoutError"
    assert why(OSError(5, "Input/output error")) == "[Errno 5] Input/output error"
    printer = FilePrinter(str(tmp_path / "no-such-folder" / "lp0"))
    with pytest.raises(PrinterError) as failed:
        printer.open()
    assert not str(failed.value).rstrip().endswith(":")


def test_the_fake_printer_keeps_only_its_newest_jobs() -> None:
    # The demo's default printer: a kiosk left running for days must not grow with it.
    printer = FakePrinter()
    printer.open()
    for n in range(KEEP_JOBS + 20):
        printer.write(b"job %d" % n)
    assert len(printer.jobs) == KEEP_JOBS
    assert printer.jobs[0] == b"job 20" and printer.jobs[-1] == b"job %d" % (KEEP_JOBS + 19)
