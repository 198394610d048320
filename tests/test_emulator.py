import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hardware.emulator import PrinterEmulator
from hardware.escpos_decode import Decoder, Element, as_text, decode
from hardware.printer import PrinterError, PrinterState, SerialPrinter
from kiosk.printing.slips import build_slip
from tests.printing_support import NOW, WALK

SLIP = build_slip(WALK, lang="fi", width_mm=58, meeting_point_name="Akseli", today=NOW)


def test_decode_gives_back_the_url_styles_and_cut() -> None:
    elements = decode(SLIP)
    assert [e.value for e in elements if e.kind == "qr"] == [WALK.url]
    assert elements[:3] == [Element("init"), Element("kanji_off"), Element("codetable", "0")]
    assert elements[-1] == Element("cut")
    title = [e.value for e in elements if e.kind == "text" and "double" in e.styles]
    assert " ".join(title) == "Kävelyretki - Promenadi Åbo"
    assert Element("text", "Akseli", ("center",)) in elements
    assert "Paikka: Kirjasto, Ölandsgatan 5," in as_text(elements)


def test_decode_reports_unknown_commands_and_code_tables() -> None:
    elements = decode(b"\x1bt\x10\xe4\n\x1b\x7fx\n\x07")
    assert elements[0] == Element("codetable", "16")
    assert elements[1] == Element("text", "ä")  # decoded in the selected table (CP1252)
    assert Element("unknown", "1b 7f") in elements
    assert Element("unknown", "07") in elements


@given(st.integers(min_value=0, max_value=len(SLIP)), st.integers(min_value=0, max_value=len(SLIP)))
def test_decode_in_chunks_equals_decode_at_once(a: int, b: int) -> None:
    a, b = sorted((a, b))
    d = Decoder()
    got = d.feed(SLIP[:a]) + d.feed(SLIP[a:b]) + d.feed(SLIP[b:]) + d.flush()
    assert got == decode(SLIP)


@pytest.fixture
def emulator(tmp_path: Path):  # type: ignore[no-untyped-def]
    emu = PrinterEmulator(slips_dir=tmp_path / "slips", link=tmp_path / "printer").start()
    yield emu
    emu.stop()


def _printer(emu: PrinterEmulator) -> SerialPrinter:
    p = SerialPrinter(emu.device, baud=19200, status_timeout=0.2)
    p.open()
    return p


def test_emulator_prints_a_slip_to_a_text_file(emulator: PrinterEmulator) -> None:
    p = _printer(emulator)
    try:
        assert p.status() is PrinterState.READY
        p.write(SLIP)
        assert emulator.wait_for_slips(1)
    finally:
        p.close()
    assert [e.value for e in emulator.slips[0] if e.kind == "qr"] == [WALK.url]
    assert len(emulator.files) == 1
    text = emulator.files[0].read_text(encoding="utf-8")
    assert "[bold][double] Kävelyretki -" in text and f"[qr {WALK.url}]" in text


@pytest.mark.parametrize(
    ("fault", "state"),
    [
        ("none", PrinterState.READY),
        ("paper_out", PrinterState.PAPER_OUT),
        ("paper_near_end", PrinterState.PAPER_NEAR_END),
        ("cover_open", PrinterState.COVER_OPEN),
        ("silent", PrinterState.OFFLINE),
        ("slow", PrinterState.READY),
    ],
)
def test_status_of_each_fault(emulator: PrinterEmulator, fault: str, state: PrinterState) -> None:
    emulator.fault = fault
    p = _printer(emulator)
    try:
        assert p.status() is state
    finally:
        p.close()


def test_disconnect_midway_is_noticed(emulator: PrinterEmulator) -> None:
    emulator.fault = "disconnect"
    emulator.disconnect_after = 100
    p = _printer(emulator)
    try:
        p.write(SLIP)
        state = p.status()
    except PrinterError:
        state = PrinterState.OFFLINE
    finally:
        p.close()
    assert state is PrinterState.OFFLINE
    assert emulator.slips == []
    assert emulator.files and emulator.files[0].name.endswith("-partial.txt")


def test_paper_out_prints_nothing(emulator: PrinterEmulator) -> None:
    emulator.fault = "paper_out"
    p = _printer(emulator)
    try:
        p.write(SLIP)
        assert p.status() is PrinterState.PAPER_OUT
    finally:
        p.close()
    assert emulator.slips == []


def test_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault"):
        PrinterEmulator(fault="on fire")


def test_png_slip_shows_a_readable_qr(tmp_path: Path) -> None:
    with PrinterEmulator(slips_dir=tmp_path, png=True) as emu:
        p = SerialPrinter(emu.device, status_timeout=0.2)
        p.open()
        try:
            p.write(SLIP)
            assert emu.wait_for_slips(1)
        finally:
            p.close()
    (png,) = tmp_path.glob("*.png")
    assert png.read_bytes().startswith(b"\x89PNG")
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg missing (Debian package zbar-tools): QR not read back")
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == WALK.url


def test_emulator_left_printing_keeps_the_newest_slips_and_counts_all(
    emulator: PrinterEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A demo left printing for days: what the emulator holds stays bounded.
    monkeypatch.setattr("hardware.emulator.KEEP_SLIPS", 2)
    monkeypatch.setattr("hardware.emulator.KEEP_BYTES", len(SLIP))
    p = _printer(emulator)
    try:
        for _ in range(3):
            p.write(SLIP)
        assert emulator.wait_for_slips(3)
    finally:
        p.close()
    assert emulator.slip_count == 3 and len(emulator.slips) == 2
    assert len(emulator.files) == 2 and emulator.files[-1].name.endswith("-0003.txt")
    assert emulator.received_count == 3 * len(SLIP) and bytes(emulator.received) == SLIP
