"""A demo catalogue for the invented town of Järvilinna (pure data, no IO).

It lets a kiosk without a real feed show a believable screen, and gives the
screens, slips and tests something realistic to chew on. Everything is
invented: the town, organisers, addresses and phone numbers (all in the
"000" block, e.g. 040 000 1201). E-mail addresses are @example.fi and links
point to https://example.fi/.

Quirks worth knowing:
- One-off dates are computed from ``today`` so the demo never runs out of
  upcoming events; they all fall within the next six weeks, never on ``today``.
- Five activities happen every day of the week, so "today" is never empty.
- Every-other-week rules are anchored to fixed dates in January 2025, so their
  parity does not shift with ``today``.
- About thirty activities are in Finnish, Swedish and English; the rest are in
  Finnish only or Finnish and English, to exercise the language fallback.
- Texts describe what happens, never who it is "for" by their problems.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from kiosk.catalog.model import Activity, Occurrence, Text, WeeklyRule

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
EVERY_DAY = (MON, TUE, WED, THU, FRI, SAT, SUN)
WEEKDAYS = (MON, TUE, WED, THU, FRI)

# A Monday; anchors of every-other-week rules count from it.
_ANCHOR_MONDAY = date(2025, 1, 6)


def t(fi: str, sv: str = "", en: str = "") -> Text:
    """A multilingual text; languages left empty are simply missing."""
    return {lang: text for lang, text in (("fi", fi), ("sv", sv), ("en", en)) if text}


def _joined(*parts: Text) -> Text:
    langs = [lang for lang in ("fi", "sv", "en") if all(lang in part for part in parts)]
    return {lang: " ".join(part[lang] for part in parts) for lang in langs}


def _weekly(
    days: int | tuple[int, ...], start: str, end: str, *, every: int = 1, phase: int = 0
) -> tuple[WeeklyRule, ...]:
    """Rules on ``days``; with ``every`` > 1 the fixed anchor is shifted by ``phase`` weeks."""
    days = (days,) if isinstance(days, int) else days
    return tuple(
        WeeklyRule(
            weekday=day,
            start=time.fromisoformat(start),
            end=time.fromisoformat(end),
            interval=every,
            anchor=(_ANCHOR_MONDAY + timedelta(days=day, weeks=phase) if every > 1 else None),
        )
        for day in days
    )


def _day(today: date, weekday: int, week: int = 0) -> date:
    """The first ``weekday`` after today, plus ``week`` weeks."""
    ahead = (weekday - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=ahead, weeks=week)


def _once(day: date, start: str, end: str) -> Occurrence:
    return Occurrence(
        datetime.combine(day, time.fromisoformat(start)),
        datetime.combine(day, time.fromisoformat(end)),
    )


# Places (invented).
LIBRARY = "Järvilinnan pääkirjasto"
LIBRARY_ADDR = "Kirjastokatu 3, Järvilinna"
KAISLA = "Asukastalo Kaislaranta"
KAISLA_ADDR = "Kaislarannantie 12, Järvilinna"
PAJULA = "Järjestötalo Pajula"
PAJULA_ADDR = "Pajulankatu 8, Järvilinna"
PARISH = "Järvilinnan seurakuntakeskus"
PARISH_ADDR = "Kirkkopuisto 2, Järvilinna"
MALL = "Kauppakeskus Satama, 1. kerros"
MALL_ADDR = "Satamakatu 15, Järvilinna"
MARKET = "Kauppatori, suihkulähteen luona"
MARKET_ADDR = "Kauppatori, Järvilinna"
SPORTS = "Urheilupuisto Kiri"
SPORTS_ADDR = "Kirintie 4, Järvilinna"
COLLEGE = "Järvilinnan kansalaisopisto"
COLLEGE_ADDR = "Opistonkatu 5, Järvilinna"
TOWN_HALL = "Kaupungintalo, valtuustosali"
TOWN_HALL_ADDR = "Raatihuoneenkatu 1, Järvilinna"

# Accessibility notes.
STEP_FREE = t("Esteetön sisäänkäynti.", "Tillgänglig ingång.", "Step-free entrance.")
LIFT = t("Hissi.", "Hiss.", "Lift.")
LOOP = t("Induktiosilmukka.", "Hörslinga.", "Hearing loop.")
WC = t("Esteetön WC.", "Tillgänglig toalett.", "Accessible toilet.")
STAIRS = t(
    "Sisäänkäynnissä kolme porrasta.",
    "Tre trappsteg vid ingången.",
    "Three steps at the entrance.",
)
PATH = t(
    "Reitti on tasainen ja sopii rollaattorille.",
    "Rutten är jämn och passar för rollator.",
    "The route is level and suits a walking frame.",
)

# Prices.
COFFEE_2 = t("2 € (kahvi ja pulla)", "2 € (kaffe och bulle)", "€2 (coffee and bun)")
SOUP_3 = t(
    "3 € (keitto, leipä ja kahvi)", "3 € (soppa, bröd och kaffe)", "€3 (soup, bread, coffee)"
)


def demo_activities(today: date) -> list[Activity]:
    """About forty activities in Järvilinna, with one-off dates relative to ``today``."""
    return [
        # --- Every day -----------------------------------------------------------------
        Activity(
            id="demo-001",
            title=t(
                "Kirjaston aulan kohtaamispiste",
                "Mötesplatsen i bibliotekets lobby",
                "Meeting point in the library lobby",
            ),
            categories=("meeting-places", "digital-help"),
            description=t(
                "Aulassa on joka päivä joku, jolta voi kysyä. Voit lukea lehtiä, juoda kahvia"
                " tai vain istua hetken.",
                "I lobbyn finns varje dag någon du kan fråga. Du kan läsa tidningar, dricka"
                " kaffe eller bara sitta en stund.",
                "Every day there is someone in the lobby you can ask. Read the papers, have a"
                " coffee or just sit for a while.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP, WC),
            organiser="Järvilinnan kaupunginkirjasto",
            contact="040 000 1201",
            languages=("fi", "sv", "en"),
            url="https://example.fi/kirjasto/aula",
            weekly=_weekly(WEEKDAYS, "10:00", "18:00") + _weekly((SAT, SUN), "12:00", "16:00"),
        ),
        Activity(
            id="demo-002",
            title=t("Avoin olohuone", "Öppet vardagsrum", "Open living room"),
            categories=("meeting-places", "peer-groups"),
            description=t(
                "Tule juomaan kahvia ja olemaan. Voit olla omissa oloissasi tai jutella muiden"
                " kanssa.",
                "Kom och drick kaffe och bara var. Du kan vara för dig själv eller prata med"
                " andra.",
                "Come for a coffee and just be. Keep to yourself or chat with others.",
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Kaislarannan asukkaat ry",
            contact="olohuone@example.fi",
            languages=("fi", "en", "ru"),
            url="https://example.fi/kaislaranta/olohuone",
            weekly=_weekly(WEEKDAYS, "09:00", "15:00") + _weekly((SAT, SUN), "11:00", "15:00"),
        ),
        Activity(
            id="demo-003",
            title=t(
                "Aamukävely rannassa", "Morgonpromenad vid stranden", "Morning walk by the lake"
            ),
            categories=("exercise-nature", "peer-groups"),
            description=t(
                "Kävelemme yhdessä rantapolun ympäri, noin 45 minuuttia. Lähtö torilta, vauhti"
                " on rauhallinen.",
                "Vi går tillsammans runt strandstigen, ungefär 45 minuter. Vi startar vid torget"
                " i lugnt tempo.",
                "We walk the lakeside path together, about 45 minutes. We start at the market"
                " square at an easy pace.",
            ),
            place=MARKET,
            address=MARKET_ADDR,
            accessibility=PATH,
            organiser="Liikuntaseura Järvilinnan Kiri ry",
            contact="040 000 1202",
            languages=("fi", "sv"),
            url="https://example.fi/kiri/aamukavely",
            weekly=_weekly(EVERY_DAY, "09:00", "09:45"),
        ),
        Activity(
            id="demo-004",
            title=t(
                "Päivän keitto Pajulassa", "Dagens soppa på Pajula", "Soup of the day at Pajula"
            ),
            categories=("meals-food-help", "meeting-places"),
            description=t(
                "Syödään yhdessä lämmin keitto. Pöytään saa istua, vaikka ei söisi.",
                "Vi äter en varm soppa tillsammans. Du får sitta med även om du inte äter.",
                "We share a warm soup. You are welcome at the table even if you do not eat.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan Setlementti ry",
            contact="040 000 1203",
            price=SOUP_3,
            free=False,
            languages=("fi", "en", "ar", "so"),
            url="https://example.fi/pajula/keitto",
            weekly=_weekly(EVERY_DAY, "12:00", "13:30"),
        ),
        Activity(
            id="demo-005",
            title=t("Opastamo Satamassa", "Opastamo i Satama", "Opastamo help point at Satama"),
            categories=("meeting-places", "digital-help", "volunteering"),
            description=t(
                "Kauppakeskuksen kohtaamispiste. Kysy, mitä kaupungissa tapahtuu, tai tule vain"
                " juttelemaan.",
                "En mötesplats i köpcentret. Fråga vad som händer i staden eller kom bara och"
                " prata.",
                "A meeting point in the shopping centre. Ask what is on in town, or just come"
                " for a chat.",
            ),
            place=MALL,
            address=MALL_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan kaupunki, osallisuuspalvelut",
            contact="opastamo@example.fi",
            languages=("fi", "sv", "en", "uk"),
            url="https://example.fi/opastamo",
            weekly=_weekly(WEEKDAYS, "11:00", "17:00") + _weekly((SAT, SUN), "12:00", "16:00"),
        ),
        # --- Meals and food help -----------------------------------------------------------
        Activity(
            id="demo-006",
            title=t(
                "Aamupala seurakuntakeskuksessa",
                "Frukost i församlingscentret",
                "Breakfast at the parish centre",
            ),
            categories=("meals-food-help", "meeting-places", "money-advice"),
            description=t(
                "Tarjolla puuroa, leipää ja kahvia. Samalla voit kysyä apua lomakkeisiin.",
                "Det bjuds på gröt, bröd och kaffe. Du kan också få hjälp med blanketter.",
                "Porridge, bread and coffee. You can also get help with forms.",
            ),
            place=PARISH,
            address=PARISH_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Järvilinnan seurakunta, diakoniatyö",
            contact="040 000 1204",
            languages=("fi", "sv", "en"),
            url="https://example.fi/seurakunta/aamupala",
            weekly=_weekly((TUE, THU), "08:00", "10:00") + _weekly(SAT, "09:00", "11:00"),
        ),
        Activity(
            id="demo-007",
            title=t("Ruokajako", "Matutdelning", "Food distribution"),
            categories=("meals-food-help",),
            description=t(
                "Jaamme kauppojen ylijäämäruokaa. Ota oma kassi mukaan. Ei tarvitse ilmoittautua.",
                "Vi delar ut överbliven mat från butiker. Ta med en egen kasse. Ingen anmälan.",
                "We hand out surplus food from local shops. Bring your own bag. No need to"
                " sign up.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=STEP_FREE,
            organiser="Järvilinnan Setlementti ry",
            contact="040 000 1203",
            languages=("fi", "en", "ru", "ar", "so"),
            url="https://example.fi/pajula/ruokajako",
            weekly=_weekly((WED, FRI), "13:00", "15:00"),
        ),
        Activity(
            id="demo-008",
            title=t("Korttelikeittiö", "Kvarterskök", "Neighbourhood kitchen"),
            categories=("meals-food-help", "culture-crafts", "meeting-places"),
            description=t(
                "Kokataan yhdessä ja syödään yhdessä. Reseptit valitaan yhdessä, kokemusta ei"
                " tarvita.",
                "Vi lagar mat och äter tillsammans. Vi väljer recepten tillsammans, ingen"
                " erfarenhet behövs.",
                "We cook and eat together. We choose the recipes together; no experience needed.",
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Kaislarannan asukkaat ry",
            contact="keittio@example.fi",
            price=COFFEE_2,
            free=False,
            languages=("fi", "en", "ar"),
            url="https://example.fi/kaislaranta/korttelikeittio",
            weekly=_weekly(THU, "16:30", "19:00", every=2),
        ),
        Activity(
            id="demo-009",
            title=t("Sunnuntain kyläkahvila", "Söndagskafé", "Sunday café"),
            categories=("meals-food-help", "meeting-places"),
            description=t(
                "Kahvia, teetä ja kotitekoista pullaa. Pöydässä on pelejä ja päivän lehdet.",
                "Kaffe, te och hembakat. På borden finns spel och dagens tidningar.",
                "Coffee, tea and home-made buns. There are games and today's papers on the tables.",
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Kaislarannan asukkaat ry",
            contact="olohuone@example.fi",
            languages=("fi", "sv", "en"),
            url="https://example.fi/kaislaranta/kylakahvila",
            weekly=_weekly(SUN, "13:00", "15:00"),
        ),
        # --- Peer and discussion groups -------------------------------------------------------
        Activity(
            id="demo-010",
            title=t("Kahvi ja keskustelu", "Kaffe och samtal", "Coffee and conversation"),
            categories=("peer-groups",),
            description=t(
                "Pieni ryhmä, jossa jutellaan päivän asioista. Saa myös vain kuunnella.",
                "En liten grupp där vi pratar om vardagen. Du får också bara lyssna.",
                "A small group chatting about everyday things. Listening only is fine too.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP),
            organiser="Mielenterveysyhdistys Tuuli ry",
            contact="040 000 1205",
            languages=("fi", "sv", "en"),
            url="https://example.fi/tuuli/kahvi-ja-keskustelu",
            weekly=_weekly(MON, "14:00", "15:30"),
        ),
        Activity(
            id="demo-011",
            title=t("Miesten kahvila", en="Men's café"),
            categories=("peer-groups", "meeting-places"),
            description=t(
                "Kahvia ja juttua miesten kesken. Välillä tehdään pieniä retkiä.",
                en="Coffee and talk among men. Now and then we make small trips.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Järvilinnan Setlementti ry",
            contact="040 000 1206",
            languages=("fi", "en"),
            url="https://example.fi/pajula/miesten-kahvila",
            weekly=_weekly(FRI, "10:00", "11:30"),
        ),
        Activity(
            id="demo-012",
            title=t("Kävelevä keskusteluryhmä", "Samtalsgrupp på promenad", "Walk and talk group"),
            categories=("peer-groups", "exercise-nature"),
            description=t(
                "Kävellään ja jutellaan samalla. Puhuminen on helpompaa liikkeellä.",
                "Vi går och pratar samtidigt. Det är lättare att prata när man rör på sig.",
                "We walk and talk at the same time. Talking is easier on the move.",
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=PATH,
            organiser="Mielenterveysyhdistys Tuuli ry",
            contact="040 000 1205",
            languages=("fi", "sv"),
            url="https://example.fi/tuuli/kavelevat",
            weekly=_weekly(WED, "10:00", "11:00"),
        ),
        Activity(
            id="demo-013",
            title=t("Tarinakahvila", "Berättarkafé", "Story café"),
            categories=("peer-groups", "culture-crafts"),
            description=t(
                "Kerrotaan ja kuunnellaan tarinoita vanhojen valokuvien äärellä. Omasta elämästä"
                " ei tarvitse kertoa.",
                "Vi berättar och lyssnar på historier kring gamla fotografier. Du behöver inte"
                " berätta om ditt eget liv.",
                "We tell and listen to stories over old photographs. You do not have to talk"
                " about your own life.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP),
            organiser="Järvilinnan kaupunginkirjasto",
            contact="040 000 1201",
            languages=("fi", "sv"),
            url="https://example.fi/kirjasto/tarinakahvila",
            weekly=_weekly(TUE, "13:00", "14:30", every=2),
        ),
        Activity(
            id="demo-014",
            title=t("Kielikahvila", "Språkkafé", "Language café"),
            categories=("peer-groups", "work-study", "meeting-places"),
            description=t(
                "Harjoitellaan suomea rennosti kahvin äärellä. Kaikki kielitasot ovat"
                " tervetulleita.",
                "Vi övar finska i lugn takt över en kopp kaffe. Alla språknivåer är välkomna.",
                "Practise Finnish over coffee, no pressure. Every level is welcome.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Järvilinnan kaupunginkirjasto",
            contact="kielikahvila@example.fi",
            languages=("fi", "en", "ru", "uk", "ar", "so", "fa"),
            url="https://example.fi/kirjasto/kielikahvila",
            weekly=_weekly((TUE, SAT), "15:00", "16:30"),
        ),
        Activity(
            id="demo-015",
            title=t("Monikielinen olohuone", "Flerspråkigt vardagsrum", "Multilingual living room"),
            categories=("meeting-places", "peer-groups"),
            description=t(
                "Tapaa ihmisiä eri puolilta maailmaa. Tarjolla teetä ja apua arjen kysymyksiin.",
                "Träffa människor från hela världen. Det bjuds på te och hjälp med vardagsfrågor.",
                "Meet people from all over the world. Tea, and help with everyday questions.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan Setlementti ry",
            contact="040 000 1207",
            languages=("fi", "en", "ar", "so", "uk", "ru", "fa"),
            url="https://example.fi/pajula/monikielinen",
            weekly=_weekly(WED, "12:00", "15:00"),
        ),
        # --- Volunteering -------------------------------------------------------------------
        Activity(
            id="demo-016",
            title=t(
                "Vapaaehtoisena päivä kerrallaan",
                "Frivillig en dag i taget",
                "Volunteer one day at a time",
            ),
            categories=("volunteering",),
            description=t(
                "Tule auttamaan yhdeksi aamuksi, vaikka ruoan lajittelussa. Sitoutumista ei"
                " tarvita, ohjaaja on mukana.",
                "Kom och hjälp till en förmiddag, till exempel med att sortera mat. Du binder"
                " dig inte, en handledare är med.",
                "Help out for one morning, for example sorting food. No commitment; a"
                " supervisor is there with you.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=STEP_FREE,
            organiser="Järvilinnan Setlementti ry",
            contact="vapaaehtoiset@example.fi",
            languages=("fi", "en"),
            url="https://example.fi/pajula/paiva-kerrallaan",
            weekly=_weekly((MON, THU), "09:00", "12:00"),
        ),
        Activity(
            id="demo-017",
            title=t("Vapaaehtoisinfo", "Infoträff om frivilligarbete", "Volunteering info"),
            categories=("volunteering", "work-study"),
            description=t(
                "Kuule, millaisia vapaaehtoistehtäviä kaupungissa on. Voit kokeilla ensin yhden"
                " kerran.",
                "Hör vilka frivilliguppdrag som finns i staden. Du kan prova en gång först.",
                "Hear what volunteering there is in town. You can try it once first.",
            ),
            place=MALL,
            address=MALL_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Järvilinnan kaupunki, osallisuuspalvelut",
            contact="vapaaehtoiset@example.fi",
            languages=("fi", "sv", "en"),
            url="https://example.fi/vapaaehtoisinfo",
            weekly=_weekly(WED, "16:00", "17:00", every=2, phase=1),
        ),
        Activity(
            id="demo-018",
            title=t("Kulttuuriluotsit", "Kulturlotsar", "Culture companions"),
            categories=("culture-crafts", "volunteering"),
            description=t(
                "Vapaaehtoinen luotsi lähtee seuraksi teatteriin, konserttiin tai museoon."
                " Tule tapaamaan luotseja kirjastoon.",
                "En frivillig lots följer med dig på teater, konsert eller museum. Träffa"
                " lotsarna på biblioteket.",
                "A volunteer companion goes with you to the theatre, a concert or a museum."
                " Meet the companions at the library.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Järvilinnan kaupunki, kulttuuripalvelut",
            contact="040 000 1208",
            languages=("fi", "sv", "en"),
            url="https://example.fi/kulttuuriluotsit",
            weekly=_weekly(FRI, "13:00", "14:00"),
        ),
        Activity(
            id="demo-019",
            title=t("Liikuntakaveri", "Motionskompis", "Exercise buddy"),
            categories=("exercise-nature", "volunteering"),
            description=t(
                "Vapaaehtoinen kaveri lähtee mukaasi kävelylle, uimaan tai kuntosalille."
                " Tule sopimaan ensimmäinen kerta.",
                "En frivillig kompis följer med på promenad, simning eller gym. Kom och"
                " bestäm första gången.",
                "A volunteer buddy joins you for a walk, a swim or the gym. Come and arrange"
                " the first time.",
            ),
            place=SPORTS,
            address=SPORTS_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Liikuntaseura Järvilinnan Kiri ry",
            contact="liikuntakaveri@example.fi",
            languages=("fi", "sv", "en"),
            url="https://example.fi/kiri/liikuntakaveri",
            weekly=_weekly(TUE, "10:00", "11:30"),
        ),
        Activity(
            id="demo-020",
            title=t("Puistotalkoot"),
            categories=("volunteering", "exercise-nature"),
            description=t(
                "Siistitään yhdessä Kaislarannan puistoa. Työkalut ja kahvit tulevat meiltä.",
            ),
            place="Kaislarannan puisto, leikkipaikan vieressä",
            address=KAISLA_ADDR,
            organiser="Kaislarannan asukkaat ry",
            contact="olohuone@example.fi",
            url="https://example.fi/kaislaranta/talkoot",
            occurrences=(_once(_day(today, SAT, 1), "10:00", "13:00"),),
        ),
        # --- Culture and crafts -----------------------------------------------------------
        Activity(
            id="demo-021",
            title=t("Käsityökahvila", "Handarbetskafé", "Craft café"),
            categories=("culture-crafts", "meeting-places"),
            description=t(
                "Neulo, virkkaa tai korjaa vaatteita muiden seurassa. Lankoja ja puikkoja saa"
                " lainaksi.",
                "Sticka, virka eller laga kläder i sällskap. Du kan låna garn och stickor.",
                "Knit, crochet or mend clothes in company. Yarn and needles to borrow.",
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Kaislarannan asukkaat ry",
            contact="040 000 1209",
            price=COFFEE_2,
            free=False,
            languages=("fi", "sv", "ru"),
            url="https://example.fi/kaislaranta/kasityokahvila",
            weekly=_weekly(WED, "13:00", "15:30"),
        ),
        Activity(
            id="demo-022",
            title=t("Lukupiiri", "Läsecirkel", "Reading circle"),
            categories=("culture-crafts", "peer-groups"),
            description=t(
                "Luetaan sama kirja ja jutellaan siitä. Kirjan saa kirjastosta.",
                "Vi läser samma bok och pratar om den. Boken får du från biblioteket.",
                "We read the same book and talk about it. You can borrow the book at the library.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP),
            organiser="Järvilinnan kaupunginkirjasto",
            contact="040 000 1201",
            languages=("fi",),
            url="https://example.fi/kirjasto/lukupiiri",
            weekly=_weekly(THU, "17:30", "19:00", every=2, phase=1),
            valid_until=today + timedelta(weeks=8),
        ),
        Activity(
            id="demo-023",
            title=t("Lautapeli-ilta", "Brädspelskväll", "Board game evening"),
            categories=("culture-crafts", "meeting-places"),
            description=t(
                "Pelataan lautapelejä ja korttia. Säännöt opetetaan, ja voit myös vain katsoa.",
                "Vi spelar brädspel och kort. Vi lär ut reglerna, och du kan också bara titta på.",
                "Board games and cards. We teach the rules, and you can also just watch.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Pelikerho Noppa ry",
            contact="noppa@example.fi",
            languages=("fi", "en"),
            url="https://example.fi/noppa",
            weekly=_weekly(SAT, "16:00", "20:00"),
        ),
        Activity(
            id="demo-024",
            title=t("Puu- ja tekstiilipaja", en="Wood and textile workshop"),
            categories=("culture-crafts", "work-study"),
            description=t(
                "Tee omaa tai yhteistä työtä ohjaajan kanssa. Opitut taidot kirjataan"
                " todistukseen, jos haluat.",
                en="Make your own or shared work with an instructor. If you like, the skills"
                " you learn are written in a certificate.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Järvilinnan Setlementti ry",
            contact="040 000 1210",
            languages=("fi", "en"),
            url="https://example.fi/pajula/paja",
            weekly=_weekly((MON, TUE, WED, THU), "09:00", "14:00"),
        ),
        Activity(
            id="demo-025",
            title=t("Konsertti kirjastossa", "Konsert på biblioteket", "Concert at the library"),
            categories=("culture-crafts",),
            description=t(
                "Kansalaisopiston kuoro laulaa tuttuja lauluja. Voit tulla ja lähteä, milloin"
                " haluat.",
                "Medborgarinstitutets kör sjunger välkända sånger. Du kan komma och gå som du"
                " vill.",
                "The adult education centre choir sings familiar songs. Come and go as you like.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP, WC),
            organiser="Järvilinnan kansalaisopisto",
            contact="opisto@example.fi",
            languages=("fi", "sv"),
            url="https://example.fi/kirjasto/konsertti",
            occurrences=(_once(_day(today, THU, 2), "18:00", "19:00"),),
        ),
        # --- Exercise and nature ----------------------------------------------------------
        Activity(
            id="demo-026",
            title=t("Höntsäpesis", "Boboll för alla", "Casual Finnish baseball"),
            categories=("exercise-nature",),
            description=t(
                "Pelataan pesäpalloa leikkimielellä. Mailat ja pallot ovat valmiina, kaikki"
                " pääsevät mukaan.",
                "Vi spelar boboll på skoj. Slagträn och bollar finns, alla får vara med.",
                "A relaxed game of Finnish baseball. Bats and balls are provided; everyone can"
                " play.",
            ),
            place=SPORTS,
            address=SPORTS_ADDR,
            accessibility=WC,
            organiser="Liikuntaseura Järvilinnan Kiri ry",
            contact="040 000 1202",
            languages=("fi", "sv", "en"),
            url="https://example.fi/kiri/hontsapesis",
            weekly=_weekly(SUN, "13:00", "14:30") + _weekly(WED, "17:30", "19:00"),
            valid_until=today + timedelta(weeks=4),
        ),
        Activity(
            id="demo-027",
            title=t(
                "Luontoretki Kotkanvuorelle",
                "Naturutflykt till Kotkanvuori",
                "Nature trip to Kotkanvuori",
            ),
            categories=("exercise-nature",),
            description=t(
                "Retkeillään opastetusti lähimetsään ja keitetään nuotiokahvit. Retkivarusteita"
                " saa lainaksi kirjastosta.",
                "Vi gör en guidad utflykt i skogen och kokar kaffe på lägereld. Utrustning kan"
                " lånas på biblioteket.",
                "A guided trip to the nearby forest with campfire coffee. Outdoor gear can be"
                " borrowed from the library.",
            ),
            place="Kotkanvuoren parkkipaikka",
            address="Kotkanvuorentie 30, Järvilinna",
            organiser="Luontoyhdistys Kaarna ry",
            contact="kaarna@example.fi",
            languages=("fi", "en"),
            url="https://example.fi/kaarna/retket",
            occurrences=(
                _once(_day(today, SAT, 0), "10:00", "14:00"),
                _once(_day(today, SAT, 2), "10:00", "14:00"),
                _once(_day(today, SAT, 4), "10:00", "14:00"),
            ),
        ),
        Activity(
            id="demo-028",
            title=t("Tuolijumppa"),
            categories=("exercise-nature",),
            description=t(
                "Kevyttä jumppaa tuolilla istuen. Sopii kaikille, myös ensikertalaisille."
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Liikuntaseura Järvilinnan Kiri ry",
            contact="040 000 1202",
            url="https://example.fi/kiri/tuolijumppa",
            weekly=_weekly((MON, THU), "11:00", "11:45"),
        ),
        Activity(
            id="demo-029",
            title=t("Maksuton uintipäivä", "Gratis simdag", "Free swimming day"),
            categories=("exercise-nature",),
            description=t(
                "Uimahalliin pääsee tänä päivänä ilmaiseksi. Uimapuvun ja pyyhkeen voi lainata"
                " kassalta.",
                "Denna dag är simhallen gratis. Du kan låna baddräkt och handduk i kassan.",
                "Entry to the swimming hall is free on this day. Swimwear and towels can be"
                " borrowed at the desk.",
            ),
            place="Järvilinnan uimahalli",
            address="Kirintie 6, Järvilinna",
            accessibility=_joined(STEP_FREE, WC),
            organiser="Järvilinnan kaupunki, liikuntapalvelut",
            contact="040 000 1211",
            languages=("fi", "sv", "en"),
            url="https://example.fi/uimahalli",
            occurrences=(_once(_day(today, SUN, 3), "10:00", "18:00"),),
        ),
        # --- Digital help -------------------------------------------------------------------
        Activity(
            id="demo-030",
            title=t(
                "Digituki ilman ajanvarausta",
                "Digihjälp utan tidsbokning",
                "Digital help, no appointment",
            ),
            categories=("digital-help",),
            description=t(
                "Apua puhelimen, tabletin ja tietokoneen kanssa. Ota oma laite mukaan, jos sinulla"
                " on.",
                "Hjälp med telefon, surfplatta och dator. Ta med din egen enhet om du har en.",
                "Help with phones, tablets and computers. Bring your own device if you have one.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP),
            organiser="Järvilinnan kaupunginkirjasto",
            contact="digituki@example.fi",
            languages=("fi", "sv", "en", "ru"),
            url="https://example.fi/kirjasto/digituki",
            weekly=_weekly((MON, WED), "13:00", "15:00"),
        ),
        Activity(
            id="demo-031",
            title=t("Kännykkäkahvila"),
            categories=("digital-help", "meeting-places"),
            description=t(
                "Kysy puhelimesta mitä vain kahvikupin ääressä. Mikään kysymys ei ole liian pieni.",
            ),
            place=PARISH,
            address=PARISH_ADDR,
            accessibility=_joined(STEP_FREE, WC),
            organiser="Järvilinnan seurakunta, diakoniatyö",
            contact="040 000 1204",
            url="https://example.fi/seurakunta/kannykkakahvila",
            weekly=_weekly(FRI, "12:00", "14:00", every=2),
        ),
        Activity(
            id="demo-032",
            title=t(
                "Verkkoasiointi tutuksi",
                "Lär dig uträtta ärenden på nätet",
                "Getting started with online services",
            ),
            categories=("digital-help", "work-study"),
            description=t(
                "Kolmen kerran pienryhmä: sähköposti, verkkopankki ja ajanvaraus. Koneet ovat"
                " valmiina.",
                "En liten grupp tre gånger: e-post, nätbank och tidsbokning. Datorer finns.",
                "A small group meeting three times: e-mail, online banking and booking"
                " appointments. Computers are provided.",
            ),
            place=COLLEGE,
            address=COLLEGE_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan kansalaisopisto",
            contact="opisto@example.fi",
            languages=("fi", "sv", "en"),
            url="https://example.fi/opisto/verkkoasiointi",
            occurrences=tuple(
                _once(_day(today, THU, week), "10:00", "12:00") for week in (1, 2, 3)
            ),
        ),
        # --- Money and debt advice ----------------------------------------------------------
        Activity(
            id="demo-033",
            title=t("Talousneuvonta", "Ekonomisk rådgivning", "Money advice"),
            categories=("money-advice",),
            description=t(
                "Neuvoja laskuihin, budjettiin ja velkoihin. Voit tulla ilman nimeä ja ilman"
                " ajanvarausta.",
                "Råd om räkningar, budget och skulder. Du kan komma anonymt och utan tidsbokning.",
                "Advice on bills, budgets and debts. Come without an appointment; you need not"
                " give your name.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Arjen Raha ry",
            contact="040 000 1212",
            languages=("fi", "sv", "en"),
            url="https://example.fi/arjenraha/neuvonta",
            weekly=_weekly(TUE, "10:00", "12:00"),
        ),
        Activity(
            id="demo-034",
            title=t("Raha-asiat haltuun", en="Managing money together"),
            categories=("money-advice", "peer-groups"),
            description=t(
                "Ryhmässä tehdään oma budjetti ja jaetaan säästövinkkejä.",
                en="In the group you make your own budget and share tips for saving.",
            ),
            place=PAJULA,
            address=PAJULA_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Arjen Raha ry",
            contact="040 000 1212",
            languages=("fi", "en"),
            url="https://example.fi/arjenraha/ryhma",
            weekly=_weekly(WED, "14:00", "15:30", every=2),
            # A new group: starts next week, runs for six weeks.
            valid_from=today + timedelta(weeks=1),
            valid_until=today + timedelta(weeks=7),
        ),
        Activity(
            id="demo-035",
            title=t("Lomakeapu", "Hjälp med blanketter", "Help with forms"),
            categories=("money-advice", "digital-help"),
            description=t(
                "Apua hakemuksiin ja lomakkeisiin paperilla tai verkossa. Ota mukaan saamasi"
                " kirjeet.",
                "Hjälp med ansökningar och blanketter på papper eller på nätet. Ta med breven"
                " du fått.",
                "Help with applications and forms, on paper or online. Bring the letters you"
                " have received.",
            ),
            place=MALL,
            address=MALL_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan kaupunki, osallisuuspalvelut",
            contact="opastamo@example.fi",
            languages=("fi", "sv", "en", "ar", "so"),
            url="https://example.fi/opastamo/lomakeapu",
            weekly=_weekly(THU, "12:00", "14:00"),
            exceptions=(_day(today, THU, 3),),
        ),
        # --- Work and study -----------------------------------------------------------------
        Activity(
            id="demo-036",
            title=t("Työnhakukahvila", "Jobbsökarkafé", "Job search café"),
            categories=("work-study", "peer-groups"),
            description=t(
                "Tehdään yhdessä CV ja hakemuksia. Mukana on ohjaaja ja tulostin.",
                "Vi skriver cv och ansökningar tillsammans. En handledare och en skrivare finns.",
                "We write CVs and applications together. An adviser and a printer are there.",
            ),
            place=LIBRARY,
            address=LIBRARY_ADDR,
            accessibility=_joined(STEP_FREE, LIFT),
            organiser="Järvilinnan kaupunki, työllisyyspalvelut",
            contact="tyonhaku@example.fi",
            languages=("fi", "sv", "en", "uk"),
            url="https://example.fi/tyonhakukahvila",
            weekly=_weekly(TUE, "13:00", "15:00"),
        ),
        Activity(
            id="demo-037",
            title=t("Kansalaisopiston kurssi-info"),
            categories=("work-study", "culture-crafts"),
            description=t(
                "Kuule tulevista kursseista ja kysy alennuksista. Ilmoittautumisessa autetaan.",
            ),
            place=COLLEGE,
            address=COLLEGE_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan kansalaisopisto",
            contact="opisto@example.fi",
            url="https://example.fi/opisto/kurssit",
            occurrences=(_once(_day(today, MON, 4), "17:00", "18:30"),),
        ),
        # --- Having a say -------------------------------------------------------------------
        Activity(
            id="demo-038",
            title=t(
                "Kaislarannan asukasilta",
                "Invånarkväll i Kaislaranta",
                "Kaislaranta residents' evening",
            ),
            categories=("having-a-say", "meeting-places"),
            description=t(
                "Kerro, mitä asuinalueella pitäisi parantaa. Kaupungin väki on paikalla"
                " kuuntelemassa.",
                "Berätta vad som borde bli bättre i området. Folk från staden är där och lyssnar.",
                "Tell us what should be better in the area. People from the town are there to"
                " listen.",
            ),
            place=KAISLA,
            address=KAISLA_ADDR,
            accessibility=_joined(STEP_FREE, LOOP, WC),
            organiser="Järvilinnan kaupunki, osallisuuspalvelut",
            contact="osallisuus@example.fi",
            languages=("fi", "sv", "en"),
            url="https://example.fi/asukasilta",
            occurrences=(_once(_day(today, TUE, 1), "18:00", "19:30"),),
        ),
        Activity(
            id="demo-039",
            title=t(
                "Osallistuva budjetointi: ideapaja",
                "Medborgarbudget: idéverkstad",
                "Participatory budgeting: idea workshop",
            ),
            categories=("having-a-say", "culture-crafts"),
            description=t(
                "Ideoidaan, mihin 30 000 euroa käytetään omalla alueella. Kaikki ideat kirjataan.",
                "Vi kommer på idéer om hur 30 000 euro används i området. Alla idéer skrivs ner.",
                "Share ideas on how to spend 30,000 euros in the area. Every idea is written down.",
            ),
            place=MALL,
            address=MALL_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, WC),
            organiser="Järvilinnan kaupunki, osallisuuspalvelut",
            contact="osallisuus@example.fi",
            languages=("fi", "sv", "en", "ar"),
            url="https://example.fi/budjetointi",
            occurrences=(
                _once(_day(today, WED, 1), "15:00", "18:00"),
                _once(_day(today, SAT, 3), "12:00", "15:00"),
            ),
        ),
        Activity(
            id="demo-040",
            title=t("Kokemusraati", en="Experience panel"),
            categories=("having-a-say", "peer-groups"),
            description=t(
                "Kerro, miten palvelut ovat toimineet sinulle. Raati vie palautteen päättäjille.",
                en="Tell us how services have worked for you. The panel takes the feedback to"
                " decision-makers.",
            ),
            place=TOWN_HALL,
            address=TOWN_HALL_ADDR,
            accessibility=_joined(STEP_FREE, LIFT, LOOP),
            organiser="Järvimaan hyvinvointialue",
            contact="raati@example.fi",
            languages=("fi", "en"),
            url="https://example.fi/kokemusraati",
            weekly=_weekly(MON, "16:00", "17:30", every=4, phase=2),
        ),
    ]
