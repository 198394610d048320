"""Decode ESC/POS bytes into a readable slip: text lines with styles, QR payloads,
cuts and code-table selections. Pure and incremental (bytes may arrive in any
chunks); used by the printer emulator and by tests.

Only the commands a kiosk slip uses are understood in detail; other known
commands are skipped by their length, and anything else is reported as an
``unknown`` element rather than guessed at. ``DLE EOT n`` (real-time status) is
reported as ``status`` elements; the emulator answers them before decoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, FS, DLE = 0x1B, 0x1D, 0x1C, 0x10
CODE_TABLES = {0: "cp437", 2: "cp850", 5: "cp865", 16: "cp1252", 19: "cp858"}
# Commands skipped by a fixed number of argument bytes.
ESC_ARGS = {
    ord(c): n
    for c, n in {
        "2": 0, "3": 1, "-": 1, "G": 1, "J": 1, "M": 1, "R": 1, "V": 1, "{": 1, "c": 2,
        "p": 3, "=": 1, " ": 1, "U": 1, "D": 0, "$": 2, "\\": 2,
    }.items()
}  # fmt: skip
GS_ARGS = {
    ord(c): n
    for c, n in {
        "B": 1, "H": 1, "L": 2, "W": 2, "f": 1, "h": 1, "w": 1, "a": 1, "r": 1, "b": 1,
    }.items()
}  # fmt: skip


@dataclass(frozen=True)
class Element:
    """One decoded thing: ``text`` (value = the line, styles), ``qr`` (value =
    payload), ``cut``, ``codetable`` (value = table number), ``init``,
    ``kanji_off``, ``feed`` (value = lines), ``image`` (value = WxH dots),
    ``status`` (value = n) or ``unknown`` (value = hex of the command)."""

    kind: str
    value: str = ""
    styles: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind == "text":
            return (
                "".join(f"[{s}]" for s in self.styles) + (" " if self.styles else "") + self.value
            )
        return f"[{self.kind}{' ' + self.value if self.value else ''}]"


@dataclass
class _Style:
    bold: bool = False
    underline: bool = False
    width: int = 1
    height: int = 1
    align: str = "left"

    def tags(self) -> tuple[str, ...]:
        tags = []
        if self.bold:
            tags.append("bold")
        if self.underline:
            tags.append("underline")
        if self.width > 1 and self.height > 1:
            tags.append("double")
        elif self.height > 1:
            tags.append("tall")
        elif self.width > 1:
            tags.append("wide")
        if self.align != "left":
            tags.append(self.align)
        return tuple(tags)


class _Incomplete(Exception):
    pass


@dataclass
class Decoder:
    style: _Style = field(default_factory=_Style)
    table: int = 0
    _buf: bytearray = field(default_factory=bytearray)
    _line: bytearray = field(default_factory=bytearray)
    _line_tags: tuple[str, ...] = ()
    _qr: bytes = b""

    def feed(self, data: bytes) -> list[Element]:
        """Elements completed by ``data``; a command cut in half waits for the rest."""
        self._buf += data
        out: list[Element] = []
        i = 0
        while i < len(self._buf):
            try:
                i = self._step(i, out)
            except _Incomplete:
                break
        del self._buf[:i]
        return out

    def flush(self) -> list[Element]:
        """End of data: the unfinished line (and any dangling command) as elements."""
        out: list[Element] = []
        self._end_line(out, force=False)
        if self._buf:
            out.append(Element("unknown", self._buf.hex(" ")))
            self._buf.clear()
        return out

    def _need(self, i: int, n: int) -> bytes:
        if i + n > len(self._buf):
            raise _Incomplete
        return bytes(self._buf[i : i + n])

    def _end_line(self, out: list[Element], force: bool = True) -> None:
        if self._line or force:
            text = bytes(self._line).decode(CODE_TABLES.get(self.table, "cp437"), "replace")
            out.append(Element("text", text, self._line_tags if self._line else ()))
        self._line.clear()

    def _step(self, i: int, out: list[Element]) -> int:
        b = self._buf[i]
        if b == 0x0A:
            self._end_line(out)
            return i + 1
        if b == 0x0D:
            return i + 1
        if b == 0x09:
            b = 0x20
        if b >= 0x20 and b != 0x7F:
            if not self._line:
                self._line_tags = self.style.tags()
            self._line.append(b)
            return i + 1
        if b == ESC:
            return self._esc(i, out)
        if b == GS:
            return self._gs(i, out)
        if b == FS:
            cmd = self._need(i, 2)[1]
            if cmd == ord("."):
                out.append(Element("kanji_off"))
            elif cmd != ord("&"):
                out.append(Element("unknown", f"1c {cmd:02x}"))
            return i + 2
        if b == DLE:
            head = self._need(i, 3)
            if head[1] == 0x04:
                out.append(Element("status", str(head[2])))
                return i + 3
        out.append(Element("unknown", f"{b:02x}"))
        return i + 1

    def _esc(self, i: int, out: list[Element]) -> int:
        cmd = self._need(i, 2)[1]
        s = self.style
        if cmd == ord("@"):
            self._end_line(out, force=False)
            self.style, self.table = _Style(), 0
            out.append(Element("init"))
            return i + 2
        if cmd in (ord("t"), ord("E"), ord("a"), ord("!"), ord("d"), ord("-")):
            n = self._need(i, 3)[2]
            if cmd == ord("t"):
                self.table = n
                out.append(Element("codetable", str(n)))
            elif cmd == ord("E"):
                s.bold = bool(n & 1)
            elif cmd == ord("-"):
                s.underline = bool(n & 3)
            elif cmd == ord("a"):
                s.align = ("left", "center", "right")[(n - 48 if n >= 48 else n) % 3]
            elif cmd == ord("!"):
                s.bold, s.underline = bool(n & 0x08), bool(n & 0x80)
                s.height, s.width = (2 if n & 0x10 else 1), (2 if n & 0x20 else 1)
            else:
                self._end_line(out, force=False)
                out.append(Element("feed", str(n)))
            return i + 3
        if cmd == ord("*"):
            head = self._need(i, 5)
            m, cols = head[2], head[3] + 256 * head[4]
            size = cols * (3 if m in (32, 33) else 1)
            self._need(i, 5 + size)
            out.append(Element("image", f"{cols}x{24 if m in (32, 33) else 8}"))
            return i + 5 + size
        if cmd in ESC_ARGS:
            return i + 2 + len(self._need(i + 2, ESC_ARGS[cmd]))
        out.append(Element("unknown", f"1b {cmd:02x}"))
        return i + 2

    def _gs(self, i: int, out: list[Element]) -> int:
        cmd = self._need(i, 2)[1]
        if cmd == ord("!"):
            n = self._need(i, 3)[2]
            self.style.width, self.style.height = (n >> 4) + 1, (n & 0x0F) + 1
            return i + 3
        if cmd == ord("V"):
            m = self._need(i, 3)[2]
            self._end_line(out, force=False)
            out.append(Element("cut"))
            return i + (4 if m in (65, 66) else 3)
        if cmd == ord("("):
            head = self._need(i, 5)
            size = head[3] + 256 * head[4]
            body = self._need(i + 5, size)
            if head[2] == ord("k") and size >= 3 and body[0] == 49:
                if body[1] == 80:  # store the QR data
                    self._qr = body[3:]
                elif body[1] == 81:  # print the stored QR
                    self._end_line(out, force=False)
                    out.append(Element("qr", self._qr.decode("utf-8", "replace")))
            elif head[2] == ord("L"):
                out.append(Element("image", f"graphics {size} bytes"))
            return i + 5 + size
        if cmd == ord("v"):
            head = self._need(i, 8)
            w_bytes, h = head[4] + 256 * head[5], head[6] + 256 * head[7]
            self._need(i + 8, w_bytes * h)
            self._end_line(out, force=False)
            out.append(Element("image", f"{w_bytes * 8}x{h}"))
            return i + 8 + w_bytes * h
        if cmd in GS_ARGS:
            return i + 2 + len(self._need(i + 2, GS_ARGS[cmd]))
        out.append(Element("unknown", f"1d {cmd:02x}"))
        return i + 2


def decode(data: bytes) -> list[Element]:
    """All elements of ``data``."""
    d = Decoder()
    return d.feed(data) + d.flush()


def as_text(elements: list[Element]) -> str:
    """A slip as a newcomer reads it: one element per line."""
    return "\n".join(str(e) for e in elements if e.kind not in ("status",)) + "\n"
