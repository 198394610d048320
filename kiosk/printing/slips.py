"""The activity slip: what goes on paper, as print operations, then as ESC/POS bytes.

:func:`layout_slip` is pure (activity + settings -> a list of :data:`Op`); it is
what tests and an on-screen preview read. :func:`render` turns operations into
bytes with python-escpos in a *fresh* ``Dummy`` per slip (a reused one keeps a
stale code-page belief after ``ESC @``), pinned to CP437 with MagicEncode
disabled. We send ``ESC @``, ``FS .`` (cancel the Chinese double-byte mode that
cheap printers boot in) and ``ESC t 0`` ourselves, once, at the start; the text is
transliterated into CP437 beforehand so escpos never switches table mid-slip.
CP437 holds ä ö å Ä Ö Å é ü, and those bytes are the same in PC850/858/865.

The title is double width: it is wrapped here at half the columns, on word
boundaries (escpos would break it mid-word). No personal data, no score: a slip
is only about the activity.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time

import segno

from hardware.printer.escpos_import import dummy
from kiosk.catalog.model import STATUSES, Activity, pick
from kiosk.catalog.occurrences import next_occurrences
from kiosk.printing.labels import LABELS, format_occurrence, language_names

COLUMNS = {58: 32, 80: 48}
DOTS = {58: 384, 80: 576}
QR_MODULE = {58: 5, 80: 7}  # dots per QR module: 25-33 modules fit well either way
NEXT_TIMES = 3
# About five 58 mm lines: a short description, whatever the width (the QR has the rest).
DESCRIPTION_CHARS = 160
DOTS_PER_MM = 8  # 203 dpi
LINE_DOTS = 30  # default line spacing, 1/6 inch
TEAR_FEED_LINES = 4

PREAMBLE = b"\x1b@\x1c.\x1bt\x00"  # ESC @, FS . (Kanji off), ESC t 0 (CP437)
# Feed past the tear bar, then a partial cut; printers without a cutter ignore GS V.
DOUBLE_SIZE = b"\x1d!\x11"  # GS ! : double width and height
NORMAL_SIZE = b"\x1d!\x00"
CUT = b"\x1bd" + bytes([TEAR_FEED_LINES]) + b"\x1dV\x01"

_FALLBACK = {
    "–": "-",
    "—": "-",
    "‐": "-",
    "−": "-",
    "’": "'",
    "‘": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "…": "...",
    "\u00a0": " ",
    "\u202f": " ",
    "€": "EUR",
    "\t": " ",
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "đ": "d",
    "Đ": "D",
    "œ": "oe",
    "Œ": "OE",
}
_CP437 = set(bytes(range(0x80, 0x100)).decode("cp437"))


def printable(text: str) -> str:
    """Text CP437 can encode: typography to ASCII, other letters without accents,
    ``?`` only when nothing is left (never silently dropped)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if (" " <= ch < "\x7f") or (ch in _CP437 and ch.isprintable()):
            out.append(ch)
        elif ch in _FALLBACK:
            out.append(_FALLBACK[ch])
        elif ch in "\r\n":
            out.append(" ")
        else:
            stripped = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if " " <= c < "\x7f" or c in _CP437
            )
            out.append(stripped or "?")
    return "".join(out)


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    double: bool = False
    center: bool = False


@dataclass(frozen=True)
class Qr:
    data: str


@dataclass(frozen=True)
class Feed:
    lines: int


Op = Line | Qr | Feed


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(printable(text), width, break_on_hyphens=False) or []


def _as_now(today: date | datetime) -> datetime:
    return today if isinstance(today, datetime) else datetime.combine(today, time(0))


