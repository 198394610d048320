"""The upload's state where people look: /healthz, the staff Health screen, kiosk keygen."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from kiosk.cli import main
from kiosk.context import Services
from kiosk.upload import outbox


def test_healthz_and_staff_health_show_waiting_batches_and_the_alarm(
    client: FlaskClient, services: Services
) -> None:
    with services.store.write() as db:
        db.execute(
            "INSERT INTO outbox (seq, body, signature, first_date, last_date, created_at) "
            "VALUES (1, '{}', 'x', '2026-11-01', '2026-11-01', '2026-11-02T02:30:00')"
        )
    outbox.record_failure(services.store, 1, "HTTP 403: unknown kiosk k-000000", alarm=True)
    health = client.get("/healthz").get_json()
    assert health["upload"]["waiting"] == 1
    assert "unknown kiosk" in health["upload"]["alarm"]
    state = services.extra["upload"].state()
    assert state.waiting == 1 and state.alarm and not state.enabled


def test_keygen_makes_a_private_key_only_the_owner_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\nid = "k-000042"\ndata_dir = "{tmp_path / "data"}"\n')
    assert main(["--config", str(config), "keygen"]) == 0
    first = capsys.readouterr().out
    key = tmp_path / "data" / "keys" / "kiosk.key"
    assert "made a new key" in first and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert main(["--config", str(config), "keygen"]) == 0
    again = capsys.readouterr().out
    assert "key exists" in again
    assert first.splitlines()[-1] == again.splitlines()[-1]  # the same public key


def test_upload_refuses_a_plain_http_hub(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[kiosk]\nid = "k-000042"\ndata_dir = "{tmp_path / "data"}"\n'
        '[upload]\nhub_url = "http://hub.example.fi"\nrequire_time_sync = false\n'
    )
    assert main(["--config", str(config), "keygen"]) == 0
    assert main(["--config", str(config), "upload"]) == 1
    assert "https://" in capsys.readouterr().out


def test_upload_is_off_without_a_hub_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'[kiosk]\ndata_dir = "{tmp_path / "data"}"\n')
    assert main(["--config", str(config), "upload"]) == 0
    assert "upload is off" in capsys.readouterr().out
    assert not (tmp_path / "data" / "keys").exists()
