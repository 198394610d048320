"""The kiosk's one table of settings.

Every setting is a field of a section dataclass below, with its default, its help
text and (optionally) its allowed values. The same table drives:

* loading: defaults, then the first ``kiosk.toml`` that exists (``--config``,
  ``/boot/firmware/kiosk.toml``, ``/etc/kiosk/kiosk.toml``), then ``KIOSK_*``
  environment variables (``[printer] baud`` is ``KIOSK_PRINTER_BAUD``);
* validation: an unknown key or a bad value is refused with a message naming the
  key, the value and the file it came from;
* documentation: ``docs/configuration.md`` is generated from it (``kiosk
  settings-doc``) and a test fails when the file is out of date.

Sections are kept in this one module on purpose: a reader finds every knob here.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

CONFIG_CANDIDATES = (Path("/boot/firmware/kiosk.toml"), Path("/etc/kiosk/kiosk.toml"))
ENV_PREFIX = "KIOSK_"


class ConfigError(ValueError):
    """A configuration problem, worded for the person who edits ``kiosk.toml``."""


def setting(
    default: Any,
    help: str,
    *,
    choices: tuple[Any, ...] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Any:
    """Declare one setting: its default, its help text and its allowed values."""
    meta = {"help": help, "choices": choices, "minimum": minimum, "maximum": maximum}
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


# --- sections ---------------------------------------------------------------
# Each section is a frozen dataclass; its name in kiosk.toml is the attribute
# name on Settings. Keep help texts short, plain and in the field's words.


@dataclass(frozen=True)
class KioskSection:
    id: str = setting("k-000000", "Kiosk id, as enrolled at the hub (k- and six digits).")
    name: str = setting("Kohtaamispaikka", "Meeting point's name, shown on screen and on slips.")
    place: str = setting("", "Where the kiosk stands, e.g. 'Kauppakeskus Akseli, 1. krs'.")
    region: str = setting("", "Region or wellbeing area, used by the hub to group kiosks.")
    default_language: str = setting(
        "fi", "Language of the start screen after every reset.", choices=("fi", "sv", "en")
    )
    timezone: str = setting("Europe/Helsinki", "IANA time zone for dates, 'today' and counts.")
    data_dir: str = setting(
        "",
        "Data directory (database, keys, logs). Empty: /var/lib/kiosk when writable, "
        "else the user's data directory.",
    )
    demo: bool = setting(False, "Demo mode: demo catalogue and slips written to files.")


@dataclass(frozen=True)
class WebSection:
    host: str = setting("127.0.0.1", "Address to listen on. Keep 127.0.0.1 on a kiosk.")
    heartbeat_file: str = setting(
        "", "File the browser heartbeat is written to (e.g. /run/kiosk/heartbeat). Empty: off."
    )
    port: int = setting(8080, "Port to listen on.", minimum=1, maximum=65535)
    threads: int = setting(4, "Worker threads of the web server.", minimum=1, maximum=64)
    idle_seconds: int = setting(
        90, "Seconds without a touch before 'Do you need more time?' appears.", minimum=5
    )
    idle_warning_seconds: int = setting(
        20, "Seconds the 'more time' question stays before the reset.", minimum=5
    )
    attract_seconds: int = setting(
        8, "Seconds each highlight stays on the idle start screen.", minimum=2
    )
    page_size: int = setting(8, "Activities per page in lists.", minimum=2, maximum=50)


@dataclass(frozen=True)
class StaffSection:
    present_hours: str = setting(
        "",
        "When staff are at the meeting point, e.g. 'ma-pe 10-16; la 10-14'. "
        "Empty: the 'talk to someone' tile is hidden.",
    )
    phone: str = setting("", "Phone number of the meeting point's staff, shown to visitors.")
    long_press_seconds: int = setting(
        3, "Seconds to hold the start screen's staff corner to open the PIN pad.", minimum=1
    )
    max_attempts: int = setting(
        5, "Wrong PINs in a row before the PIN pad locks.", minimum=1, maximum=20
    )
    lock_seconds: int = setting(
        300, "Seconds the PIN pad stays locked after too many wrong PINs.", minimum=1
    )
    session_minutes: int = setting(
        2, "Minutes without a touch before a staff visit ends.", minimum=1, maximum=60
    )


@dataclass(frozen=True)
class CatalogSection:
    source: str = setting(
        "demo", "Where activities come from: 'demo' until something has been imported."
    )
    feed_url: str = setting(
        "", "Feed refreshed while online (https://, iCalendar or Linked Events). Empty: off."
    )
    refresh_minutes: int = setting(
        60, "Minutes between refreshes from feed_url.", minimum=5, maximum=1440
    )
    allow_url_import: bool = setting(False, "Allow 'kiosk import https://...' from the network.")
    max_file_mb: int = setting(
        5, "Largest import file or feed, in megabytes.", minimum=1, maximum=100
    )
    max_rows: int = setting(
        10000, "Most activities (rows, events) one import may hold.", minimum=1, maximum=100000
    )
    max_text_chars: int = setting(
        4000, "Longest text field an import may hold, in characters.", minimum=100, maximum=100000
    )
    horizon_days: int = setting(
        180, "Days ahead for which repeating calendar events are listed.", minimum=7, maximum=730
    )
    max_pages: int = setting(
        20, "Most pages followed in a Linked Events feed (meta.next).", minimum=1, maximum=500
    )
    fetch_timeout_seconds: int = setting(
        20, "Seconds to wait for a feed before giving up.", minimum=1, maximum=300
    )
    # Keywords of Finnish calendars and Linked Events -> category ids, documented in
    # docs/catalogue-import.md; category ids themselves always map to themselves.
    # setting() turns list and dict defaults into a default_factory (RUF009 is moot).
    category_map: dict[str, str] = setting(  # noqa: RUF009
        {
            "kohtaamispaikka": "meeting-places",
            "olohuone": "meeting-places",
            "mötesplats": "meeting-places",
            "vertaistuki": "peer-groups",
            "vertaisryhmä": "peer-groups",
            "keskusteluryhmä": "peer-groups",
            "kamratstöd": "peer-groups",
            "vapaaehtoistoiminta": "volunteering",
            "vapaaehtoistyö": "volunteering",
            "frivilligarbete": "volunteering",
            "volunteering": "volunteering",
            "kulttuuri": "culture-crafts",
            "käsityöt": "culture-crafts",
            "musiikki": "culture-crafts",
            "taide": "culture-crafts",
            "kultur": "culture-crafts",
            "culture": "culture-crafts",
            "music": "culture-crafts",
            "liikunta": "exercise-nature",
            "luonto": "exercise-nature",
            "ulkoilu": "exercise-nature",
            "motion": "exercise-nature",
            "sports": "exercise-nature",
            "exercise": "exercise-nature",
            "ruoka": "meals-food-help",
            "ruoka-apu": "meals-food-help",
            "mat": "meals-food-help",
            "food": "meals-food-help",
            "digituki": "digital-help",
            "digitaidot": "digital-help",
            "tietotekniikka": "digital-help",
            "digital support": "digital-help",
            "talousneuvonta": "money-advice",
            "raha-asiat": "money-advice",
            "velkaneuvonta": "money-advice",
            "työllisyys": "work-study",
            "työnhaku": "work-study",
            "opiskelu": "work-study",
            "koulutus": "work-study",
            "vaikuttaminen": "having-a-say",
            "osallisuus": "having-a-say",
            "asukastoiminta": "having-a-say",
        },
        "Source keyword (lower case) or keyword id -> kiosk category id.",
    )
    media_roots: list[str] = setting(  # noqa: RUF009
        ["/media", "/run/media"], "Where USB sticks are mounted, searched for import files."
    )


@dataclass(frozen=True)
class PrinterSection:
    kind: str = setting(
        "fake",
        "Printer adapter: fake, emulator, serial, usb, network or file.",
        choices=("fake", "emulator", "serial", "usb", "network", "file"),
    )
    device: str = setting("/dev/serial0", "Serial device of a serial printer.")
    baud: int = setting(
        9600,
        "Serial speed; as set on the printer (its self-test page).",
        choices=(9600, 19200, 115200),
    )
    flow_control: str = setting(
        "none",
        "Serial flow control: none, xonxoff or rtscts.",
        choices=("none", "xonxoff", "rtscts"),
    )
    write_timeout: float = setting(
        10.0, "Seconds a write may block before the job fails.", minimum=0.5, maximum=120
    )
    status_timeout: float = setting(
        0.3, "Seconds to wait for a status reply; no reply means offline.", minimum=0.05, maximum=5
    )
    profile: str = setting("POS-5890", "python-escpos printer profile (capabilities database).")
    width_mm: int = setting(58, "Paper width in mm.", choices=(58, 80))
    qr: str = setting(
        "native",
        "QR code as the printer's own (native) or as an image, for printers without QR.",
        choices=("native", "image"),
    )
    usb_vendor: str = setting("", "USB vendor id of a USB printer, hex (e.g. 0416).")
    usb_product: str = setting("", "USB product id of a USB printer, hex (e.g. 5011).")
    host: str = setting("", "Address of a network printer.")
    port: int = setting(9100, "TCP port of a network printer.", minimum=1, maximum=65535)
    file_path: str = setting(
        "", "File or device the 'file' printer appends to (e.g. /dev/usb/lp0)."
    )
    roll_length_m: float = setting(
        30.0, "Length of a new paper roll in metres.", minimum=1, maximum=500
    )
    slips_dir: str = setting(
        "", "Folder for the emulator's slips as text files. Empty: <data_dir>/slips."
    )
    emulator_fault: str = setting(
        "none",
        "Emulator fault, for demos and tests.",
        choices=(
            "none",
            "paper_out",
            "paper_near_end",
            "cover_open",
            "silent",
            "slow",
            "disconnect",
        ),
    )


@dataclass(frozen=True)
class SelftestSection:
    enabled: bool = setting(True, "Offer the participation self-test.")
    packs_dir: str = setting(
        "",
        "Folder of extra instrument packs (*.json), e.g. THL's official translations. "
        "Empty: only the packs shipped with the kiosk.",
    )
    k: int = setting(
        5,
        "Completed tests a score window must hold before its score bands are released "
        "(on the staff screen and in uploads).",
        minimum=3,
        maximum=100,
    )


@dataclass(frozen=True)
class GpioSection:
    enabled: bool = setting(False, "Use GPIO devices at all.")
    # Pins are BCM numbers; leaving one out (or "none") means the device is absent.
    pin_factory: str = setting(
        "",
        "GPIO driver: lgpio (Pi 5 and Bookworm), native, mock (no hardware) or empty "
        "for gpiozero's own choice.",
        choices=("", "lgpio", "native", "mock"),
    )
    pir_pin: int | None = setting(
        None, "BCM pin of the PIR motion sensor. Empty: none.", minimum=0, maximum=27
    )
    screen_off_minutes: int = setting(
        10, "Minutes without motion before the screen turns off. 0: never.", minimum=0
    )
    staff_button_pin: int | None = setting(
        None, "BCM pin of the staff button (opens the PIN pad). Empty: none.", minimum=0, maximum=27
    )
    paper_low_pin: int | None = setting(
        None, "BCM pin of the paper-low sensor. Empty: none.", minimum=0, maximum=27
    )
    paper_low_active_low: bool = setting(
        True, "The paper-low sensor pulls its line low when paper is low."
    )
    status_led_pin: int | None = setting(
        None, "BCM pin of the status light. Empty: none.", minimum=0, maximum=27
    )
    call_staff_pin: int | None = setting(
        None, "BCM pin of the call-staff buzzer or light. Empty: none.", minimum=0, maximum=27
    )
    call_staff_seconds: int = setting(
        10, "Seconds the call-staff buzzer or light stays on.", minimum=1, maximum=300
    )


@dataclass(frozen=True)
class DisplaySection:
    kind: str = setting(
        "none",
        "How the screen is turned off and on: none, wlr-randr (HDMI under cage), "
        "backlight (DSI screen via sysfs) or fake.",
        choices=("none", "wlr-randr", "backlight", "fake"),
    )
    output: str = setting("HDMI-A-1", "wlr-randr output name of the screen.")
    backlight_path: str = setting(
        "/sys/class/backlight/*/bl_power",
        "The backlight's bl_power file; a * takes the first match.",
    )


@dataclass(frozen=True)
class UploadSection:
    hub_url: str = setting("", "Hub address for the nightly counts (https://...). Empty: off.")
    key_id: str = setting("", "Id of this kiosk's signing key, as enrolled at the hub.")
    require_time_sync: bool = setting(
        True,
        "Close days only once the clock has been synchronised since boot "
        "(systemd-timesyncd). Off for machines without systemd.",
    )
    timeout_seconds: int = setting(
        20, "Seconds to wait for the hub's answer to one batch.", minimum=1, maximum=300
    )
    tries: int = setting(
        5,
        "Tries per batch and run when the hub is down or busy; the next run goes on.",
        minimum=1,
        maximum=20,
    )


@dataclass(frozen=True)
class NetworkSection:
    wifi_ssid: str = setting("", "Wi-Fi network name. Empty: no Wi-Fi is set up (cable only).")
    wifi_password: str = setting("", "Wi-Fi password (WPA2/WPA3). Empty: an open network.")
    wifi_country: str = setting("FI", "Two-letter country code for the Wi-Fi radio rules.")


@dataclass(frozen=True)
class LogSection:
    level: str = setting(
        "info", "Lowest level written to the event log.", choices=("debug", "info", "warning")
    )


@dataclass(frozen=True)
class Settings:
    kiosk: KioskSection = field(default_factory=KioskSection)
    web: WebSection = field(default_factory=WebSection)
    staff: StaffSection = field(default_factory=StaffSection)
    catalog: CatalogSection = field(default_factory=CatalogSection)
    printer: PrinterSection = field(default_factory=PrinterSection)
    selftest: SelftestSection = field(default_factory=SelftestSection)
    gpio: GpioSection = field(default_factory=GpioSection)
    display: DisplaySection = field(default_factory=DisplaySection)
    upload: UploadSection = field(default_factory=UploadSection)
    network: NetworkSection = field(default_factory=NetworkSection)
    log: LogSection = field(default_factory=LogSection)
    # Where the values came from, for messages and the staff screen (not a setting).
    source: str = field(default="defaults", compare=False)

    def replace(self, **sections: Mapping[str, Any]) -> Settings:
        """A copy with some values changed: ``s.replace(web={"port": 0})``."""
        changes: dict[str, Any] = {}
        for name, values in sections.items():
            changes[name] = dataclasses.replace(getattr(self, name), **values)
        return dataclasses.replace(self, **changes)


# --- the table view -----------------------------------------------------------


@dataclass(frozen=True)
class SettingInfo:
    section: str
    key: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None
    minimum: float | None
    maximum: float | None

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.section.upper()}_{self.key.upper()}"


def _sections() -> Iterator[tuple[str, type]]:
    hints = get_type_hints(Settings)
    for f in dataclasses.fields(Settings):
        if f.name != "source":
            yield f.name, hints[f.name]


def table() -> list[SettingInfo]:
    """Every setting, in documentation order."""
    rows = []
    for section, cls in _sections():
        hints = get_type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                default = f.default
            else:
                default = f.default_factory()  # type: ignore[operator]
            rows.append(
                SettingInfo(
                    section=section,
                    key=f.name,
                    type=hints[f.name],
                    default=default,
                    help=f.metadata["help"],
                    choices=f.metadata["choices"],
                    minimum=f.metadata["minimum"],
                    maximum=f.metadata["maximum"],
                )
            )
    return rows


# --- loading ------------------------------------------------------------------


def _optional_of(typ: Any) -> Any:
    """``int`` for ``int | None``; None for any other type."""
    if isinstance(typ, types.UnionType) and type(None) in typ.__args__:
        rest = [a for a in typ.__args__ if a is not type(None)]
        return rest[0] if len(rest) == 1 else None
    return None


def _coerce(info: SettingInfo, value: Any, origin: str) -> Any:
    """Turn a TOML or environment value into the setting's type, or explain why not."""

    def bad(why: str) -> ConfigError:
        return ConfigError(f"{origin}: setting '{info.name}' = {value!r}: {why}")

    typ = info.type
    inner = _optional_of(typ)
    if inner is not None:
        # TOML has no null: an optional setting is left out, or given as "" or "none".
        if value is None or (isinstance(value, str) and value.strip().lower() in {"", "none"}):
            return None
        return _coerce(dataclasses.replace(info, type=inner), value, origin)
    if typ is bool:
        if isinstance(value, bool):
            result: Any = value
        elif isinstance(value, str) and value.lower() in {"1", "true", "yes", "on"}:
            result = True
        elif isinstance(value, str) and value.lower() in {"0", "false", "no", "off"}:
            result = False
        else:
            raise bad("expected true or false")
    elif typ is int:
        if isinstance(value, bool):
            raise bad("expected a whole number")
        try:
            result = int(value)
        except (TypeError, ValueError):
            raise bad("expected a whole number") from None
        if isinstance(value, float) and value != result:
            raise bad("expected a whole number")
    elif typ is float:
        try:
            result = float(value)
        except (TypeError, ValueError):
            raise bad("expected a number") from None
    elif typ is str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise bad("expected text")
        result = str(value)
    elif getattr(typ, "__origin__", None) is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list):
            raise bad("expected a list")
        result = list(value)
    elif getattr(typ, "__origin__", None) is dict:
        if not isinstance(value, dict):
            raise bad("expected a table")
        result = dict(value)
    else:  # pragma: no cover - a programming error in the table itself
        raise bad(f"unsupported setting type {typ}")
    if info.choices is not None and result not in info.choices:
        raise bad("expected one of " + ", ".join(map(str, info.choices)))
    if info.minimum is not None and result < info.minimum:
        raise bad(f"must be at least {info.minimum:g}")
    if info.maximum is not None and result > info.maximum:
        raise bad(f"must be at most {info.maximum:g}")
    return result


