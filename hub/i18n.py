"""The dashboard's languages: Finnish, Swedish and English through Flask-Babel.

The language is the one a person picked with the switch (kept in the session
cookie), else the best of the browser's Accept-Language, else English. The
catalogues are the .po files in ``hub/translations``, read when the app is made:
the hub is installed with pip onto a server whose code is read-only to it, so
there is no compiled .mo file to build, ship or forget.

What kiosks are answered (the batch API) stays English: a kiosk words it itself.
"""

from __future__ import annotations

import io
from functools import cached_property
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import Flask, request, session
from flask_babel import Babel, Domain, get_locale

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
DEFAULT = "en"  # a browser that names none of the three
FOLDER = Path(__file__).resolve().parent / "translations"


def catalogues(folder: Path = FOLDER) -> dict[str, NullTranslations]:
    """Each language's messages, from its .po file (English is the source text)."""
    out: dict[str, NullTranslations] = {"en": NullTranslations()}
    for lang in LANGUAGES:
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        if lang == "en" or not po.is_file():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        mo = io.BytesIO()
        write_mo(mo, catalog)
        mo.seek(0)
        out[lang] = Translations(mo)
    return out


class _Catalogues(Domain):  # type: ignore[misc]
    def __init__(self, found: dict[str, NullTranslations]) -> None:
        super().__init__()
        self.found = found

    def get_translations(self) -> NullTranslations:
        return self.found.get(str(get_locale()), self.found["en"])


class _HubBabel(Babel):  # type: ignore[misc]
    def __init__(self, found: dict[str, NullTranslations]) -> None:
        super().__init__()
        self.found = found

    @cached_property
    def domain_instance(self) -> Domain:
        return _Catalogues(self.found)


def language() -> str:
    picked = session.get("lang")
    if picked in LANGUAGES:
        return str(picked)
    # By the browser's order of preference, "sv-FI" as "sv": a Swedish-speaking Finn whose
    # browser also accepts English reads Swedish.
    for tag, _quality in request.accept_languages:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


def init_babel(app: Flask) -> None:
    _HubBabel(catalogues()).init_app(app, default_locale=DEFAULT, locale_selector=language)
    app.jinja_env.globals.update(current_language=language, language_names=LANGUAGE_NAMES)
