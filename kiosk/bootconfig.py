"""Apply ``kiosk.toml`` from the FAT boot partition at every boot.

Run as root by ``kiosk-config.service`` before the web service and before
NetworkManager. It

1. moves a new private key (``kiosk-key.pem``, written by ``kiosk-provision``)
   off the FAT partition into ``<data dir>/keys/kiosk.key`` (mode 0600, owner
   ``kiosk``), so the secret lives on the card's FAT only until the first boot;
2. validates ``kiosk.toml`` with :func:`kiosk.settings.load`;
3. writes the Wi-Fi profile for NetworkManager and the time zone link;
4. writes the units' drop-ins that follow from the settings (:func:`unit_dropins`):
   the addresses the feed refresh and a network printer may reach, the feed's
   refresh interval, the backlight file the web app may write, the screen's turn
   for the browser; then asks systemd to read them (``daemon-reload``).

Quirks:

* A bad or missing ``kiosk.toml`` does not fail the unit: the message goes to
  :data:`CONFIG_ERROR_FILE` and the command exits 0, so the web service still
  starts and shows a configuration-error page instead of a blank screen. The
  file is removed again once the configuration is good.
* With ``--dry-run`` nothing is written and a bad configuration exits 1, which
  makes the same command a checker for coordinators.
* ``--root`` points /etc (and /run, /sys for the drop-ins) somewhere else (an
  image tree, a test directory).
* The drop-ins go to ``/run/systemd/system/<unit>.d/``: made afresh at every boot
  from ``kiosk.toml``, like everything else here, and gone with a setting.
* The module is run as ``python -m kiosk.bootconfig`` by the unit, so it does
  not depend on the main command loading a possibly broken configuration.
"""

from __future__ import annotations

import argparse
import glob
import ipaddress
import os
import pwd
import subprocess
import sys
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.settings import ConfigError, Settings, load

BOOT_DIR = Path("/boot/firmware")
DATA_DIR = Path("/var/lib/kiosk")
CONFIG_NAME = "kiosk.toml"
KEY_NAME = "kiosk-key.pem"
KEY_PATH = Path("keys") / "kiosk.key"
CONFIG_ERROR_FILE = Path("/run/kiosk/config-error.txt")
WIFI_PROFILE = Path("etc/NetworkManager/system-connections/kiosk-wifi.nmconnection")
SERVICE_USER = "kiosk"
DROPIN_DIR = Path("run/systemd/system")
DROPIN_NAME = "50-kiosk-settings.conf"
# Every unit whose drop-in may be written; a unit missing from unit_dropins() has its
# old drop-in removed.
DROPIN_UNITS = (
    "kiosk-web.service",
    "kiosk-feed.service",
    "kiosk-feed.timer",
    "kiosk-browser.service",
)

Runner = Callable[[Sequence[str]], None]


