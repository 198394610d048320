"""Catalogue files for the importer's tests, made as a coordinator's program saves them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook


def workbook_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """An XLSX file whose first sheet holds ``rows`` from A1 down."""
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
