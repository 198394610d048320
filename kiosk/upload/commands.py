"""``kiosk keygen`` and ``kiosk upload``."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.settings import Settings, resolve_data_dir
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog
from kiosk.tally import Tally
from kiosk.upload import nightly, outbox
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
    aside = upload.add_mutually_exclusive_group()
    aside.add_argument(
        "--set-aside", dest="list_set_aside", action="store_true",
        help="list the batches and days set aside (refused by the hub, or not sendable)",
    )  # fmt: skip
    aside.add_argument(
        "--retry-set-aside", action="store_true",
        help="send what was set aside again with the next upload (after the cause is fixed)",
    )  # fmt: skip
    aside.add_argument(
        "--forget-set-aside", action="store_true",
        help="stop showing what was set aside (its counts stay in the database)",
    )  # fmt: skip
    upload.add_argument(
        "--now", type=datetime.fromisoformat, metavar="YYYY-MM-DDTHH:MM",
        help="FOR TESTS AND DEMOS ONLY: act as if the kiosk's clock said this "
        "(local time unless an offset is given); never on a kiosk in use",
    )  # fmt: skip
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


def clock_synced(settings: Settings, flag: Path | None = None) -> bool:
    return not settings.upload.require_time_sync or (flag or TIME_SYNCED).exists()


def run_upload(args: argparse.Namespace, settings: Settings) -> int:
    data_dir = resolve_data_dir(settings)
    if args.now is not None and args.now.tzinfo is None:
        args.now = args.now.replace(tzinfo=ZoneInfo(settings.kiosk.timezone))
    if args.retry_set_aside or args.forget_set_aside or args.list_set_aside:
        return _set_aside_command(args, data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "kiosk.db")
    events = EventLog(data_dir / "log" / "events.jsonl", level=settings.log.level)
    try:
        return upload(settings, store, events, send=not args.no_send, now=args.now)
    finally:
        events.close()
        store.close()


def _set_aside_command(args: argparse.Namespace, data_dir: Path) -> int:
    store = Store(data_dir / "kiosk.db")
    try:
        if args.retry_set_aside:
            print(f"{outbox.retry_set_aside(store)} set-aside item(s) go with the next upload")
        elif args.forget_set_aside:
            print(f"{outbox.forget_set_aside(store)} set-aside item(s) no longer shown")
        else:
            items = outbox.set_aside_items(store)
            for item in items:
                print(f"{item.what} (set aside {item.at}): {item.reason}")
            if not items:
                print("nothing is set aside")
    finally:
        store.close()
    return 0


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
    """Ask the hub, close finished days, send what waits: the exit status (nightly.py)."""
    if not settings.upload.hub_url:
        print("upload is off: upload.hub_url is empty")
        return 0
    tally = Tally(store, settings.kiosk.timezone, k=settings.selftest.k)
    given = now
    now = now or datetime.now(ZoneInfo(settings.kiosk.timezone))
    try:
        key = load_key(key_path(resolve_data_dir(settings)))
        if send and sender is None:
            sender = Sender(
                store,
                events,
                batches_url(settings.upload.hub_url, settings.kiosk.id),
                settings.kiosk.id,
                settings.upload.key_id,
                timeout=settings.upload.timeout_seconds,
                tries=settings.upload.tries,
            )
            if given is not None:  # tests and demos: the whole run on the given clock
                sender.now = lambda: given
    except (SigningKeyError, HubAddressError) as exc:
        events.error("upload", f"cannot upload: {exc}")
        print(f"error: {exc}")
        return nightly.CANNOT
    run = nightly.Nightly(
        store,
        events,
        tally,
        key,
        settings.kiosk.id,
        now,
        clock_synced(settings) if synced is None else synced,
    )
    return run.run(sender if send else None)
