"""How a setting is declared (:func:`setting`) and described (:class:`SettingInfo`).

The table itself is kiosk.settings.sections; loading and the generated docs read it
through :func:`describe`, so a new setting needs nothing but its line there.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, get_type_hints

ENV_PREFIX = "KIOSK_"


def setting(
    default: Any,
    help: str,
    *,
    choices: tuple[Any, ...] | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    below_minimum: str = "",
) -> Any:
    """Declare one setting: its default, its help text and its allowed values.

    ``below_minimum`` says why a smaller value is refused, for the error message.
    """
    meta = {"help": help, "choices": choices, "minimum": minimum, "maximum": maximum,
            "below_minimum": below_minimum}  # fmt: skip
    if isinstance(default, list | dict):
        return field(default_factory=lambda: type(default)(default), metadata=meta)
    return field(default=default, metadata=meta)


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
    below_minimum: str = ""

    @property
    def name(self) -> str:
        return f"{self.section}.{self.key}"

    @property
    def env(self) -> str:
        return f"{ENV_PREFIX}{self.section.upper()}_{self.key.upper()}"


def _sections(settings: type) -> Iterator[tuple[str, type]]:
    hints = get_type_hints(settings)
    for f in dataclasses.fields(settings):
        if f.name != "source":
            yield f.name, hints[f.name]


def describe(settings: type) -> list[SettingInfo]:
    """Every setting of a dataclass of sections, in declaration order."""
    rows = []
    for section, cls in _sections(settings):
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
                    below_minimum=f.metadata.get("below_minimum", ""),
                )
            )
    return rows
