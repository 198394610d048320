"""The self-test's edges: sums just outside the form refused with a message that says
why, each score band's first and last sum, and packs too small to be a form refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.selftest.packs import Pack, PackError, Reference, load
from kiosk.selftest.scoring import score
from kiosk.shared.bands import band_of
from tests.selftest_support import OFFICIAL, official_raw, write_pack


def official() -> Pack:
    # Loaded in each test, not at import: a test must run the code it checks.
    return load(OFFICIAL)


@pytest.mark.parametrize("total", [9, 51, 0, -10])
def test_a_sum_the_form_cannot_give_has_no_score(total: int) -> None:
    with pytest.raises(ValueError, match=f"sum {total} is outside 10-50"):
        score(official(), total)


def test_the_lowest_and_highest_sums_are_0_and_100() -> None:
    assert score(official(), 10) == 0
    assert score(official(), 50) == 100


@pytest.mark.parametrize(
    ("total", "band"),
    [(10, 0), (19, 0), (20, 1), (29, 1), (30, 2), (39, 2), (40, 3), (50, 3)],
)
def test_each_band_starts_and_ends_where_the_batch_format_says(total: int, band: int) -> None:
    assert band_of(total) == band


@pytest.mark.parametrize("total", [9, 51, 0, 100])
def test_a_sum_outside_the_form_has_no_band(total: int) -> None:
    with pytest.raises(ValueError, match=f"raw sum {total} is outside 10-50"):
        band_of(total)


def _refusal(tmp_path: Path, raw: dict[str, Any]) -> str:
    path = write_pack(tmp_path, raw, rehash=True)
    with pytest.raises(PackError) as caught:
        load(path)
    return str(caught.value)


def test_a_pack_with_one_answer_option_is_refused(tmp_path: Path) -> None:
    raw = official_raw()
    raw["options"] = raw["options"][:1]
    message = _refusal(tmp_path, raw)
    assert (
        message
        == f"{raw['id']}: missing or wrong field (a pack needs answer options and statements)"
    )


def test_a_pack_without_statements_is_refused(tmp_path: Path) -> None:
    raw = official_raw()
    raw["statements"] = []
    assert _refusal(tmp_path, raw).endswith("(a pack needs answer options and statements)")


def test_a_pack_with_two_options_and_one_statement_is_read(tmp_path: Path) -> None:
    raw = official_raw()
    raw["options"] = raw["options"][:2]
    raw["statements"] = raw["statements"][:1]
    pack = load(write_pack(tmp_path, raw, rehash=True))
    assert [o.points for o in pack.options] == [o["points"] for o in raw["options"]]
    assert pack.statements == (raw["statements"][0],)


def test_the_official_form_sums_10_to_50_and_reads_every_field() -> None:
    raw = official_raw()
    pack = official()
    assert pack.sum_range == (10, 50)
    assert (pack.id, pack.language, pack.version) == (raw["id"], raw["language"], raw["version"])
    assert (pack.name, pack.source, pack.notice) == (raw["name"], raw["source"], raw["notice"])
    assert pack.cutoff == float(raw["cutoff"]["below"]) == 50.0
    assert pack.cutoff_wording == raw["cutoff"]["wording"]
    ref = raw["reference"]
    assert pack.reference == Reference(
        float(ref["mean"]), float(ref["share_below_cutoff"]), ref["population"], ref["source"]
    )
    assert pack.text_sha256() == pack.sha256 == raw["sha256"]


def test_a_file_that_is_not_json_is_refused_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "rikki.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PackError, match=r"^rikki\.json: not a readable pack file"):
        load(path)


def test_a_file_that_is_not_a_pack_object_is_refused_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "lista.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(PackError, match=r"^lista\.json: missing or wrong field"):
        load(path)


def test_a_pack_without_an_id_is_refused_by_its_file_name(tmp_path: Path) -> None:
    raw = official_raw()
    del raw["id"]
    path = tmp_path / "nimeton.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(PackError, match=r"^nimeton\.json: missing or wrong field \('id'\)$"):
        load(path)
