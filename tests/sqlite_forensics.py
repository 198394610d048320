"""A small forensic reader of SQLite files, as someone holding the SD card would use.

It reads every version of every page a data directory still holds: the main file
page by page (live and free pages alike), each frame of a WAL (the 32-byte header,
then frames of a 24-byte header and one page, valid or not), and a rollback
journal or any other file as it is. In each it finds records wherever they sit
(in a live cell, a freed cell, unallocated space) by looking for a known text
value and decoding the record around it, as carving tools do.

File format: https://www.sqlite.org/fileformat2.html (record format, WAL format).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

DB_MAGIC = b"SQLite format 3\x00"
WAL_MAGICS = (0x377F0682, 0x377F0683)
WAL_HEADER, FRAME_HEADER = 32, 24


@dataclass(frozen=True)
class Image:
    """One stored version of some bytes: a page of a file, a WAL frame, a whole file."""

    where: str
    data: bytes


def images(data_dir: Path) -> Iterator[Image]:
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        name = str(path.relative_to(data_dir))
        blob = path.read_bytes()
        if blob.startswith(DB_MAGIC):
            size = _page_size(struct.unpack(">H", blob[16:18])[0])
            for number, start in enumerate(range(0, len(blob), size), start=1):
                yield Image(f"{name} page {number}", blob[start : start + size])
        elif len(blob) >= WAL_HEADER and struct.unpack(">I", blob[:4])[0] in WAL_MAGICS:
            yield from wal_frames(name, blob)
        else:
            yield Image(name, blob)


def wal_frames(name: str, blob: bytes) -> Iterator[Image]:
    """Every frame of a WAL in file order (a replay: older versions first)."""
    size = _page_size(struct.unpack(">I", blob[8:12])[0])
    offset, frame = WAL_HEADER, 0
    while offset + FRAME_HEADER + size <= len(blob):
        page_number = struct.unpack(">I", blob[offset : offset + 4])[0]
        frame += 1
        start = offset + FRAME_HEADER
        yield Image(f"{name} frame {frame} (page {page_number})", blob[start : start + size])
        offset = start + size


def _page_size(raw: int) -> int:
    return 65536 if raw == 1 else raw


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        if at + i >= len(data):
            raise ValueError("cut")
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise ValueError("unreachable")


def _width(serial: int) -> int:
    if serial >= 12:
        return (serial - 12) // 2 if serial % 2 == 0 else (serial - 13) // 2
    return {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}.get(serial, -1)


Value = int | float | str | bytes | None


def _decode(data: bytes, start: int, most_columns: int = 16) -> tuple[list[Value], list[int]]:
    """The record whose header starts at ``start``: its values and their offsets."""
    header_size, at = _varint(data, start)
    if not 2 <= header_size <= 64:
        raise ValueError("not a header")
    end = start + header_size
    serials: list[int] = []
    while at < end:
        serial, at = _varint(data, at)
        if _width(serial) < 0:
            raise ValueError("bad serial type")
        serials.append(serial)
    if at != end or not serials or len(serials) > most_columns:
        raise ValueError("not a header")
    values: list[Value] = []
    offsets: list[int] = []
    body = end
    for serial in serials:
        width = _width(serial)
        if body + width > len(data):
            raise ValueError("cut")
        raw = data[body : body + width]
        offsets.append(body)
        if serial == 0:
            values.append(None)
        elif serial in (8, 9):
            values.append(serial - 8)
        elif 1 <= serial <= 6:
            values.append(int.from_bytes(raw, "big", signed=True))
        elif serial == 7:
            values.append(struct.unpack(">d", raw)[0])
        elif serial % 2:
            values.append(raw.decode("utf-8"))
        else:
            values.append(raw)
        body += width
    return values, offsets


def records_with(image: Image, text: str) -> list[list[Value]]:
    """Every record in ``image`` holding ``text`` as one of its values (carved)."""
    needle = text.encode("utf-8")
    found: list[list[Value]] = []
    seen: set[tuple[Value, ...]] = set()
    for match in re.finditer(re.escape(needle), image.data):
        at = match.start()
        for start in range(max(0, at - 200), at):
            try:
                values, offsets = _decode(image.data, start)
            except (ValueError, UnicodeDecodeError):
                continue
            hit = any(v == text and o == at for v, o in zip(values, offsets, strict=True))
            if hit and tuple(values) not in seen:
                seen.add(tuple(values))
                found.append(values)
    return found


def band_states(image: Image, pack: str) -> set[tuple[int, int, int, int, int]]:
    """(n, b0, b1, b2, b3) of every score window record of ``pack`` in the image."""
    states = set()
    for values in records_with(image, pack):
        ints = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
        # The window tables hold n and four band counts side by side, with n = sum.
        for i in range(len(ints) - 4):
            n, bands = ints[i], ints[i + 1 : i + 5]
            if n > 0 and n == sum(bands) and min(bands) >= 0:
                states.add((n, bands[0], bands[1], bands[2], bands[3]))
    return states


def trail(states: set[tuple[int, int, int, int, int]], k: int) -> list[tuple[object, object]]:
    """Pairs of recovered states that differ by fewer than k tests: a step of the order."""
    out: list[tuple[object, object]] = []
    for a in states:
        for b in states:
            grown = all(y >= x for x, y in zip(a[1:], b[1:], strict=True))
            if a != b and grown and 0 < b[0] - a[0] < k:
                out.append((a, b))
    return out


FINE_TIME = re.compile(rb"(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?")


def fine_times(blob: bytes, local: ZoneInfo) -> list[tuple[datetime, timedelta]]:
    """Every moment finer than a day written in ``blob``: (start in UTC, precision).

    A time without a zone is read both as local and as UTC, whichever a writer meant.
    """
    out: list[tuple[datetime, timedelta]] = []
    for day, clock, zone in FINE_TIME.findall(blob):
        text = f"{day.decode()}T{clock.decode()}"
        precision = timedelta(seconds=1 if clock.count(b":") == 2 else 60)
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            continue
        if zone:
            offset = zone.decode().replace("Z", "+00:00")
            out.append((datetime.fromisoformat(text + offset).astimezone(UTC), precision))
        else:
            out.append((moment.replace(tzinfo=local).astimezone(UTC), precision))
            out.append((moment.replace(tzinfo=UTC), precision))
    return out


def overlaps(written: tuple[datetime, timedelta], start: datetime, end: datetime) -> bool:
    """Whether a written time (to its precision) could fall in [start, end]."""
    moment, precision = written
    return moment <= end and moment + precision > start