def find_config(explicit: str | Path | None) -> Path | None:
    """The config file to read: ``--config`` if given, else the first that exists."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: configuration file not found")
        return path
    for candidate in CONFIG_CANDIDATES:
        if candidate.is_file():
            return candidate
    return None


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None


def load(
    config: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    use_candidates: bool = True,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Build Settings from defaults, one TOML file and ``KIOSK_*`` variables.

    :raises ConfigError: on an unknown key or a bad value, naming key, value and file.
    """
    environ = os.environ if environ is None else environ
    rows = {(r.section, r.key): r for r in table()}
    values: dict[str, dict[str, Any]] = {}

    path = find_config(config) if (config is not None or use_candidates) else None
    if path is not None:
        data = read_toml(path)
        for section, body in data.items():
            if not isinstance(body, dict):
                raise ConfigError(
                    f"{path}: '{section}' = {body!r}: settings belong in [sections]; "
                    f"see docs/configuration.md"
                )
            for key, value in body.items():
                info = rows.get((section, key))
                if info is None:
                    raise ConfigError(f"{path}: unknown setting '{section}.{key}'")
                values.setdefault(section, {})[key] = _coerce(info, value, str(path))

    by_env = {r.env: r for r in rows.values()}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX):
            continue
        info = by_env.get(name)
        if info is None:
            raise ConfigError(f"environment: unknown setting variable {name}")
        values.setdefault(info.section, {})[info.key] = _coerce(info, value, f"environment {name}")

    for section, body in (overrides or {}).items():
        for key, value in body.items():
            info = rows.get((section, key))
            if info is None:
                raise ConfigError(f"override: unknown setting '{section}.{key}'")
            values.setdefault(section, {})[key] = _coerce(info, value, "override")

    base = Settings()
    sections = {
        name: dataclasses.replace(getattr(base, name), **body) for name, body in values.items()
    }
    source = str(path) if path else "defaults"
    return dataclasses.replace(base, source=source, **sections)


