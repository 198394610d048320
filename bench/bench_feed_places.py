"""A Linked Events feed whose places are only referenced: what looking them up costs.

    .venv/bin/python bench/bench_feed_places.py [EVENTS] [PLACES] [--latency-ms MS]

A local https server (a self-signed certificate the import process is told to
trust) plays the API: EVENTS events in pages of 100 (``meta.next``), naming PLACES
different places, and the place endpoint, which answers each request after
``--latency-ms`` (a real API over the internet takes some tens to hundreds of ms).
The feed is imported through the import process exactly as the kiosk does
(kiosk.catalog.isolated.run_isolated), three ways:

* ``embedded``: the feed asked with ``include=location`` (every event carries its
  place; no lookups) — the way the guide recommends;
* ``references``: the API's default shape, each place looked up from the server;
* ``references, limit 50``: the same with ``[catalog] max_place_lookups = 50``.

For each it prints the wall-clock time of the whole import, the import process's
peak memory and processor time, how many place requests the server answered, how
many activities came out with a place, and the warnings. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.catalog.importers.settle import has_place
from kiosk.catalog.isolated import run_isolated
from kiosk.settings import Settings
from tests.hostile_paths import self_signed

PAGE_SIZE = 100
TODAY = date(2026, 9, 1)


def event(i: int, places: int, base: str, embedded: bool) -> dict[str, Any]:
    place_id = f"{base}/v1/place/tprek:{i % places}/"
    location: dict[str, Any] = {"@id": place_id}
    if embedded:
        location.update(place(i % places, base))
    return {
        "@id": f"{base}/v1/event/bench:{i}/",
        "id": f"bench:{i}",
        "name": {"fi": f"Tapahtuma {i}", "sv": f"Tapahtuma {i}"},
        "description": {"fi": f"<p>Kuvaus {i}</p>"},
        "location": location,
        "offers": [{"is_free": i % 2 == 0}],
        "in_language": [{"@id": f"{base}/v1/language/fi/"}],
        "start_time": f"2026-10-{1 + i % 28:02d}T10:00:00Z",
        "end_time": f"2026-10-{1 + i % 28:02d}T12:00:00Z",
        "event_status": "EventScheduled",
    }


def place(n: int, base: str) -> dict[str, Any]:
    return {
        "@id": f"{base}/v1/place/tprek:{n}/",
        "id": f"tprek:{n}",
        "name": {"fi": f"Paikka {n}", "sv": f"Plats {n}"},
        "street_address": {"fi": f"Katu {n}"},
        "address_locality": {"fi": "Helsinki"},
    }


class Api:
    def __init__(self, events: int, places: int, latency: float) -> None:
        self.events, self.places, self.latency = events, places, latency
        self.base = ""
        self.asked: Counter[str] = Counter()

    def answer(self, path: str) -> tuple[int, bytes]:
        route, _, query = path.partition("?")
        if route == "/v1/event/":
            args = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
            number = int(args.get("page", "1"))
            embedded = args.get("include") == "location"
            first = (number - 1) * PAGE_SIZE
            last = min(first + PAGE_SIZE, self.events)
            more = last < self.events
            following = f"{self.base}/v1/event/?{query.replace(f'page={number}', '')}"
            page = {
                "meta": {"next": f"{following}&page={number + 1}" if more else None},
                "data": [event(i, self.places, self.base, embedded) for i in range(first, last)],
            }
            self.asked["event"] += 1
            return 200, json.dumps(page).encode()
        if route.startswith("/v1/place/tprek:"):
            self.asked["place"] += 1
            time.sleep(self.latency)
            n = int(route.rstrip("/").rsplit(":", 1)[1])
            return 200, json.dumps(place(n, self.base)).encode()
        return 404, b"{}"


def serve(api: Api, folder: Path) -> ThreadingHTTPServer:
    cert, key = self_signed(folder)
    os.environ["SSL_CERT_FILE"] = str(cert)  # the import process trusts only this

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = api.answer(self.path)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    api.base = f"https://127.0.0.1:{server.server_address[1]}"
    return server


def run(api: Api, query: str, settings: Settings) -> dict[str, Any]:
    api.asked.clear()
    started = time.monotonic()
    outcome = run_isolated(f"{api.base}/v1/event/?{query}page=1", settings, today=TODAY)
    wall = time.monotonic() - started
    result = outcome.result
    return {
        "wall s": round(wall, 2),
        "child MB": round(outcome.peak_kb / 1024, 1),
        "child cpu s": round(outcome.cpu_seconds, 2),
        "place requests": api.asked["place"],
        "with a place": f"{sum(has_place(a) for a in result.activities)}/{len(result.activities)}",
        "errors": len(result.problems),
        "warnings": len(result.warnings),
        "first message": " ".join(str(p) for p in (result.problems or result.warnings)[:1])[:160],
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("events", type=int, nargs="?", default=1000)
    parser.add_argument("places", type=int, nargs="?", default=150)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        api = Api(args.events, args.places, args.latency_ms / 1000)
        server = serve(api, Path(tmp))
        settings = Settings().replace(kiosk={"data_dir": tmp})
        limited = settings.replace(catalog={"max_place_lookups": 50})
        print(
            f"{args.events} events, {args.places} places, place endpoint answers after "
            f"{args.latency_ms:g} ms, pages of {PAGE_SIZE}"
        )
        rows = [
            ("embedded (include=location)", run(api, "include=location&", settings)),
            ("references", run(api, "", settings)),
            ("references, limit 50", run(api, "", limited)),
        ]
        server.shutdown()
    names = [n for n in rows[0][1] if n != "first message"]
    print("| feed | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for label, figures in rows:
        print(f"| {label} | " + " | ".join(str(figures[n]) for n in names) + " |")
    for label, figures in rows:
        if figures["first message"]:
            print(f"{label}: {figures['first message']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