def read_config_error(path: Path = CONFIG_ERROR_FILE) -> str | None:
    """The message the configuration-error page shows, or None when all is well."""
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _run(cmd: Sequence[str]) -> None:
    try:
        subprocess.run(list(cmd), check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        # A missing tool (iw) must not stop the boot; the radio keeps its default rules.
        print(f"warning: {cmd[0]}: {exc.strerror}", file=sys.stderr)


@dataclass
class BootConfig:
    """One boot's work; ``actions`` says what was (or, dry, would be) done."""

    boot: Path = BOOT_DIR
    data_dir: Path = DATA_DIR
    root: Path = Path("/")
    error_file: Path = CONFIG_ERROR_FILE
    dry_run: bool = False
    owner: tuple[int, int] | None = None
    runner: Runner = _run
    actions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    # --- small writers that honour dry_run -----------------------------------

    def _write(self, path: Path, text: str | bytes, mode: int, owned: bool = False) -> None:
        self.actions.append(f"write {path} (mode {mode:o})")
        if self.dry_run:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        data = text.encode("utf-8") if isinstance(text, str) else text
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        if owned and self.owner is not None:
            os.chown(tmp, *self.owner)
        os.replace(tmp, path)

    def _remove(self, path: Path) -> None:
        if path.exists() or path.is_symlink():
            self.actions.append(f"remove {path}")
            if not self.dry_run:
                path.unlink()

    # --- the steps ------------------------------------------------------------

    def move_key(self) -> None:
        source = self.boot / KEY_NAME
        if not source.is_file():
            return
        try:
            key = serialization.load_pem_private_key(source.read_bytes(), password=None)
        except (ValueError, TypeError):
            key = None
        if not isinstance(key, Ed25519PrivateKey):
            self.errors.append(f"{source}: not an Ed25519 private key in PEM; left in place")
            return
        target = self.data_dir / KEY_PATH
        if not self.dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(target.parent, 0o700)
            if self.owner is not None:
                os.chown(target.parent, *self.owner)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self._write(target, pem, 0o600, owned=True)
        self._remove(source)

    def load_settings(self) -> Settings | None:
        path = self.boot / CONFIG_NAME
        if not path.is_file():
            self.errors.append(
                f"{path}: no kiosk.toml on the boot partition; "
                "personalise the card with kiosk-provision or copy a kiosk.toml there"
            )
            return None
        try:
            return load(path, environ={}, use_candidates=False)
        except ConfigError as exc:
            self.errors.append(str(exc))
            return None

    def apply_wifi(self, settings: Settings) -> None:
        net = settings.network
        target = self.root / WIFI_PROFILE
        if not net.wifi_ssid:
            self._remove(target)
            return
        for name, value in (("wifi_ssid", net.wifi_ssid), ("wifi_password", net.wifi_password)):
            if any(c in value for c in "\r\n\0"):
                self.errors.append(f"setting 'network.{name}': must be on one line")
                return
        if net.wifi_password and not 8 <= len(net.wifi_password) <= 63:
            self.errors.append("setting 'network.wifi_password': WPA needs 8 to 63 characters")
            return
        self._write(target, nmconnection(net.wifi_ssid, net.wifi_password), 0o600)
        country = net.wifi_country.upper()
        if len(country) != 2 or not country.isalpha():
            self.errors.append(f"setting 'network.wifi_country' = {country!r}: two letters")
        elif self.root == Path("/") and not self.dry_run:
            self.actions.append(f"iw reg set {country}")
            self.runner(["iw", "reg", "set", country])

    def apply_timezone(self, settings: Settings) -> None:
        name = settings.kiosk.timezone
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            self.errors.append(f"setting 'kiosk.timezone' = {name!r}: unknown time zone")
            return
        link = self.root / "etc/localtime"
        target = f"/usr/share/zoneinfo/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            return
        self.actions.append(f"link {link} -> {target}")
        if not self.dry_run:
            link.parent.mkdir(parents=True, exist_ok=True)
            tmp = link.with_name("localtime.tmp")
            if tmp.is_symlink() or tmp.exists():
                tmp.unlink()
            tmp.symlink_to(target)
            os.replace(tmp, link)
        self._write(self.root / "etc/timezone", name + "\n", 0o644)

    def apply_units(self, settings: Settings) -> None:
        texts, problems = unit_dropins(settings, self.root)
        self.errors.extend(problems)
        changed = False
        for unit in DROPIN_UNITS:
            path = self.root / DROPIN_DIR / f"{unit}.d" / DROPIN_NAME
            text = texts.get(unit)
            if text is None:
                changed = changed or path.exists()
                self._remove(path)
            elif not path.is_file() or path.read_text(encoding="utf-8") != text:
                changed = True
                self._write(path, text, 0o644)
        if changed and self.root == Path("/") and not self.dry_run:
            self.actions.append("systemctl daemon-reload")
            self.runner(["systemctl", "daemon-reload"])

    def report_errors(self) -> None:
        if self.errors:
            text = "Configuration error:\n" + "\n".join(self.errors) + "\n"
            self._write(self.error_file, text, 0o644, owned=True)
        else:
            self._remove(self.error_file)

    def _step(self, name: str, step: Callable[[], None]) -> None:
        # One failing step (a full disk, a read-only file) must not skip the others.
        try:
            step()
        except OSError as exc:
            self.errors.append(f"{name}: {exc}")

    def apply(self) -> bool:
        """Do every step; True when the configuration was good."""
        self._step("moving the key", self.move_key)
        settings = self.load_settings()
        if settings is not None:
            self._step("Wi-Fi", lambda: self.apply_wifi(settings))
            self._step("time zone", lambda: self.apply_timezone(settings))
            self._step("units", lambda: self.apply_units(settings))
        self._step("error message", self.report_errors)
        return not self.errors


def _address(value: str) -> str | None:
    """An IP address or network in the form IPAddressAllow= takes, or None."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        return None


def _dropin(section: str, lines: list[str]) -> str:
    head = "# Written at boot by kiosk-config.service from kiosk.toml; do not edit.\n"
    return head + f"[{section}]\n" + "".join(line + "\n" for line in lines)


def unit_dropins(settings: Settings, root: Path = Path("/")) -> tuple[dict[str, str], list[str]]:
    """The drop-ins (unit name -> text) the settings call for, and their problems.

    The units themselves deny every IP address but localhost (IPAddressDeny=any);
    these lines add exactly the ones the settings name, to exactly the process that
    needs them: the feed's server to kiosk-feed.service, a network printer to
    kiosk-web.service. IPAddressAllow= takes addresses, not names, so names are
    refused here with a message rather than resolved at boot (before the network).
    """
    texts: dict[str, str] = {}
    problems: list[str] = []
    web: list[str] = []
    printer = settings.printer
    if printer.kind == "network" and printer.host:
        allowed = _address(printer.host)
        if allowed is None:
            problems.append(
                f"setting 'printer.host' = {printer.host!r}: give the printer's IP address "
                "(e.g. 192.168.1.50); the kiosk lets its web app reach exactly that address"
            )
        else:
            web.append(f"IPAddressAllow={allowed}")
    display = settings.display
    if display.kind == "backlight":
        pattern = str(root / display.backlight_path.lstrip("/"))
        found = sorted(glob.glob(pattern))
        if found:
            # ProtectKernelTunables= leaves /sys read-only; the one file it writes is
            # opened up (its real path: the /sys/class link is not a mount point).
            real = Path(os.path.realpath(found[0]))
            web.append(f"ReadWritePaths=/{real.relative_to(root.resolve())}")
        else:
            print(f"warning: display.backlight_path: no file matches {pattern}", file=sys.stderr)
    if web:
        texts["kiosk-web.service"] = _dropin("Service", web)
    catalog = settings.catalog
    feed: list[str] = []
    for value in catalog.feed_addresses:
        allowed = _address(value)
        if allowed is None:
            problems.append(
                f"setting 'catalog.feed_addresses': {value!r} is not an IP address or "
                "network (e.g. 203.0.113.7 or 203.0.113.0/24)"
            )
        else:
            feed.append(f"IPAddressAllow={allowed}")
    if catalog.feed_url and not feed:
        # Not an error page for the whole kiosk: the refresh fails and says why in the log.
        print(
            "warning: catalog.feed_addresses is empty: the feed refresh may reach no server",
            file=sys.stderr,
        )
    if feed:
        texts["kiosk-feed.service"] = _dropin("Service", feed)
    # An empty assignment first: the drop-in replaces the unit's interval, not adds one.
    interval = f"OnUnitActiveSec={catalog.refresh_minutes}min"
    texts["kiosk-feed.timer"] = _dropin("Timer", ["OnUnitActiveSec=", interval])
    if display.rotation:
        texts["kiosk-browser.service"] = _dropin(
            "Service", [f"Environment=KIOSK_ROTATION={display.rotation}"]
        )
    return texts, problems


def nmconnection(ssid: str, password: str) -> str:
    """A NetworkManager keyfile for one Wi-Fi network (WPA-PSK, or open)."""
    # A stable uuid keeps NetworkManager from seeing a new profile at every boot.
    conn_uuid = uuid.uuid5(uuid.NAMESPACE_URL, "kiosk-wifi:" + ssid)
    lines = [
        "[connection]",
        "id=kiosk-wifi",
        f"uuid={conn_uuid}",
        "type=wifi",
        "autoconnect=true",
        "",
        "[wifi]",
        "mode=infrastructure",
        f"ssid={ssid}",
        "",
    ]
    if password:
        lines += ["[wifi-security]", "key-mgmt=wpa-psk", f"psk={password}", ""]
    lines += ["[ipv4]", "method=auto", "", "[ipv6]", "method=auto", ""]
    return "\n".join(lines)


def _service_owner() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVICE_USER)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


# --- command ---------------------------------------------------------------------


def add_parser(subparsers: Any) -> None:
    """Register ``apply-boot-config`` on the main command's subparsers."""
    parser = subparsers.add_parser(
        "apply-boot-config",
        help="apply kiosk.toml from the boot partition (run at boot by kiosk-config.service)",
    )
    _arguments(parser)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--boot", type=Path, default=BOOT_DIR, help="boot partition (FAT)")
    parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="kiosk data directory")
    parser.add_argument("--root", type=Path, default=Path("/"), help="system root for /etc")
    parser.add_argument(
        "--error-file", type=Path, default=CONFIG_ERROR_FILE, help="where a config error goes"
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would be done")


def run(args: argparse.Namespace) -> int:
    job = BootConfig(
        boot=args.boot,
        data_dir=args.data_dir,
        root=args.root,
        error_file=args.error_file,
        dry_run=args.dry_run,
        owner=_service_owner(),
    )
    ok = job.apply()
    prefix = "would " if args.dry_run else ""
    for action in job.actions:
        print(prefix + action)
    for error in job.errors:
        print("error: " + error, file=sys.stderr)
    # A real boot always exits 0 so the web service starts and shows the error.
    return 1 if (args.dry_run and not ok) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kiosk apply-boot-config", description=__doc__)
    _arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
