"""The kiosk's Ed25519 key: made once, kept readable by the kiosk user only.

Provisioning writes the key to the boot partition and kiosk-config moves it to
``<data dir>/keys/kiosk.key``; ``kiosk keygen`` makes one where provisioning
did not. The hub holds the public key from the enrollment file.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

KEY_PATH = Path("keys") / "kiosk.key"


class SigningKeyError(RuntimeError):
    """No usable key: the message says where it was looked for and what to do."""


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_PATH


def load_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"no signing key at {path}; run 'kiosk keygen'") from None
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(f"{path} is not a usable private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 key")
    return key


def create_key(path: Path) -> tuple[Ed25519PrivateKey, bool]:
    """The key at ``path``, made (mode 0600) when missing; True when it was made now."""
    if path.exists():
        return load_key(path), False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: two keygens at once never overwrite each other's key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key, True


def public_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")
