"""The import command, USB stick listing, https feeds and the feed refresher."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import pytest

from kiosk.catalog.import_cli import (
    FeedRefresher,
    Loader,
    add_parser,
    import_source,
    list_importable_files,
    load_source,
    run,
)
from kiosk.catalog.importers import ParseResult
from kiosk.settings import Settings
from kiosk.store.db import Store
from kiosk.store.event_log import EventLog

DATA = Path(__file__).parent / "data"
PAGES = json.loads((DATA / "linkedevents.json").read_text(encoding="utf-8"))
FEED = "https://api.example.fi/linkedevents/v1/event/?include=location,keywords"


def parse_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers())
    return parser.parse_args(argv)


def ids(store: Store) -> set[str]:
    return {r["id"] for r in store.db()["activities"].rows}


def test_import_command_dry_run_then_apply(capsys: pytest.CaptureFixture[str]) -> None:
    store, events = Store(None), EventLog(None)
    path = str(DATA / "kohtaamispaikka-bom.csv")
    args = parse_args("import", path, "--dry-run")
    assert args.handler is run
    assert run(args, Settings(), store, events) == 0
    out = capsys.readouterr().out
    assert "3 added" in out and "Dry run: nothing was changed." in out
    assert ids(store) == set()
    assert run(parse_args("import", path), Settings(), store, events) == 0
    assert len(ids(store)) == 3
    assert events.recent()[0].kind == "import"


def test_import_command_lists_every_error_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(None)
    code = run(
        parse_args("import", str(DATA / "toiminta-virhe.csv")), Settings(), store, EventLog(None)
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "error: toiminta-virhe.csv, row 3, column 'valid_from'" in out
    assert "error: toiminta-virhe.csv, row 4, column 'times'" in out
    assert "Nothing was changed." in out and ids(store) == set()


def test_missing_file_and_network_off(capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(None)
    assert run(parse_args("import", "/nonexistent/x.csv"), Settings(), store, EventLog(None)) == 1
    assert run(parse_args("import", FEED), Settings(), store, EventLog(None)) == 1
    assert "allow_url_import" in capsys.readouterr().out


class FakeFeed:
    """Serves pages by URL; an exception instance is raised instead."""

    def __init__(self, bodies: dict[str, bytes | Exception]) -> None:
        self.bodies = bodies
        self.asked: list[str] = []

    def __call__(self, url: str, timeout: float, max_bytes: int) -> bytes:
        self.asked.append(url)
        body = self.bodies[url]
        if isinstance(body, Exception):
            raise body
        return body


def in_process(feed: FakeFeed) -> Loader:
    """Read through ``feed`` in this process (the import process's own code path)."""

    def load(source: str, settings: Settings, source_name: str | None) -> tuple[str, ParseResult]:
        return load_source(source, settings, fetch=feed, source_name=source_name)

    return load


def paged_feed() -> FakeFeed:
    first = dict(PAGES[0], meta={"next": FEED + "&page=2"})
    return FakeFeed(
        {FEED: json.dumps(first).encode(), FEED + "&page=2": json.dumps(PAGES[1]).encode()}
    )


def test_url_follows_meta_next() -> None:
    feed = paged_feed()
    name, result = load_source(FEED, Settings(), fetch=feed, today=date(2026, 9, 1))
    assert name == FEED and result.problems == []
    assert len(feed.asked) == 2
    assert [a.id for a in result.activities] == ["helsinki:agsarja01", "helsinki:agkons01"]


def test_url_page_limit_and_other_hosts_refused() -> None:
    settings = Settings().replace(catalog={"max_pages": 1})
    _, result = load_source(FEED, settings, fetch=paged_feed())
    assert "more than 1 pages" in str(result.problems[0])
    evil = FakeFeed(
        {FEED: json.dumps({"meta": {"next": "https://evil.example/"}, "data": []}).encode()}
    )
    _, result = load_source(FEED, Settings(), fetch=evil)
    assert "leads elsewhere" in str(result.problems[0])
    _, result = load_source("http://x.fi/a.ics", Settings(), fetch=evil)
    assert "only https" in str(result.problems[0])


def refresher(store: Store, events: EventLog, feed: FakeFeed) -> FeedRefresher:
    settings = Settings().replace(catalog={"feed_url": FEED})
    return FeedRefresher(settings, store, events, load=in_process(feed))


@pytest.mark.parametrize(
    "failure",
    [
        TimeoutError("timed out"),
        b"<html>502 Bad Gateway</html>",
        b'{"data": "nope"}',
        b"\xff\xfe",
    ],
)
def test_a_failing_feed_keeps_the_catalogue_and_is_logged(failure: bytes | Exception) -> None:
    store, events = Store(None), EventLog(None)
    refresher(store, events, paged_feed()).refresh_once()
    before = ids(store)
    assert len(before) == 2
    p = refresher(store, events, FakeFeed({FEED: failure})).refresh_once()
    assert p is not None and p.errors and not p.applied
    assert ids(store) == before
    warning = events.recent()[0]
    assert warning.level == "warning" and "catalogue kept" in warning.message


def test_refresher_skips_while_offline_and_stops() -> None:
    store, events = Store(None), EventLog(None)
    feed = paged_feed()
    settings = Settings().replace(catalog={"feed_url": FEED})
    offline = FeedRefresher(settings, store, events, load=in_process(feed), online=lambda: False)
    assert offline.refresh_once() is None and feed.asked == []
    r = FeedRefresher(settings, store, events, load=in_process(feed))
    r.start()
    r.stop()
    assert r._thread is None


def test_list_importable_files(tmp_path: Path) -> None:
    stick = tmp_path / "media" / "kiosk" / "USB"
    (stick / "kansio").mkdir(parents=True)
    (stick / ".Trash-1000").mkdir()
    for name in ("toiminta.csv", "TAPAHTUMAT.ICS", "kuva.jpg", ".piilo.csv"):
        (stick / name).write_text("x")
    (stick / "kansio" / "taulukko.xlsx").write_text("x")
    (stick / ".Trash-1000" / "vanha.csv").write_text("x")
    deep = stick / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "liian-syvalla.csv").write_text("x")
    found = list_importable_files([tmp_path / "media", tmp_path / "missing"])
    assert [p.relative_to(stick).as_posix() for p in found] == [
        "TAPAHTUMAT.ICS",
        "toiminta.csv",
        "kansio/taulukko.xlsx",
    ]


