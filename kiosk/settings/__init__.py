"""The kiosk's settings: the one table (sections.py), loading and checking it, the generated docs.
Imports nothing else from the kiosk: every part may read the settings.
"""

from kiosk.settings.docs import render_docs, render_example
from kiosk.settings.fields import ENV_PREFIX, SettingInfo, setting
from kiosk.settings.loading import (
    CONFIG_CANDIDATES,
    ConfigError,
    find_config,
    load,
    read_toml,
    resolve_data_dir,
)
from kiosk.settings.sections import (
    CatalogSection,
    DisplaySection,
    GpioSection,
    KioskSection,
    LogSection,
    NetworkSection,
    PrinterSection,
    SelftestSection,
    Settings,
    SpeechSection,
    StaffSection,
    UploadSection,
    WebSection,
    table,
)

__all__ = [
    "CONFIG_CANDIDATES",
    "ENV_PREFIX",
    "CatalogSection",
    "ConfigError",
    "DisplaySection",
    "GpioSection",
    "KioskSection",
    "LogSection",
    "NetworkSection",
    "PrinterSection",
    "SelftestSection",
    "SettingInfo",
    "Settings",
    "SpeechSection",
    "StaffSection",
    "UploadSection",
    "WebSection",
    "find_config",
    "load",
    "read_toml",
    "render_docs",
    "render_example",
    "resolve_data_dir",
    "setting",
    "table",
]
