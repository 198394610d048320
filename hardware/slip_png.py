"""Draw a decoded slip (:mod:`hardware.escpos_decode` elements) as a PNG picture,
roughly as the paper looks: 203 dpi, font A 12x24 dots, 30-dot lines.

For the demo (a newcomer sees the slip without a printer) and for the benchmark
(the same slip as one raster image). Pillow is imported here only, when a
picture is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hardware.escpos_decode import Element

LINE = 30
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
QR_MODULE = 5


def _font(size: int, bold: bool) -> Any:
    from PIL import ImageFont

    path = FONT.with_name("DejaVuSansMono-Bold.ttf") if bold else FONT
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def render_png(elements: list[Element], width_dots: int = 384) -> Any:
    """A 1-bit ``PIL.Image`` of the slip."""
    import segno
    from PIL import Image, ImageDraw

    rows: list[tuple[Element, Any]] = []
    height = LINE
    for e in elements:
        if e.kind == "text":
            rows.append((e, None))
            height += LINE * (2 if {"double", "tall"} & set(e.styles) else 1)
        elif e.kind == "feed":
            rows.append((e, None))
            height += LINE * int(e.value or 1)
        elif e.kind == "qr":
            matrix = [list(r) for r in segno.make(e.value, error="m", micro=False).matrix]
            rows.append((e, matrix))
            height += len(matrix) * QR_MODULE + LINE
    img = Image.new("1", (width_dots, height), 1)
    draw = ImageDraw.Draw(img)
    y = LINE // 2
    for e, matrix in rows:
        if e.kind == "text":
            big = bool({"double", "tall"} & set(e.styles))
            font = _font(40 if big else 20, "bold" in e.styles)
            w = draw.textlength(e.value, font=font)
            x = (width_dots - w) / 2 if "center" in e.styles else 0
            draw.text((x, y), e.value, font=font, fill=0)
            y += LINE * (2 if big else 1)
        elif e.kind == "feed":
            y += LINE * int(e.value or 1)
        elif matrix is not None:
            x0 = (width_dots - len(matrix) * QR_MODULE) // 2
            for r, row in enumerate(matrix):
                for c, dark in enumerate(row):
                    if dark:
                        left, top = x0 + c * QR_MODULE, y + r * QR_MODULE
                        draw.rectangle(
                            [left, top, left + QR_MODULE - 1, top + QR_MODULE - 1], fill=0
                        )
            y += len(matrix) * QR_MODULE + LINE
    return img


def write_png(elements: list[Element], path: Path, width_dots: int = 384) -> None:
    render_png(elements, width_dots).save(path, format="PNG")
