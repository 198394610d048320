"""selftest.k at the kiosk and the hub's smallest window come from one rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import ConfigError as HubConfigError
from hub.config import HubConfig
from hub.publication import MIN_TESTS
from kiosk import cli
from kiosk.settings import ConfigError, load, table
from kiosk.shared.bands import MIN_K
from kiosk.store.db import Store
from kiosk.tally import Tally


def _config(tmp_path: Path, k: int) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(f"[selftest]\nk = {k}\n", encoding="utf-8")
    return path


def test_the_kiosk_refuses_a_k_the_hub_would_refuse(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load(_config(tmp_path, MIN_K - 1), environ={})
    message = str(err.value)
    assert "selftest.k" in message and f"at least {MIN_K}" in message and "hub" in message


def test_the_environment_cannot_lower_k_either(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"selftest\.k"):
        load(None, environ={"KIOSK_SELFTEST_K": str(MIN_K - 2)}, use_candidates=False)


def test_check_config_fails_on_a_low_k(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["check-config", str(_config(tmp_path, 3))]) == 1
    assert "selftest.k" in capsys.readouterr().err
    assert cli.main(["check-config", str(_config(tmp_path, MIN_K))]) == 0


def test_kiosk_and_hub_share_the_minimum(tmp_path: Path) -> None:
    (k_row,) = [row for row in table() if row.name == "selftest.k"]
    assert k_row.minimum == MIN_K
    assert load(_config(tmp_path, MIN_K), environ={}).selftest.k == MIN_K
    assert HubConfig(tmp_path).k == MIN_K
    assert MIN_TESTS >= MIN_K  # a published band cell never pools fewer tests than a window
    with pytest.raises(HubConfigError):
        HubConfig(tmp_path, k=MIN_K - 1)
    with pytest.raises(ValueError):
        Tally(Store(None), k=MIN_K - 1)
