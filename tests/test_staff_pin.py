"""The staff PIN: salted scrypt hash, file mode, lock-out with an injected clock, set-pin."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.staff.pin import SCRYPT, PinError, PinStore, check_format, hash_pin
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
    assert pins.attempt("123456").no_pin
    pins.set_pin("123456")
    assert pins.attempt("123456").ok
    assert not pins.attempt("123457").ok
    assert not pins.attempt("").ok
    assert not pins.attempt("١٢٣٤٥٦").ok  # Arabic-Indic digits are not the PIN


@pytest.mark.parametrize("bad", ["123", "1234", "12345", "123456789", "12a456", "", "１２３４５６"])
def test_pin_format(bad: str) -> None:
    with pytest.raises(PinError):
        check_format(bad)


def test_lock_after_max_attempts_and_open_after_lock_seconds(tmp_path: Path) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock, max_attempts=5, lock_seconds=300)
    pins.set_pin("246813")
    outcomes = [pins.attempt("000000") for _ in range(5)]
    assert [o.just_locked for o in outcomes] == [False, False, False, False, True]
    assert pins.locked_for() == 300
    # The right PIN does not open a locked pad.
    assert not pins.attempt("246813").ok
    clock.advance(299)
    assert pins.locked_for() == 1
    assert not pins.attempt("246813").ok
    clock.advance(1)
    assert pins.locked_for() == 0
    assert pins.attempt("246813").ok


def test_lock_survives_a_restart_and_a_right_pin_resets_the_count(tmp_path: Path) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock, max_attempts=3, lock_seconds=60)
    pins.set_pin("246813")
    pins.attempt("1")
    pins.attempt("2")
    assert pins.attempt("246813").ok
    pins.attempt("1")
    pins.attempt("2")
    assert not pins.attempt("3").ok
    again = store(tmp_path, clock, max_attempts=3, lock_seconds=60)
    assert again.locked_for() == 60


def test_read_pin_twice_must_match() -> None:
    answers = iter(["654321", "654321"])
    assert read_pin(False, ask=lambda _p: next(answers)) == "654321"
    answers = iter(["654321", "654322"])
    with pytest.raises(PinError):
        read_pin(False, ask=lambda _p: next(answers))
    assert read_pin(True, stdin=io.StringIO("9876543\n")) == "9876543"


def test_set_pin_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KIOSK_KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("1357\n"))
    assert main(["set-pin", "--stdin"]) == 1
    assert "6-8 digits" in capsys.readouterr().err
    assert not (tmp_path / "staff_pin.json").exists()
    monkeypatch.setattr("sys.stdin", io.StringIO("135791\n"))
    assert main(["set-pin", "--stdin"]) == 0
    assert PinStore(tmp_path).attempt("135791").ok


def test_set_by_root_the_files_belong_to_the_data_directory_s_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, int, int]] = []
    monkeypatch.setattr("os.geteuid", lambda: 0)
    monkeypatch.setattr("os.chown", lambda p, u, g: calls.append((Path(p).name, u, g)))
    PinStore(tmp_path).set_pin("123456")
    owner = tmp_path.stat()
    assert ("staff_pin.json.tmp", owner.st_uid, owner.st_gid) in calls
    assert ("staff_pin_lock.json.tmp", owner.st_uid, owner.st_gid) in calls


# --- locks that grow, and the ways staff get in -------------------------------------


def cheap_pin(pins: PinStore, pin: str) -> None:
    """A PIN file with a cheap scrypt: these tests count the pad's rule, not the hash's cost."""
    cheap = {"n": 16, "r": 8, "p": 1, "dklen": 32}
    salt = bytes(16)
    record = {"algorithm": "scrypt", **cheap, "salt": salt.hex()}
    pins.path.parent.mkdir(parents=True, exist_ok=True)
    pins.path.write_text(json.dumps({**record, "hash": hash_pin(pin, salt, cheap).hex()}))


def lock_out(pins: PinStore, clock: FakeClock) -> int:
    """Type wrong PINs until the pad locks; the length of that lock."""
    while not (attempt := pins.attempt("000000")).just_locked:
        assert attempt.locked_for == 0
    return attempt.locked_for


def test_each_lock_lasts_longer_until_the_right_pin(tmp_path: Path) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock)
    cheap_pin(pins, "246813")
    lengths = []
    for _ in range(8):
        lengths.append(lock_out(pins, clock))
        clock.advance(lengths[-1])
    assert lengths == [300, 900, 2700, 8100, 24300, 72900, 86400, 86400]
    assert pins.attempt("246813").ok  # the right PIN starts over
    assert lock_out(pins, clock) == 300
    # A restart keeps the count of locks.
    clock.advance(300)
    assert lock_out(store(tmp_path, clock), clock) == 900


def test_the_staff_button_lifts_a_lock_but_not_the_next_one(tmp_path: Path) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock)
    cheap_pin(pins, "246813")
    lock_out(pins, clock)
    assert pins.unlock() is True and pins.locked_for() == 0
    assert pins.unlock() is False  # nothing to lift
    assert lock_out(pins, clock) == 900  # a passer-by who goes on meets a longer lock
    pins.unlock()
    assert pins.attempt("246813").ok


def test_a_new_pin_opens_the_pad_and_starts_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    pins = store(tmp_path, clock)
    cheap_pin(pins, "246813")
    lock_out(pins, clock)
    clock.advance(300)
    lock_out(pins, clock)
    monkeypatch.setenv("KIOSK_KIOSK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("sys.stdin", io.StringIO("975310\n"))
    assert main(["set-pin", "--stdin"]) == 0
    assert "the PIN pad is open" in capsys.readouterr().out
    assert pins.locked_for() == 0
    assert lock_out(pins, clock) == 300


def test_a_four_digit_pin_from_before_still_opens_and_asks_to_be_changed(tmp_path: Path) -> None:
    pins = store(tmp_path, FakeClock())
    salt = bytes(16)
    record = {"algorithm": "scrypt", **SCRYPT, "salt": salt.hex()}
    record["hash"] = hash_pin("2468", salt, SCRYPT).hex()
    pins.path.write_text(json.dumps(record))
    old = pins.attempt("2468")
    assert old.ok and old.short
    pins.set_pin("24681357")
    new = pins.attempt("24681357")
    assert new.ok and not new.short


def guesses_per_day(pins: PinStore, clock: FakeClock, days: int) -> list[int]:
    """An attacker at the pad, typing a wrong PIN the moment the pad takes one."""
    cheap_pin(pins, "246813")
    start = clock.now
    counted = [0] * days
    while (day := int((clock.now - start) // 86400)) < days:
        waiting = pins.locked_for()
        if waiting:
            clock.advance(waiting)
            continue
        assert not pins.attempt("000000").ok
        counted[day] += 1
    return counted


def test_guesses_a_day_before_and_after(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Thousands of tries: the lock file need not reach the disk each time here.
    monkeypatch.setattr("kiosk.staff.pin.os.fsync", lambda _fd: None)
    before_clock, after_clock = FakeClock(), FakeClock()
    # Before: five tries, then always five minutes (no growth).
    before = store(tmp_path / "before", before_clock, lock_growth=1, lock_max_seconds=300)
    assert guesses_per_day(before, before_clock, 1) == [1440]
    # After: 5, 15, 45 minutes, ... up to a day.
    after = store(tmp_path / "after", after_clock)
    assert guesses_per_day(after, after_clock, 4) == [30, 5, 5, 5]
