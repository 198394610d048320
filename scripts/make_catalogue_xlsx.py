"""Write an XLSX copy of a catalogue CSV (the template, test files, benchmark files).

    python scripts/make_catalogue_xlsx.py docs/catalogue-template.csv docs/catalogue-template.xlsx

Every cell is written as text, so that Excel does not turn "1.1.2026" into a date
or "040 123 4567" into a number; the header row is bold and frozen.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font


def csv_to_xlsx(source: Path, target: Path) -> None:
    with source.open(encoding="utf-8-sig", newline="") as f:
        first = f.readline()
        f.seek(0)
        if first.startswith("\ufeff"):
            f.read(1)
        rows = list(csv.reader(f, delimiter=";" if first.count(";") > first.count(",") else ","))
    wb = Workbook()
    ws = wb.active
    ws.title = "Toiminta"
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for column in ws.columns:
        for cell in column:
            cell.number_format = "@"
        ws.column_dimensions[column[0].column_letter].width = 18
    ws.freeze_panes = "A2"
    wb.save(target)


if __name__ == "__main__":
    csv_to_xlsx(Path(sys.argv[1]), Path(sys.argv[2]))
