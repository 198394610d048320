"""The integrity lock covers everything that makes the form the form, not only its words."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.selftest import registry
from kiosk.selftest.library import SHIPPED, Library
from kiosk.selftest.packs import PackError, load
from tests.selftest_support import official_raw, write_pack

Edit = Callable[[dict[str, Any]], None]


def _points(points: list[int]) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        for option, value in zip(raw["options"], points, strict=True):
            option["points"] = value

    return edit


def _set(path: tuple[str, ...], value: object) -> Edit:
    def edit(raw: dict[str, Any]) -> None:
        target = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return edit


def _reorder_options(raw: dict[str, Any]) -> None:
    raw["options"] = list(reversed(raw["options"]))


# Each edit keeps the wording's own hash valid (or is rehashed, as an editor would),
# so only the registry can tell that it is no longer THL's form.
EDITS: dict[str, tuple[Edit, bool, str]] = {
    "points reversed 5..1": (_points([5, 4, 3, 2, 1]), False, "answer option 1"),
    "points 0-4": (_points([0, 1, 2, 3, 4]), False, "answer option 1"),
    "(c) line removed": (_set(("notice",), ""), False, "(c) notice"),
    "cutoff changed": (_set(("cutoff", "below"), 45), False, "cutoff"),
    "cutoff wording changed": (_set(("cutoff", "wording"), "Raja on 45."), False, "cutoff"),
    "population mean changed": (_set(("reference", "mean"), 80.1), False, "reference figures"),
    "share under cutoff changed": (
        _set(("reference", "share_below_cutoff"), 0.05),
        False,
        "reference figures",
    ),
    "population changed": (_set(("reference", "population"), "youth"), False, "reference"),
    "scoring rule changed": (_set(("scoring", "rule"), "score = sum * 2"), False, "scoring"),
    "options reordered": (_reorder_options, True, "answer option 1"),
    "source changed": (_set(("source",), "Kunnan oma lomake"), False, "source"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_of_the_form_is_not_official(tmp_path: Path, name: str) -> None:
    edit, rehash, where = EDITS[name]
    raw = official_raw()
    edit(raw)
    path = write_pack(tmp_path / "packs", raw, rehash=rehash)
    status, detail = registry.check(load(path), registry.load_official())
    assert status == "not-official" and where in detail

    library = Library([path.parent])
    offered = library.get("esis-fi-2019")
    assert offered is not None and not offered.official
    assert offered.tally_key.startswith("unofficial:esis-fi-2019:")
    # Its screens carry neither THL's notice nor THL's name as the source.
    assert offered.notice == "" and "THL" not in offered.source_line
    assert offered.title == "esis-fi-2019"


def test_reordered_options_without_a_new_hash_are_refused(tmp_path: Path) -> None:
    raw = official_raw()
    _reorder_options(raw)
    path = write_pack(tmp_path, raw)
    with pytest.raises(PackError, match=r"line 3 \(answer option 1\)"):
        registry.check(load(path), registry.load_official())


def test_two_different_edits_are_never_pooled(tmp_path: Path) -> None:
    keys = set()
    for name in ("points reversed 5..1", "points 0-4"):
        raw = official_raw()
        EDITS[name][0](raw)
        library = Library([write_pack(tmp_path / name, raw).parent])
        offered = library.get("esis-fi-2019")
        assert offered is not None
        keys.add(offered.tally_key)
    assert len(keys) == 2


def test_the_shipped_form_is_official_with_thls_lines() -> None:
    offered = Library([SHIPPED]).get("esis-fi-2019")
    assert offered is not None and offered.official and offered.tally_key == "esis-fi-2019"
    assert offered.notice.startswith("© Terveyden ja hyvinvoinnin laitos")
    assert offered.source_line.startswith("THL:") and offered.title == "Osallisuusindikaattori"


def test_the_registry_is_made_from_the_shipped_packs_and_covers_every_form_line() -> None:
    shipped = {p.stem: load(p) for p in sorted(SHIPPED.glob("*.json"))}
    on_disk = json.loads(registry.OFFICIAL_FILE.read_text(encoding="utf-8"))
    assert on_disk == {k: registry.entry(p) for k, p in shipped.items()}, (
        "run: .venv/bin/python scripts/make_official_registry.py kiosk/selftest/packs/*.json"
    )
    pack = shipped["esis-fi-2019"]
    kinds = [json.loads(line)[0] for line in pack.form_lines()]
    for part in ("option", "notice", "scoring", "cutoff", "reference"):
        assert part in kinds
    option_lines = [json.loads(line) for line in pack.form_lines() if '"option"' in line]
    assert [row[3] for row in option_lines] == [1, 2, 3, 4, 5]


def test_a_self_made_pack_shows_its_own_source_line(tmp_path: Path) -> None:
    raw = {**official_raw(), "id": "esis-sv-egen", "language": "sv", "notice": ""}
    raw["source"] = "Egen översättning, Pikkukylän kunta 2026"
    offered = Library([write_pack(tmp_path, raw).parent]).get("esis-sv-egen")
    assert offered is not None and not offered.official
    assert offered.source_line == "Egen översättning, Pikkukylän kunta 2026"
    assert offered.notice == "" and offered.title == "esis-sv-egen"
    claims = {**raw, "id": "esis-sv-claims", "source": "THL:n käännös"}
    offered = Library([write_pack(tmp_path / "b", claims).parent]).get("esis-sv-claims")
    assert offered is not None and offered.source_line == ""
