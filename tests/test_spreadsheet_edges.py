"""The CSV/XLSX template at its edges: the header, the row count, every column's
refusals and the values taken exactly as written."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook

from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.importers.common import Problem, stable_id
from kiosk.catalog.importers.spreadsheet import parse_csv, parse_xlsx
from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.settings import Settings
from tests.import_support import workbook_bytes as xlsx

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)


def csv(body: str, limits: Limits = LIMITS, *, source: str = "t.csv") -> ParseResult:
    return parse(body.encode(), name="t.csv", source=source, limits=limits, today=TODAY)


def messages(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems]


def one(body: str) -> Activity:
    result = csv(body)
    assert messages(result) == []
    (activity,) = result.activities
    return activity


# --- the header ----------------------------------------------------------------------


def test_an_empty_file_says_so() -> None:
    assert messages(csv("")) == ["t.csv: the file is empty"]
    assert messages(csv("\n\n;;\n")) == ["t.csv: the file is empty"]  # empty lines only
    assert messages(read_xlsx(xlsx([]))) == ["t.xlsx: the file is empty"]


def test_header_names_ignore_case_spaces_and_a_stray_bom() -> None:
    result = csv("\ufeff Title_FI ,PLACE\nKahvila,Olohuone\n")
    assert messages(result) == []
    assert result.activities[0].title == {"fi": "Kahvila"}
    assert result.activities[0].place == "Olohuone"


def test_a_column_twice_is_refused_by_name() -> None:
    assert messages(csv("title_fi,place,Place\nA,B,C\n")) == [
        "t.csv, row 1: column 'place' appears twice"
    ]


def test_no_title_column() -> None:
    assert messages(csv("place,times\nOlohuone,ti 10-12\n")) == [
        "t.csv: no title column (title_fi, title_sv, title_en)"
    ]


def test_a_header_problem_reads_no_rows() -> None:
    result = csv("title_fi,paikka\nA,B\nC,D\n")
    assert messages(result) == ["t.csv, row 1: unknown column 'paikka'"]
    assert result.activities == []


def test_an_unnamed_column_is_left_alone() -> None:
    result = csv("title_fi,,place\nA,muistiinpano,Olohuone\n")
    assert messages(result) == []
    assert result.activities[0].place == "Olohuone"


# --- rows ------------------------------------------------------------------------------


def test_blank_rows_are_skipped_and_rows_keep_the_numbers_the_spreadsheet_shows() -> None:
    result = csv("title_fi,place\nA,x\n,\n\n ,  \nB,=1+1\n")
    assert [a.title["fi"] for a in result.activities] == ["A"]
    assert messages(result) == [
        "t.csv, row 6, column 'place': '=1+1' looks like a spreadsheet formula; "
        "formulas are refused"
    ]


def test_the_row_limit_counts_rows_with_content_only() -> None:
    limits = replace(LIMITS, max_rows=2)
    assert messages(csv("title_fi\nA\n\nB\n", limits)) == []
    assert messages(csv("title_fi\nA\n\nB\nC\n", limits)) == [
        "t.csv, row 5: more than 2 rows; split the file"
    ]


def test_cells_beyond_the_last_column() -> None:
    result = csv("title_fi,place\nA,x,y\nB,x,,  \n")
    assert messages(result) == ["t.csv, row 2: cells beyond the last column"]
    assert csv("title_fi,place\nB,x,,  \n").activities[0].title == {"fi": "B"}


def test_a_short_row_leaves_the_other_columns_empty() -> None:
    activity = one("title_fi,place,address\nA\n")
    assert (activity.place, activity.address) == ("", "")


def test_the_same_activity_twice_names_the_first_row() -> None:
    result = csv("title_fi,place\nA,x\nB,y\nA,x\nC,z\n")
    assert messages(result) == [
        f"t.csv, row 4, column 'id': the same activity as row 2 (id {stable_id('t.csv', 'A', 'x')})"
    ]
    assert [a.title["fi"] for a in result.activities] == ["A", "B", "C"]


def test_a_row_without_a_title() -> None:
    assert messages(csv("title_fi,title_sv,place\n,,Olohuone\n")) == [
        "t.csv, row 2, column 'title_fi': no title in any language"
    ]
    # A title refused for what it holds is not also reported as missing.
    assert messages(csv("title_fi,place\n=A1,Olohuone\n")) == [
        "t.csv, row 2, column 'title_fi': '=A1' looks like a spreadsheet formula; "
        "formulas are refused"
    ]


# --- ids -------------------------------------------------------------------------------


def test_the_id_is_the_given_one_or_made_from_source_title_and_place() -> None:
    assert one("id,title_fi\n  kerho-1  ,A\n").id == "kerho-1"
    made = one("title_sv,title_fi,place\nB,A,Olohuone\n").id
    assert made == stable_id("t.csv", "A", "Olohuone")  # the Finnish title first
    assert made.startswith("a-")
    other = csv("title_sv,title_fi,place\nB,A,Olohuone\n", source="u.csv").activities[0].id
    assert other != made


def test_an_unusable_id_is_refused() -> None:
    assert messages(csv("id,title_fi\nkerho 1,A\n")) == [
        "t.csv, row 2, column 'id': 'kerho 1' is not a usable id "
        "(letters, digits, . _ : - ; at most 80)"
    ]


# --- texts and lists -------------------------------------------------------------------


def test_texts_in_every_language_and_the_plain_columns() -> None:
    body = (
        "title_fi,title_sv,title_en,description_fi,description_en,accessibility_sv,"
        "price_en,place,address,organiser,contact,url\n"
        "Kahvila,Kafé,Café,Kuvaus,Text,Hiss,€2,Olohuone,Katu 1,Seurakunta,040 1,"
        "https://x.fi/a\n"
    )
    a = one(body)
    assert a.title == {"fi": "Kahvila", "sv": "Kafé", "en": "Café"}
    assert a.description == {"fi": "Kuvaus", "en": "Text"}
    assert a.accessibility == {"sv": "Hiss"}
    assert a.price == {"en": "€2"}
    assert (a.place, a.address, a.organiser, a.contact, a.url) == (
        "Olohuone",
        "Katu 1",
        "Seurakunta",
        "040 1",
        "https://x.fi/a",
    )
    assert a.source == "t.csv"


def test_categories_are_mapped_split_and_kept_once() -> None:
    a = one('title_fi,categories\nA,"ruoka; Food,peer-groups;;ruoka"\n')
    assert a.categories == ("meals-food-help", "peer-groups")
    assert messages(csv("title_fi,categories\nA,ruoka;kokkaus;tanssi\n")) == [
        "t.csv, row 2, column 'categories': 'kokkaus' is not a known category",
        "t.csv, row 2, column 'categories': 'tanssi' is not a known category",
    ]


def test_language_codes_are_kept_once_in_order() -> None:
    a = one('title_fi,languages\nA,"SV; fi,sv,,sme"\n')
    assert a.languages == ("sv", "fi", "sme")
    assert one("title_fi\nA\n").languages == ()
    assert messages(csv("title_fi,languages\nA,fi;suomi\n")) == [
        "t.csv, row 2, column 'languages': 'suomi' is not a language code (fi, sv, en, ...)"
    ]


@pytest.mark.parametrize(
    ("free", "price", "expected"),
    [
        ("kyllä", "", True),
        ("X", "", True),
        ("  Yes ", "", True),
        ("1", "", True),
        ("ei", "", False),
        ("Nej", "", False),
        ("0", "", False),
        ("", "3 €", False),
        ("", "", None),
        ("kyllä", "3 €", True),
    ],
)
def test_free_is_taken_as_written(free: str, price: str, expected: bool | None) -> None:
    assert one(f"title_fi,free,price_fi\nA,{free},{price}\n").free is expected


def test_free_that_is_neither_yes_nor_no() -> None:
    assert messages(csv("title_fi,free\nA,ehkä\n")) == [
        "t.csv, row 2, column 'free': 'ehkä' is not kyllä/ei"
    ]


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("", ""),
        ("Uusi  aika", "rescheduled"),
        ("new time", "rescheduled"),
        ("SIIRRETTY", "postponed"),
        ("uppskjutet", "postponed"),
        ("siirtynyt   verkkoon", "moved-online"),
        ("på nätet", "moved-online"),
    ],
)
def test_status_words(written: str, status: str) -> None:
    assert one(f"title_fi,status\nA,{written}\n").status == status


def test_an_unknown_status_quotes_what_was_written() -> None:
    assert messages(csv("title_fi,status\nA,Peruttu  Tänään\n")) == [
        "t.csv, row 2, column 'status': 'peruttu tänään' is not a status (uusi aika, "
        "siirretty, verkossa; empty when as planned)"
    ]


# --- dates and times -------------------------------------------------------------------


def test_dates_times_exceptions_and_validity_exactly() -> None:
    a = one(
        "title_fi,dates,times,valid_from,valid_until,exceptions\n"
        'A,"15.10.2026 klo 13-15; 1.10.2026 klo 9-10",ma 10-12,1.9.2026,31.12.2026,'
        '"2.11.2026; 5.10.2026, 2.11.2026"\n'
    )
    assert a.occurrences == (
        Occurrence(datetime(2026, 10, 1, 9), datetime(2026, 10, 1, 10)),
        Occurrence(datetime(2026, 10, 15, 13), datetime(2026, 10, 15, 15)),
    )
    assert a.weekly == (WeeklyRule(0, time(10), time(12)),)
    assert (a.valid_from, a.valid_until) == (date(2026, 9, 1), date(2026, 12, 31))
    assert a.exceptions == (date(2026, 10, 5), date(2026, 11, 2))


def test_every_other_week_starts_from_valid_from_else_the_first_date() -> None:
    from_valid = one("title_fi,times,valid_from\nA,joka toinen ke 10-12,9.9.2026\n")
    assert from_valid.weekly[0].anchor == date(2026, 9, 9)
    from_dates = one("title_fi,times,dates\nA,joka toinen ke 10-12,16.9.2026 klo 9-10\n")
    assert from_dates.weekly[0].anchor == date(2026, 9, 16)


def test_valid_until_before_valid_from() -> None:
    assert messages(csv("title_fi,valid_from,valid_until\nA,2.10.2026,1.10.2026\n")) == [
        "t.csv, row 2, column 'valid_until': valid_until is before valid_from"
    ]
    same_day = one("title_fi,valid_from,valid_until\nA,2.10.2026,2.10.2026\n")
    assert same_day.valid_until == date(2026, 10, 2)


def test_weekly_times_in_the_dates_column_are_refused() -> None:
    assert messages(csv("title_fi,dates\nA,ti 10-12\n")) == [
        "t.csv, row 2, column 'dates': weekly times belong in column 'times'"
    ]


def test_a_series_may_have_started_ten_years_back_not_eleven() -> None:
    kept = one("title_fi,times,valid_from\nA,ti 10-12,1.1.2016\n")
    assert kept.valid_from == date(2016, 1, 1)
    assert messages(csv("title_fi,times,valid_from\nA,ti 10-12,31.12.2015\n")) == [
        "t.csv, row 2, column 'valid_from': the date 2015-12-31 is not between 2016 and 2031; "
        "check the year"
    ]


def test_the_end_of_a_dated_time_is_checked_too() -> None:
    assert messages(csv("title_fi,dates\nA,2031-12-31T22:00/2032-01-01T01:00\n")) == [
        "t.csv, row 2, column 'dates': the date 2032-01-01 is not between 2025 and 2031; "
        "check the year"
    ]


def test_bad_exceptions_are_refused_one_by_one() -> None:
    assert messages(csv("title_fi,exceptions\nA,1.10.2026;31.2.2026\n")) == [
        "t.csv, row 2, column 'exceptions': '31.2.2026' is not a date"
    ]


# --- CSV and XLSX files --------------------------------------------------------------


def test_the_delimiter_is_read_from_the_header() -> None:
    tabbed = csv("title_fi\tplace\nA, B\tC; D\n")
    assert (tabbed.activities[0].title, tabbed.activities[0].place) == ({"fi": "A, B"}, "C; D")
    semi = csv("title_fi;place\nA, B;C\n")
    assert (semi.activities[0].title, semi.activities[0].place) == ({"fi": "A, B"}, "C")


def test_a_file_exactly_at_the_size_limit_is_read() -> None:
    body = "title_fi\nKahvila\n"
    at = replace(LIMITS, max_bytes=len(body.encode()))
    assert messages(csv(body, at)) == []
    under = replace(LIMITS, max_bytes=len(body.encode()) - 1)
    assert messages(csv(body, under))[0].startswith("t.csv: the file is larger than")


def test_the_size_limit_is_said_in_megabytes() -> None:
    half = replace(LIMITS, max_bytes=512 * 1024)
    assert messages(csv("title_fi\n" + "x" * 600_000 + "\n", half)) == [
        "t.csv: the file is larger than 0.5 MB"
    ]


def test_a_utf16_file_from_either_byte_order_is_refused() -> None:
    for data in ("title_fi\nA\n".encode("utf-16-le"), "title_fi\nA\n".encode("utf-16-be")):
        for bom in (b"\xff\xfe", b"\xfe\xff"):
            r = parse(bom + data, name="t.csv", source="t", limits=LIMITS, today=TODAY)
            assert messages(r) == ["t.csv: UTF-16, not UTF-8; save it as 'CSV UTF-8'"]


def test_a_nul_byte_is_reported_on_its_line() -> None:
    r = parse(b"title_fi\nA\nB\x00\n", name="t.csv", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.csv, line 3: not a text file (it holds NUL bytes)"]


def test_a_byte_that_is_not_utf8_is_named_with_its_line() -> None:
    r = parse(b"title_fi\nA\nB\xe4\n", name="t.csv", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.csv, line 3: not UTF-8 (byte 0xE4); save it as 'CSV UTF-8'"]


def test_broken_quotes_name_the_line_and_keep_the_rows_read_before() -> None:
    r = csv('title_fi,place\nA,x\nB,"auki\n')
    assert r.activities == []
    assert messages(r) == ["t.csv, line 3: not readable as CSV: unexpected end of data"]


def read_xlsx(data: bytes, limits: Limits = LIMITS) -> ParseResult:
    return parse(data, name="t.xlsx", source="t.xlsx", limits=limits, today=TODAY)


def test_xlsx_cells_of_every_kind_become_the_text_a_person_typed() -> None:
    data = xlsx(
        [
            ["title_fi", "contact", "free", "address", "valid_from", "times", "dates"],
            ["A", 401234567, True, 12.0, datetime(2026, 9, 7), "ma 10-12", None],
            ["B", 2.5, False, None, date(2026, 9, 8), None, None],
            ["C", "", None, None, None, time(10, 30), None],
            ["D", "", None, None, None, None, datetime(2026, 10, 1, 13, 15)],
        ]
    )
    r = read_xlsx(data)
    a, b, d = r.activities
    assert (a.contact, a.free, a.address, a.valid_from) == (
        "401234567",
        True,
        "12",
        date(2026, 9, 7),
    )
    assert (b.contact, b.free, b.valid_from) == ("2.5", False, date(2026, 9, 8))
    # A date and time is a start; a time of day alone is not a weekly time.
    assert d.occurrences == (Occurrence(datetime(2026, 10, 1, 13, 15)),)
    assert messages(r) == [
        "t.xlsx, row 4, column 'times': '10.30' is not a time this kiosk understands"
    ]


def test_an_xlsx_formula_names_its_column_or_its_place() -> None:
    data = xlsx([["title_fi", "place"], ["A", "=B1", "=C1"]])
    assert messages(read_xlsx(data)) == [
        "t.xlsx, row 2, column 'place': the cell holds a formula; type the value instead",
        "t.xlsx, row 2, column '#3': the cell holds a formula; type the value instead",
    ]


def test_an_xlsx_text_cell_starting_with_equals_after_spaces_is_a_formula() -> None:
    data = xlsx([["title_fi", "place"], ["A", "  =1+1"]])
    assert messages(read_xlsx(data)) == [
        "t.xlsx, row 2, column 'place': the cell holds a formula; type the value instead"
    ]


def test_blank_xlsx_rows_between_rows_are_skipped() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["title_fi"])
    ws.append(["A"])
    ws.cell(row=900, column=1).value = "B"
    buf = io.BytesIO()
    wb.save(buf)
    r = read_xlsx(buf.getvalue())
    assert messages(r) == [] and [a.title["fi"] for a in r.activities] == ["A", "B"]


def test_an_xlsx_without_sheets_or_with_a_foreign_file() -> None:
    assert messages(read_xlsx(b"not a zip")) == ["t.xlsx: not an XLSX file (BadZipFile)"]
    data = xlsx([["title_fi"], ["A"]])
    assert messages(read_xlsx(data, replace(LIMITS, max_bytes=len(data)))) == []
    assert messages(read_xlsx(data, replace(LIMITS, max_bytes=len(data) - 1)))[0].startswith(
        "t.xlsx: the file is larger than"
    )


def test_a_dated_time_in_the_times_column_is_checked_like_any_date() -> None:
    a = one('title_fi,times\nA,"ti 10-12; 1.10.2026 klo 10-12"\n')
    assert a.occurrences == (Occurrence(datetime(2026, 10, 1, 10), datetime(2026, 10, 1, 12)),)
    assert messages(csv('title_fi,times\nA,"ti 10-12; 1.10.2032 klo 10-12"\n')) == [
        "t.csv, row 2, column 'times': the date 2032-10-01 is not between 2025 and 2031; "
        "check the year"
    ]


def test_each_parser_refuses_a_file_over_the_limit_on_its_own() -> None:
    half = replace(LIMITS, max_bytes=512 * 1024)
    big = b"title_fi\n" + b"x" * (512 * 1024)
    for parser in (parse_csv, parse_xlsx):
        result = parser(big, file="t", source="t", limits=half, today=TODAY)
        assert result.problems == [Problem("t", "the file is larger than 0.5 MB")]
    exactly = big[: 512 * 1024]
    read = parse_csv(exactly, file="t", source="t", limits=half, today=TODAY)
    assert not any("the file is larger" in p.message for p in read.problems)


def rewritten(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook ``data`` with one of its zip parts changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for name in zin.namelist():
            body = zin.read(name)
            zout.writestr(name, change(body) if name == part else body)
    return out.getvalue()


def test_a_workbook_without_sheets_or_with_a_broken_sheet() -> None:
    data = xlsx([["title_fi"], ["A"]])
    empty = rewritten(
        data, "xl/workbook.xml", lambda b: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", b)
    )
    assert messages(read_xlsx(empty)) == ["t.xlsx: the workbook has no sheet"]
    sheet = (
        b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        b"<sheetData><row r='1'><c r='A1' t='inlineStr'><is><t>title_fi</t></is></c></row>"
        b"<row r='2'><c r='A2' t='n'><v>abc</v></c></row></sheetData></worksheet>"
    )
    broken = rewritten(data, "xl/worksheets/sheet1.xml", lambda b: sheet)
    assert messages(read_xlsx(broken)) == ["t.xlsx: the sheet cannot be read (ValueError)"]


def test_formulas_in_the_header_and_in_titles_are_said_once() -> None:
    assert messages(read_xlsx(xlsx([["title_fi", "=A1"], ["A"]]))) == [
        "t.xlsx, row 1, column '#2': the cell holds a formula; type the value instead"
    ]
    # The title column's name as a formula: not also "no title column".
    assert messages(read_xlsx(xlsx([['="title_fi"', "place"], ["A", "x"]]))) == [
        "t.xlsx, row 1, column '#1': the cell holds a formula; type the value instead"
    ]
    # Every column name a formula: the header is still the first row.
    assert messages(read_xlsx(xlsx([["=A9", "=B9"], ["title_fi", "place"], ["A", "x"]]))) == [
        "t.xlsx, row 1, column '#1': the cell holds a formula; type the value instead",
        "t.xlsx, row 1, column '#2': the cell holds a formula; type the value instead",
    ]
    # A title as a formula: not also "no title in any language".
    titles = xlsx([["title_fi", "place"], ["=A1", "x"], ["=A2", "y"], ["", "z"]])
    assert messages(read_xlsx(titles)) == [
        "t.xlsx, row 2, column 'title_fi': the cell holds a formula; type the value instead",
        "t.xlsx, row 3, column 'title_fi': the cell holds a formula; type the value instead",
        "t.xlsx, row 4, column 'title_fi': no title in any language",
    ]


def test_the_first_nul_byte_is_the_one_reported() -> None:
    r = parse(b"title_fi\nA\x00\nB\nC\x00\n", name="t.csv", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.csv, line 2: not a text file (it holds NUL bytes)"]


def test_a_workbook_may_unpack_to_thirty_times_the_file_limit_not_more() -> None:
    limits = replace(LIMITS, max_bytes=10_000)

    def zipped(size: int) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/filler.bin", b"\0" * size)
        return buf.getvalue()

    assert messages(read_xlsx(zipped(300_001), limits)) == [
        "t.xlsx: the workbook unpacks to too much data"
    ]
    assert messages(read_xlsx(zipped(300_000), limits))[0].startswith("t.xlsx: not an XLSX file")


def test_rows_after_a_long_gap_are_still_read() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["title_fi"])
    ws.append(["A"])
    ws.cell(row=1003, column=1).value = "B"  # after 1000 empty rows
    buf = io.BytesIO()
    wb.save(buf)
    assert [a.title["fi"] for a in read_xlsx(buf.getvalue()).activities] == ["A", "B"]


def test_old_mac_line_ends_and_windows_line_ends_are_read() -> None:
    for end in ("\r", "\r\n"):
        result = csv(end.join(["title_fi,place", "A,x", 'B,"y', 'z"', ""]))
        assert messages(result) == []
        assert [(a.title["fi"], a.place) for a in result.activities] == [("A", "x"), ("B", "y\nz")]


def test_a_header_cell_that_still_starts_with_a_byte_order_mark() -> None:
    # A file saved twice with a BOM, or a workbook cell that carries one.
    doubled = parse(
        b"\xef\xbb\xbf\xef\xbb\xbftitle_fi\nA\n",
        name="t.csv",
        source="t",
        limits=LIMITS,
        today=TODAY,
    )
    assert messages(doubled) == [] and doubled.activities[0].title == {"fi": "A"}
    cell = read_xlsx(xlsx([["\ufefftitle_fi"], ["A"]]))
    assert messages(cell) == [] and cell.activities[0].title == {"fi": "A"}


def test_every_bad_row_is_reported_and_the_good_ones_after_it_read() -> None:
    result = csv("title_fi,free,url\nA,ehkä,\nB,x,y,z\nC,,ftp://x.fi\nD,,\nE,x,y,z\n")
    assert messages(result) == [
        "t.csv, row 2, column 'free': 'ehkä' is not kyllä/ei",
        "t.csv, row 3: cells beyond the last column",
        "t.csv, row 4, column 'url': 'ftp://x.fi' is not an http(s) address",
        "t.csv, row 6: cells beyond the last column",
    ]
    assert [a.title["fi"] for a in result.activities] == ["D"]


def sheet_xml(*rows: str) -> bytes:
    body = "".join(f"<row r='{n}'>{cells}</row>" for n, cells in enumerate(rows, start=1))
    return (
        "<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def text_cell(ref: str, text: str) -> str:
    return f"<c r='{ref}' t='inlineStr'><is><t>{text}</t></is></c>"


def test_a_number_stored_with_a_decimal_point_reads_as_typed() -> None:
    # Some programs write 12 as 12.0 in the file; a phone number or a year stays whole.
    sheet = sheet_xml(
        text_cell("A1", "title_fi") + text_cell("B1", "contact") + text_cell("C1", "address"),
        text_cell("A2", "A") + "<c r='B2' t='n'><v>12.0</v></c><c r='C2' t='n'><v>2.5</v></c>",
    )
    data = rewritten(xlsx([["x"]]), "xl/worksheets/sheet1.xml", lambda b: sheet)
    result = read_xlsx(data)
    assert messages(result) == []
    assert (result.activities[0].contact, result.activities[0].address) == ("12", "2.5")


def test_empty_rows_above_the_header_are_skipped_and_rows_keep_their_numbers() -> None:
    above: list[list[object]] = [[], [], ["title_fi", "times"], ["A"]]
    bad = messages(read_xlsx(xlsx([*above, ["B", "joskus"]])))
    assert len(bad) == 1 and bad[0].startswith("t.xlsx, row 5, column 'times': ")
    good = read_xlsx(xlsx([*above, ["B", "ti 10-12"]]))
    assert messages(good) == []
    assert [a.title["fi"] for a in good.activities] == ["A", "B"]


def test_empty_lines_above_a_csv_header_are_skipped() -> None:
    result = csv("\n;;\ntitle_fi;place\nKahvila;Olohuone\n")
    assert messages(result) == []
    assert (result.activities[0].title, result.activities[0].place) == (
        {"fi": "Kahvila"},
        "Olohuone",
    )
    assert messages(csv("\n\ntitle_fi;oops\nA;B\n")) == ["t.csv, row 3: unknown column 'oops'"]
