"""The print queue of the running kiosk: its printer (and the emulator for kind
``emulator``) built from the settings, and its place among the services."""

from __future__ import annotations

from pathlib import Path

from hardware.emulator import start_emulator
from kiosk.context import Services
from kiosk.printing.printer import open_printer
from kiosk.printing.queue import PrintQueue


def create_print_queue(svc: Services, data_dir: Path) -> PrintQueue:
    """Build the printer ``[printer] kind`` names (starting the emulator for kind
    ``emulator``) and its queue, and put the queue in ``svc.extra["print_queue"]``.
    The caller starts it (``.start()``) and stops it at exit (``.stop()``)."""
    section = svc.settings.printer
    emulator = None
    if section.kind == "emulator":
        slips = Path(section.slips_dir) if section.slips_dir else data_dir / "slips"
        emulator = start_emulator(section.emulator_fault, slips, png=svc.settings.kiosk.demo)
    print_queue = PrintQueue(
        printer=open_printer(section, device=emulator.device if emulator else None),
        settings=svc.settings,
        store=svc.store,
        tally=svc.tally,
        events=svc.events,
        lookup=svc.catalog.get,
        on_stop=emulator.stop if emulator else None,
    )
    svc.extra["print_queue"] = print_queue
    if emulator is not None:
        svc.extra["printer_emulator"] = emulator
    return print_queue
