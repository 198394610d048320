"""Hub ingest rate, signature check included, and the size of a busy kiosk-day's batch.

10,000 kiosks (``--kiosks``) are enrolled, each with its own Ed25519 key; each sends
one night: a signed batch of one busy day. The hub ingests them one request at
a time through the same code path as ``POST /v1/kiosks/<id>/batches`` (signature,
schema, meaning, one transaction each), on SQLite (a file, WAL, synchronous=FULL)
and on PostgreSQL (``DATABASE_URL`` or 127.0.0.1:5432/test; skipped with the
reason when none answers). Goal: a 10,000-kiosk night in under 60 s; a busy
kiosk-day's batch at most 4 KB. ``--workers N`` sends N at a time, as kiosks
arriving together reach the server's threads.

    .venv/bin/python bench/bench_hub.py [--kiosks 10000] [--workers 1]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from tqdm import tqdm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hub.db import Hub  # noqa: E402
from hub.enroll import enroll  # noqa: E402
from hub.ingest import ingest  # noqa: E402
from kiosk.shared import batch  # noqa: E402
from kiosk.shared.bands import ScoreWindow  # noqa: E402
from kiosk.shared.signature import sign  # noqa: E402
from kiosk.upload.signing import public_b64  # noqa: E402

POSTGRES_URL = os.environ.get("DATABASE_URL") or "postgresql://root@127.0.0.1:5432/test"


def busy_day(day: str) -> dict[str, Any]:
    """A busy day at a shopping-centre kiosk: 60 activities viewed, every counter in use."""
    return {
        "date": day,
        "sessions_started": 412,
        "consent_shown": 61,
        "consent_declined": 17,
        "tests_completed": 38,
        "tests_incomplete": 4,
        "staff_calls": 9,
        "abandoned": {str(i): {"timeout": 2, "exit": 1} for i in range(1, 11)},
        "ui_language": {"fi": 350, "sv": 21, "en": 41},
        "accessibility": {"large_text": 30, "high_contrast": 8},
        "activity_views": {f"a-{i:016x}": 3 + i % 7 for i in range(60)},
        "activity_prints": {f"a-{i:016x}": 1 + i % 3 for i in range(25)},
        "printer": {"ok": 57, "paper_out": 1, "offline": 1},
    }


def night(kiosk_id: str, day: str) -> bytes:
    window = ScoreWindow("esis-fi-2019", day, day, 38, (2, 7, 17, 12))
    body = batch.build(
        kiosk_id=kiosk_id,
        seq=1,
        created_at=datetime.now(UTC),
        timezone="Europe/Helsinki",
        app_version="0.1.0",
        clock_synced=True,
        days=[busy_day(day)],
        windows=[window],
    )
    return batch.canonical(body)


def prepare(count: int) -> tuple[list[dict[str, str]], list[tuple[str, bytes, str]]]:
    day = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    entries, requests = [], []
    # disable=None: a bar on a terminal, nothing in a log file (no carriage returns).
    for i in tqdm(range(1, count + 1), desc="keys and batches", unit="kiosk", leave=False,
                  disable=None):  # fmt: skip
        key = Ed25519PrivateKey.generate()
        kid = f"k-{i:06d}"
        entries.append({"kiosk_id": kid, "name": f"Kiosk {i}", "region": f"Region {i % 21}",
                        "place": "", "key_id": "key-1", "public_key": public_b64(key)})  # fmt: skip
        body = night(kid, day)
        requests.append((kid, body, f"ed25519={sign(key, body)}"))
    return entries, requests


def run(
    name: str, hub: Hub, entries: list[dict[str, str]], requests: list[Any], workers: int
) -> None:
    for start in range(0, len(entries), 1000):
        enroll(hub, entries[start : start + 1000])
    bar = tqdm(total=len(requests), desc=name, unit="batch", leave=False, disable=None)

    def one(request: tuple[str, bytes, str]) -> int:
        status = ingest(hub, *request).status
        bar.update()
        return status

    t0 = time.perf_counter()
    if workers == 1:
        statuses = [one(r) for r in requests]
    else:  # as the server takes them: several requests at once, a connection each
        with ThreadPoolExecutor(workers) as pool:
            statuses = list(pool.map(one, requests))
    took = time.perf_counter() - t0
    bar.close()
    refused = sum(1 for s in statuses if s != 201)
    stored = hub.query("SELECT count(*) FROM batch")[0][0]
    how = "one at a time" if workers == 1 else f"{workers} at a time"
    print(
        f"{name:<11} {len(requests):,} kiosks' nights in {took:.1f} s, {how} "
        f"({len(requests) / took:,.0f} batches/s; {stored:,} stored, {refused} refused) "
        f"(goal: 10,000 in under 60 s); load average {_load()}"
    )


def _load() -> str:
    """The machine's 1-minute load average: a figure from a busy machine is not comparable."""
    return f"{os.getloadavg()[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosks", type=int, default=10_000)
    parser.add_argument(
        "--workers", type=int, default=1,
        help="requests at once (the server has 8 threads); 1: one after another",
    )  # fmt: skip
    args = parser.parse_args()
    body = night("k-000001", "2026-11-22")
    print(f"busy kiosk-day batch: {len(body):,} bytes, signature 64 bytes "
          f"({len(base64.b64encode(bytes(64)))} in its header) (goal <= 4 KB)")  # fmt: skip
    print(
        f"  ({len(json.loads(body)['ops'][0]['activity_views'])} activities viewed, "
        "every counter in use, one score window)"
    )
    entries, requests = prepare(args.kiosks)
    with tempfile.TemporaryDirectory() as tmp:
        hub = Hub(path=Path(tmp) / "hub.db")
        run("SQLite", hub, entries, requests, args.workers)
        hub.close()
    try:
        import psycopg

        with psycopg.connect(POSTGRES_URL, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        print(f"PostgreSQL skipped: no server at {POSTGRES_URL} ({exc})".splitlines()[0])
        return 0
    schema = f"hubbench_{uuid.uuid4().hex[:8]}"
    hub = Hub(url=POSTGRES_URL, schema=schema)
    try:
        run("PostgreSQL", hub, entries, requests, args.workers)
    finally:
        hub.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    return 0


if __name__ == "__main__":
    sys.exit(main())