def test_import_source_from_an_allowed_feed_for_the_staff_screen() -> None:
    store, events = Store(None), EventLog(None)
    settings = Settings().replace(catalog={"allow_url_import": True})
    feed = in_process(paged_feed())
    dry = import_source(FEED, settings, store, events, dry_run=True, load=feed)
    assert len(dry.added) == 2 and not dry.applied and ids(store) == set()
    done = import_source(FEED, settings, store, events, load=in_process(paged_feed()))
    assert done.applied and ids(store) == {"helsinki:agsarja01", "helsinki:agkons01"}
    off = import_source(FEED, Settings(), store, events, load=feed)
    assert "allow_url_import" in str(off.errors[0])


def test_a_renamed_file_can_keep_its_source(tmp_path: Path) -> None:
    store, events = Store(None), EventLog(None)
    first = tmp_path / "toiminta.csv"
    first.write_bytes((DATA / "kohtaamispaikka-bom.csv").read_bytes())
    assert run(parse_args("import", str(first)), Settings(), store, events) == 0
    renamed = tmp_path / "toiminta (2).csv"
    renamed.write_bytes(first.read_bytes())
    args = parse_args("import", str(renamed), "--source", "toiminta.csv")
    assert run(args, Settings(), store, events) == 0
    assert len(ids(store)) == 3
    sources = {r["source"] for r in store.db()["activities"].rows}
    assert sources == {"toiminta.csv"}


def test_refresh_imports_the_card_file_once_per_content(tmp_path: Path) -> None:
    from kiosk.catalog.import_cli import refresh_catalogue

    card_file = tmp_path / "catalogue.csv"
    card_file.write_bytes((DATA / "kohtaamispaikka-bom.csv").read_bytes())
    settings = Settings().replace(catalog={"import_file": str(card_file)})
    store, events = Store(None), EventLog(None)
    nothing = in_process(FakeFeed({}))
    said: list[str] = []
    assert refresh_catalogue(settings, store, events, load=nothing, out=said.append)
    first = ids(store)
    assert len(first) == 3 and any("added" in line for line in said)
    # The same file again (every boot, every hour): nothing is imported again.
    said.clear()
    assert refresh_catalogue(settings, store, events, load=nothing, out=said.append)
    assert said == [f"{card_file}: already imported"]
    # A coordinator puts a new file on the card: it replaces the old one's activities.
    rows = (DATA / "kohtaamispaikka-bom.csv").read_text(encoding="utf-8-sig").splitlines()
    card_file.write_text("\n".join(rows[:2]) + "\n", encoding="utf-8")
    assert refresh_catalogue(settings, store, events, load=nothing, out=said.append)
    assert len(ids(store)) == 1 and ids(store) < first


def test_refresh_names_the_allow_list_when_the_sandbox_refuses_the_feed() -> None:
    from kiosk.catalog.import_cli import refresh_catalogue

    refused = PermissionError(1, "Operation not permitted")
    settings = Settings().replace(catalog={"feed_url": FEED})
    store, events = Store(None), EventLog(None)
    said: list[str] = []
    ok = refresh_catalogue(
        settings, store, events, load=in_process(FakeFeed({FEED: refused})), out=said.append
    )
    assert not ok and "not refreshed" in said[-1]
    warning = events.recent()[0].message
    assert "Operation not permitted" in warning and "[catalog] feed_addresses" in warning
