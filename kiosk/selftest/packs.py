"""Instrument packs: one self-test form per data file, locked by the hash of its text.

A pack holds the form word for word (main question, guiding sentence, answer
options with their points, statements in order), its scoring rule, cutoff,
population reference and the SHA-256 of its *canonical text*: those lines, in
that order, each followed by a newline. THL allows no change to any of them,
so a pack whose text no longer matches its own hash is refused (see
:mod:`kiosk.selftest.registry` for telling official forms from edited ones).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class PackError(ValueError):
    """A pack that cannot be used; the message names the pack and what is wrong."""


@dataclass(frozen=True)
class Option:
    text: str
    points: int


@dataclass(frozen=True)
class Reference:
    mean: float
    share_below_cutoff: float
    population: str
    source: str


@dataclass(frozen=True)
class Pack:
    id: str
    language: str
    version: str
    name: str
    source: str
    notice: str
    question: str
    guiding: str
    options: tuple[Option, ...]
    statements: tuple[str, ...]
    cutoff: float
    cutoff_wording: str
    reference: Reference
    sha256: str

    def canonical_lines(self) -> list[str]:
        return [self.question, self.guiding, *(o.text for o in self.options), *self.statements]

    def text_sha256(self) -> str:
        return sha256_of(self.canonical_lines())

    @property
    def sum_range(self) -> tuple[int, int]:
        points = [o.points for o in self.options]
        return min(points) * len(self.statements), max(points) * len(self.statements)


def sha256_of(lines: list[str]) -> str:
    return hashlib.sha256("".join(line + "\n" for line in lines).encode("utf-8")).hexdigest()


def line_hashes(lines: list[str]) -> list[str]:
    return [hashlib.sha256(line.encode("utf-8")).hexdigest() for line in lines]


def load(path: Path) -> Pack:
    """Read a pack file; PackError (naming the file) when it is not a usable pack."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PackError(f"{path.name}: not a readable pack file ({exc})") from None
    try:
        return _parse(raw)
    except (KeyError, TypeError, ValueError) as exc:
        name = raw.get("id", path.name) if isinstance(raw, dict) else path.name
        raise PackError(f"{name}: missing or wrong field ({exc})") from None


def _parse(raw: dict[str, Any]) -> Pack:
    options = tuple(Option(str(o["text"]), int(o["points"])) for o in raw["options"])
    statements = tuple(str(s) for s in raw["statements"])
    if len(options) < 2 or not statements:
        raise ValueError("a pack needs answer options and statements")
    ref = raw["reference"]
    return Pack(
        id=str(raw["id"]),
        language=str(raw["language"]),
        version=str(raw["version"]),
        name=str(raw["name"]),
        source=str(raw["source"]),
        notice=str(raw["notice"]),
        question=str(raw["question"]),
        guiding=str(raw["guiding"]),
        options=options,
        statements=statements,
        cutoff=float(raw["cutoff"]["below"]),
        cutoff_wording=str(raw["cutoff"]["wording"]),
        reference=Reference(
            mean=float(ref["mean"]),
            share_below_cutoff=float(ref["share_below_cutoff"]),
            population=str(ref["population"]),
            source=str(ref["source"]),
        ),
        sha256=str(raw["sha256"]),
    )
