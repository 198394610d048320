"""The ``kiosk-hub`` command: serve, enroll kiosks and their keys, add users, export counts."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from hub.app import HubConfig, create_app
from hub.config import ConfigError
from hub.db import open_hub
from hub.enroll import KIOSK_ID, EnrollError, enroll, keys, read, retire
from hub.export import BY, export_csv


def _config(args: argparse.Namespace) -> HubConfig:
    return HubConfig.from_env(args.data_dir)


def _serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from waitress import serve

    # Lock-outs and unexpected errors go to standard error: the journal, under systemd.
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = _config(args)
    if args.trusted_proxies is not None:
        config = replace(config, trusted_proxies=args.trusted_proxies)
    app = create_app(config)
    where = "PostgreSQL (DATABASE_URL)" if config.database_url else f"{config.data_dir}/hub.db"
    print(f"Hub running on http://{args.host}:{args.port}/ with {where} (Ctrl+C stops)", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="kiosk-hub")
    return 0


def _enroll(args: argparse.Namespace) -> int:
    try:
        entries = read(Path(args.file))
    except EnrollError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.only:
        entries = [e for e in entries if e["kiosk_id"] in args.only]
        missing = set(args.only) - {e["kiosk_id"] for e in entries}
        if missing:
            print(f"error: not in {args.file}: {', '.join(sorted(missing))}", file=sys.stderr)
            return 1
    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        lines = enroll(hub, entries, replace=args.command == "replace-key")
    finally:
        hub.close()
    print("\n".join(lines))
    print(f"enrolled {len(entries)} kiosk(s)")
    return 0


def _retire_key(args: argparse.Namespace) -> int:
    if not KIOSK_ID.match(args.kiosk_id):
        print(f"error: {args.kiosk_id!r} is not a kiosk id (k- and six digits)", file=sys.stderr)
        return 1
    if (args.key_id is None) == (not args.all):
        print("error: name the key to retire, or give --all", file=sys.stderr)
        return 1
    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        with hub.transaction() as tx:
            retired = retire(tx, args.kiosk_id, key_id=args.key_id, now=_now())
        left = [k for k in keys(hub, args.kiosk_id) if k[2]]
    finally:
        hub.close()
    if not retired:
        print(f"error: {args.kiosk_id} has no active key {args.key_id or ''}".rstrip(),
              file=sys.stderr)  # fmt: skip
        return 1
    print(f"{args.kiosk_id}: retired {', '.join(retired)}; batches signed with it are refused")
    print(f"still accepted: {', '.join(k[1] for k in left) or 'no key (nothing is accepted)'}")
    return 0


def _keys(args: argparse.Namespace) -> int:
    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        found = keys(hub, args.kiosk_id)
    finally:
        hub.close()
    for kiosk_id, key_id, active, enrolled, retired in found:
        state = "active" if active else f"retired {retired[:10]}".rstrip()
        when = enrolled[:10] or "(not recorded)"
        print(f"{kiosk_id}  {key_id:<24} {state:<20} enrolled {when}")
    if not found:
        print("no keys enrolled")
    return 0


def _refusals(args: argparse.Namespace) -> int:
    from hub import refusals

    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        found = (
            refusals.of_kiosk(hub, args.kiosk_id, args.limit)
            if args.kiosk_id
            else sorted(refusals.newest(hub).values(), key=lambda r: r.received_at)
        )
    finally:
        hub.close()
    for r in found:
        batch = f" batch {r.batch_seq}" if r.batch_seq is not None else ""
        print(f"{r.received_at}  {r.kiosk_id}{batch}  HTTP {r.status}: {r.reason}")
    if not found:
        print("no refused uploads")
    return 0


def _backup(args: argparse.Namespace) -> int:
    from hub.backup import BackupError, backup, in_folder, prune

    target = Path(args.file)
    if args.keep is not None and not target.is_dir():
        print("error: --keep needs a folder to write the backup into", file=sys.stderr)
        return 1
    out = in_folder(target, datetime.now(UTC)) if target.is_dir() else target
    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        summary = backup(hub, out)
    except (BackupError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        hub.close()
    print(f"backed up {summary.describe()} to {out}")
    if args.keep is not None:
        for old in prune(target, args.keep):
            print(f"removed the older backup {old}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from hub.backup import BackupError, restore

    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url, migrate=False)
    try:
        summary = restore(hub, Path(args.file))
    except BackupError as exc:
        print(f"error: {exc}; nothing was changed", file=sys.stderr)
        return 1
    finally:
        hub.close()
    print(f"restored {summary.describe()} from the backup of {summary.created_at}")
    return 0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _add_user(args: argparse.Namespace) -> int:
    from hub.users import add_user

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (at least 10 characters): ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 1
    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        role = add_user(hub, args.name, password, args.role)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        hub.close()
    print(f"user {args.name} can sign in as a {role}")
    return 0


def _unlock_user(args: argparse.Namespace) -> int:
    from hub.throttle import unlock

    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        forgotten = unlock(hub, args.name, args.address)
    finally:
        hub.close()
    what = "failed sign-ins forgotten" if forgotten else "nothing was locked"
    print(f"{args.name}: {what}; the next sign-in is not delayed")
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        start, end = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError as exc:
        print(f"error: dates are YYYY-MM-DD ({exc})", file=sys.stderr)
        return 1
    if start > end:
        print("error: --from is after --to", file=sys.stderr)
        return 1
    config = _config(args)
    hub = open_hub(config.data_dir, config.database_url)
    try:
        data = export_csv(hub, start, end, args.by, raw=args.raw, settle_days=config.settle_days)
    finally:
        hub.close()
    if args.out:
        Path(args.out).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-hub", description="Meeting-point hub")
    parser.add_argument(
        "--data-dir", help="hub data directory (default $HUB_DATA_DIR or /var/lib/kiosk-hub)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="receive batches and serve the dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8090)
    serve.add_argument("--threads", type=int, default=8)
    serve.add_argument(
        "--trusted-proxies",
        type=int,
        choices=range(6),
        metavar="N",
        help="reverse proxies whose X-Forwarded-* headers to trust "
        "(default $HUB_TRUSTED_PROXIES or 0; 1 behind Caddy or nginx)",
    )
    serve.set_defaults(handler=_serve)
    for name, text in (
        ("enroll", "accept the kiosks of an enrollment file (a new card's key is added; "
                   "the old card's stays accepted until retired)"),
        ("replace-key", "enroll a new card's key and retire the kiosk's other keys at once "
                        "(a broken, lost or stolen card)"),
    ):  # fmt: skip
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("file", help="enrollment.json written by kiosk-provision")
        cmd.add_argument("--only", nargs="+", metavar="KIOSK_ID", help="only these kiosks")
        cmd.set_defaults(handler=_enroll)
    retire_cmd = sub.add_parser(
        "retire-key", help="stop accepting batches signed with a kiosk's key (an old card)"
    )
    retire_cmd.add_argument("kiosk_id")
    retire_cmd.add_argument("key_id", nargs="?", help="the key to retire (kiosk-hub keys)")
    retire_cmd.add_argument("--all", action="store_true", help="retire every key of the kiosk")
    retire_cmd.set_defaults(handler=_retire_key)
    keys_cmd = sub.add_parser("keys", help="list the enrolled keys, active and retired")
    keys_cmd.add_argument("kiosk_id", nargs="?")
    keys_cmd.set_defaults(handler=_keys)
    refused = sub.add_parser("refusals", help="refused uploads: each kiosk's newest, or one's")
    refused.add_argument("kiosk_id", nargs="?")
    refused.add_argument("--limit", type=int, default=20)
    refused.set_defaults(handler=_refusals)
    user = sub.add_parser("add-user", help="let someone sign in (or change a password or role)")
    user.add_argument("name")
    user.add_argument(
        "--role",
        choices=("coordinator", "viewer"),
        help="viewer: published figures only (the default for a new user); coordinator: "
        "also printer faults and raw counts. An existing user keeps their role unless given",
    )
    user.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    user.set_defaults(handler=_add_user)
    unlock = sub.add_parser("unlock-user", help="lift a sign-in lock-out after failed tries")
    unlock.add_argument("name")
    unlock.add_argument("--address", help="also forget the failures from this address")
    unlock.set_defaults(handler=_unlock_user)
    saved = sub.add_parser(
        "backup", help="the whole database (SQLite or PostgreSQL) into one file, while serving"
    )
    saved.add_argument(
        "file", help="the backup to write, or a folder to write hub-<date and time>.backup.gz in"
    )
    saved.add_argument(
        "--keep", type=int, metavar="N", help="in a folder: remove all but the N newest backups"
    )
    saved.set_defaults(handler=_backup)
    restored = sub.add_parser(
        "restore", help="a backup into an empty database (a new data directory or database)"
    )
    restored.add_argument("file", help="a file written by kiosk-hub backup")
    restored.set_defaults(handler=_restore)
    export = sub.add_parser("export", help="daily counts as CSV (UTF-8 with BOM, for Excel)")
    export.add_argument("--from", dest="date_from", required=True)
    export.add_argument("--to", dest="date_to", required=True)
    export.add_argument("--by", choices=BY, default="kiosk")
    export.add_argument("--out", help="file to write (default: standard output)")
    export.add_argument(
        "--raw",
        action="store_true",
        help="every count as stored (for coordinators); default: published counts",
    )
    export.set_defaults(handler=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