def resolve_data_dir(settings: Settings) -> Path:
    """The data directory: the setting, else /var/lib/kiosk when writable, else the user's."""
    if settings.kiosk.data_dir:
        return Path(settings.kiosk.data_dir)
    system = Path("/var/lib/kiosk")
    if system.is_dir() and os.access(system, os.W_OK):
        return system
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kiosk"


def render_docs() -> str:
    """docs/configuration.md, generated from the table."""
    out = [
        "# Configuration reference",
        "",
        "<!-- Generated by `kiosk settings-doc`; a test fails when this file is out of date. -->",
        "",
        "The kiosk reads its settings from built-in defaults, then from the first of",
        "`--config FILE`, `/boot/firmware/kiosk.toml` and `/etc/kiosk/kiosk.toml` that exists,",
        "then from `KIOSK_*` environment variables. An unknown key or a bad value stops the",
        "kiosk at start with a message naming the key, the value and the file.",
        "`kiosk check-config FILE` checks a file without starting anything. A commented",
        "example is `kiosk.example.toml` at the top of the repository.",
        "",
    ]
    section = None
    for row in table():
        if row.section != section:
            section = row.section
            out += [f"## `[{section}]`", ""]
        kind = getattr(row.type, "__name__", str(row.type))
        limits = []
        if row.choices:
            limits.append("one of " + ", ".join(f"`{c}`" for c in row.choices))
        if row.minimum is not None:
            limits.append(f"at least {row.minimum:g}")
        if row.maximum is not None:
            limits.append(f"at most {row.maximum:g}")
        out += [
            f"### `{row.name}`",
            "",
            row.help,
            "",
            f"- type: {kind}; default: `{row.default!r}`"
            + ("; " + "; ".join(limits) if limits else ""),
            f"- environment: `{row.env}`",
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {_toml_value(v)}' for k, v in value.items()) + " }"
    return str(value)


def render_example() -> str:
    """kiosk.example.toml: every setting with its default, commented by its help."""
    out = [
        "# kiosk.toml: settings of one meeting-point kiosk.",
        "# Generated by `kiosk settings-example`; every value shown is the default.",
        "# On a kiosk this file lives on the SD card's boot partition",
        "# (/boot/firmware/kiosk.toml) and is read at every boot. Keep only what you change.",
    ]
    section = None
    for row in table():
        if row.section != section:
            section = row.section
            out += ["", f"[{section}]"]
        out.append(f"# {row.help}")
        if row.default is None:
            # TOML has no null: an unset optional value is shown commented out.
            out.append(f"# {row.key} =")
        else:
            out.append(f"{row.key} = {_toml_value(row.default)}")
    return "\n".join(out) + "\n"
