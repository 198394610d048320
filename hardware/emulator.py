"""A pseudo-terminal ESC/POS printer, opened by the kiosk exactly like a serial one.

It decodes what it receives (:mod:`hardware.escpos_decode`), keeps each slip (up
to a cut) and, given a folder, writes it as a text file a newcomer can open. It
answers ``DLE EOT n`` like a printer (one byte, ``0xx1xx10``).

Fault modes (``fault`` may be changed while running):

* ``paper_out`` / ``cover_open``: offline with that cause; received jobs are lost;
* ``paper_near_end``: prints, and says so;
* ``silent``: never answers a status query (a printer switched off);
* ``silent_after_slip``: answers until it has printed a whole slip, then never
  again (a printer that goes quiet right after the job);
* ``slow``: consumes bytes at ``slow_baud`` (8N1), like a real line;
* ``disconnect``: after ``disconnect_after`` bytes of a job the pty is closed,
  as when the cable is pulled mid-slip.

``link`` makes a stable path (a symlink to the pty, as udev's /dev/serial/by-id
does); a new emulator on the same link is a printer plugged back in. The emulator
keeps its own slave fd open so that the kiosk closing and reopening the port does
not end the session.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import threading
import time
import tty
from datetime import datetime
from pathlib import Path

from hardware.escpos_decode import Decoder, Element, as_text
from hardware.slip_png import write_png

log = logging.getLogger(__name__)
KEEP_BYTES = 1 << 20
KEEP_SLIPS = 100
FAULTS = (
    "none",
    "paper_out",
    "paper_near_end",
    "cover_open",
    "silent",
    "silent_after_slip",
    "slow",
    "disconnect",
)


class PrinterEmulator:
    def __init__(
        self,
        *,
        fault: str = "none",
        slips_dir: Path | None = None,
        link: Path | None = None,
        slow_baud: int = 9600,
        disconnect_after: int = 64,
        png: bool = False,
    ) -> None:
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; one of {', '.join(FAULTS)}")
        self.fault = fault
        self.slips_dir = slips_dir
        self.link = link
        self.slow_baud = slow_baud
        self.disconnect_after = disconnect_after
        self.png = png  # also draw each slip as a picture (Pillow)
        self.path = ""
        # The newest bytes, slips and files are kept (a demo left printing for days
        # must not grow); the counts are of everything since the start.
        self.received = bytearray()
        self.received_count = 0
        self.slips: list[list[Element]] = []
        self.slip_count = 0
        self.files: list[Path] = []
        self.file_count = 0
        # Monotonic times of the first byte received and of the first ESC @ of a job.
        self.first_byte_at: float | None = None
        self.slip_started_at: float | None = None
        self.slip_done = threading.Event()
        self._current: list[Element] = []
        self._decoder = Decoder()
        self._master = self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # --- lifecycle ---------------------------------------------------------------
    def start(self) -> PrinterEmulator:
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        if self.link is not None:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self.path)
            tmp.replace(self.link)
        self._thread = threading.Thread(target=self._run, name="printer-emulator", daemon=True)
        self._thread.start()
        return self

    @property
    def device(self) -> str:
        """The path the kiosk opens."""
        return str(self.link) if self.link is not None else self.path

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._close_fds()

    def unplug(self) -> None:
        """Pull the cable now."""
        self._stop.set()
        self._close_fds()

    def _close_fds(self) -> None:
        with self._lock:
            for fd in (self._master, self._slave):
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self._master = self._slave = -1

    def __enter__(self) -> PrinterEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the printer ---------------------------------------------------------------
    def status_byte(self, n: int) -> int:
        byte = 0x12
        offline = self.fault in ("paper_out", "cover_open")
        if n == 1 and offline:
            byte |= 0x08
        if n == 2 and self.fault == "cover_open":
            byte |= 0x04
        if n == 2 and self.fault == "paper_out":
            byte |= 0x20
        if n == 4 and self.fault == "paper_near_end":
            byte |= 0x0C
        if n == 4 and self.fault == "paper_out":
            byte |= 0x6C
        return byte

    def wait_for_slips(self, count: int, timeout: float = 2.0) -> bool:
        deadline = time.monotonic() + timeout
        while self.slip_count < count:
            if time.monotonic() > deadline:
                return False
            self.slip_done.wait(0.02)
            self.slip_done.clear()
        return True

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                chunk = os.read(self._master, 256 if self.fault == "slow" else 4096)
            except (OSError, ValueError):
                return  # fds closed by unplug()/stop()
            if self.fault == "slow":
                time.sleep(len(chunk) * 10 / self.slow_baud)
            self._receive(chunk)

    def _receive(self, chunk: bytes) -> None:
        now = time.monotonic()
        cutting = self.fault == "disconnect"
        if cutting:
            chunk = chunk[: max(0, self.disconnect_after - self.received_count)]
        if self.first_byte_at is None:
            self.first_byte_at = now
        for element in self._decoder.feed(chunk):
            if element.kind == "status":
                quiet = self.fault == "silent" or (self.fault == "silent_after_slip" and self.slips)
                if not quiet:
                    with contextlib.suppress(OSError):
                        os.write(self._master, bytes([self.status_byte(int(element.value))]))
                continue
            if element.kind == "init" and self.slip_started_at is None:
                self.slip_started_at = now
            self._take(element)
        self.received += chunk
        self.received_count += len(chunk)
        del self.received[:-KEEP_BYTES]
        if cutting and self.received_count >= self.disconnect_after:
            self._save([*self._current, Element("unknown", "disconnected")], partial=True)
            self.unplug()

    def _take(self, element: Element) -> None:
        if element.kind == "init" and self._current:
            self._current = []  # a new job restarts the slip (after a lost one)
        if self.fault in ("paper_out", "cover_open"):
            return  # nothing comes out
        self._current.append(element)
        if element.kind == "cut":
            self._save(self._current, partial=False)
            self._current = []

    def _save(self, elements: list[Element], *, partial: bool) -> None:
        if self.slips_dir is not None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            self.file_count += 1
            name = f"slip-{stamp}-{self.file_count:04d}{'-partial' if partial else ''}.txt"
            path = self.slips_dir / name
            try:
                self.slips_dir.mkdir(parents=True, exist_ok=True)
                path.write_text(as_text(elements), encoding="utf-8")
                if self.png and not partial:
                    write_png(elements, path.with_suffix(".png"))
                self.files.append(path)
                del self.files[:-KEEP_SLIPS]
            except Exception as exc:  # a full disk must not silence the pretend printer
                log.warning("printer emulator: cannot write %s: %s", path, exc)
        if not partial:  # after the file, so a waiter sees both
            self.slips.append(elements)
            del self.slips[:-KEEP_SLIPS]
            self.slip_count += 1
            self.slip_done.set()


def start_emulator(
    fault: str, slips_dir: Path | None, *, png: bool = False, link: Path | None = None
) -> PrinterEmulator:
    """The demo's printer: started by the app when ``[printer] kind = "emulator"``."""
    return PrinterEmulator(fault=fault, slips_dir=slips_dir, link=link, png=png).start()
