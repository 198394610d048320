"""The import documentation and templates stay in step with the code."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import load_workbook

from kiosk.catalog.importers import Limits, parse
from kiosk.catalog.importers.rows import COLUMNS
from kiosk.catalog.model import CATEGORIES
from kiosk.settings import Settings

DOCS = Path(__file__).parent.parent / "docs"
GUIDE = (DOCS / "catalogue-import.md").read_text(encoding="utf-8")


def test_every_column_is_documented_and_in_the_templates() -> None:
    for column in COLUMNS:
        assert f"`{column}`" in GUIDE, column
    with (DOCS / "catalogue-template.csv").open(encoding="utf-8", newline="") as f:
        csv_rows = list(csv.reader(f))
    assert tuple(csv_rows[0]) == COLUMNS
    wb = load_workbook(DOCS / "catalogue-template.xlsx", read_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        xlsx_rows = [[c or "" for c in row] for row in rows]
    finally:
        wb.close()
    assert xlsx_rows == csv_rows


def test_the_templates_import_cleanly() -> None:
    limits = Limits.from_settings(Settings())
    for name in ("catalogue-template.csv", "catalogue-template.xlsx"):
        data = (DOCS / name).read_bytes()
        result = parse(data, name=name, source=name, limits=limits, today=date(2026, 1, 1))
        assert result.problems == [] and len(result.activities) == 4


def test_the_default_category_map_is_documented_and_valid() -> None:
    for keyword, category in Settings().catalog.category_map.items():
        assert category in CATEGORIES
        assert keyword in GUIDE, keyword
    for category in CATEGORIES:
        assert f"`{category}`" in GUIDE
