"""Coordinators who may read the dashboard: names and scrypt password hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from hub.db import Hub

N, R, P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, dklen=32)
    parts = (
        str(N),
        str(R),
        str(P),
        base64.b64encode(salt).decode(),
        base64.b64encode(digest).decode(),
    )
    return "$".join(("scrypt", *parts))


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def add_user(hub: Hub, name: str, password: str) -> None:
    if not name.strip() or len(password) < 10:
        raise ValueError("a user needs a name and a password of at least 10 characters")
    with hub.transaction() as tx:
        tx.execute(
            "INSERT INTO hub_user (name, password_hash, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash",
            [name.strip(), hash_password(password), datetime.now(UTC).isoformat()],
        )


def login(hub: Hub, name: str, password: str) -> bool:
    rows = hub.query("SELECT password_hash FROM hub_user WHERE name = ?", [name.strip()])
    # Hash even for an unknown name, so timing does not tell which names exist.
    stored = rows[0][0] if rows else hash_password("x" * 12)
    return bool(rows) and check_password(password, stored)
