"""The kiosks CSV: one row per kiosk, validated completely before anything is written.

Columns (only ``id`` and ``name`` are required; a missing column means "default"):

    id, name, place, region, wifi_ssid, wifi_password, wifi_country, hub_url,
    timezone, language, printer_model, printer_port, printer_baud,
    printer_width_mm, printer_kind, key_id, gpio_pir, gpio_staff_button,
    gpio_status_led, gpio_paper_low, gpio_call_staff, feed_url, feed_addresses,
    catalogue_file, selftest, display_kind, rotation, screen_hours, staff_hours

Quirks:

* Lines starting with ``#`` are comments, so the example file documents itself
  and is still valid input. Blank lines are skipped.
* Commas and semicolons both separate columns: Finnish and Swedish Excel save
  "CSV UTF-8" with semicolons (the list separator of the locale) and a byte-order
  mark. The separator is read from the header line (:func:`separator`) and named
  in messages, so a sheet that is read wrong says why.
* Errors name the line number of the file and the column, and every error of the
  file is collected, so a coordinator fixes the sheet in one round.
* An unknown column is an error: a typo such as ``wifi_sid`` would otherwise
  silently provision kiosks without Wi-Fi.
* The printer kind follows from the port unless ``printer_kind`` is given:
  ``/dev/usb/lp*`` is file (the kernel's printer device), other ``/dev/...``
  serial, ``host:port`` network, no port none (no print button).
* A network printer and the feed's server are reached by IP address: the
  appliance's sandboxes allow addresses, not names (docs/appliance.md).
"""

from __future__ import annotations

import csv
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.catalog.importers import SUPPORTED_EXTENSIONS
from kiosk.hours import parse_hours

REQUIRED = ("id", "name")
GPIO_COLUMNS = (
    "gpio_pir",
    "gpio_staff_button",
    "gpio_status_led",
    "gpio_paper_low",
    "gpio_call_staff",
)
COLUMNS = (
    "id",
    "name",
    "place",
    "region",
    "wifi_ssid",
    "wifi_password",
    "wifi_country",
    "hub_url",
    "timezone",
    "language",
    "printer_model",
    "printer_port",
    "printer_baud",
    "printer_width_mm",
    "printer_kind",
    "key_id",
    *GPIO_COLUMNS,
    "feed_url",
    "feed_addresses",
    "catalogue_file",
    "selftest",
    "display_kind",
    "rotation",
    "screen_hours",
    "staff_hours",
)
KIOSK_ID = re.compile(r"^k-\d{6}$")
KEY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
LANGUAGES = ("fi", "sv", "en")
BAUDS = (9600, 19200, 38400, 57600, 115200)
WIDTHS = (58, 80)
PRINTER_KINDS = ("none", "serial", "usb", "network", "file", "fake")
DISPLAY_KINDS = ("none", "wlr-randr", "backlight")
ROTATIONS = (0, 90, 180, 270)
YES = {"yes", "y", "true", "1", "on", "kyllä", "k", "ja", "x"}
NO = {"no", "n", "false", "0", "off", "ei", "e", "nej"}
# The Pi's own UART (GPIO 14/15): the serial console must be moved off it.
UART_PORTS = ("/dev/serial0", "/dev/ttyAMA0", "/dev/ttyS0")
SEPARATORS = {",": "commas (,)", ";": "semicolons (;)", "\t": "tabs"}
# BCM numbers of the 40-pin header's general-purpose pins.
GPIO_PINS = range(2, 28)


