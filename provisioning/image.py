"""Disk images without root: the MBR read in Python, FAT files written with mtools.

Quirks:

* Raspberry Pi OS images have an MBR (DOS) partition table; the first FAT
  partition (types 0x0b/0x0c, also 0x0e/0x06/0x04/0x01) is the boot partition.
  A GPT image (protective type 0xee) is refused with a clear message.
* mtools reaches a partition inside an image with ``-i IMAGE@@OFFSET``.
  ``MTOOLS_SKIP_CHECK=1`` stops it from refusing images whose FAT geometry
  fields do not match a floppy's, which all SD-card images have.
* ``.img.xz`` is decompressed once, streaming with :mod:`lzma`, into a
  temporary file next to the outputs; each kiosk's image is then a plain copy.
"""

from __future__ import annotations

import lzma
import os
import shutil
import struct
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SECTOR = 512
CHUNK = 4 * 1024 * 1024
FAT_TYPES = {0x01, 0x04, 0x06, 0x0B, 0x0C, 0x0E}
MTOOLS = ("mcopy", "mtype", "mdir")

Progress = Callable[[int], object]


class ImageError(RuntimeError):
    """A problem with the image, the card or the tools, worded for the coordinator."""


@dataclass(frozen=True)
class Partition:
    number: int
    type: int
    start: int
    sectors: int

    @property
    def offset(self) -> int:
        return self.start * SECTOR


def partitions(head: bytes) -> list[Partition]:
    """The primary partitions of an MBR (the image's first 512 bytes)."""
    if len(head) < SECTOR or head[510:512] != b"\x55\xaa":
        raise ImageError("no MBR partition table (not a Raspberry Pi OS image?)")
    found = []
    for i in range(4):
        entry = head[446 + 16 * i : 446 + 16 * (i + 1)]
        ptype = entry[4]
        start, sectors = struct.unpack("<II", entry[8:16])
        if ptype == 0xEE:
            raise ImageError("GPT partition table; expected a Raspberry Pi OS image with an MBR")
        if ptype and sectors:
            found.append(Partition(i + 1, ptype, start, sectors))
    return found


def boot_partition(path: Path) -> Partition:
    """The FAT boot partition of an uncompressed image or a block device."""
    with path.open("rb") as fh:
        head = fh.read(SECTOR)
    for part in partitions(head):
        if part.type in FAT_TYPES:
            return part
    raise ImageError(f"{path}: no FAT boot partition in the partition table")


def check_tools() -> None:
    missing = [t for t in MTOOLS if shutil.which(t) is None]
    if missing:
        raise ImageError("missing " + ", ".join(missing) + "; install the Debian package mtools")


def _mtools(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    return subprocess.run(args, capture_output=True, env=env, check=False)


def fat_write(image: Path, part: Partition, name: str, data: bytes, scratch: Path) -> None:
    """Write one file into the root of the FAT partition (replacing it)."""
    src = scratch / name
    src.write_bytes(data)
    try:
        result = _mtools(["mcopy", "-o", "-i", f"{image}@@{part.offset}", str(src), f"::/{name}"])
    finally:
        src.unlink()
    if result.returncode != 0:
        why = result.stderr.decode(errors="replace").strip()
        raise ImageError(f"{image}: could not write {name} to the boot partition: {why}")


def fat_read(image: Path, part: Partition, name: str) -> bytes:
    result = _mtools(["mtype", "-i", f"{image}@@{part.offset}", f"::/{name}"])
    if result.returncode != 0:
        why = result.stderr.decode(errors="replace").strip()
        raise ImageError(f"{image}: could not read {name}: {why}")
    return result.stdout


def fat_check(image: Path, part: Partition) -> None:
    """Fail early when mtools cannot read the boot partition."""
    result = _mtools(["mdir", "-b", "-i", f"{image}@@{part.offset}", "::/"])
    if result.returncode != 0:
        why = result.stderr.decode(errors="replace").strip()
        raise ImageError(f"{image}: boot partition is not a readable FAT file system: {why}")


def is_xz(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(6) == b"\xfd7zXZ\x00"


def copy_stream(src: BinaryIO, dst: BinaryIO, progress: Progress) -> None:
    while chunk := src.read(CHUNK):
        dst.write(chunk)
        progress(len(chunk))


def decompress(source: Path, out: BinaryIO, progress: Progress, *, sparse: bool = False) -> None:
    """Stream an .xz image into out; progress counts compressed bytes read. ``sparse``
    leaves holes for zeros (a file, not a card)."""
    with source.open("rb") as raw:
        last = 0
        size = 0
        try:
            with lzma.LZMAFile(raw) as xz:
                while chunk := xz.read(CHUNK):
                    size += len(chunk)
                    if sparse and chunk.count(0) == len(chunk):
                        out.seek(len(chunk), os.SEEK_CUR)
                    else:
                        out.write(chunk)
                    pos = raw.tell()
                    progress(pos - last)
                    last = pos
                if sparse:
                    out.truncate(size)
        except lzma.LZMAError as exc:
            raise ImageError(f"{source}: broken .xz file: {exc}") from None


def copy_sparse(src: BinaryIO, dst: BinaryIO, progress: Progress) -> None:
    """Like :func:`copy_stream`, but runs of zeros become holes: a card image is
    mostly empty space and takes only what is written on disk."""
    size = 0
    while chunk := src.read(CHUNK):
        size += len(chunk)
        if chunk.count(0) == len(chunk):
            dst.seek(len(chunk), os.SEEK_CUR)
        else:
            dst.write(chunk)
        progress(len(chunk))
    dst.truncate(size)


def copy_image(source: Path, target: Path, progress: Progress) -> None:
    with source.open("rb") as src, target.open("wb") as dst:
        copy_sparse(src, dst, progress)
