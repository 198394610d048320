"""Kiosk web benchmark: prints the figures of the foundation.

With 1,000 activities in the catalogue and ``kiosk serve`` (waitress) running:

* seconds from starting ``kiosk serve`` to the first 200 response;
* for the public pages (start, lists, one activity): requests per second, p50/p95/p99
  latency and the server's CPU time per request (the process's user + system
  seconds over the requests it answered) with 8 concurrent keep-alive clients for
  --seconds (default 20) each, then with one client (one visitor at a time, the
  real load of a kiosk), and with one client asking a new address each time, so
  that nothing comes from the page cache (a visitor's first look at a page). CPU
  per request is the figure that carries to a slower machine: multiply by that
  machine's factor (docs/performance.md);
* resident memory of the server after 1,000 and after 10,000 requests (the four
  pages in turn, so growth is not first-use of a page);
* bytes of the start screen with all its assets.

Client and server share this machine's cores, so the figures are a floor for a
dedicated server. The client keeps the session cookie, as the kiosk's browser does.
Usage: ``.venv/bin/python bench/bench_web.py [--seconds 20]``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kiosk.catalog.model import Activity, WeeklyRule  # noqa: E402
from kiosk.settings import Settings  # noqa: E402
from kiosk.store.db import Store  # noqa: E402
from tests.serve_support import free_port  # noqa: E402

PAGES = ("/", "/activities", "/activities?when=today", "/activities/bench-0042")
CATEGORIES = ["meeting-places", "peer-groups", "volunteering", "culture-crafts", "digital-help"]


def make_catalogue(data_dir: Path, count: int) -> None:
    store = Store(data_dir / "kiosk.db")
    rows = []
    for i in range(count):
        activity = Activity(
            id=f"bench-{i:04}",
            title={"fi": f"Toiminta {i}", "sv": f"Verksamhet {i}", "en": f"Activity {i}"},
            description={"fi": "Tervetuloa mukaan. Ei ilmoittautumista. " * 2},
            categories=(CATEGORIES[i % len(CATEGORIES)],),
            place=f"Paikka {i % 37}",
            address=f"Kauppakatu {i % 90 + 1}",
            organiser="Järvilinnan kaupunki",
            contact="040 000 0000",
            free=i % 3 != 0,
            price={} if i % 3 else {"fi": "2 €"},
            languages=("fi", "en") if i % 4 == 0 else ("fi",),
            url=f"https://example.fi/toiminta/{i}",
            weekly=(WeeklyRule(i % 7, dtime(8 + i % 10), dtime(9 + i % 10)),),
        )
        rows.append(
            {
                "id": activity.id,
                "data": activity.to_json(),
                "source": "bench",
                "last_date": "",
                "updated_at": datetime.now().isoformat(),
            }
        )
    with store.write() as db:
        db.table("activities").insert_all(rows, pk="id")
        db.table("meta").upsert({"key": "catalog_source", "value": "bench"}, pk="key")
    store.close()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """The process's CPU time so far, all threads, user + system (proc(5) stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Visit:
    """One client's session cookie, sent back as a browser does: without it every
    request would begin a new visit (and count one), which no kiosk browser does."""

    def __init__(self) -> None:
        self.cookie = ""

    def get(self, conn: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
        conn.request("GET", path, headers={"Cookie": self.cookie} if self.cookie else {})
        resp = conn.getresponse()
        resp.read()
        set_cookie = resp.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return resp


def hammer(
    port: int, path: str, seconds: float, clients: int, cold: bool = False
) -> tuple[int, list[float]]:
    """Requests for ``seconds``; ``cold``: each to an address never asked before (a
    parameter the page ignores), so no rendered part comes from the page cache."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    stop = time.monotonic() + seconds
    serial = itertools.count()

    def worker(out: list[float]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        visit = Visit()
        while time.monotonic() < stop:
            n = next(serial)
            address = f"{path}{'&' if '?' in path else '?'}cold={n}" if cold else path
            t0 = time.perf_counter()
            resp = visit.get(conn, address)
            out.append(time.perf_counter() - t0)
            if resp.status != 200:
                raise SystemExit(f"{path}: HTTP {resp.status}")
        conn.close()

    threads = [threading.Thread(target=worker, args=(latencies[i],)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    flat = [x for part in latencies for x in part]
    return len(flat), flat


def requests(port: int, paths: tuple[str, ...], n: int) -> None:
    """``n`` requests, taking the pages in turn (a visitor's mix)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    visit = Visit()
    for i in range(n):
        visit.get(conn, paths[i % len(paths)])
    conn.close()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def page_bytes(port: int) -> tuple[int, dict[str, int]]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/")
    html = conn.getresponse().read()
    sizes = {"/": len(html)}
    for ref in re.findall(rb'(?:href|src)="(/static/[^"]+)"', html):
        conn.request("GET", ref.decode())
        sizes[ref.decode()] = len(conn.getresponse().read())
    conn.close()
    return sum(sizes.values()), sizes


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument(
        "--threads", type=int, default=0, help="waitress threads (default: the setting)"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        make_catalogue(data, args.activities)
        config = data / "kiosk.toml"
        port = free_port()
        web = f"port = {port}\n" + (f"threads = {args.threads}\n" if args.threads else "")
        config.write_text(f'[kiosk]\ndata_dir = "{data}"\n[web]\n{web}')
        kiosk = ROOT / ".venv" / "bin" / "kiosk"
        t0 = time.perf_counter()
        server = subprocess.Popen(
            [str(kiosk), "serve", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    time.sleep(0.01)
            startup = time.perf_counter() - t0
            threads = args.threads or Settings().web.threads
            print(f"catalogue: {args.activities} activities; server: waitress, {threads} threads")
            print(f"start-up: {startup:.2f} s from `kiosk serve` to the first 200 (goal <= 2 s)")

            total, sizes = page_bytes(port)
            parts = ", ".join(f"{k} {v} B" for k, v in sizes.items())
            print(f"start screen with assets: {total / 1024:.1f} KB ({parts}) (goal <= 100 KB)")

            requests(port, PAGES, 1000)
            rss_1k = rss_kb(server.pid)
            requests(port, PAGES, 9000)
            rss_10k = rss_kb(server.pid)
            print(
                f"resident memory: {rss_1k / 1024:.1f} MB after 1,000 requests, "
                f"{rss_10k / 1024:.1f} MB after 10,000 (growth {(rss_10k - rss_1k) / 1024:.1f} MB; "
                f"goal <= 80 MB, growth <= 5 MB)"
            )

            # 8 clients is the goal's load; one client is a kiosk's real one (one
            # visitor at a time), and shows the time a request itself takes.
            runs = [
                (8, False, "8 concurrent keep-alive clients"),
                (1, False, "1 keep-alive client (one visitor at a time)"),
                (1, True, "1 client, every request a new address (nothing from the page cache)"),
            ]
            for clients, cold, title in runs:
                print(f"{title}, {args.seconds:g} s per page:")
                print(
                    f"  {'page':<28}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
                    f"{'CPU ms/req':>12}"
                )
                for path in PAGES:
                    cpu0 = cpu_seconds(server.pid)
                    count, lat = hammer(port, path, args.seconds, clients, cold)
                    cpu = (cpu_seconds(server.pid) - cpu0) / count * 1000
                    print(
                        f"  {path:<28}{count / args.seconds:>8.0f}{pct(lat, 50):>9.1f}"
                        f"{pct(lat, 95):>9.1f}{pct(lat, 99):>9.1f}{cpu:>12.2f}"
                    )
            print("  (goals: p95 <= 15 ms; server CPU <= 3 ms per public page)")
        finally:
            server.terminate()
            server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
