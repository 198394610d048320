"""The Flask secret key of a kiosk or a hub, kept in its data directory."""

from __future__ import annotations

import secrets
from pathlib import Path


def secret_key(data_dir: Path) -> str:
    """A key kept in the data directory (mode 0600), so restarts keep sessions and CSRF tokens.

    The kiosk and the hub keep theirs the same way, each in its own data directory.
    """
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key)
    return key
