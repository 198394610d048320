"""``kiosk keygen`` and ``kiosk upload``."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.settings import Settings, resolve_data_dir
from kiosk.shared.batch import BatchError
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally
from kiosk.upload import outbox
from kiosk.upload.client import HubAddressError, Sender, batches_url
from kiosk.upload.signing import SigningKeyError, create_key, key_path, load_key, public_b64

TIME_SYNCED = Path("/run/systemd/timesync/synchronized")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keygen = sub.add_parser("keygen", help="make this kiosk's signing key if missing")
    keygen.set_defaults(handler=run_keygen)
    upload = sub.add_parser("upload", help="close finished days and send them to the hub")
    upload.add_argument(
        "--no-send", action="store_true", help="only close finished days into the outbox"
    )
    upload.set_defaults(handler=run_upload)


def run_keygen(_args: argparse.Namespace, settings: Settings) -> int:
    path = key_path(resolve_data_dir(settings))
    try:
        key, made = create_key(path)
    except (SigningKeyError, OSError) as exc:
        print(f"error: {exc}")
        return 1
    print(f"{'made a new key' if made else 'key exists'}: {path}")
    print(f"kiosk {settings.kiosk.id}, key id {settings.upload.key_id or '(not set)'}")
    print(f"public key: {public_b64(key)}")
    return 0


def clock_synced(settings: Settings, flag: Path = TIME_SYNCED) -> bool:
    return not settings.upload.require_time_sync or flag.exists()


def run_upload(args: argparse.Namespace, settings: Settings) -> int:
    data_dir = resolve_data_dir(settings)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "kiosk.db")
    events = EventLog(data_dir / "log" / "events.jsonl", level=settings.log.level)
    try:
        return upload(settings, store, events, send=not args.no_send)
    finally:
        events.close()
        store.close()


def upload(
    settings: Settings,
    store: Store,
    events: EventLog,
    *,
    send: bool = True,
    sender: Sender | None = None,
    now: datetime | None = None,
    synced: bool | None = None,
) -> int:
    """Close finished days, then send what waits. 0 when all is delivered or nothing to do."""
    if not settings.upload.hub_url:
        print("upload is off: upload.hub_url is empty")
        return 0
    tally = Tally(store, settings.kiosk.timezone, k=settings.selftest.k)
    now = now or datetime.now(ZoneInfo(settings.kiosk.timezone))
    synced = clock_synced(settings) if synced is None else synced
    if synced:
        try:
            key = load_key(key_path(resolve_data_dir(settings)))
            made = outbox.close_days(
                store, tally, key, kiosk_id=settings.kiosk.id, now=now, clock_synced=True
            )
        except (SigningKeyError, BatchError) as exc:
            events.error("upload", f"cannot close days: {exc}")
            print(f"error: {exc}")
            return 1
        if made:
            events.info("upload", f"closed days into batch(es) {', '.join(map(str, made))}")
    else:
        # A clock that has not been set since boot could file today's counts under a wrong date.
        events.warning("upload", "clock not synchronised since boot; days stay open")
    pruned = outbox.prune(store, now)
    if pruned:
        events.info("upload", f"forgot {pruned} acknowledged batch(es) older than 30 days")
    if not send:
        return 0
    if sender is None:
        try:
            url = batches_url(settings.upload.hub_url, settings.kiosk.id)
        except HubAddressError as exc:
            events.error("upload", str(exc))
            print(f"error: {exc}")
            return 1
        sender = Sender(
            store,
            events,
            url,
            settings.kiosk.id,
            settings.upload.key_id,
            timeout=settings.upload.timeout_seconds,
            tries=settings.upload.tries,
        )
    report = sender.run()
    print(f"sent {len(report.sent)} batch(es); {len(outbox.waiting(store))} waiting")
    if report.alarm:
        print(f"alarm: the hub refused a batch: {report.alarm}")
        return 3
    return 2 if report.gave_up else 0
