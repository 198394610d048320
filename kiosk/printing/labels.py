"""The few words printed on a slip, in Finnish, Swedish and English.

Kept here rather than in the web translations: a slip is not a web page and is
built outside any request. Dates follow each language's habit.
"""

from __future__ import annotations

from kiosk.catalog.model import Occurrence
from kiosk.catalog.wording import clock

LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "times": "Seuraavat ajat",
        "no_times": "Ajat: kysy järjestäjältä",
        "place": "Paikka",
        "organiser": "Järjestäjä",
        "contact": "Yhteystiedot",
        "price": "Hinta",
        "free": "Maksuton",
        "languages": "Kielet",
        "more": "Lisätietoja:",
        "printed": "Tulostettu",
        "no_place": "kysy henkilökunnalta",
        "no_place_url": "katso verkkosivu tai kysy henkilökunnalta",
        "ask_price": "kysy järjestäjältä",
        "postponed_times": "Uusi aika ei ole vielä tiedossa",
        "rescheduled": "UUSI AIKA",
        "postponed": "SIIRRETTY MYÖHEMMÄKSI",
        "moved-online": "SIIRTYNYT VERKKOON",
    },
    "sv": {
        "times": "Nästa tider",
        "no_times": "Tider: fråga arrangören",
        "place": "Plats",
        "organiser": "Arrangör",
        "contact": "Kontakt",
        "price": "Pris",
        "free": "Avgiftsfri",
        "languages": "Språk",
        "more": "Mer information:",
        "printed": "Utskriven",
        "no_place": "fråga personalen",
        "no_place_url": "se webbsidan eller fråga personalen",
        "ask_price": "fråga arrangören",
        "postponed_times": "Den nya tiden är inte känd än",
        "rescheduled": "NY TID",
        "postponed": "UPPSKJUTET",
        "moved-online": "FLYTTAT TILL NÄTET",
    },
    "en": {
        "times": "Next times",
        "no_times": "Times: ask the organiser",
        "place": "Place",
        "organiser": "Organiser",
        "contact": "Contact",
        "price": "Price",
        "free": "Free",
        "languages": "Languages",
        "more": "More information:",
        "printed": "Printed",
        "no_place": "ask the staff",
        "no_place_url": "see the web page or ask the staff",
        "ask_price": "ask the organiser",
        "postponed_times": "The new time is not known yet",
        "rescheduled": "NEW TIME",
        "postponed": "POSTPONED",
        "moved-online": "MOVED ONLINE",
    },
}

WEEKDAYS = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tor", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

LANGUAGE_NAMES = {
    "fi": {"fi": "suomi", "sv": "ruotsi", "en": "englanti", "ru": "venäjä", "uk": "ukraina",
           "ar": "arabia", "so": "somali", "et": "viro", "fa": "persia", "se": "saame"},
    "sv": {"fi": "finska", "sv": "svenska", "en": "engelska", "ru": "ryska",
           "uk": "ukrainska", "ar": "arabiska", "so": "somaliska", "et": "estniska",
           "fa": "persiska", "se": "samiska"},
    "en": {"fi": "Finnish", "sv": "Swedish", "en": "English", "ru": "Russian", "uk": "Ukrainian",
           "ar": "Arabic", "so": "Somali", "et": "Estonian", "fa": "Persian", "se": "Sami"},
}  # fmt: skip


def language_names(codes: tuple[str, ...], lang: str) -> list[str]:
    names = LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["fi"])
    return [names.get(code, code) for code in codes]


def format_occurrence(occ: Occurrence, lang: str) -> str:
    """'ti 24.11. klo 14.00-16.00', 'tis 24.11. kl. 14.00-16.00', 'Tue 24 Nov 14.00-16.00'.

    The times are the screen's (Babel, the language in Finland), so the slip in
    the hand says what the screen said.
    """
    s, e = occ.start, occ.end
    day = WEEKDAYS.get(lang, WEEKDAYS["fi"])[s.weekday()]
    span = clock(s, lang) + (f"-{clock(e, lang)}" if e else "")
    if lang == "en":
        return f"{day} {s.day} {MONTHS_EN[s.month - 1]} {span}"
    return f"{day} {s.day}.{s.month}. {'kl.' if lang == 'sv' else 'klo'} {span}"
