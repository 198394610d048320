"""What goes onto each card: ``kiosk.toml``, the private key, and the hub's enrollment.

Pure functions over :class:`~provisioning.kiosks_csv.KioskRow`, except
:func:`new_key`, which draws randomness.

Quirks:

* ``kiosk.toml`` is written by hand, not by a TOML library: the file is meant to
  be read and edited by coordinators, with comments. Strings are written as JSON
  strings, which are valid TOML basic strings.
* GPIO pins are written only for the ``[gpio]`` keys this kiosk version knows
  (``kiosk.settings``); a pin the version does not know is written as a comment,
  so the file still passes ``kiosk check-config``.
* The private key goes onto the card only; the enrollment file has the public key
  as base64 of the raw 32 bytes.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.settings import table
from provisioning.kiosks_csv import KioskRow

# CSV GPIO column (without "gpio_") -> [gpio] key in kiosk.toml.
GPIO_KEYS = {
    "pir": "pir_pin",
    "staff_button": "staff_button_pin",
    "status_led": "status_led_pin",
    "paper_low": "paper_low_pin",
    "call_staff": "call_staff_pin",
}


def _value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


# Where kiosk-provision puts a kiosk's catalogue file on the card (the boot partition).
BOOT_MOUNT = "/boot/firmware"


def catalogue_name(kiosk: KioskRow) -> str:
    """The catalogue file's name on the card: ``catalogue`` and the file's extension."""
    return "catalogue" + Path(kiosk.catalogue_file).suffix.lower() if kiosk.catalogue_file else ""


def kiosk_toml(kiosk: KioskRow, made: date, feed_addresses: tuple[str, ...] = ()) -> str:
    """The kiosk's settings file for the boot partition.

    ``feed_addresses`` are the feed server's addresses when the CSV did not name
    them (kiosk-provision looks the feed's host name up)."""
    known = {(r.section, r.key) for r in table()}
    lines = [
        f"# Settings of kiosk {kiosk.id} ({kiosk.name}), written by kiosk-provision on {made}.",
        "# Every setting is explained in docs/configuration.md. After editing, check with",
        "#   kiosk check-config kiosk.toml",
        "# The kiosk reads this file at every boot; a mistake shows a configuration-error",
        "# page on the screen.",
        "",
    ]

    def section(name: str, values: dict[str, Any]) -> None:
        lines.append(f"[{name}]")
        for key, value in values.items():
            if (name, key) in known:
                lines.append(f"{key} = {_value(value)}")
            else:
                lines.append(f"# {key} = {_value(value)}  (not a setting of this kiosk version)")
        lines.append("")

    section(
        "kiosk",
        {
            "id": kiosk.id,
            "name": kiosk.name,
            "place": kiosk.place,
            "region": kiosk.region,
            "default_language": kiosk.language,
            "timezone": kiosk.timezone,
        },
    )
    printer: dict[str, Any] = {"kind": kiosk.printer_kind}
    if kiosk.printer_port and kiosk.printer_kind == "file":
        printer["file_path"] = kiosk.printer_port
    elif kiosk.printer_port and kiosk.printer_kind == "network":
        host, _, port = kiosk.printer_port.rpartition(":")
        printer["host"] = host or kiosk.printer_port
        if port.isdigit():
            printer["port"] = int(port)
    elif kiosk.printer_port:
        printer["device"] = kiosk.printer_port
    if kiosk.printer_kind == "serial":
        printer["baud"] = kiosk.printer_baud
    if kiosk.printer_model:
        printer["profile"] = kiosk.printer_model
    printer["width_mm"] = kiosk.printer_width_mm
    section("printer", printer)
    pins = {GPIO_KEYS[name]: pin for name, pin in kiosk.gpio.items()}
    # GPIO is switched on only when this version can be told which pins to use.
    gpio: dict[str, Any] = {"enabled": any(("gpio", key) in known for key in pins), **pins}
    if gpio["enabled"]:
        # lgpio works on every Pi from 3 to 5 and needs only /dev/gpiochip* (the unit allows that).
        gpio["pin_factory"] = "lgpio"
    section("gpio", gpio)
    catalog: dict[str, Any] = {}
    if kiosk.catalogue_file:
        catalog["import_file"] = f"{BOOT_MOUNT}/{catalogue_name(kiosk)}"
    if kiosk.feed_url:
        catalog["feed_url"] = kiosk.feed_url
        catalog["feed_addresses"] = list(kiosk.feed_addresses or feed_addresses)
    if catalog:
        section("catalog", catalog)
    section("selftest", {"enabled": kiosk.selftest})
    display: dict[str, Any] = {"kind": kiosk.display_kind, "rotation": kiosk.rotation}
    if kiosk.screen_hours:
        display["on_hours"] = kiosk.screen_hours
    section("display", display)
    if kiosk.staff_hours:
        section("staff", {"present_hours": kiosk.staff_hours})
    section("upload", {"hub_url": kiosk.hub_url, "key_id": kiosk.key_id})
    section(
        "network",
        {
            "wifi_ssid": kiosk.wifi_ssid,
            "wifi_password": kiosk.wifi_password,
            "wifi_country": kiosk.wifi_country,
        },
    )
    return "\n".join(lines)


def new_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_pem(key: Ed25519PrivateKey) -> bytes:
    """PEM PKCS8, unencrypted: the kiosk must start unattended."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_b64(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def enrollment_entry(kiosk: KioskRow, key: Ed25519PrivateKey) -> dict[str, str]:
    return {
        "kiosk_id": kiosk.id,
        "name": kiosk.name,
        "region": kiosk.region,
        "place": kiosk.place,
        "key_id": kiosk.key_id,
        "public_key": public_b64(key),
    }


def enrollment_json(entries: list[dict[str, str]]) -> str:
    """What ``kiosk-hub enroll FILE`` reads."""
    return json.dumps({"kiosks": entries}, ensure_ascii=False, indent=2) + "\n"


def uart_cmdline(text: str) -> str:
    """cmdline.txt without the serial console, which would talk to the printer."""
    words = [w for w in text.split() if not re.match(r"console=(serial0|ttyAMA0|ttyS0),", w)]
    return " ".join(words) + "\n"


def uart_config(text: str) -> str:
    """config.txt with the UART on (``enable_uart=1``), added once at the end."""
    if re.search(r"^enable_uart=1\s*$", text, re.MULTILINE):
        return text
    text = re.sub(r"^enable_uart=.*\n?", "", text, flags=re.MULTILINE)
    tail = "" if not text or text.endswith("\n") else "\n"
    return (
        text + tail + "\n# Serial printer on GPIO 14/15 (kiosk-provision)\n[all]\nenable_uart=1\n"
    )
