"""Instrument packs: the official wording, the integrity lock, official or not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.selftest import registry
from kiosk.selftest.library import SHIPPED, Library
from kiosk.selftest.packs import PackError, load
from kiosk.store.event_log import EventLog
from tests.selftest_support import OFFICIAL, official_raw, write_pack

SEED = Path(__file__).parent / "data" / "esis-form-thl-2019.txt"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_shipped_pack_is_the_official_form_word_for_word() -> None:
    """Every line of the pack appears in THL's form (Kuva 2, 2019), in the form's order."""
    form = _flat(SEED.read_text(encoding="utf-8"))
    pack = load(OFFICIAL)
    assert pack.question == "Mitä mieltä olet seuraavista väittämistä?"
    assert pack.guiding in form and pack.question in form
    positions = [form.index(s) for s in pack.statements]
    assert positions == sorted(positions) and len(pack.statements) == 10
    assert all(not s.endswith(".") for s in pack.statements)
    # The scoring table lists the options in order with their points.
    for option in pack.options:
        assert re.search(rf"{option.text} {option.points} pistet?t?ä?", form), option
    assert [o.text for o in pack.options] == [o.text.lower() for o in pack.options]
    assert pack.notice == "© Terveyden ja hyvinvoinnin laitos, 2019, all rights reserved"
    assert pack.notice in form


def test_shipped_pack_is_official() -> None:
    library = Library([SHIPPED])
    assert [(r.id, r.status) for r in library.pack_report()] == [("esis-fi-2019", "official")]
    assert library.get("esis-fi-2019") is not None


def _edit(kind: str) -> dict[str, object]:
    raw = official_raw()
    statements = list(raw["statements"])
    if kind == "character":
        statements[2] = statements[2].replace("yhteisöön", "yhteisoon")
    elif kind == "order":
        statements[0], statements[1] = statements[1], statements[0]
    elif kind == "missing":
        del statements[9]
    raw["statements"] = statements
    return raw


@pytest.mark.parametrize(
    ("kind", "where"),
    [
        ("character", "line 10 (statement 3)"),
        ("order", "line 8 (statement 1)"),
        ("missing", "line 17: missing"),
    ],
)
def test_a_changed_pack_is_refused_naming_pack_and_first_differing_line(
    tmp_path: Path, kind: str, where: str
) -> None:
    path = write_pack(tmp_path, _edit(kind))
    with pytest.raises(PackError) as caught:
        registry.check(load(path), registry.load_official())
    assert "esis-fi-2019" in str(caught.value) and where in str(caught.value)


def test_a_refused_pack_is_logged_and_left_out(tmp_path: Path) -> None:
    events = EventLog(None)
    broken = write_pack(tmp_path / "packs", {**_edit("order"), "id": "esis-fi-copy"})
    library = Library([broken.parent], events)
    assert library.get("esis-fi-copy") is None
    (report,) = library.pack_report()
    assert report.status == "refused"
    assert any("refused" in e.message for e in events.recent(10))


def test_an_edited_pack_with_a_recomputed_hash_is_not_official_and_counted_apart(
    tmp_path: Path,
) -> None:
    edited = {**_edit("character"), "id": "esis-fi-edited"}
    library = Library([SHIPPED, write_pack(tmp_path, edited, rehash=True).parent])
    report = {r.id: r for r in library.pack_report()}
    assert report["esis-fi-edited"].status == "not-official"
    offered = library.get("esis-fi-edited")
    assert offered is not None and not offered.official
    assert offered.tally_key.startswith("unofficial:esis-fi-edited:")
    assert library.for_language("fi")[0].pack.id == "esis-fi-2019"  # official first


def test_an_edited_pack_under_the_official_id_names_the_changed_line(tmp_path: Path) -> None:
    path = write_pack(tmp_path / "packs", _edit("character"), rehash=True)
    library = Library([path.parent])
    (report,) = library.pack_report()
    assert report.status == "not-official" and "statement 3" in report.detail


def test_unreadable_and_duplicate_packs_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    write_pack(folder, official_raw())  # the same id as the shipped pack
    library = Library([SHIPPED, folder])
    statuses = sorted(r.status for r in library.pack_report())
    assert statuses == ["official", "refused", "refused"]
