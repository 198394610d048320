"""Known official forms: the hash of each official pack's form lines, and of each line.

A pack is official only when the hash of its form lines (wording, points and
their order, (c) notice, scoring rule, cutoff, reference figures, name, source
and language: :meth:`kiosk.selftest.packs.Pack.form_lines`) is one the registry
knows. The line hashes let a pack be reported by its first differing line
without keeping a second copy of the form in the code; the text line hashes do
the same for a pack refused because its wording no longer matches its own hash.
A pack whose text matches its own hash but whose form is not known (an edited
form, a home-made translation) is usable but "not an official form": its results
are tallied under a key of their own and never added to the official ones.

The registry is ``official.json``, made from THL's pack files with
``scripts/make_official_registry.py``; each pack is checked against it every
time the packs are loaded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kiosk.selftest.packs import Pack, PackError, line_hashes

OFFICIAL_FILE = Path(__file__).resolve().parent / "official.json"
LINE_NAMES = ("main question", "guiding sentence")
FORM_LINE_NAMES = {
    "question": "main question",
    "guiding": "guiding sentence",
    "option": "answer option",
    "statement": "statement",
    "notice": "(c) notice",
    "scoring": "scoring rule",
    "cutoff": "cutoff",
    "reference": "reference figures",
    "name": "name, language and source",
}

Status = Literal["official", "not-official", "refused"]


@dataclass(frozen=True)
class Official:
    sha256: str  # of the form lines
    lines: tuple[str, ...]  # hash of each form line
    text_lines: tuple[str, ...]  # hash of each wording line (the pack's own hash covers these)


def load_official(path: Path = OFFICIAL_FILE) -> dict[str, Official]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {
        k: Official(v["form_sha256"], tuple(v["form_lines"]), tuple(v["text_lines"]))
        for k, v in raw.items()
    }


def entry(pack: Pack) -> dict[str, Any]:
    """The registry's entry for an official pack."""
    return {
        "form_sha256": pack.form_sha256(),
        "form_lines": line_hashes(pack.form_lines()),
        "text_lines": line_hashes(pack.canonical_lines()),
    }


def line_name(pack: Pack, index: int) -> str:
    """A wording line as people name it: 'statement 3', 'answer option 2'."""
    if index < len(LINE_NAMES):
        return LINE_NAMES[index]
    index -= len(LINE_NAMES)
    if index < len(pack.options):
        return f"answer option {index + 1}"
    return f"statement {index - len(pack.options) + 1}"


def form_line_name(line: str) -> str:
    """A form line as people name it: 'answer option 2', 'cutoff'."""
    row = json.loads(line)
    name = FORM_LINE_NAMES.get(str(row[0]), str(row[0]))
    return f"{name} {row[1]}" if row[0] in ("option", "statement") else name


def check(pack: Pack, official: dict[str, Official]) -> tuple[Status, str]:
    """The pack's status and a sentence for staff; raises PackError when it must be refused."""
    known = official.get(pack.id)
    if pack.text_sha256() != pack.sha256:
        where = _first_text_diff(pack, known)
        raise PackError(f"pack {pack.id}: its text does not match its hash; {where}")
    form = pack.form_sha256()
    if any(o.sha256 == form for o in official.values()):
        return "official", ""
    reason = (
        f"differs from the official form at {_first_form_diff(pack, known)}"
        if known is not None
        else "not a known official form"
    )
    return "not-official", reason


def _first_text_diff(pack: Pack, known: Official | None) -> str:
    if known is None:
        return "no official text is known for this pack id, so the changed line cannot be named"
    lines = pack.canonical_lines()
    ours = line_hashes(lines)
    for i, (mine, theirs) in enumerate(zip(ours, known.text_lines, strict=False)):
        if mine != theirs:
            return f"line {i + 1} ({line_name(pack, i)}): {lines[i]!r}"
    if len(ours) < len(known.text_lines):
        return (
            f"line {len(ours) + 1}: missing (the official form has {len(known.text_lines)} lines)"
        )
    extra = len(known.text_lines)
    return f"line {extra + 1}: not in the official form ({lines[extra]!r})"


def _first_form_diff(pack: Pack, known: Official) -> str:
    lines = pack.form_lines()
    for mine, theirs, line in zip(line_hashes(lines), known.lines, lines, strict=False):
        if mine != theirs:
            return f"{form_line_name(line)} ({line})"
    return f"its number of lines ({len(lines)}; the official form has {len(known.lines)})"
