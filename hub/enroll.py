"""Enrollment: the kiosks (and their public keys) the hub accepts batches from.

Reads the file ``kiosk-provision`` writes: {"kiosks": [{kiosk_id, name, region,
place, key_id, public_key}]}. The whole file is checked before anything is
stored.

A kiosk has one active key per card it runs on. Enrolling again updates names
and **adds** the new card's key: the old card's key stays accepted, so that
batches still waiting on it (a new version put on a new card) can arrive, until
``kiosk-hub retire-key`` retires it. ``replace-key`` enrolls and retires the
kiosk's other keys at once (a broken, lost or stolen card). A new card's key
enrolled under an id the kiosk already has (a card re-provisioned in the same month)
does not take the old key's place: the old one is kept as ``<id>.old-N``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub.db import Hub, Tx

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


def enroll(hub: Hub, entries: list[dict[str, str]], *, replace: bool = False) -> list[str]:
    """Accept the kiosks and keys of an enrollment file; what changed, a line per kiosk.

    ``replace``: retire every other key of these kiosks (their old cards).
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = []
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
            before = tx.one(
                "SELECT pubkey, active FROM kiosk_key WHERE kiosk_id = ? AND key_id = ?",
                [kid, key_id],
            )
            kept = ""
            if before is not None and before[0] != e["public_key"]:
                # Another card made under the same key id (re-provisioned in the same month):
                # the old card's key keeps its place under a name of its own, so that its
                # waiting batches still go, until retired.
                kept = _rename(tx, kid, key_id)
                before = None
            tx.execute(
                "INSERT INTO kiosk_key (kiosk_id, key_id, pubkey, active, enrolled_at, "
                "retired_at) VALUES (?, ?, ?, 1, ?, '') ON CONFLICT (kiosk_id, key_id) DO UPDATE "
                "SET pubkey = excluded.pubkey, active = 1, retired_at = '', "
                "enrolled_at = excluded.enrolled_at",
                [kid, key_id, e["public_key"], now],
            )
            if before is None:
                line = f"{kid}: key {key_id} enrolled"
                if kept:
                    line += f" (the earlier key of that id is now {kept})"
            else:
                line = f"{kid}: key {key_id} already enrolled" + (
                    "" if before[1] else ", active again"
                )
            if replace:
                retired = retire(tx, kid, except_key=key_id, now=now)
                if retired:
                    line += f"; retired {', '.join(retired)}"
            else:
                others = [r[0] for r in tx.all(
                    "SELECT key_id FROM kiosk_key WHERE kiosk_id = ? AND active = 1 "
                    "AND key_id != ? ORDER BY key_id", [kid, key_id])]  # fmt: skip
                if others:
                    line += (f"; still accepted: {', '.join(others)} (once the old card's batches "
                             f"are in: kiosk-hub retire-key {kid} {others[0]})")  # fmt: skip
            lines.append(line)
    return lines


def _rename(tx: Tx, kiosk_id: str, key_id: str) -> str:
    """Give an enrolled key a new, unused id (``<id>.old-N``); the id it now has."""
    taken = {str(r[0]) for r in tx.all(
        "SELECT key_id FROM kiosk_key WHERE kiosk_id = ?", [kiosk_id])}  # fmt: skip
    n = 1
    while f"{key_id}.old-{n}" in taken:
        n += 1
    new = f"{key_id}.old-{n}"
    tx.execute(
        "UPDATE kiosk_key SET key_id = ? WHERE kiosk_id = ? AND key_id = ?", [new, kiosk_id, key_id]
    )
    tx.execute(
        "UPDATE batch SET key_id = ? WHERE kiosk_id = ? AND key_id = ?", [new, kiosk_id, key_id]
    )
    return new


def retire(tx: Tx, kiosk_id: str, *, key_id: str | None = None, except_key: str | None = None,
           now: str) -> list[str]:  # fmt: skip
    """Retire one key of a kiosk, or every key but ``except_key``; the key ids retired."""
    rows = tx.all(
        "SELECT key_id FROM kiosk_key WHERE kiosk_id = ? AND active = 1 ORDER BY key_id",
        [kiosk_id],
    )
    chosen = [str(r[0]) for r in rows
              if (key_id is None or r[0] == key_id) and r[0] != except_key]  # fmt: skip
    for kid in chosen:
        tx.execute(
            "UPDATE kiosk_key SET active = 0, retired_at = ? WHERE kiosk_id = ? AND key_id = ?",
            [now, kiosk_id, kid],
        )
    return chosen


def keys(hub: Hub, kiosk_id: str | None = None) -> list[tuple[str, str, bool, str, str]]:
    """(kiosk, key id, active, enrolled at, retired at) of every key, or one kiosk's."""
    sql = "SELECT kiosk_id, key_id, active, enrolled_at, retired_at FROM kiosk_key"
    args: list[str] = []
    if kiosk_id:
        sql += " WHERE kiosk_id = ?"
        args.append(kiosk_id)
    return [(str(a), str(b), bool(c), str(d), str(e))
            for a, b, c, d, e in hub.query(sql + " ORDER BY kiosk_id, key_id", args)]  # fmt: skip
