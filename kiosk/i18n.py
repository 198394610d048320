"""Languages of the kiosk: fi, sv and en through Flask-Babel (gettext .po files).

The visit's language lives in the session cookie and is reset to the kiosk's
default language at every idle reset. Parts of the kiosk keep their own
catalogues in their package's ``translations`` folder; they are merged.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, session
from flask_babel import Babel

from kiosk.settings import Settings

UI_LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
ROOT = Path(__file__).resolve().parent


def translation_dirs() -> list[Path]:
    """Every translations folder inside the kiosk package."""
    return sorted(p for p in ROOT.rglob("translations") if p.is_dir())


def current_language(default: str = "fi") -> str:
    lang = session.get("lang")
    return lang if lang in UI_LANGUAGES else default


def init_babel(app: Flask, settings: Settings) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(str(p) for p in translation_dirs())
    app.config["BABEL_DEFAULT_LOCALE"] = settings.kiosk.default_language
    app.config["BABEL_DEFAULT_TIMEZONE"] = settings.kiosk.timezone
    default = settings.kiosk.default_language
    Babel(app, locale_selector=lambda: current_language(default))
