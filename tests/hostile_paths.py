"""Import every file of a corpus through one of the kiosk's import paths, as the kiosk.

    python -m tests.hostile_paths {command,usb,feed} CORPUS_DIR

Run by tests/test_hostile_imports.py, one process per path. The process first caps
its own address space at AS_CAP_MB: it plays the kiosk, and a parse that ran in
the kiosk's own process again (the 400-byte MINUTELY file once took 900 MB there)
would fail here instead of taking the machine down. ``corpus.json`` in the folder
lists the files and the ``[catalog]`` settings each is imported with.

The catalogue holds a good import first; after each hostile file the runner says
what the path answered and whether the catalogue (database rows and, for the
screens, the snapshot) changed. One JSON line per file on standard output.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import ipaddress
import json
import os
import re
import resource
import shutil
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

AS_CAP_MB = 1024
GOOD = Path(__file__).parent / "data" / "kohtaamispaikka-bom.csv"


def rows(data_dir: Path) -> list[tuple[str, str]]:
    from kiosk.store.db import Store

    store = Store(data_dir / "kiosk.db")
    try:
        found = store.db().execute("SELECT id, data FROM activities ORDER BY id").fetchall()
        return [(str(a), str(b)) for a, b in found]
    finally:
        store.close()


def settings_for(data_dir: Path, catalog: dict[str, Any]) -> Any:
    from kiosk.settings import Settings

    return Settings().replace(kiosk={"data_dir": str(data_dir)}, catalog=catalog)


# --- the command ------------------------------------------------------------------


def by_command(files: list[dict[str, Any]], corpus: Path, work: Path) -> Iterator[dict[str, Any]]:
    from kiosk import cli

    def run(path: Path, catalog: dict[str, Any]) -> tuple[int, str]:
        env = {f"KIOSK_CATALOG_{k.upper()}": str(v) for k, v in catalog.items()}
        env["KIOSK_KIOSK_DATA_DIR"] = str(work)
        saved = dict(os.environ)
        os.environ.update(env)
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                code = cli.main(["import", str(path)])
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return code, out.getvalue()

    code, out = run(GOOD, {})
    assert code == 0, out
    for spec in files:
        before = rows(work)
        code, out = run(corpus / spec["file"], spec["catalog"])
        messages = [line[len("  error: ") :] for line in out.splitlines() if "  error: " in line]
        yield {
            "exit": code,
            "messages": messages,
            "output": out,
            "changed": rows(work) != before,
        }


# --- the staff screen's USB import --------------------------------------------------


def by_usb(files: list[dict[str, Any]], corpus: Path, work: Path) -> Iterator[dict[str, Any]]:
    from kiosk.app import create_app
    from kiosk.catalog.store import Catalog
    from tests.staff_support import sign_in

    media = work / "media"
    stick = media / "kiosk" / "TIKKU"
    stick.mkdir(parents=True)
    shutil.copy(GOOD, stick / GOOD.name)
    data = work / "data"

    def visit(name: str, catalog: dict[str, Any]) -> tuple[int, str, list[str], list[str]]:
        """Preview, then apply: (status, page, errors listed, activities on screen)."""
        settings = settings_for(data, {**catalog, "media_roots": [str(media)]})
        app = create_app(settings)
        try:
            client = app.test_client()
            form = {"csrf_token": sign_in(app, client), "path": str(stick / name)}
            client.get("/staff/lang/en")
            client.post("/staff/import/preview", data=form)
            answer = client.post("/staff/import/apply", data=form)
            page = answer.get_data(as_text=True)
            listed = re.findall(r'<ul class="problems">(.*?)</ul>', page, re.S)
            errors = re.findall(r"<li>(.*?)</li>", listed[0], re.S) if listed else []
            catalog_now = app.extensions["kiosk"].catalog
            assert isinstance(catalog_now, Catalog)
            shown = sorted(a.id for a in catalog_now.activities)
            return answer.status_code, page, [html.unescape(e) for e in errors], shown
        finally:
            app.extensions["kiosk"].close()

    _, page, _, shown = visit(GOOD.name, {})
    assert "The catalogue was imported." in page, page
    for spec in files:
        shutil.copy(corpus / spec["file"], stick / spec["file"])
        before = rows(data)
        status, page, errors, shown_after = visit(spec["file"], spec["catalog"])
        (stick / spec["file"]).unlink()
        yield {
            "status": status,
            "messages": errors,
            "output": page,
            "changed": rows(data) != before or shown_after != shown,
        }


# --- the feed refresh, from a local https server ------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "feed-cert.pem", folder / "feed-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


def by_feed(files: list[dict[str, Any]], corpus: Path, work: Path) -> Iterator[dict[str, Any]]:
    from kiosk.catalog.import_cli import FeedRefresher
    from kiosk.store.db import Store
    from kiosk.store.event_log import EventLog

    served = work / "served"
    served.mkdir()
    cert, key = self_signed(work)
    # The import process verifies the feed's certificate against this file only.
    os.environ["SSL_CERT_FILE"] = str(cert)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(served)))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"https://127.0.0.1:{server.server_address[1]}/"
    data = work / "data"
    data.mkdir()
    store, events = Store(data / "kiosk.db"), EventLog(data / "events.jsonl")

    def refresh(name: str, catalog: dict[str, Any]) -> Any:
        settings = settings_for(data, {**catalog, "feed_url": base + name})
        return FeedRefresher(settings, store, events).refresh_once()

    try:
        shutil.copy(GOOD, served / GOOD.name)
        first = refresh(GOOD.name, {})
        assert first is not None and first.applied, first
        for spec in files:
            shutil.copy(corpus / spec["file"], served / spec["file"])
            before = rows(data)
            p = refresh(spec["file"], spec["catalog"])
            logged = events.recent(1)
            yield {
                "messages": [str(e) for e in (p.errors if p is not None else [])],
                "output": logged[0].message if logged else "",
                "logged": logged[0].level if logged else "",
                "changed": rows(data) != before,
            }
    finally:
        server.shutdown()
        store.close()
        events.close()


PATHS = {"command": by_command, "usb": by_usb, "feed": by_feed}


def main() -> int:
    path, corpus = sys.argv[1], Path(sys.argv[2])
    cap = AS_CAP_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    files = json.loads((corpus / "corpus.json").read_text())
    work = corpus.parent / f"work-{path}"
    work.mkdir()
    answers = PATHS[path](files, corpus, work)
    for spec in files:
        started = time.monotonic()
        answer = next(answers)
        answer.update(file=spec["file"], seconds=round(time.monotonic() - started, 2))
        print(json.dumps(answer), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
