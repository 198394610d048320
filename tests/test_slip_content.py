"""What a slip says in the reader's language: an announced change in bold, a postponed
activity's missing time, the place however little is known of it, and the day's times
when only a date is given."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.catalog.model import Activity, Occurrence
from kiosk.printing.slips import Feed, Line, Op, build_slip, layout_slip

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


def test_a_long_description_prints_its_beginning_in_order_and_ends_with_an_ellipsis() -> None:
    words = [f"sana{n}" for n in range(200)]
    long = Activity(id="l", title={"fi": "T"}, description={"fi": " ".join(words)})
    for width in (58, 80):
        ops = layout_slip(long, lang="fi", width_mm=width, meeting_point_name="K", today=MON)
        said = [t for t in lines(ops) if t.startswith("sana")]
        assert said[-1].endswith("...")
        assert all(len(t) <= {58: 32, 80: 48}[width] for t in said)
        printed = " ".join(said).removesuffix("...").split()
        # The start of it, word by word; the last word may be cut to make room for "...".
        assert printed[:-1] == words[: len(printed) - 1]
        assert words[len(printed) - 1].startswith(printed[-1])
        assert 2 < len(printed) < len(words)


def test_a_slip_at_noon_leaves_out_the_mornings_time() -> None:
    today = Activity(
        id="t",
        title={"fi": "Kerho"},
        occurrences=(
            Occurrence(datetime(2026, 11, 23, 10)),
            Occurrence(datetime(2026, 11, 23, 14)),
        ),
    )
    said = lines(slip(today, lang="fi", today=datetime(2026, 11, 23, 12)))
    times = said.index("Seuraavat ajat")
    assert said[times + 1].startswith("ma 23.11.") and "14.00" in said[times + 1]
    assert not any("10.00" in t for t in said)


def test_the_printed_bytes_are_in_the_readers_language() -> None:
    klubb = Activity(id="k", title={"fi": "Kerho", "sv": "Klubb"})
    printed = build_slip(klubb, lang="sv", width_mm=58, meeting_point_name="Akseli", today=MON)
    assert "Nästa tider".encode("cp437") in printed
    assert b"Klubb" in printed and b"Kerho" not in printed


def test_a_slip_in_a_language_without_labels_is_in_finnish() -> None:
    said = lines(slip(Activity(id="k", title={"fi": "Kerho"}), lang="de"))
    assert "Seuraavat ajat" in said and "Kerho" in said
