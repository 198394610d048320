import argparse
from pathlib import Path

import pytest

from hardware.emulator import PrinterEmulator
from hardware.escpos_decode import decode
from kiosk.printing.cli import add_parser, run
from kiosk.settings import Settings
from tests.printing_support import CATALOG, WALK


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["print-slip", *argv])


def test_writes_bytes_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "slip.bin"
    assert (
        run(
            parse(WALK.id, "--width", "80", "--lang", "en", "--to", str(out)),
            Settings(),
            CATALOG.get,
        )
        == 0
    )
    data = out.read_bytes()
    assert data.startswith(b"\x1b@") and b"Walk in Turku" in data and b"-" * 48 in data
    assert "Wrote" in capsys.readouterr().out


def test_unknown_activity_and_bad_width(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse("nope"), Settings(), CATALOG.get) == 2
    assert "No activity" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(WALK.id, "--width", "70")


def test_fake_printer_needs_to(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(parse(WALK.id), Settings(), CATALOG.get) == 1
    assert "--to" in capsys.readouterr().err


def test_prints_on_a_serial_printer_and_explains_faults(capsys: pytest.CaptureFixture[str]) -> None:
    with PrinterEmulator() as emu:
        settings = Settings().replace(
            printer={"kind": "serial", "device": emu.device, "status_timeout": 0.2}
        )
        assert run(parse(WALK.id), settings, CATALOG.get) == 0
        assert emu.wait_for_slips(1)
        assert [e.value for e in decode(bytes(emu.received)) if e.kind == "qr"] == [WALK.url]
        emu.fault = "cover_open"
        assert run(parse(WALK.id), settings, CATALOG.get) == 1
        assert "not ready: cover open" in capsys.readouterr().err
    missing = Settings().replace(printer={"kind": "serial", "device": "/nonexistent/tty"})
    assert run(parse(WALK.id), missing, CATALOG.get) == 1
