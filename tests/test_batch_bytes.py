"""A batch's exact bytes and signature, what a day's counts become in it, the limits a
counter's keys must keep, and the kiosk's signing key on disk.

The hub compares a resent body byte for byte and checks the signature over those
bytes, so the canonical form is pinned here as bytes: sorted keys, no spaces, and
non-ASCII text as UTF-8, never as \\u escapes.
"""

from __future__ import annotations

import base64
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.shared.bands import ScoreWindow
from kiosk.shared.batch import (
    BatchError,
    build,
    canonical,
    day_problems,
    form_problem,
    key_problem,
    max_count,
    max_keys,
    ops_day,
)
from kiosk.shared.signature import sign, verify
from kiosk.upload.signing import SigningKeyError, create_key, key_path, load_key, public_b64

HELSINKI = ZoneInfo("Europe/Helsinki")
# RFC 8032 signatures are deterministic: a fixed seed gives a fixed signature.
SEED = bytes(range(32))
GOLDEN = (
    b'{"batch_seq":7,"clock":{"synced":true},"created_at":"2026-11-02T23:05:09+02:00",'
    b'"kiosk_id":"k-000123","noise":{"mechanism":"none"},"ops":[{"activity_prints":'
    b'{"kirjasto-42":2},"consent_declined":0,"consent_shown":0,"date":"2026-11-02",'
    b'"sessions_started":4,"staff_calls":0,"tests_completed":3,"tests_incomplete":0,'
    b'"ui_language":{"fi":3,"sv":1}}],"schema":"esis-kiosk-batch/1","score_windows":'
    b'[{"band":[1,1,0,1],"form":"esis-fi-2019","n":3,"period_end":"2026-11-02",'
    b'"period_start":"2026-11-01"}],"software":{"app":"1.0-kes\xc3\xa4","bands":"esis4-v1"},'
    b'"tz":"Europe/Helsinki"}'
)
GOLDEN_SIGNATURE = (
    "jLsXs35DlQLn3vtTEWFvz0a4NxFa/RtLgRa8LG6uBK+kPA+quYCKde0O06HcnlKJtraLacDVNY+O8KSdIBoYAw=="
)


def _body(**changes: Any) -> dict[str, Any]:
    day = ops_day(
        date(2026, 11, 2),
        {
            "sessions_started": {"": 4},
            "tests_completed": {"": 3},
            "ui_language": {"fi": 3, "sv": 1},
            "activity_prints": {"kirjasto-42": 2},
        },
    )
    fields: dict[str, Any] = {
        "kiosk_id": "k-000123",
        "seq": 7,
        "created_at": datetime(2026, 11, 2, 23, 5, 9, tzinfo=HELSINKI),
        "timezone": "Europe/Helsinki",
        "app_version": "1.0-kesä",
        "clock_synced": True,
        "days": [day],
        "windows": [ScoreWindow("esis-fi-2019", "2026-11-01", "2026-11-02", 3, (1, 1, 0, 1))],
    }
    return build(**(fields | changes))


def test_the_signed_bytes_are_canonical_utf8() -> None:
    assert canonical(_body()) == GOLDEN


def test_the_signature_of_the_golden_bytes_is_fixed_and_checks() -> None:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    assert sign(key, GOLDEN) == GOLDEN_SIGNATURE
    assert verify(public_b64(key), GOLDEN, GOLDEN_SIGNATURE)


def test_one_changed_byte_or_another_key_fails_the_check() -> None:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    other = Ed25519PrivateKey.from_private_bytes(bytes(32))
    assert not verify(public_b64(key), GOLDEN.replace(b'"n":3', b'"n":4'), GOLDEN_SIGNATURE)
    assert not verify(public_b64(other), GOLDEN, GOLDEN_SIGNATURE)


def test_a_signature_or_key_that_is_not_strict_base64_fails_the_check() -> None:
    key = public_b64(Ed25519PrivateKey.from_private_bytes(SEED))
    assert not verify(key, GOLDEN, GOLDEN_SIGNATURE[:-2] + "!!")
    assert not verify(key, GOLDEN, "  " + GOLDEN_SIGNATURE)  # lenient decoding would pass
    assert not verify("not a key", GOLDEN, GOLDEN_SIGNATURE)
    assert not verify("!" + key, GOLDEN, GOLDEN_SIGNATURE)  # lenient decoding would pass
    assert not verify(key[:-4], GOLDEN, GOLDEN_SIGNATURE)  # 29 bytes: no Ed25519 key


def test_corrections_travel_only_when_there_are_some() -> None:
    assert "corrections" not in _body()
    late = [ops_day(date(2026, 10, 30), {"sessions_started": {"": 1}})]
    body = _body(corrections=late)
    assert body["corrections"] == [
        {
            "date": "2026-10-30",
            "sessions_started": 1,
            "consent_shown": 0,
            "consent_declined": 0,
            "tests_completed": 0,
            "tests_incomplete": 0,
            "staff_calls": 0,
        }
    ]
    assert b'"corrections":[{' in canonical(body)


def test_a_day_leaves_out_zero_counts_and_empty_keys_and_splits_abandoned() -> None:
    day = ops_day(
        date(2026, 11, 3),
        {
            "sessions_started": {"": 2, "extra": 1},
            "ui_language": {"fi": 2, "sv": 0, "": 5},
            "printer": {"paper_out": 0},
            "abandoned": {"3:timeout": 2, "3:exit": 1, "7:exit": 4},
        },
    )
    assert day == {
        "date": "2026-11-03",
        "sessions_started": 3,
        "consent_shown": 0,
        "consent_declined": 0,
        "tests_completed": 0,
        "tests_incomplete": 0,
        "staff_calls": 0,
        "ui_language": {"fi": 2},
        "abandoned": {"3": {"timeout": 2, "exit": 1}, "7": {"exit": 4}},
    }
    assert day_problems(day) == []