class CsvError(ValueError):
    """Every problem of a kiosks CSV, one per line of the message."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class KioskRow:
    """One kiosk, as the CSV describes it, with defaults filled in."""

    id: str
    name: str
    line: int = 0
    place: str = ""
    region: str = ""
    wifi_ssid: str = ""
    wifi_password: str = ""
    wifi_country: str = "FI"
    hub_url: str = ""
    timezone: str = "Europe/Helsinki"
    language: str = "fi"
    printer_kind: str = "fake"
    printer_model: str = ""
    printer_port: str = ""
    printer_baud: int = 19200
    printer_width_mm: int = 80
    key_id: str = ""
    gpio: dict[str, int] = field(default_factory=dict)
    feed_url: str = ""
    feed_addresses: tuple[str, ...] = ()
    catalogue_file: str = ""
    selftest: bool = True
    display_kind: str = "none"
    rotation: int = 0
    screen_hours: str = ""
    staff_hours: str = ""

    @property
    def uses_uart(self) -> bool:
        return self.printer_kind == "serial" and self.printer_port in UART_PORTS


def default_key_id(today: date) -> str:
    """Keys are named by the month they were made in: ``2026-11-a``."""
    return f"{today:%Y-%m}-a"


def _kind_for_port(port: str) -> str:
    if not port:
        return "none"
    if port.startswith("/dev/usb/lp"):
        # The kernel's usblp device file: the kiosk writes slips to it ("file" kind).
        return "file"
    if port.startswith("/dev/"):
        return "serial"
    return "network"


class _Row:
    """Checks one row's cells, collecting problems with line and column."""

    def __init__(self, line: int, cells: dict[str, str], problems: list[str]) -> None:
        self.line, self.cells, self.problems = line, cells, problems

    def bad(self, column: str, why: str) -> None:
        value = self.cells.get(column, "")
        self.problems.append(f"line {self.line}, column {column} = {value!r}: {why}")

    def text(self, column: str, default: str = "") -> str:
        value = self.cells.get(column, "").strip() or default
        if any(c in value for c in "\r\n\0"):
            self.bad(column, "must be on one line")
        return value

    def number(self, column: str, default: int, allowed: tuple[int, ...]) -> int:
        raw = self.text(column)
        if not raw:
            return default
        if not raw.isdigit() or int(raw) not in allowed:
            self.bad(column, "expected one of " + ", ".join(map(str, allowed)))
            return default
        return int(raw)


def _check_row(line: int, cells: dict[str, str], today: date, problems: list[str]) -> KioskRow:
    r = _Row(line, cells, problems)
    kiosk_id = r.text("id")
    if not KIOSK_ID.match(kiosk_id):
        r.bad("id", "kiosk ids are k- and six digits, e.g. k-000001")
    name = r.text("name")
    if not name:
        r.bad("name", "every kiosk needs a name")

    ssid, password = r.text("wifi_ssid"), r.text("wifi_password")
    if password and not ssid:
        r.bad("wifi_password", "a Wi-Fi password without wifi_ssid")
    if password and not 8 <= len(password) <= 63:
        r.bad("wifi_password", "WPA passwords have 8 to 63 characters")
    country = r.text("wifi_country", "FI").upper()
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        r.bad("wifi_country", "a two-letter country code, e.g. FI")

    hub_url = r.text("hub_url")
    if hub_url:
        parts = urlsplit(hub_url)
        local = parts.hostname in {"localhost", "127.0.0.1"}
        if not parts.hostname or parts.scheme not in ({"https", "http"} if local else {"https"}):
            r.bad("hub_url", "expected an https:// address of the hub, e.g. https://hub.example.fi")

    timezone = r.text("timezone", "Europe/Helsinki")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.bad("timezone", "unknown time zone; use a name like Europe/Helsinki")
    language = r.text("language", "fi")
    if language not in LANGUAGES:
        r.bad("language", "expected one of " + ", ".join(LANGUAGES))

    port = r.text("printer_port")
    if port and not port.startswith("/dev/") and not re.match(r"^[\w.-]+:\d{1,5}$", port):
        r.bad("printer_port", "expected a device like /dev/serial0 or host:port")
    kind = r.text("printer_kind", _kind_for_port(port))
    if kind not in PRINTER_KINDS:
        r.bad("printer_kind", "expected one of " + ", ".join(PRINTER_KINDS))
    elif kind not in ("fake", "none") and not port:
        r.bad("printer_port", f"a {kind} printer needs printer_port")
    elif kind == "network" and _address(port.rpartition(":")[0]) is None:
        r.bad("printer_port", "a network printer by its IP address, e.g. 192.168.1.50:9100")

    key_id = r.text("key_id", default_key_id(today))
    if not KEY_ID.match(key_id):
        r.bad("key_id", "letters, digits, '.', '_' and '-' only, at most 40")

    pins: dict[str, int] = {}
    for column in GPIO_COLUMNS:
        raw = r.text(column)
        if not raw:
            continue
        if not raw.isdigit() or int(raw) not in GPIO_PINS:
            r.bad(column, "a BCM GPIO number from 2 to 27")
        elif int(raw) in pins.values():
            r.bad(column, "this pin is already used by another GPIO column of the row")
        else:
            pins[column.removeprefix("gpio_")] = int(raw)

    feed_url = r.text("feed_url")
    if feed_url and (urlsplit(feed_url).scheme != "https" or not urlsplit(feed_url).hostname):
        r.bad("feed_url", "expected the https:// address of an iCalendar or Linked Events feed")
    addresses = tuple(r.text("feed_addresses").replace(",", " ").split())
    for value in addresses:
        if _address(value) is None:
            r.bad("feed_addresses", f"{value!r} is not an IP address or network")
    if addresses and not feed_url:
        r.bad("feed_addresses", "addresses without feed_url")
    catalogue = r.text("catalogue_file")
    if catalogue and Path(catalogue).suffix.lower() not in SUPPORTED_EXTENSIONS:
        r.bad("catalogue_file", "expected one of " + ", ".join(sorted(SUPPORTED_EXTENSIONS)))
    selftest = r.text("selftest", "yes").lower()
    if selftest not in YES | NO:
        r.bad("selftest", "yes or no (empty: yes)")
    display_kind = r.text("display_kind", "none")
    if display_kind not in DISPLAY_KINDS:
        r.bad("display_kind", "expected one of " + ", ".join(DISPLAY_KINDS))
    screen_hours, staff_hours = r.text("screen_hours"), r.text("staff_hours")
    for column, hours in (("screen_hours", screen_hours), ("staff_hours", staff_hours)):
        try:
            parse_hours(hours)
        except ValueError as exc:
            r.bad(column, str(exc))
    if screen_hours and display_kind == "none":
        r.bad("screen_hours", "turning the screen off needs display_kind wlr-randr or backlight")

    return KioskRow(
        id=kiosk_id,
        name=name,
        line=line,
        place=r.text("place"),
        region=r.text("region"),
        wifi_ssid=ssid,
        wifi_password=password,
        wifi_country=country,
        hub_url=hub_url,
        timezone=timezone,
        language=language,
        printer_kind=kind,
        printer_model=r.text("printer_model"),
        printer_port=port,
        printer_baud=r.number("printer_baud", 19200, BAUDS),
        printer_width_mm=r.number("printer_width_mm", 80, WIDTHS),
        key_id=key_id,
        gpio=pins,
        feed_url=feed_url,
        feed_addresses=addresses,
        catalogue_file=catalogue,
        selftest=selftest not in NO,
        display_kind=display_kind,
        rotation=r.number("rotation", 0, ROTATIONS),
        screen_hours=screen_hours,
        staff_hours=staff_hours,
    )


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        return None


