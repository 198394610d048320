"""The ``kiosk`` command: serve the kiosk and look after it.

Subcommands of other parts (printing, import, upload, ...) register themselves in
COMMANDS; each module offers ``add_parser(subparsers)`` and a handler.
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Any

from kiosk import __version__
from kiosk.settings import ConfigError, Settings, load, render_docs, render_example

Handler = Callable[[argparse.Namespace, Settings], int]


def _web_alive(host: str, port: int) -> Callable[[], bool]:
    """A check that goes through the real request path, not just a thread flag."""

    def check() -> bool:
        import http.client

        target = "127.0.0.1" if host in ("0.0.0.0", "") else host
        conn = http.client.HTTPConnection(target, port, timeout=3)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        finally:
            conn.close()

    return check


def web_server(app: Any, settings: Settings) -> Any:
    """The kiosk's waitress server for ``app``, bound and not yet running."""
    from waitress import create_server

    return create_server(
        app,
        host=settings.web.host,
        port=settings.web.port,
        # One more for the page's stream of signals, which holds its thread while open.
        threads=settings.web.threads + 1,
        # Go on reading a connection while its request runs, so that a page closing its
        # stream is seen at once (waitress.client_disconnected, kiosk.devices.views).
        channel_request_lookahead=1,
        ident="kiosk",
    )


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.app import create_app
    from kiosk.watchdog import Watchdog

    overrides: dict[str, dict[str, object]] = {}
    if args.host:
        overrides["web"] = {"host": args.host}
    if args.port is not None:
        overrides.setdefault("web", {})["port"] = args.port
    if overrides:
        settings = settings.replace(**overrides)
    app = create_app(settings, config_error=getattr(args, "config_error", None))
    server = web_server(app, settings)
    host, port = settings.web.host, server.effective_port
    print(f"Kiosk running: open http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    if settings.kiosk.demo:
        print(f"Printed slips appear in {settings.kiosk.data_dir}/slips/", flush=True)
    svc = app.extensions["kiosk"]
    checks = [_web_alive(host, port)]
    if "print_queue" in svc.extra:
        checks.append(svc.extra["print_queue"].is_alive)
    # READY once bound; WATCHDOG pings only while the web loop and print worker answer.
    watchdog = Watchdog(checks)
    watchdog.start()

    def _stop(_signum: int, _frame: object) -> None:
        # systemd stops the kiosk with SIGTERM, a person with Ctrl+C: both keep the score
        # windows in memory and empty the WAL (Services.close). The page's stream ends
        # first: waitress waits up to 5 s for a thread that is still answering.
        devices = svc.extra.get("devices")
        if devices is not None:
            devices.signals.close()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        watchdog.stop()
        app.extensions["kiosk"].events.info("stop", "kiosk stopped")
        app.extensions["kiosk"].close()
    return 0


def _check_config(args: argparse.Namespace, _settings: Settings) -> int:
    file = args.file or _config_path(args)
    if not file:
        print("error: name the kiosk.toml to check", file=sys.stderr)
        return 2
    try:
        load(file, environ={}, use_candidates=False)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{file}: OK")
    return 0


def _settings_doc(_args: argparse.Namespace, _settings: Settings) -> int:
    sys.stdout.write(render_docs())
    return 0


def _settings_example(_args: argparse.Namespace, _settings: Settings) -> int:
    sys.stdout.write(render_example())
    return 0


def _print_slip(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.app import open_catalog
    from kiosk.printing import cli as print_cli

    catalog = open_catalog(settings)
    try:
        return print_cli.run(args, settings, catalog.get)
    finally:
        catalog.store.close()


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.catalog import import_cli
    from kiosk.settings import resolve_data_dir
    from kiosk.store.db import Store
    from kiosk.store.event_log import EventLog

    data_dir = resolve_data_dir(settings)
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "kiosk.db")
    events = EventLog(data_dir / "log" / "events.jsonl", level=settings.log.level)
    try:
        # A running kiosk picks the new catalogue up within a few seconds.
        if args.command == "refresh-catalogue":
            return import_cli.run_refresh(args, settings, store, events)
        return import_cli.run(args, settings, store, events)
    finally:
        events.close()
        store.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Meeting-point kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", help="kiosk.toml to read (default: first found)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the kiosk on 127.0.0.1")
    serve.add_argument("--host", help="address to listen on (default from settings)")
    serve.add_argument("--port", type=int, help="port (default from settings; 0 = any free)")
    serve.add_argument(
        "--demo",
        action="store_true",
        help="embedded defaults: demo catalogue, emulated printer, mock GPIO; "
        "data under ./demo-data",
    )
    serve.set_defaults(handler=_serve)

    check = sub.add_parser("check-config", help="check a kiosk.toml and exit")
    check.add_argument("file", nargs="?", help="the kiosk.toml (or give it with --config)")
    check.set_defaults(handler=_check_config, no_settings=True)

    doc = sub.add_parser("settings-doc", help="print docs/configuration.md")
    doc.set_defaults(handler=_settings_doc, no_settings=True)

    from kiosk import bootconfig
    from kiosk.printing import cli as print_cli

    bootconfig.add_parser(sub)
    sub.choices["apply-boot-config"].set_defaults(
        handler=lambda a, _s: bootconfig.run(a), no_settings=True
    )
    print_cli.add_parser(sub)
    from kiosk.catalog import import_cli

    import_cli.add_parser(sub)
    import_cli.add_refresh_parser(sub)
    sub.choices["import"].set_defaults(handler=_import)
    sub.choices["refresh-catalogue"].set_defaults(handler=_import)
    sub.choices["print-slip"].set_defaults(handler=_print_slip)
    from kiosk.staff import pin_cli

    pin_cli.add_parser(sub)

    from kiosk.upload import commands as upload_commands

    upload_commands.add_parser(sub)

    example = sub.add_parser("settings-example", help="print kiosk.example.toml")
    example.set_defaults(handler=_settings_example, no_settings=True)
    # --config before or after the command, the same for every command.
    for command in sub.choices.values():
        command.add_argument(
            "--config", dest="config_local", help="kiosk.toml to read (default: first found)"
        )
    return parser


def _config_path(args: argparse.Namespace) -> str | None:
    local, general = getattr(args, "config_local", None), args.config
    if local and general and local != general:
        raise ConfigError(f"two configuration files given: {general} and {local}")
    return str(local or general) if (local or general) else None


def _config_given(args: argparse.Namespace) -> bool:
    return bool(getattr(args, "config_local", None) or args.config)


DEMO: dict[str, dict[str, Any]] = {
    "kiosk": {"demo": True, "data_dir": "demo-data"},
    "printer": {"kind": "emulator"},
    "gpio": {"enabled": True, "pin_factory": "mock"},
    "display": {"kind": "fake"},
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "apply-boot-config" and _config_given(args):
        print("error: apply-boot-config reads kiosk.toml from the boot partition: use --boot",
              file=sys.stderr)  # fmt: skip
        return 2
    if getattr(args, "no_settings", False):
        try:
            return int(args.handler(args, Settings()))
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            return 2
    try:
        config = _config_path(args)
        demo = getattr(args, "demo", False)
        settings = load(config, overrides=DEMO if demo else None, use_candidates=not demo)
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        if args.command != "serve":
            return 2
        # The kiosk never shows a blank screen: serve the configuration-error page.
        args.config_error = str(exc)
        settings = Settings()
    try:
        return int(args.handler(args, settings))
    except OSError as exc:
        if isinstance(exc, socket.error) and getattr(exc, "errno", None) == 98:
            print(f"error: the port is already in use ({exc})", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
