"""Applying an import: all or nothing, stable ids, the demo catalogue replaced."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from kiosk.catalog.apply import apply, preview
from kiosk.catalog.importers import Limits, ParseResult, Problem, parse
from kiosk.catalog.importers.common import last_date
from kiosk.catalog.model import Activity, Occurrence, WeeklyRule
from kiosk.settings import Settings
from kiosk.store.db import Store

DATA = Path(__file__).parent / "data"
LIMITS = Limits.from_settings(Settings())


def csv(body: str, source: str = "toiminta.csv") -> ParseResult:
    return parse(body.encode(), name=source, source=source, limits=LIMITS, today=date(2026, 9, 1))


def rows(store: Store) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["source"], r["last_date"]) for r in store.db()["activities"].rows}


def meta(store: Store) -> dict[str, str]:
    return {r["key"]: r["value"] for r in store.db()["meta"].rows}


def with_demo() -> Store:
    store = Store(None)
    demo = Activity(id="demo-1", title={"fi": "Esimerkki"})
    store.db().table("activities").insert(
        {"id": demo.id, "data": demo.to_json(), "source": "demo", "last_date": "", "updated_at": ""}
    )
    return store


FIRST = (
    "title_fi,place,times,valid_until\n"
    "Olohuone,Akseli,ma 10-12,31.12.2026\n"
    "Kuoro,Kirkko,to 18-20,\n"
)


def test_first_import_replaces_the_demo_catalogue_and_sets_meta() -> None:
    store = with_demo()
    p = apply(store, "toiminta.csv", csv(FIRST))
    assert p.applied and p.errors == []
    assert [a.id for a in p.removed] == ["demo-1"]
    assert len(p.added) == 2
    stored = rows(store)
    assert sorted(v for v in stored.values()) == [
        ("toiminta.csv", ""),
        ("toiminta.csv", "2026-12-31"),
    ]
    assert meta(store)["catalog_source"] == "toiminta.csv"
    assert meta(store)["catalog_last_import"]


def test_reimport_updates_instead_of_duplicating_and_removes_what_is_gone() -> None:
    store = with_demo()
    apply(store, "toiminta.csv", csv(FIRST))
    ids_before = set(rows(store))
    again = apply(store, "toiminta.csv", csv(FIRST))
    assert (again.added, again.changed, again.removed, again.unchanged) == ([], [], [], 2)
    changed = FIRST.replace("ma 10-12", "ma 10-13").replace("Kuoro,Kirkko,to 18-20,\n", "")
    p = apply(store, "toiminta.csv", csv(changed))
    assert [a.title["fi"] for a in p.changed] == ["Olohuone"]
    assert [a.title["fi"] for a in p.removed] == ["Kuoro"]
    assert set(rows(store)) < ids_before
    (data,) = [r["data"] for r in store.db()["activities"].rows]
    assert Activity.from_json(data).weekly[0].end == time(13)


def test_a_file_with_one_bad_row_changes_nothing() -> None:
    store = with_demo()
    apply(store, "toiminta.csv", csv(FIRST))
    before = (rows(store), meta(store))
    bad = FIRST + "Lukupiiri,Kirjasto,ke 31-32,\n"
    p = apply(store, "toiminta.csv", bad_result := csv(bad))
    assert not p.applied and len(p.errors) == 1 and bad_result.activities
    assert str(p.errors[0]).startswith("toiminta.csv, row 4, column 'times'")
    assert (rows(store), meta(store)) == before


def test_preview_writes_nothing() -> None:
    store = with_demo()
    p = preview(store, "toiminta.csv", csv(FIRST))
    assert len(p.added) == 2 and [a.id for a in p.removed] == ["demo-1"]
    assert set(rows(store)) == {"demo-1"}


def test_sources_keep_their_own_activities_and_ids() -> None:
    store = with_demo()
    apply(store, "a.csv", csv(FIRST, "a.csv"))
    apply(store, "b.csv", csv("title_fi,times\nTanssi,pe 18-20\n", "b.csv"))
    assert sorted(s for s, _ in rows(store).values()) == ["a.csv", "a.csv", "b.csv"]
    clash = csv("id,title_fi\nsama,A\n", "c.csv")
    apply(store, "c.csv", clash)
    p = apply(store, "d.csv", csv("id,title_fi\nsama,B\n", "d.csv"))
    assert not p.applied and "already belongs to source 'c.csv'" in str(p.errors[0])


def test_problems_alone_block_apply() -> None:
    store = with_demo()
    result = ParseResult(
        activities=[Activity(id="x", title={"fi": "X"}, source="s")],
        problems=[Problem("s", "broken")],
    )
    assert not apply(store, "s", result).applied
    assert set(rows(store)) == {"demo-1"}


def test_last_date() -> None:
    a = Activity(id="a", title={"fi": "A"})
    assert last_date(a) == ""
    once = replace(
        a,
        occurrences=(
            Occurrence(datetime(2026, 10, 1, 10)),
            Occurrence(datetime(2026, 12, 31, 23), datetime(2027, 1, 1, 1)),
        ),
    )
    assert last_date(once) == "2027-01-01"
    weekly = replace(once, weekly=(WeeklyRule(0, time(10)),))
    assert last_date(weekly) == ""
    assert last_date(replace(weekly, valid_until=date(2027, 5, 31))) == "2027-05-31"
