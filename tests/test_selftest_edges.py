"""The self-test's edges: sums just outside the form refused with a message that says
why, each score band's first and last sum, and packs too small to be a form refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.selftest.packs import PackError, load
from kiosk.selftest.scoring import score
from kiosk.shared.bands import band_of
from tests.selftest_support import OFFICIAL, official_raw, write_pack

PACK = load(OFFICIAL)


@pytest.mark.parametrize("total", [9, 51, 0, -10])
def test_a_sum_the_form_cannot_give_has_no_score(total: int) -> None:
    with pytest.raises(ValueError, match=f"sum {total} is outside 10-50"):
        score(PACK, total)


def test_the_lowest_and_highest_sums_are_0_and_100() -> None:
    assert score(PACK, 10) == 0
    assert score(PACK, 50) == 100


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
    assert message.startswith(f"{raw['id']}: missing or wrong field")
    assert "a pack needs answer options and statements" in message


def test_a_pack_without_statements_is_refused(tmp_path: Path) -> None:
    raw = official_raw()
    raw["statements"] = []
    assert "a pack needs answer options and statements" in _refusal(tmp_path, raw)


def test_a_pack_with_two_options_and_one_statement_is_read(tmp_path: Path) -> None:
    raw = official_raw()
    raw["options"] = raw["options"][:2]
    raw["statements"] = raw["statements"][:1]
    pack = load(write_pack(tmp_path, raw, rehash=True))
    assert [o.points for o in pack.options] == [o["points"] for o in raw["options"]]
    assert pack.statements == (raw["statements"][0],)


def test_the_official_form_sums_10_to_50_and_reads_every_field() -> None:
    raw = official_raw()
    assert PACK.sum_range == (10, 50)
    assert PACK.id == raw["id"] and PACK.language == raw["language"]
    assert PACK.cutoff == float(raw["cutoff"]["below"]) == 50.0
    assert PACK.cutoff_wording == raw["cutoff"]["wording"]
    assert PACK.reference.mean == float(raw["reference"]["mean"])
    assert PACK.reference.population == raw["reference"]["population"]
    assert PACK.text_sha256() == PACK.sha256 == raw["sha256"]


def test_a_file_that_is_not_json_is_refused_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "rikki.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(PackError, match=r"^rikki\.json: not a readable pack file"):
        load(path)
