"""Who may read the dashboard: names, scrypt password hashes and roles.

Two roles. A **viewer** sees published figures only (hub.publication decides what
those are). A **coordinator** runs the fleet: besides the published figures, a
coordinator sees each kiosk's printer faults and may ask for the raw operational
counts (visits, prints, tests per kiosk and day, small counts included).
"""

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


COORDINATOR, VIEWER = "coordinator", "viewer"
MAX_NAME = 100
ROLES = (COORDINATOR, VIEWER)


def add_user(hub: Hub, name: str, password: str, role: str | None = None) -> str:
    """Add a user (a viewer unless ``role`` says otherwise) or change one's password.

    An existing user keeps their role unless ``role`` is given. Returns the role.
    """
    if not name.strip() or len(password) < 10:
        raise ValueError("a user needs a name and a password of at least 10 characters")
    if not name.isprintable() or len(name.strip()) > MAX_NAME:
        raise ValueError(f"a user name is printable text of at most {MAX_NAME} characters")
    if role is not None and role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    with hub.transaction() as tx:
        tx.execute(
            "INSERT INTO hub_user (name, password_hash, created_at, role) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, "
            "role = coalesce(?, hub_user.role)",
            [
                name.strip(),
                hash_password(password),
                datetime.now(UTC).isoformat(),
                role or VIEWER,
                role,
            ],
        )
        found = tx.one("SELECT role FROM hub_user WHERE name = ?", [name.strip()])
    assert found is not None
    return str(found[0])


def role_of(hub: Hub, name: str) -> str | None:
    """The user's role, or None when there is no such user (any more)."""
    rows = hub.query("SELECT role FROM hub_user WHERE name = ?", [name])
    return str(rows[0][0]) if rows else None


def login(hub: Hub, name: str, password: str) -> bool:
    # No user has such a name (add_user refuses it), and PostgreSQL refuses NUL in text.
    possible = name.isprintable() and len(name.strip()) <= MAX_NAME
    rows = (
        hub.query("SELECT password_hash FROM hub_user WHERE name = ?", [name.strip()])
        if possible
        else []
    )
    # Hash even for an unknown name, so timing does not tell which names exist.
    stored = rows[0][0] if rows else hash_password("x" * 12)
    return bool(rows) and check_password(password, stored)
