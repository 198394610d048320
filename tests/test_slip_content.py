"""What a slip says in the reader's language: an announced change in bold, a postponed
activity's missing time, the place however little is known of it, and the day's times
when only a date is given."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.catalog.model import Activity, Occurrence
from kiosk.printing.slips import Feed, Line, Op, layout_slip

MON = date(2026, 11, 23)


def lines(ops: list[Op]) -> list[str]:
    return [op.text for op in ops if isinstance(op, Line)]


def slip(activity: Activity, lang: str = "sv", today: date | datetime = MON) -> list[Op]:
    return layout_slip(activity, lang=lang, width_mm=58, meeting_point_name="Akseli", today=today)


def test_a_postponed_activity_says_so_in_bold_and_that_its_time_is_not_known() -> None:
    ops = slip(Activity(id="p", title={"fi": "Kerho", "sv": "Klubb"}, status="postponed"))
    title = ops.index(Line("Klubb", bold=True, double=True))
    assert ops[title + 1 : title + 5] == [
        Line("UPPSKJUTET", bold=True),
        Feed(1),
        Line("Nästa tider", bold=True),
        Line("Den nya tiden är inte känd än"),
    ]


def test_the_slip_uses_the_readers_language_for_every_text() -> None:
    both = Activity(
        id="b",
        title={"fi": "Kerho", "sv": "Klubb"},
        place="Kirjasto",
        place_note={"fi": "2. krs", "sv": "2 vån."},
        price={"fi": "3 euroa", "sv": "3 euro"},
        description={"fi": "Tervetuloa.", "sv": "Välkommen."},
    )
    said = lines(slip(both))
    assert "Klubb" in said and "Kerho" not in said
    assert "Plats: Kirjasto, 2 vån." in said  # a place without an address is still named
    assert "Pris: 3 euro" in said
    assert "Välkommen." in said and "Tervetuloa." not in said


def test_without_a_place_the_slip_says_where_to_find_out() -> None:
    nowhere = Activity(id="n", title={"fi": "Kerho"})
    assert "Plats: fråga personalen" in lines(slip(nowhere))
    online = Activity(id="o", title={"fi": "Kerho"}, url="https://example.fi/kerho")
    said = " ".join(lines(slip(online)))  # wrapped on the paper's width
    assert "Plats: se webbsidan eller fråga personalen" in said


def test_a_slip_for_a_date_lists_that_days_times_from_midnight() -> None:
    early = Activity(
        id="e", title={"fi": "Kerho"}, occurrences=(Occurrence(datetime(2026, 11, 23, 0, 30)),)
    )
    said = lines(slip(early, lang="fi"))
    times = said.index("Seuraavat ajat")
    assert said[times + 1].startswith("ma 23.11.")
    assert said[-1] == "Tulostettu 23.11.2026"
