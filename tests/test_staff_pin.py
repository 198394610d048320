"""The staff PIN: salted scrypt hash, file mode, lock-out with an injected clock, set-pin."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.staff.pin import PinError, PinStore, check_format
from kiosk.staff.pin_cli import read_pin
from tests.staff_support import FakeClock


def store(tmp_path: Path, clock: FakeClock, **kw: int) -> PinStore:
    return PinStore(tmp_path, clock=clock, **kw)


def test_pin_is_kept_only_as_a_salted_hash_readable_by_its_owner(tmp_path: Path) -> None:
    pins = store(tmp_path, FakeClock())
    pins.set_pin("123456")
    text = pins.path.read_text()
    assert "123456" not in text
    record = json.loads(text)
    assert record["algorithm"] == "scrypt"
    assert {"n", "r", "p", "dklen", "salt", "hash"} <= record.keys()
    assert stat.S_IMODE(pins.path.stat().st_mode) == 0o600
    other = store(tmp_path / "other", FakeClock())
    other.set_pin("123456")
    assert json.loads(other.path.read_text())["salt"] != record["salt"]
    assert json.loads(other.path.read_text())["hash"] != record["hash"]


def test_right_and_wrong_pins(tmp_path: Path) -> None:
    pins = store(tmp_path, FakeClock())
    assert pins.attempt("1234").no_pin
    pins.set_pin("1234")
    assert pins.attempt("1234").ok
    assert not pins.attempt("1235").ok
    assert not pins.attempt("").ok
    assert not pins.attempt("١٢٣٤").ok  # Arabic-Indic digits are not the PIN


@pytest.mark.parametrize("bad", ["123", "123456789", "12a4", "", "１２３４"])
def test_pin_format(bad: str) -> None:
    with pytest.raises(PinError):
        check_format(bad)


def test_lock_after_max_attempts_and_open_after_lock_seconds(tmp_path: Path) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock, max_attempts=5, lock_seconds=300)
    pins.set_pin("2468")
    outcomes = [pins.attempt("0000") for _ in range(5)]
    assert [o.just_locked for o in outcomes] == [False, False, False, False, True]
    assert pins.locked_for() == 300
    # The right PIN does not open a locked pad.
    assert not pins.attempt("2468").ok
    clock.advance(299)
    assert pins.locked_for() == 1
    assert not pins.attempt("2468").ok
    clock.advance(1)
    assert pins.locked_for() == 0
    assert pins.attempt("2468").ok


def test_lock_survives_a_restart_and_a_right_pin_resets_the_count(tmp_path: Path) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock, max_attempts=3, lock_seconds=60)
    pins.set_pin("2468")
    pins.attempt("1")
    pins.attempt("2")
    assert pins.attempt("2468").ok
    pins.attempt("1")
    pins.attempt("2")
    assert not pins.attempt("3").ok
    again = store(tmp_path, clock, max_attempts=3, lock_seconds=60)
    assert again.locked_for() == 60


def test_read_pin_twice_must_match() -> None:
    answers = iter(["4321", "4321"])
    assert read_pin(False, ask=lambda _p: next(answers)) == "4321"
    answers = iter(["4321", "4322"])
    with pytest.raises(PinError):
        read_pin(False, ask=lambda _p: next(answers))
    assert read_pin(True, stdin=io.StringIO("98765\n")) == "98765"


def test_set_pin_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main(["set-pin", "--stdin"]) == 1
    assert "4-8 digits" in capsys.readouterr().err
    assert not (tmp_path / "staff_pin.json").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("13579\n"))
    assert main(["set-pin", "--stdin"]) == 0
    assert PinStore(tmp_path).attempt("13579").ok


def test_set_by_root_the_files_belong_to_the_data_directory_s_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.setattr("os.chown", lambda p, u, g: calls.append((Path(p).name, u, g)))
    PinStore(tmp_path).set_pin("1234")
    owner = tmp_path.stat()
    assert ("staff_pin.json.tmp", owner.st_uid, owner.st_gid) in calls
    assert ("staff_pin_lock.json.tmp", owner.st_uid, owner.st_gid) in calls
