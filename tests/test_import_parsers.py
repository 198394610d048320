"""Each format's sample file, error messages with row and field, hostile input."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest
from openpyxl import Workbook

from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.importers.common import is_formula, strip_html
from kiosk.catalog.model import Occurrence, WeeklyRule
from kiosk.settings import Settings
from tests.import_support import workbook_bytes as xlsx_bytes

DATA = Path(__file__).parent / "data"
LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 9, 1)


def load(name: str, limits: Limits = LIMITS, today: date = TODAY) -> ParseResult:
    return parse((DATA / name).read_bytes(), name=name, source=name, limits=limits, today=today)


def text_csv(body: str, limits: Limits = LIMITS) -> ParseResult:
    return parse(body.encode(), name="t.csv", source="t.csv", limits=limits, today=TODAY)


def messages(result: ParseResult) -> list[str]:
    return [str(p) for p in result.problems]


def by_title(result: ParseResult) -> dict[str, object]:
    return {a.title["fi"]: a for a in result.activities}


def test_csv_with_bom_and_commas() -> None:
    r = load("kohtaamispaikka-bom.csv")
    assert messages(r) == []
    olohuone = r.activities[0]
    assert olohuone.title == {"fi": "Olohuone", "sv": "Vardagsrummet"}
    assert olohuone.categories == ("meeting-places",)  # Finnish name mapped
    assert olohuone.contact == "+358 40 123 4567"  # a phone number is not a formula
    assert olohuone.languages == ("fi", "sv")
    assert [r.weekday for r in olohuone.weekly] == [0, 1, 2, 3, 4]
    assert olohuone.valid_until == date(2027, 5, 31)
    lukupiiri = r.activities[1]
    assert lukupiiri.categories == ("culture-crafts", "peer-groups")
    assert lukupiiri.weekly == (WeeklyRule(2, time(17, 30), time(19), 2, date(2026, 9, 2)),)


def test_semicolon_csv_and_the_same_rows_as_xlsx() -> None:
    csv_result, xlsx_result = load("toiminta-puolipiste.csv"), load("toiminta.xlsx")
    assert messages(csv_result) == messages(xlsx_result) == []
    # The same content; only the source (the file name), and so the ids, differ.
    assert [replace(a, id="", source="") for a in csv_result.activities] == [
        replace(a, id="", source="") for a in xlsx_result.activities
    ]
    lunch = by_title(csv_result)["Yhteinen lounas"]
    assert lunch.description == {"fi": "Keittolounas kaikille & kahvi."}  # type: ignore[attr-defined]
    assert lunch.free is False and lunch.price == {"fi": "3 €"}  # type: ignore[attr-defined]
    workshop = by_title(csv_result)["Työnhakupaja"]
    assert workshop.occurrences[0] == Occurrence(  # type: ignore[attr-defined]
        datetime(2026, 10, 1, 13), datetime(2026, 10, 1, 15)
    )


def test_stable_ids_do_not_depend_on_row_order() -> None:
    body = "title_fi,place,times\nA,Kirjasto,ti 10-12\nB,Olohuone,ke 10-12\n"
    swapped = "title_fi,place,times\nB,Olohuone,ke 10-12\nA,Kirjasto,ti 10-12\n"
    ids = {a.title["fi"]: a.id for a in text_csv(body).activities}
    assert ids == {a.title["fi"]: a.id for a in text_csv(swapped).activities}
    assert len(set(ids.values())) == 2


def test_errors_name_file_row_and_column() -> None:
    r = load("toiminta-virhe.csv")
    assert messages(r) == [
        "toiminta-virhe.csv, row 3, column 'valid_from': '31.2.2026' is not a date",
        "toiminta-virhe.csv, row 4, column 'times': 'joka toinen to klo 18': every other "
        "week needs a start date (valid_from or dates)",
    ]


def test_wrong_encoding_is_reported_with_its_line_not_guessed() -> None:
    r = load("toiminta-cp1252.csv")
    assert r.activities == []
    assert messages(r) == [
        "toiminta-cp1252.csv, line 2: not UTF-8 (byte 0xE4); save it as 'CSV UTF-8'"
    ]


def test_utf16_and_binary_csv_are_refused() -> None:
    utf16 = "title_fi\nKahvila\n".encode("utf-16")
    r = parse(utf16, name="t.csv", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.csv: UTF-16, not UTF-8; save it as 'CSV UTF-8'"]
    r = parse(b"title_fi\nA\x00B\n", name="t.csv", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.csv, line 2: not a text file (it holds NUL bytes)"]


@pytest.mark.parametrize(
    "cell",
    ["=1+1", '=HYPERLINK("http://x")', "+SUM(A1:A3)", "-cmd|' /C calc'!A0", "@SUM(1)", "+A1"],
)
def test_formula_cells_are_refused(cell: str) -> None:
    r = text_csv(f'title_fi,place,times\nKahvila,"{cell.replace(chr(34), chr(34) * 2)}",ti 10-12\n')
    assert r.activities == []
    assert messages(r) == [
        f"t.csv, row 2, column 'place': '{cell}' looks like a spreadsheet formula; "
        "formulas are refused"
    ]


@pytest.mark.parametrize("text", ["+358 40 123 4567", "- kahvia ja pullaa", "-", "@kahvila"])
def test_ordinary_text_with_a_leading_sign_is_kept(text: str) -> None:
    assert not is_formula(text)


def test_html_is_stripped_with_a_parser() -> None:
    assert strip_html("<p>Hei <b>kaikki</b>!</p><script>x()</script><p>Tervetuloa</p>") == (
        "Hei kaikki!\nTervetuloa"
    )
    assert strip_html("a < b &amp; c") == "a < b & c"
    assert strip_html("<img src=x onerror=alert(1)>Kuva") == "Kuva"


def test_only_http_urls_are_kept() -> None:
    r = text_csv("title_fi,url\nA,javascript:alert(1)\nB,ftp://x.fi/a\nC,https://ok.fi/\n")
    assert [p.row for p in r.problems] == [2, 3]
    assert {p.field for p in r.problems} == {"url"}


def test_limits_are_refused_with_clear_messages() -> None:
    small = Limits(max_bytes=100, max_rows=2, max_text_chars=10)
    assert "the file is larger than" in messages(text_csv("title_fi\n" + "x" * 200, small))[0]
    rows = text_csv("title_fi\nA\nB\nC\n", small)
    assert rows.problems
    assert "more than 2 rows" in messages(rows)[0]
    long_text = text_csv("title_fi\n" + "pitkä nimi tässä" + "\n", small)
    assert "more than 10" in messages(long_text)[0]


def test_unknown_columns_and_categories_are_errors() -> None:
    assert messages(text_csv("title_fi,titel_sv\nA,B\n")) == [
        "t.csv, row 1: unknown column 'titel_sv'"
    ]
    r = text_csv("title_fi,categories\nA,kokkaus\n")
    assert messages(r) == ["t.csv, row 2, column 'categories': 'kokkaus' is not a known category"]


def test_broken_csv_quotes_are_an_error_with_a_line() -> None:
    r = text_csv('title_fi,place\nA,"auki\n')
    assert r.problems and r.activities == []


def test_xlsx_formula_cells_are_refused_not_evaluated() -> None:
    data = xlsx_bytes([["title_fi", "place", "times"], ["Kahvila", '=A1&"!"', "ti 10-12"]])
    r = parse(data, name="t.xlsx", source="t.xlsx", limits=LIMITS, today=TODAY)
    assert r.activities == []
    assert messages(r) == [
        "t.xlsx, row 2, column 'place': the cell holds a formula; type the value instead"
    ]


def test_xlsx_date_cells_become_dates() -> None:
    data = xlsx_bytes(
        [["title_fi", "times", "valid_from"], ["A", "ti 10-12", datetime(2026, 9, 1)]]
    )
    r = parse(data, name="t.xlsx", source="t.xlsx", limits=LIMITS, today=TODAY)
    assert messages(r) == [] and r.activities[0].valid_from == date(2026, 9, 1)


def test_not_an_xlsx_file() -> None:
    r = parse(b"PK\x03\x04 broken", name="t.xlsx", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.xlsx: not an XLSX file (BadZipFile)"]


def test_ical_recurrence_time_zones_and_exceptions() -> None:
    r = load("tapahtumat.ics", today=date(2026, 10, 1))
    assert messages(r) == []
    acts = by_title(r)
    chair = acts["Tuolijumppa"]
    # A plain weekly series stays a rule: EXDATE is an exception, UNTIL the end.
    assert chair.weekly == (WeeklyRule(1, time(10), time(11)),)  # type: ignore[attr-defined]
    assert chair.exceptions == (date(2026, 11, 3),)  # type: ignore[attr-defined]
    assert chair.valid_until == date(2026, 12, 16)  # type: ignore[attr-defined]
    assert chair.description == {  # type: ignore[attr-defined]
        "fi": "Kevyttä liikuntaa tuolilla istuen.\nEi ennakkoilmoittautumista."
    }
    assert (chair.place, chair.address) == ("Kauppakeskus Akseli", "1. krs, Salo")  # type: ignore[attr-defined]
    # A UTC series across the end of summer time keeps its UTC instant, so the local
    # wall-clock time moves by an hour on 25.10.
    choir = acts["Avoin kuoro"]
    assert [o.start.hour for o in choir.occurrences] == [18, 17, 17, 17]  # type: ignore[attr-defined]
    # A monthly series is expanded; the moved instance (RECURRENCE-ID) is honoured.
    digi = acts["Digituki: apua puhelimen ja tabletin kanssa"]
    starts = [o.start for o in digi.occurrences]  # type: ignore[attr-defined]
    assert datetime(2026, 11, 12, 14) in starts and datetime(2026, 11, 11, 13) not in starts
    assert [str(s) for s in r.skipped] == [
        "tapahtumat.ics, event 'itsenaisyyspaiva@akseli.example': an all-day event (no start time)"
    ]


def test_ical_horizon_limits_expansion() -> None:
    short = Limits(**{**LIMITS.__dict__, "horizon_days": 30})
    r = load("tapahtumat.ics", limits=short, today=date(2026, 10, 1))
    digi = by_title(r)["Digituki: apua puhelimen ja tabletin kanssa"]
    assert [o.start.date() for o in digi.occurrences] == [date(2026, 10, 14)]  # type: ignore[attr-defined]


def test_linked_events_pages_sub_events_offers_keywords() -> None:
    r = load("linkedevents.json")
    assert messages(r) == []
    series, concert = r.activities
    assert series.title["sv"] == "Digiträff för seniorer"
    assert series.categories == ("digital-help",)
    assert series.languages == ("fi", "sv")
    assert series.description["fi"] == "Apua älypuhelimen käyttöön."
    assert [o.start for o in series.occurrences] == [
        datetime(2026, 10, 6, 10),  # 07:00Z in summer time
        datetime(2026, 10, 27, 10),  # 08:00Z in winter time
        datetime(2026, 11, 10, 10),
    ]
    assert (series.place, series.address) == ("Kirjasto 10", "Elielinaukio 2 G, Helsinki")
    assert concert.free is False and concert.price["en"] == "€10"
    assert concert.url == "https://www.example.fi/konsertti"
    assert [p.message for p in r.skipped] == ["cancelled"]


def test_linked_events_single_page_file_and_garbage() -> None:
    pages = json.loads((DATA / "linkedevents.json").read_text())
    one = json.dumps(pages[1]).encode()
    r = parse(one, name="p.json", source="p", limits=LIMITS, today=TODAY)
    assert [a.title["fi"] for a in r.activities] == ["Senioreiden digitreffit", "Lounaskonsertti"]
    bad = parse(b'{"data": 5}', name="p.json", source="p", limits=LIMITS, today=TODAY)
    assert messages(bad) == ["p.json, page 1: not a Linked Events page (no 'data' list of events)"]
    worse = parse(b"{", name="p.json", source="p", limits=LIMITS, today=TODAY)
    assert messages(worse)[0].startswith("p.json: not valid JSON")


def test_linked_events_bad_url_is_a_problem() -> None:
    page = {
        "data": [
            {
                "id": "x:1",
                "name": {"fi": "A"},
                "start_time": "2026-10-01T10:00:00Z",
                "info_url": {"fi": "javascript:alert(1)"},
            }
        ]
    }
    r = parse(json.dumps(page).encode(), name="p.json", source="p", limits=LIMITS, today=TODAY)
    assert messages(r) == [
        "p.json, event 'x:1', 'info_url': 'javascript:alert(1)' is not an http(s) address"
    ]


def ics(*lines: str) -> bytes:
    body = ["BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:a@x", *lines, "END:VEVENT"]
    return "\r\n".join([*body, "END:VCALENDAR", ""]).encode()


def test_ical_events_that_break_the_rules_are_refused_by_name() -> None:
    twice = ics("SUMMARY:x", "SUMMARY:y", "DTSTART:20261001T100000")
    r = parse(twice, name="t.ics", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.ics, event 'a@x', 'SUMMARY': appears more than once"]
    no_start = parse(ics("SUMMARY:x"), name="t.ics", source="t", limits=LIMITS, today=TODAY)
    assert messages(no_start) == ["t.ics, event 'a@x', 'DTSTART': no start"]
    two = ics(
        "SUMMARY:x",
        "DTSTART:20261001T100000",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:a@x",
        "SUMMARY:y",
        "DTSTART:20261002T100000",
    )
    r = parse(two, name="t.ics", source="t", limits=LIMITS, today=TODAY)
    assert messages(r) == ["t.ics, event 'a@x': two events with the same UID"]
    bad_rule = ics("SUMMARY:x", "DTSTART:20261001T100000", "RRULE:FREQ=WEEKLY;INTERVAL=x")
    r = parse(bad_rule, name="t.ics", source="t", limits=LIMITS, today=TODAY)
    assert messages(r)[0].startswith("t.ics, event 'a@x', 'RRULE': cannot be read: ")


def test_xlsx_zip_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b"<" + b"a" * 20_000_000)
    small = Limits(max_bytes=100_000)
    r = parse(buf.getvalue(), name="t.xlsx", source="t", limits=small, today=TODAY)
    assert messages(r) == ["t.xlsx: the workbook unpacks to too much data"]


def test_trailing_blank_xlsx_rows_are_ignored() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["title_fi", "times"])
    ws.append(["Kahvila", "ti 10-12"])
    ws.cell(row=5000, column=1).number_format = "@"  # formatted, empty
    ws.cell(row=5000, column=2).value = None
    buf = io.BytesIO()
    wb.save(buf)
    r = parse(buf.getvalue(), name="t.xlsx", source="t", limits=Limits(max_rows=5), today=TODAY)
    assert messages(r) == [] and len(r.activities) == 1
