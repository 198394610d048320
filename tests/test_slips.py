import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.printing.slips import (
    COLUMNS,
    PREAMBLE,
    Line,
    Qr,
    build_slip,
    layout_slip,
    layout_test_slip,
    length_mm,
    printable,
)
from tests.printing_support import CAFE, NOW, WALK

GOLDEN = Path(__file__).parent / "golden"


def slip(width: int, lang: str = "fi", **kw: object) -> bytes:
    return build_slip(
        WALK, lang=lang, width_mm=width, meeting_point_name="Kohtaamispaikka Akseli", today=NOW,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.mark.parametrize("width", [58, 80])
def test_golden_bytes(width: int) -> None:
    path = GOLDEN / f"slip-{width}mm-fi.bin"
    data = slip(width)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert data == path.read_bytes()


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_code_table_zero_once_and_nordic_letters_as_cp437(lang: str) -> None:
    data = slip(58, lang)
    assert data.startswith(PREAMBLE)
    assert data.count(b"\x1bt") == 1
    assert "Å".encode("cp437") in data and "Ö".encode("cp437") in data  # Åbo, Ölandsgatan
    assert "ä".encode("cp437") in data
    assert "ä".encode("cp1252") not in data and "€".encode("cp1252") not in data
    assert b"EUR" in data


def test_layout_fits_the_columns_and_title_is_double_and_whole_words() -> None:
    for width in (58, 80):
        ops = layout_slip(WALK, lang="fi", width_mm=width, meeting_point_name="K", today=NOW)
        lines = [op for op in ops if isinstance(op, Line)]
        cols = COLUMNS[width]
        assert all(len(line.text) <= (cols // 2 if line.double else cols) for line in lines)
        title = [line.text for line in lines if line.double]
        assert " ".join(title) == printable(WALK.title["fi"])
        assert [op for op in ops if isinstance(op, Qr)] == [Qr(WALK.url)]


def test_slip_content_in_each_language() -> None:
    def text(activity: object, lang: str) -> str:
        ops = layout_slip(activity, lang=lang, width_mm=80, meeting_point_name="KP", today=NOW)  # type: ignore[arg-type]
        return "\n".join(op.text for op in ops if isinstance(op, Line))

    fi, sv, en = (text(WALK, lang) for lang in ("fi", "sv", "en"))
    assert "Maksuton" in fi and "Avgiftsfri" in sv and "Free" in en
    assert "ke 25.11. klo 10.00-11.30" in fi  # the one-off date comes first
    assert "tis 1.12. kl. 14.00-16.00" in sv
    assert "Tue 24 Nov 14.00-16.00" in en
    assert "Kielet: suomi, ruotsi" in fi and "Languages: Finnish, Swedish" in en
    assert "SPR Turku" in fi and "040 123 4567" in fi
    assert "Tulostettu 23.11.2026" in fi
    assert "Hinta: 3 EUR" in text(CAFE, "fi")
    assert "Seuraavat ajat" in text(CAFE, "fi")


def test_long_description_is_cut_on_a_word_with_an_ellipsis() -> None:
    long = WALK.__class__(id="x", title={"fi": "T"}, description={"fi": "sana " * 200})
    ops = layout_slip(long, lang="fi", width_mm=58, meeting_point_name="K", today=NOW)
    lines = [op.text for op in ops if isinstance(op, Line) and "sana" in op.text]
    assert 0 < len(lines) < 10 and lines[-1].endswith("...")
    short = WALK.__class__(id="x", title={"fi": "T"})
    assert length_mm(ops, 58) > length_mm(
        layout_slip(short, lang="fi", width_mm=58, meeting_point_name="K", today=NOW), 58
    )


def test_image_qr_fallback_is_raster_not_native() -> None:
    native, image = slip(58), slip(58, qr_mode="image")
    assert b"\x1d(k" in native and b"\x1dv0" not in native
    assert b"\x1dv0" in image and b"\x1d(k" not in image
    assert len(image) > 5 * len(native)


def test_test_slip() -> None:
    ops = layout_test_slip(kiosk_id="k-123456", meeting_point_name="KP", now=NOW, width_mm=58)
    assert any(isinstance(op, Line) and op.text == "k-123456" for op in ops)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("klo 14–16", "klo 14-16"),
        ("a—b", "a-b"),
        ("It’s ‘x’", "It's 'x'"),
        ("“quoted”", '"quoted"'),
        ("wait…", "wait..."),
        ("2 €", "2 EUR"),
        ("a\u00a0b", "a b"),
        ("Šárka Žižka", "Sárka Zizka"),
        ("Łódź", "Lódz"),
        ("äöå ÄÖÅ é ü", "äöå ÄÖÅ é ü"),
        ("中", "?"),
    ],
)
def test_transliteration(text: str, expected: str) -> None:
    assert printable(text) == expected


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40))
def test_printable_is_cp437_and_drops_nothing(text: str) -> None:
    printable(text).encode("cp437")
    for ch in text:
        assert printable(ch) != ""  # every character leaves a trace, at worst '?'
