"""Loading the settings: defaults, then one ``kiosk.toml``, then ``KIOSK_*`` variables.

The first ``kiosk.toml`` that exists is read (``--config``,
``/boot/firmware/kiosk.toml``, ``/etc/kiosk/kiosk.toml``); an environment variable
names its section and key (``[printer] baud`` is ``KIOSK_PRINTER_BAUD``). An unknown
key or a bad value is refused with a :class:`ConfigError` naming the key, the value
and the file it came from.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tomllib
import types
import zoneinfo
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hardware.jack import CARD
from kiosk.settings.fields import ENV_PREFIX, SettingInfo
from kiosk.settings.sections import Settings, table

CONFIG_CANDIDATES = (Path("/boot/firmware/kiosk.toml"), Path("/etc/kiosk/kiosk.toml"))
# The hub's variables (HUB_*, formerly KIOSK_HUB_*) may share an environment with the
# kiosk's: they are not the kiosk's settings and are ignored, with a warning.
HUB_PREFIX = ENV_PREFIX + "HUB_"
# What the hub accepts as a kiosk id (kiosk/shared/schema.json; a test checks they agree).
KIOSK_ID = re.compile(r"k-[0-9]{6}")
# An ALSA card as amixer's -c takes it: an index or an id (hardware.jack.CARD; a test
# checks they agree). Never a device name such as plughw:CARD=Device.
# The one rule for an ALSA card name, kept where amixer is called.
ALSA_CARD = CARD
log = logging.getLogger("kiosk.settings")


class ConfigError(ValueError):
    """A configuration problem, worded for the person who edits ``kiosk.toml``."""


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
        raise bad(
            f"must be at least {info.minimum:g}"
            + (f" ({info.below_minimum})" if info.below_minimum else "")
        )
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
        if name.startswith(HUB_PREFIX) and name not in by_env:
            log.warning("%s is a setting of the hub, not of the kiosk: ignored", name)
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
    settings = dataclasses.replace(base, source=source, **sections)
    _check_together(settings, source)
    _check_formats(settings, source)
    return settings


def _check_together(settings: Settings, origin: str) -> None:
    """Values that every batch carries to the hub, checked as the hub will check them:
    a kiosk must be able to send whatever its settings accept."""
    kiosk_id = settings.kiosk.id
    if not KIOSK_ID.fullmatch(kiosk_id):
        raise ConfigError(
            f"{origin}: setting 'kiosk.id' = {kiosk_id!r}: expected k- and six digits "
            "(the id enrolled at the hub)"
        )
    zone = settings.kiosk.timezone
    if zone not in _zones():
        raise ConfigError(
            f"{origin}: setting 'kiosk.timezone' = {zone!r}: not a time zone this kiosk knows "
            "(an IANA name such as Europe/Helsinki)"
        )


def _check_formats(settings: Settings, origin: str) -> None:
    """Text settings that a program takes as an argument: refused before it runs."""
    card = settings.speech.headphone_card
    if card and not ALSA_CARD.fullmatch(card):
        raise ConfigError(
            f"{origin}: setting 'speech.headphone_card' = {card!r}: expected an ALSA card's "
            "index or id, e.g. 1 or Device (cat /proc/asound/cards lists them), not a device "
            "name such as plughw:CARD=Device"
        )


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(zoneinfo.available_timezones())
    return _ZONES


def resolve_data_dir(settings: Settings) -> Path:
    """The data directory: the setting, else /var/lib/kiosk when writable, else the user's."""
    if settings.kiosk.data_dir:
        return Path(settings.kiosk.data_dir)
    system = Path("/var/lib/kiosk")
    if system.is_dir() and os.access(system, os.W_OK):
        return system
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "kiosk"
