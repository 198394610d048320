"""Round trips: a catalogue written with each format's own library comes back from the
import as the same activities, texts and times.

Hypothesis makes the catalogues: Finnish, Swedish and English titles with ä, ö and å,
places and addresses, prices, weekly times and one-off dates on both sides of the
summer-time changes (25.10.2026 and 28.3.2027, both within the horizon from TODAY).
CSV is written with the csv module, XLSX with openpyxl, iCalendar with icalendar and
Linked Events as the API's JSON (its times in UTC, as the API gives them).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kiosk.catalog.importers import Limits, ParseResult, parse
from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.settings import Settings

LIMITS = Limits.from_settings(Settings())
TODAY = date(2026, 10, 1)
HELSINKI = ZoneInfo("Europe/Helsinki")
ROUND = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FI_DAYS = ("ma", "ti", "ke", "to", "pe", "la", "su")
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

LETTERS = "abcdefghijklmnopqrstuvwxyzäöåÄÖÅéABCDEFGHIJKLMNOPRSTUVY"
word = st.text(alphabet=LETTERS, min_size=1, max_size=10)
words = st.lists(word, min_size=1, max_size=4).map(" ".join)


@dataclass(frozen=True)
class Spec:
    """One activity as a coordinator writes it."""

    id: str
    title: dict[str, str]
    place: str
    address: str
    price: str  # Finnish price text; empty: free of charge
    weekly: WeeklyRule | None
    dates: tuple[Occurrence, ...]


# Around the summer-time changes, and an ordinary day, all within the horizon.
AUTUMN = [date(2026, 10, 24), date(2026, 10, 25), date(2026, 10, 26), date(2026, 11, 17)]
SPRING = [date(2027, 3, 27), date(2027, 3, 28), date(2027, 3, 29)]
DAYS = st.sampled_from([*AUTUMN, *SPRING])
START = st.builds(time, st.integers(8, 18), st.sampled_from([0, 15, 30, 45]))


@st.composite
def one_off(draw: st.DrawFn) -> Occurrence:
    start = datetime.combine(draw(DAYS), draw(START))
    return Occurrence(start, start + timedelta(minutes=draw(st.sampled_from([30, 60, 150]))))


@st.composite
def spec(draw: st.DrawFn, n: int, *, weekly: bool) -> Spec:
    title = {"fi": draw(words)}
    for lang in ("sv", "en"):
        if draw(st.booleans()):
            # A copy of the Finnish is no translation and is dropped on import.
            title[lang] = draw(words.filter(lambda w: w != title["fi"]))
    rule = None
    dates: tuple[Occurrence, ...] = ()
    if weekly:
        start = draw(START)
        end = (datetime.combine(TODAY, start) + timedelta(minutes=90)).time()
        rule = WeeklyRule(draw(st.integers(0, 6)), start, end)
    else:
        found = draw(st.lists(one_off(), min_size=1, max_size=3, unique_by=lambda o: o.start))
        dates = tuple(sorted(found, key=lambda o: o.start))
    return Spec(
        id=f"toiminta-{n}",
        title=title,
        place=draw(words),
        address=f"{draw(words)} {draw(st.integers(1, 99))}, {draw(word)}",
        price=draw(st.one_of(st.just(""), words.map(lambda w: f"{w} 2 €"))),
        weekly=rule,
        dates=dates,
    )


@st.composite
def catalogue(draw: st.DrawFn, *, weekly: bool = True) -> list[Spec]:
    kinds = draw(st.lists(st.booleans(), min_size=1, max_size=4)) if weekly else [False] * 3
    return [draw(spec(n, weekly=w)) for n, w in enumerate(kinds)]


def read(data: bytes, name: str) -> list[Activity]:
    result: ParseResult = parse(data, name=name, source=name, limits=LIMITS, today=TODAY)
    assert [str(p) for p in result.problems] == []
    return sorted(result.activities, key=lambda a: a.place)


def hhmm(value: time) -> str:
    return f"{value.hour}.{value.minute:02d}"


def first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# --- spreadsheets ----------------------------------------------------------------------
HEADER = ["id", "title_fi", "title_sv", "title_en", "place", "address", "price_fi", "free"]
HEADER += ["times", "dates", "valid_from"]


def rows(specs: list[Spec]) -> list[list[str]]:
    out = [HEADER]
    for s in specs:
        times = dates = valid_from = ""
        if s.weekly:
            w = s.weekly
            assert w.end is not None
            times = f"{FI_DAYS[w.weekday]} {hhmm(w.start)}-{hhmm(w.end)}"
            valid_from = TODAY.strftime("%d.%m.%Y")
        else:
            dates = ", ".join(
                f"{o.start:%d.%m.%Y} klo {hhmm(o.start.time())}-{hhmm(o.end.time())}"
                for o in s.dates
                if o.end is not None
            )
        titles = [s.title.get(lang, "") for lang in ("fi", "sv", "en")]
        free = "ei" if s.price else "kyllä"
        out.append([s.id, *titles, s.place, s.address, s.price, free, times, dates, valid_from])
    return out


def check_spreadsheet(specs: list[Spec], got: list[Activity]) -> None:
    assert len(got) == len(specs)
    by_id = {a.id: a for a in got}
    for s in specs:
        a = by_id[s.id]
        assert a.title == s.title
        assert (a.place, a.address) == (s.place, s.address)
        assert (a.free, a.price) == ((False, {"fi": s.price}) if s.price else (True, {}))
        if s.weekly:
            assert a.weekly == (s.weekly,) and a.occurrences == ()
            assert a.valid_from == TODAY
        else:
            assert a.occurrences == s.dates and a.weekly == ()


@ROUND
@given(catalogue(), st.sampled_from([";", ","]))
def test_csv_round_trip(specs: list[Spec], delimiter: str) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows(specs))
    check_spreadsheet(specs, read(out.getvalue().encode("utf-8"), "toiminta.csv"))


@settings(ROUND, max_examples=10)  # a workbook takes a while to write and read
@given(catalogue())
def test_xlsx_round_trip(specs: list[Spec]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows(specs):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    check_spreadsheet(specs, read(out.getvalue(), "toiminta.xlsx"))


# --- iCalendar -------------------------------------------------------------------------
def calendar(specs: list[Spec]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Kohtaamispaikka//FI")
    cal.add("version", "2.0")
    for s in specs:
        ev = icalendar.Event()
        ev.add("uid", f"{s.id}@example.fi")
        ev.add("summary", s.title["fi"], parameters={"LANGUAGE": "fi"})
        ev.add("location", f"{s.place}, {s.address}")
        if s.weekly:
            w = s.weekly
            assert w.end is not None
            day = first_on_or_after(TODAY, w.weekday)
            ev.add("dtstart", datetime.combine(day, w.start, HELSINKI))
            ev.add("dtend", datetime.combine(day, w.end, HELSINKI))
            ev.add("rrule", {"FREQ": "WEEKLY", "BYDAY": BYDAY[w.weekday]})
        else:
            first, *rest = s.dates
            assert first.end is not None
            ev.add("dtstart", first.start.replace(tzinfo=HELSINKI))
            ev.add("dtend", first.end.replace(tzinfo=HELSINKI))
            for o in rest:
                # An RDATE instance lasts as long as the first; give each its own event.
                assert o.end is not None
                more = icalendar.Event()
                more.add("uid", f"{s.id}-{o.start:%Y%m%d%H%M}@example.fi")
                more.add("summary", s.title["fi"], parameters={"LANGUAGE": "fi"})
                more.add("location", f"{s.place}, {s.address}")
                more.add("dtstart", o.start.replace(tzinfo=HELSINKI))
                more.add("dtend", o.end.replace(tzinfo=HELSINKI))
                cal.add_component(more)
        cal.add_component(ev)
    return bytes(cal.to_ical())


@ROUND
@given(catalogue())
def test_icalendar_round_trip(specs: list[Spec]) -> None:
    got = read(calendar(specs), "tapahtumat.ics")
    expected: list[tuple[str, str, str, tuple[WeeklyRule, ...], tuple[Occurrence, ...]]] = []
    for s in specs:
        if s.weekly:
            expected.append((s.title["fi"], s.place, s.address, (s.weekly,), ()))
        else:
            expected += [(s.title["fi"], s.place, s.address, (), (o,)) for o in s.dates]
    assert Counter((a.title["fi"], a.place, a.address, a.weekly, a.occurrences) for a in got) == (
        Counter(expected)
    )
    for a in got:
        assert set(a.title) == {"fi"}
        if a.weekly:
            assert a.valid_from == first_on_or_after(TODAY, a.weekly[0].weekday)


# --- Linked Events ---------------------------------------------------------------------
def utc(value: datetime) -> str:
    return value.replace(tzinfo=HELSINKI).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def linked_events(specs: list[Spec]) -> bytes:
    data = []
    for s in specs:
        for n, o in enumerate(s.dates):
            assert o.end is not None
            offers = (
                [{"is_free": False, "price": {"fi": s.price}}] if s.price else [{"is_free": True}]
            )
            street, _, town = s.address.partition(", ")
            data.append(
                {
                    "id": f"helsinki:{s.id}-{n}",
                    "name": s.title,
                    "location": {
                        "name": {"fi": s.place},
                        "street_address": {"fi": street},
                        "address_locality": {"fi": town},
                    },
                    "offers": offers,
                    "start_time": utc(o.start),
                    "end_time": utc(o.end),
                }
            )
    return json.dumps({"meta": {"next": None}, "data": data}, ensure_ascii=False).encode()


@ROUND
@given(catalogue(weekly=False))
def test_linked_events_round_trip(specs: list[Spec]) -> None:
    got = {a.id: a for a in read(linked_events(specs), "tapahtumat.json")}
    assert len(got) == sum(len(s.dates) for s in specs)
    for s in specs:
        for n, o in enumerate(s.dates):
            a = got[f"helsinki:{s.id}-{n}"]
            assert a.title == s.title
            assert (a.place, a.address) == (s.place, s.address)
            assert (a.free, a.price) == ((False, {"fi": s.price}) if s.price else (True, {}))
            assert a.occurrences == (o,)  # back in Helsinki's wall-clock time
