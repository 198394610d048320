"""Instrument packs: one self-test form per data file, locked by hashes.

A pack holds the form word for word (main question, guiding sentence, answer
options with their points, statements in order), its (c) notice, scoring rule,
cutoff, population reference and the SHA-256 of its *canonical text*: the
wording lines, in that order, each followed by a newline. A pack whose text no
longer matches its own hash is refused (a damaged file).

What makes the form the form is more than its words: the points and their order,
the notice, the scoring rule, the cutoff and the reference figures. All of them
(and the name, source and language) are the *form lines* (:meth:`Pack.form_lines`),
one canonical JSON array per line, and their hash is what the registry of official
forms knows (:mod:`kiosk.selftest.registry`). THL allows no change to any of it,
so a pack that differs in any of them is not the official form.
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
class Scoring:
    rule: str
    sum_min: int
    sum_max: int
    missing: str


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
    scoring: Scoring

    def canonical_lines(self) -> list[str]:
        """The wording, for the pack's own hash (a damaged file is refused)."""
        return [self.question, self.guiding, *(o.text for o in self.options), *self.statements]

    def text_sha256(self) -> str:
        return sha256_of(self.canonical_lines())

    def form_lines(self) -> list[str]:
        """Everything that makes the form the form, one canonical JSON array a line."""
        ref, rule = self.reference, self.scoring
        rows: list[list[object]] = [
            ["question", self.question],
            ["guiding", self.guiding],
            *(["option", i, o.text, o.points] for i, o in enumerate(self.options, start=1)),
            *(["statement", i, s] for i, s in enumerate(self.statements, start=1)),
            ["notice", self.notice],
            ["scoring", rule.rule, rule.sum_min, rule.sum_max, rule.missing],
            ["cutoff", self.cutoff, self.cutoff_wording],
            ["reference", ref.mean, ref.share_below_cutoff, ref.population, ref.source],
            ["name", self.name, self.language, self.source],
        ]
        return [json.dumps(row, ensure_ascii=False, separators=(",", ":")) for row in rows]

    def form_sha256(self) -> str:
        return sha256_of(self.form_lines())

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
        scoring=Scoring(
            rule=str(raw["scoring"]["rule"]),
            sum_min=int(raw["scoring"]["sum_min"]),
            sum_max=int(raw["scoring"]["sum_max"]),
            missing=str(raw["scoring"]["missing"]),
        ),
    )