def layout_slip(
    activity: Activity,
    *,
    lang: str,
    width_mm: int,
    meeting_point_name: str,
    today: date | datetime,
) -> list[Op]:
    """The slip as operations. ``today`` is the local wall-clock time (or date)."""
    labels = LABELS.get(lang, LABELS["fi"])
    cols = COLUMNS[width_mm]
    now = _as_now(today)
    ops: list[Op] = [Line(t, center=True) for t in wrap(meeting_point_name, cols)]
    ops.append(Line("-" * cols))
    ops += [Line(t, bold=True, double=True) for t in wrap(pick(activity.title, lang), cols // 2)]
    if activity.status in STATUSES:  # an announced change: new time, postponed, online
        ops += [Line(t, bold=True) for t in wrap(labels[activity.status], cols)]
    ops.append(Feed(1))

    def field(label: str, value: str) -> None:
        if value.strip():
            ops.extend(Line(t) for t in wrap(f"{label}: {value}", cols))

    times = next_occurrences(activity, now, NEXT_TIMES)
    ops.append(Line(printable(labels["times"]), bold=True))
    if times:
        ops += [Line(printable(format_occurrence(o, lang))) for o in times]
    elif activity.status == "postponed":
        ops += [Line(t) for t in wrap(labels["postponed_times"], cols)]
    else:
        ops += [Line(t) for t in wrap(labels["no_times"], cols)]
    # Never a place line without a place: then it says where to find out.
    note = pick(activity.place_note, lang)
    if activity.place or activity.address:
        where = [activity.place, activity.address, note]
    else:
        where = [note, labels["no_place_url" if activity.url else "no_place"]]
    field(labels["place"], ", ".join(p for p in where if p))
    field(labels["organiser"], activity.organiser)
    field(labels["contact"], activity.contact)
    if activity.free:  # only when the source said so; unknown is never "free"
        price = labels["free"]
    else:
        price = pick(activity.price, lang) or labels["ask_price"]
    field(labels["price"], price)
    field(labels["languages"], ", ".join(language_names(activity.languages, lang)))
    description = wrap(pick(activity.description, lang), cols)
    if description:
        ops.append(Feed(1))
        max_lines = max(2, DESCRIPTION_CHARS // cols)
        if len(description) > max_lines:
            description = description[:max_lines]
            description[-1] = description[-1][: cols - 3] + "..."  # room for the dots
        ops += [Line(t) for t in description]
    if activity.url:
        ops.append(Feed(1))
        ops.append(Line(printable(labels["more"]), center=True))
        ops.append(Qr(activity.url))
    ops.append(Line(printable(f"{labels['printed']} {now:%d.%m.%Y}"), center=True))
    return ops


def layout_test_slip(
    *, kiosk_id: str, meeting_point_name: str, now: datetime, width_mm: int
) -> list[Op]:
    """The staff screen's test print: kiosk id and time, nothing else."""
    cols = COLUMNS[width_mm]
    ops: list[Op] = [Line(t, center=True) for t in wrap(meeting_point_name, cols)]
    ops.append(Line("TEST", bold=True, double=True, center=True))
    ops.append(Line(printable(kiosk_id), center=True))
    ops.append(Line(f"{now:%d.%m.%Y %H:%M:%S}", center=True))
    ops.append(Line("-" * cols))
    ops.append(Line("aeiou AEIOU " + printable("äöå ÄÖÅ é ü")))
    return ops


def _qr_modules(data: str) -> int:
    width, _ = segno.make(data, error="m", micro=False).symbol_size(scale=1, border=0)
    return int(width)


def length_mm(ops: list[Op], width_mm: int) -> float:
    """Paper the slip feeds, for the restock estimate (not exact: fonts differ)."""
    dots = 0
    for op in ops:
        if isinstance(op, Line):
            dots += LINE_DOTS * (2 if op.double else 1)
        elif isinstance(op, Feed):
            dots += LINE_DOTS * op.lines
        else:
            dots += _qr_modules(op.data) * QR_MODULE[width_mm] + LINE_DOTS
    dots += LINE_DOTS * TEAR_FEED_LINES
    return dots / DOTS_PER_MM


def render(ops: list[Op], *, width_mm: int, profile: str, qr_mode: str = "native") -> bytes:
    """ESC/POS bytes for the operations, built in a fresh pinned ``Dummy``."""
    p = dummy(profile)
    p._raw(PREAMBLE)
    bold = double = center = False
    for op in ops:
        if isinstance(op, Line):
            if op.center != center:
                p.set(align="center" if op.center else "left")
                center = op.center
            if op.bold != bold:
                p.set(bold=op.bold)
                bold = op.bold
            if op.double != double:
                # GS ! directly: escpos set() sends three ESC ! for the same change.
                p._raw(DOUBLE_SIZE if op.double else NORMAL_SIZE)
                double = op.double
            p.textln(op.text)
        elif isinstance(op, Feed):
            p.ln(op.lines)
        else:
            if not center:
                p.set(align="center")
                center = True
            if qr_mode == "native":
                p.qr(op.data, ec=_ec_m(), size=QR_MODULE[width_mm], native=True)
            else:
                p.qr(op.data, ec=_ec_m(), size=QR_MODULE[width_mm], native=False)
    p._raw(CUT)
    return bytes(p.output)


def _ec_m() -> int:
    from escpos.constants import QR_ECLEVEL_M  # escpos is imported by dummy() already

    return int(QR_ECLEVEL_M)


def build_slip(
    activity: Activity,
    *,
    lang: str,
    width_mm: int,
    meeting_point_name: str,
    today: date | datetime,
    qr_mode: str = "native",
    profile: str = "POS-5890",
) -> bytes:
    ops = layout_slip(
        activity, lang=lang, width_mm=width_mm, meeting_point_name=meeting_point_name, today=today
    )
    return render(ops, width_mm=width_mm, profile=profile, qr_mode=qr_mode)