def test_a_body_the_schema_refuses_is_never_made_into_bytes() -> None:
    body = _body(kiosk_id="kiosk-1", seq=0)
    with pytest.raises(BatchError) as caught:
        canonical(body)
    message = str(caught.value)
    assert message.startswith("batch does not match the schema: ")
    assert "batch_seq: 0 is less than the minimum of 1" in message
    assert "kiosk_id: 'kiosk-1' does not match" in message


def test_a_day_over_the_limits_is_named_by_its_field() -> None:
    day = ops_day(date(2026, 11, 3), {"sessions_started": {"": max_count() + 1}})
    assert day_problems(day) == [
        f"sessions_started: {max_count() + 1} is greater than the maximum of 100000"
    ]
    assert max_count() == 100000


@pytest.mark.parametrize(
    ("metric", "key", "problem"),
    [
        ("sessions_started", "", None),
        ("sessions_started", "fi", "sessions_started has no keys (got 'fi')"),
        ("ui_language", "fi", None),
        ("ui_language", "Fi", "ui_language key 'Fi' does not match ^[a-z0-9_-]{1,32}$"),
        ("activity_views", "kirjasto-42:3", None),
        ("activity_views", "-x", "activity_views key '-x' does not match"),
        ("abandoned", "1:timeout", None),
        ("abandoned", "99:exit", None),
        (
            "abandoned",
            "100:exit",
            "abandoned key '100:exit' is not <statement 1-99>:timeout or :exit",
        ),
        ("abandoned", "3:later", "abandoned key '3:later' is not"),
        ("abandoned", "0:exit", "abandoned key '0:exit' is not"),
    ],
)
def test_which_keys_a_counter_may_hold(metric: str, key: str, problem: str | None) -> None:
    found = key_problem(metric, key)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found.startswith(problem)


def test_how_many_keys_a_counter_may_hold_in_a_day() -> None:
    assert max_keys("ui_language") == 50
    assert max_keys("activity_prints") == 5000
    assert max_keys("abandoned") == 99
    assert max_keys("sessions_started") == 1


def test_a_form_id_must_be_lowercase_and_short() -> None:
    assert form_problem("esis-fi-2019") is None
    assert form_problem("ESIS") == "form 'ESIS' does not match ^[a-z0-9][a-z0-9._-]{0,63}$"
    assert form_problem("a" * 65) is not None


def test_a_new_key_is_private_to_the_kiosk_user_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "kiosk.key"
    key, made = create_key(path)
    assert made
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----\n")
    again, made_again = create_key(path)
    assert not made_again
    assert public_b64(again) == public_b64(key)
    assert len(base64.b64decode(public_b64(key), validate=True)) == 32


def test_a_missing_key_says_to_run_keygen(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.key"
    with pytest.raises(
        SigningKeyError, match=r"^no signing key at .*kiosk\.key; run 'kiosk keygen'$"
    ):
        load_key(path)


def test_a_file_that_is_not_a_key_is_refused_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.key"
    path.write_bytes(b"not a key")
    with pytest.raises(SigningKeyError, match=r"kiosk\.key is not a usable private key \("):
        load_key(path)


def test_a_key_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.key"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(SigningKeyError, match=r"kiosk\.key is not an Ed25519 key$"):
        load_key(path)


def test_a_long_refused_key_is_quoted_shortened() -> None:
    long = "x" * 120
    assert key_problem("abandoned", long) == (
        f"abandoned key {'x' * 40!r} is not <statement 1-99>:timeout or :exit"
    )
    assert key_problem("activity_views", "-" + long) == (
        f"activity_views key {'-' + 'x' * 89!r} does not match ^[A-Za-z0-9][A-Za-z0-9._:-]{{0,79}}$"
    )
    assert form_problem("-" + long) == (
        f"form {'-' + 'x' * 39!r} does not match ^[a-z0-9][a-z0-9._-]{{0,63}}$"
    )


def test_a_problem_of_the_day_itself_reads_without_a_path() -> None:
    day = ops_day(date(2026, 11, 3), {})
    del day["date"]
    assert day_problems(day) == ["'date' is a required property"]
    assert day_problems({**ops_day(date(2026, 11, 3), {}), "bogus": 3}) == [
        "Additional properties are not allowed ('bogus' was unexpected)"
    ]


def test_a_refused_body_names_up_to_five_problems_and_the_body_itself() -> None:
    body = _body(kiosk_id="x", seq=0, timezone="Mars Base", app_version="v" * 40)
    body["noise"] = {"mechanism": "laplace"}
    del body["clock"]
    with pytest.raises(BatchError) as caught:
        canonical(body)
    assert str(caught.value) == (
        "batch does not match the schema: "
        "(body): 'clock' is a required property; "
        "batch_seq: 0 is less than the minimum of 1; "
        "kiosk_id: 'x' does not match '^k-[0-9]{6}$'; "
        "noise/mechanism: 'none' was expected; "
        f"software/app: '{'v' * 40}' is too long"
    )


def test_a_key_is_made_in_a_data_folder_not_yet_made_or_in_an_empty_keys_folder(
    tmp_path: Path,
) -> None:
    _, made = create_key(key_path(tmp_path / "new" / "data"))
    assert made and key_path(tmp_path / "new" / "data").exists()
    (tmp_path / "old" / "keys").mkdir(parents=True)
    _, made = create_key(key_path(tmp_path / "old"))
    assert made and key_path(tmp_path / "old").read_bytes().startswith(b"-----BEGIN")
