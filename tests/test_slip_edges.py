"""The slip's bytes and measures: the staff test print byte for byte (centring, bold,
double size, ä ö å in CP437), the QR code centred and sized per paper, a cut
description inside the paper width, and the paper-length estimate as a number."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog.model import Activity
from kiosk.printing.slips import (
    COLUMNS,
    Feed,
    Line,
    Qr,
    layout_slip,
    layout_test_slip,
    length_mm,
    render,
)
from tests.printing_support import NOW, WALK

SHOT = datetime(2026, 11, 23, 9, 5, 7)
# ESC @, FS ., ESC t 0; ESC a 1 centre; ESC E 1 bold; GS ! 0x11 double; ESC a 0 left;
# ä ö å Ä Ö Å é ü as CP437 (84 94 86 8E 99 8F 82 81); feed 4, partial cut.
TEST_PRINT = (
    b"\x1b@\x1c.\x1bt\x00"
    b"\x1ba\x01Kohtaamispaikka Akseli\n"
    b"\x1bE\x01\x1d!\x11TEST\n"
    b"\x1bE\x00\x1d!\x00k-123456\n"
    b"23.11.2026 09:05:07\n"
    b"\x1ba\x00--------------------------------\n"
    b"aeiou AEIOU \x84\x94\x86 \x8e\x99\x8f \x82 \x81\n"
    b"\x1bd\x04\x1dV\x01"
)


def staff_test_print() -> list[Line | Qr | Feed]:
    return layout_test_slip(
        kiosk_id="k-123456", meeting_point_name="Kohtaamispaikka Akseli", now=SHOT, width_mm=58
    )


def test_the_staff_test_print_is_centred_emphasised_and_nordic() -> None:
    assert staff_test_print() == [
        Line("Kohtaamispaikka Akseli", center=True),
        Line("TEST", bold=True, double=True, center=True),
        Line("k-123456", center=True),
        Line("23.11.2026 09:05:07", center=True),
        Line("-" * 32),
        Line("aeiou AEIOU äöå ÄÖÅ é ü"),
    ]
    assert render(staff_test_print(), width_mm=58, profile="POS-5890") == TEST_PRINT


@pytest.mark.parametrize(("width", "module"), [(58, b"\x05"), (80, b"\x07")])
def test_a_qr_code_after_left_aligned_text_is_centred_and_sized_for_the_paper(
    width: int, module: bytes
) -> None:
    data = render([Line("x"), Qr("https://example.fi")], width_mm=width, profile="POS-5890")
    assert data == (
        b"\x1b@\x1c.\x1bt\x00x\n\x1ba\x01"  # centred before the code
        b"\x1d(k\x04\x001A2\x00"  # model 2
        b"\x1d(k\x03\x001C" + module +  # dots per module
        b"\x1d(k\x03\x001E1"  # error correction M
        b"\x1d(k\x15\x001P0https://example.fi\x1d(k\x03\x001Q0"
        b"\x1bd\x04\x1dV\x01"
    )  # fmt: skip


def test_the_paper_length_estimate_in_millimetres() -> None:
    # 203 dpi is 8 dots a millimetre; a line is 30 dots, a double line 60, the tear feed
    # 4 lines; "https://example.fi" is a 25-module code (5 dots a module on 58 mm, 7 on
    # 80 mm) and a line after it.
    ops: list[Line | Qr | Feed] = [Line("a"), Line("B", double=True), Feed(2)]
    assert length_mm(ops, 58) == (30 + 60 + 60 + 120) / 8 == 33.75
    with_code = [*ops, Qr("https://example.fi")]
    assert length_mm(with_code, 58) == (270 + 25 * 5 + 30) / 8 == 53.125
    assert length_mm(with_code, 80) == (270 + 25 * 7 + 30) / 8 == 59.375
    assert length_mm([], 58) == 15


def test_a_cut_description_ends_in_an_ellipsis_within_the_paper_width() -> None:
    # Words of 15 letters: each wrapped line is 31 of the 32 columns, so the fifth and
    # last line must be shortened to make room for "...".
    words = " ".join(("ä" * 15, "b" * 15) * 20)
    activity = Activity(id="x", title={"fi": "T"}, description={"fi": words})
    ops = layout_slip(activity, lang="fi", width_mm=58, meeting_point_name="K", today=NOW)
    described = [op.text for op in ops if isinstance(op, Line) and op.text[:1] in "äb"]
    assert described[:4] == [f"{'ä' * 15} {'b' * 15}"] * 4
    assert described[4] == f"{'ä' * 15} {'b' * 13}..."
    assert len(described) == 5 and len(described[4]) == 32


def test_a_short_last_line_keeps_its_words_before_the_ellipsis() -> None:
    words = " ".join(["sana"] * 200)
    activity = Activity(id="x", title={"fi": "T"}, description={"fi": words})
    ops = layout_slip(activity, lang="fi", width_mm=80, meeting_point_name="K", today=NOW)
    described = [op.text for op in ops if isinstance(op, Line) and op.text.startswith("sana")]
    assert len(described) == max(2, 160 // COLUMNS[80]) == 3
    assert described[-1] == " ".join(["sana"] * 9) + "..."


texts = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzäöåÄÖÅ €–…-"), min_size=1, max_size=300
)


@settings(max_examples=40, deadline=None)
@given(texts, texts, texts, st.sampled_from([58, 80]))
def test_every_line_fits_the_paper(title: str, description: str, place: str, width: int) -> None:
    activity = replace(WALK, title={"fi": title}, description={"fi": description}, place=place)
    ops = layout_slip(activity, lang="fi", width_mm=width, meeting_point_name=place, today=NOW)
    cols = COLUMNS[width]
    for op in ops:
        if isinstance(op, Line):
            assert len(op.text) <= (cols // 2 if op.double else cols), op
            op.text.encode("cp437")
