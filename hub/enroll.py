"""Enrollment: the kiosks (and their public keys) the hub accepts batches from.

Reads the file ``kiosk-provision`` writes: {"kiosks": [{kiosk_id, name, region,
place, key_id, public_key}]}. The whole file is checked before anything is
stored; enrolling again updates names and adds a new key (the old key of that
kiosk is retired, so a re-provisioned card's old image is no longer trusted).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.db import Hub

KIOSK_ID = re.compile(r"^k-\d{6}$")


class EnrollError(ValueError):
    pass


def read(path: Path) -> list[dict[str, str]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EnrollError(f"{path}: not a readable enrollment file ({exc})") from None
    entries = raw.get("kiosks") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise EnrollError(f"{path}: no 'kiosks' list")
    problems: list[str] = []
    for i, entry in enumerate(entries, start=1):
        problems.extend(f"{path}: kiosk {i}: {p}" for p in _problems(entry))
    if problems:
        raise EnrollError("\n".join(problems))
    return [{k: str(v) for k, v in e.items()} for e in entries]


def _problems(entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return ["not an object"]
    out = [f"missing {f}" for f in ("kiosk_id", "name", "public_key") if not entry.get(f)]
    if entry.get("kiosk_id") and not KIOSK_ID.match(str(entry["kiosk_id"])):
        out.append(f"kiosk_id {entry['kiosk_id']!r} is not k- and six digits")
    try:
        if len(base64.b64decode(str(entry.get("public_key", "")), validate=True)) != 32:
            out.append("public_key is not a 32-byte Ed25519 key")
    except (binascii.Error, ValueError):
        out.append("public_key is not base64")
    return out


def enroll(hub: Hub, entries: list[dict[str, str]]) -> int:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with hub.transaction() as tx:
        for e in entries:
            kid = e["kiosk_id"]
            tx.execute(
                "INSERT INTO kiosk (kiosk_id, name, region, place, status, registered_at) "
                "VALUES (?, ?, ?, ?, 'active', ?) ON CONFLICT (kiosk_id) DO UPDATE SET "
                "name = excluded.name, region = excluded.region, place = excluded.place, "
                "status = 'active'",
                [kid, e["name"], e.get("region", ""), e.get("place", ""), now],
            )
            key_id = e.get("key_id") or e["public_key"][:12]
            tx.execute(
                "UPDATE kiosk_key SET active = 0 WHERE kiosk_id = ? AND pubkey != ?",
                [kid, e["public_key"]],
            )
            tx.execute(
                "INSERT INTO kiosk_key (kiosk_id, key_id, pubkey, active) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (kiosk_id, key_id) DO UPDATE SET pubkey = excluded.pubkey, "
                "active = 1",
                [kid, key_id, e["public_key"]],
            )
    return len(entries)
