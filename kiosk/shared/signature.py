"""Ed25519 signatures of batch bodies: the kiosk signs, the hub checks.

The signature covers the exact bytes stored and sent (canonical JSON, UTF-8);
signature and public key travel as base64 (the ``Kiosk-Signature`` header, the
enrollment file).
"""

from __future__ import annotations

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)


def sign(key: Ed25519PrivateKey, body: bytes) -> str:
    return base64.b64encode(key.sign(body)).decode("ascii")


def verify(public_key_b64: str, body: bytes, signature_b64: str) -> bool:
    """True when ``signature_b64`` is the key's signature of exactly ``body``."""
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), body)
    except (InvalidSignature, ValueError):
        return False
    return True
