"""Known official forms: the hash of each official pack's text, and of each line.

The line hashes let a refused pack be reported by its first differing line
without keeping a second copy of the form's wording in the code. A pack whose
text matches its own hash but not a known official one (an edited form with a
recomputed hash) is usable but "not an official form": its results are tallied
under a key of their own and never added to the official ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.selftest.packs import Pack, PackError, line_hashes

OFFICIAL_FILE = Path(__file__).resolve().parent / "official.json"
LINE_NAMES = ("main question", "guiding sentence")

Status = Literal["official", "not-official", "refused"]


@dataclass(frozen=True)
class Official:
    sha256: str
    lines: tuple[str, ...]


def load_official(path: Path = OFFICIAL_FILE) -> dict[str, Official]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {k: Official(v["sha256"], tuple(v["lines"])) for k, v in raw.items()}


def line_name(pack: Pack, index: int) -> str:
    """A line of the canonical text as people name it: 'statement 3', 'answer option 2'."""
    if index < len(LINE_NAMES):
        return LINE_NAMES[index]
    index -= len(LINE_NAMES)
    if index < len(pack.options):
        return f"answer option {index + 1}"
    return f"statement {index - len(pack.options) + 1}"


def check(pack: Pack, official: dict[str, Official]) -> tuple[Status, str]:
    """The pack's status and a sentence for staff; raises PackError when it must be refused."""
    lines = pack.canonical_lines()
    known = official.get(pack.id)
    if pack.text_sha256() != pack.sha256:
        where = _first_diff(pack, lines, known)
        raise PackError(f"pack {pack.id}: its text does not match its hash; {where}")
    if known is not None and known.sha256 == pack.sha256:
        return "official", ""
    if any(o.sha256 == pack.sha256 for o in official.values()):
        return "official", ""
    reason = (
        f"differs from the official form at {_first_diff(pack, lines, known)}"
        if known is not None
        else "not a known official form"
    )
    return "not-official", reason


def _first_diff(pack: Pack, lines: list[str], known: Official | None) -> str:
    if known is None:
        return "no official text is known for this pack id, so the changed line cannot be named"
    ours = line_hashes(lines)
    for i, (mine, theirs) in enumerate(zip(ours, known.lines, strict=False)):
        if mine != theirs:
            return f"line {i + 1} ({line_name(pack, i)}): {lines[i]!r}"
    if len(ours) < len(known.lines):
        return f"line {len(ours) + 1}: missing (the official form has {len(known.lines)} lines)"
    return f"line {len(known.lines) + 1}: not in the official form ({lines[len(known.lines)]!r})"
