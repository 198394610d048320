"""Whatever is counted, a batch is built, the schema takes it and the hub stores it, and
the hub's totals are the kiosk's: counters -> batch -> schema -> hub, with hypothesis."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hub.db import Hub
from hub.enroll import enroll
from hub.ingest import ingest
from kiosk.shared import batch
from kiosk.store.db import Store
from kiosk.tally import METRICS, Tally
from kiosk.upload import outbox
from kiosk.upload.signing import public_b64
from tests.upload_support import HELSINKI

DAY = datetime(2026, 11, 2, 12, tzinfo=HELSINKI)
HUB_NOW = datetime(2026, 11, 9, 9, tzinfo=UTC)
VALID = {
    "ui_language": ["fi", "sv", "en"],
    "accessibility": ["large_text", "high_contrast"],
    "printer": ["ok", "paper_out", "offline"],
    "activity_views": ["a-1", "linkedevents:agg-123", "ics.2026-event"],
    "activity_prints": ["a-1", "x" * 80],
    "abandoned": ["1:timeout", "10:exit", "99:exit"],
}
keys = st.one_of(
    st.sampled_from(sorted({k for ks in VALID.values() for k in ks} | {""})),
    st.text(max_size=90),  # anything a bug or a hostile catalogue could bring
    st.integers(0, 120).map(lambda i: f"k{i}"),  # many different keys: past a day's limit
    st.sampled_from(["0:exit", "100:timeout", "3:later", "A-1", "-a", "ä"]),
)
events = st.lists(
    st.tuples(st.sampled_from(METRICS), keys, st.integers(0, 250_000), st.integers(0, 3)),
    max_size=60,
)
kiosk_ids = (f"k-{i:06d}" for i in itertools.count(1))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(counted=events)
def test_whatever_is_counted_is_sent_and_stored_whole(
    hub_db: Hub, counted: list[tuple[str, str, int, int]]
) -> None:
    kiosk_id = next(kiosk_ids)  # a kiosk of its own per example, on one hub per engine
    store = Store(None)
    tally = Tally(store)
    key = Ed25519PrivateKey.generate()
    hub = hub_db
    enroll(hub, [{"kiosk_id": kiosk_id, "name": kiosk_id, "public_key": public_b64(key)}])
    for metric, name, n, day in counted:
        tally.count(metric, name, n=n, now=DAY + timedelta(days=day))

    made = outbox.close_days(store, tally, key, kiosk_id=kiosk_id,
                             now=DAY + timedelta(days=5), clock_synced=True)  # fmt: skip
    assert made, "a batch is always made"
    assert outbox.set_aside_items(store) == []  # nothing counted needs setting aside
    for queued in outbox.waiting(store):
        assert batch.problems(json.loads(queued.body)) == []
        answer = ingest(hub, kiosk_id, queued.body, f"ed25519={queued.signature}", now=HUB_NOW)
        assert answer.status == 201, answer.reason

    for metric in METRICS:
        kept = (
            store.db()
            .execute("SELECT coalesce(sum(value), 0) FROM counters WHERE metric = ?", [metric])
            .fetchone()[0]
        )
        stored = hub.query(
            "SELECT coalesce(sum(value), 0) FROM ops_daily WHERE kiosk_id = ? AND metric = ?",
            [kiosk_id, metric],
        )[0][0]
        assert stored == kept, metric
    # Only what a batch can carry was kept: every key valid, every value within the limit.
    for metric, name, value in store.db().execute("SELECT metric, key, value FROM counters"):
        assert batch.key_problem(metric, name) is None and 0 <= value <= batch.max_count()
    store.close()
