"""CSV and XLSX files -> rows of text cells -> activities (kiosk.catalog.importers.rows).

CSV: UTF-8 with or without a byte order mark; the delimiter (``;`` or ``,``, also
tab) is read from the header line. A file in another encoding (Excel's "CSV" on
Windows writes CP1252) is refused with the line of the first bad byte: decoding it
as Latin-1 would usually work, but a guess that garbles one name in a thousand is
worse than asking for "CSV UTF-8".

XLSX: the first sheet, opened read-only and *not* data_only, so that a cell holding
a formula shows up as its formula text and is refused (data_only would hand over
whatever value the last program to save the file cached). openpyxl never evaluates
formulas. Date cells become ISO dates, numbers their plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, time

from kiosk.catalog.importers.common import Limits, ParseResult, Problem, describe
from kiosk.catalog.importers.rows import parse_rows

BOM = b"\xef\xbb\xbf"
BLANK_ROWS_AT_END = 1000
# An XLSX is a zip: refuse one that unpacks to far more than its size (a zip bomb).
MAX_UNPACK_RATIO = 30


def _too_big(data: bytes, file: str, limits: Limits) -> ParseResult | None:
    if len(data) > limits.max_bytes:
        mb = limits.max_bytes / 1024 / 1024
        return ParseResult(problems=[Problem(file, f"the file is larger than {mb:g} MB")])
    return None


def parse_csv(data: bytes, *, file: str, source: str, limits: Limits, today: date) -> ParseResult:
    if (big := _too_big(data, file, limits)) is not None:
        return big
    if data.startswith(BOM):
        data = data[len(BOM) :]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        # Excel's "Unicode text" export.
        return ParseResult(problems=[Problem(file, "UTF-16, not UTF-8; save it as 'CSV UTF-8'")])
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        return ParseResult(
            problems=[Problem(file, "not a text file (it holds NUL bytes)", line=line)]
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return ParseResult(
            problems=[
                Problem(
                    file,
                    f"not UTF-8 (byte 0x{data[e.start]:02X}); save it as 'CSV UTF-8'",
                    line=line,
                )
            ]
        )
    # The header is the first line with anything on it (rows above it may be empty).
    first = next((line for line in text.split("\n") if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[Problem] = []

    def rows() -> Iterator[list[str]]:
        try:
            yield from reader
        except csv.Error as e:
            problems.append(
                Problem(file, f"not readable as CSV: {describe(e)}", line=reader.line_num)
            )

    result = parse_rows(rows(), file=file, source=source, limits=limits, today=today)
    if problems:
        return ParseResult(problems=result.problems + problems)
    return result


def _xlsx_text(value: object) -> str | None:
    """Text of one cell; None for a formula or anything that is not plain data."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H.%M")
    return None


def parse_xlsx(data: bytes, *, file: str, source: str, limits: Limits, today: date) -> ParseResult:
    if (big := _too_big(data, file, limits)) is not None:
        return big
    import zipfile

    import openpyxl  # imported here: loading it costs time the kiosk start does not need

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            unpacked = sum(i.file_size for i in zf.infolist())
        if unpacked > max(limits.max_bytes, len(data)) * MAX_UNPACK_RATIO:
            return ParseResult(problems=[Problem(file, "the workbook unpacks to too much data")])
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except MemoryError:
        raise
    except Exception as e:  # openpyxl raises many kinds for a broken or foreign file
        return ParseResult(problems=[Problem(file, f"not an XLSX file ({type(e).__name__})")])
    problems: list[Problem] = []
    try:
        ws = wb.worksheets[0] if wb.worksheets else None
        if ws is None:
            return ParseResult(problems=[Problem(file, "the workbook has no sheet")])

        header_formula = False

        def rows() -> Iterator[list[str]]:
            nonlocal header_formula
            header: list[str] = []
            named = False
            blank_run = 0
            try:
                for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
                    if all(v is None for v in row):
                        blank_run += 1
                        if blank_run > BLANK_ROWS_AT_END:
                            return  # formatted but empty rows down to row 1048576
                        yield []
                        continue
                    blank_run = 0
                    cells: list[str] = []
                    formula = False
                    for c, value in enumerate(row):
                        text = _xlsx_text(value)
                        if text is None or text.lstrip().startswith("="):
                            formula = True
                            name = header[c] if c < len(header) else f"#{c + 1}"
                            problems.append(
                                Problem(
                                    file,
                                    "the cell holds a formula; type the value instead",
                                    row=r,
                                    field=name,
                                )
                            )
                            text = ""
                        cells.append(text)
                    while cells and not cells[-1]:
                        cells.pop()
                    if not named and (formula or any(c.strip() for c in cells)):
                        # The first row with anything in it names the columns.
                        named = True
                        header = [h.strip().casefold() for h in cells]
                        header_formula = formula
                        yield cells
                    else:
                        # A row with a formula is reported as such, once: what the
                        # row would lack without the formula's value would follow.
                        yield [] if formula else cells
            except MemoryError:
                raise
            except Exception as e:  # a corrupt sheet part inside a valid zip
                problems.append(Problem(file, f"the sheet cannot be read ({type(e).__name__})"))

        result = parse_rows(rows(), file=file, source=source, limits=limits, today=today)
    finally:
        wb.close()
    if header_formula:
        # The columns are not known: what parse_rows says of them would follow from it.
        return ParseResult(problems=problems)
    if problems:
        return ParseResult(problems=problems + result.problems)
    return result