def text_separator(text: str) -> str:
    """The column separator of a kiosks CSV text: its header's (first line that is
    neither blank nor a comment)."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return separator(line)
    return ","


def separator(header: str) -> str:
    """The column separator of a kiosks CSV, read from its header line."""
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def parse(text: str, today: date | None = None, source: str = "CSV") -> list[KioskRow]:
    """All kiosks of a CSV text; raises :class:`CsvError` listing every problem."""
    today = today or date.today()
    numbered = [
        (n, line)
        for n, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise CsvError([f"{source}: no header line and no kiosks"])
    sep = separator(numbered[0][1])
    # Line by line: a cell may not span lines, and line numbers stay exact.
    rows = [next(csv.reader([line], delimiter=sep)) for _, line in numbered]
    header = [h.strip().lower() for h in rows[0]]
    problems = []
    header_line = numbered[0][0]
    for column in header:
        if column not in COLUMNS:
            problems.append(
                f"line {header_line}: unknown column {column!r} (columns read as separated "
                f"by {SEPARATORS[sep]}); known: " + ", ".join(COLUMNS)
            )
    if len(set(header)) != len(header):
        problems.append(f"line {header_line}: a column appears twice")
    problems += [f"line {header_line}: missing column {c!r}" for c in REQUIRED if c not in header]
    if problems:
        raise CsvError(problems)

    kiosks: list[KioskRow] = []
    seen: dict[str, int] = {}
    for (line, _), cells in zip(numbered[1:], rows[1:], strict=True):
        if len(cells) > len(header):
            problems.append(f"line {line}: {len(cells)} cells but {len(header)} columns")
            continue
        kiosk = _check_row(line, dict(zip(header, cells, strict=False)), today, problems)
        if kiosk.id in seen:
            problems.append(
                f"line {line}, column id = {kiosk.id!r}: duplicate of line {seen[kiosk.id]}"
            )
        seen.setdefault(kiosk.id, line)
        kiosks.append(kiosk)
    if not kiosks and not problems:
        problems.append(f"{source}: the header is there but no kiosk rows")
    if problems:
        raise CsvError(problems)
    return kiosks


def read(path: Path, today: date | None = None) -> list[KioskRow]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CsvError([f"{path}: file not found"]) from None
    except UnicodeDecodeError:
        raise CsvError([f"{path}: not UTF-8 text; save the sheet as CSV UTF-8"]) from None
    return parse(text, today, source=str(path))
