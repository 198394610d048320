"""Style sheets and scripts: addressed by their content, kept by the browser."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from flask import Flask, url_for
from flask.testing import FlaskClient

from kiosk.web.assets import YEAR, digest

STATIC = Path(__file__).resolve().parent.parent / "kiosk" / "static"


def test_pages_name_their_assets_by_content_and_the_browser_keeps_them(
    client: FlaskClient,
) -> None:
    for path in ("/", "/activities", "/activities/demo-001", "/selftest"):
        html = client.get(path).get_data(as_text=True)
        refs = re.findall(r'(?:href|src)="(/static/([^"?]+)\?v=([0-9a-f]+))"', html)
        assert any(name == "kiosk.css" for _, name, _ in refs), path
        for url, name, version in refs:
            content = (STATIC / name).read_bytes()
            assert version == hashlib.sha256(content).hexdigest()[:10]
            with client.get(url) as r:
                assert r.status_code == 200 and r.data == content
                assert r.cache_control.max_age == YEAR


def test_an_address_without_its_version_is_revalidated(client: FlaskClient) -> None:
    with client.get("/static/kiosk.css") as r:
        assert r.status_code == 200
        assert r.cache_control.no_cache and not r.cache_control.max_age
        tag = r.headers["ETag"]
    with client.get("/static/kiosk.css", headers={"If-None-Match": tag}) as again:
        assert again.status_code == 304


def test_a_changed_file_gets_a_new_address(tmp_path: Path) -> None:
    f = tmp_path / "kiosk.css"
    f.write_text("body { color: black; }")
    first = digest(f)
    f.write_text("body { color: white; }")
    os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 1_000_000_000))
    assert digest(f) != first and digest(f) == hashlib.sha256(f.read_bytes()).hexdigest()[:10]
    assert digest(tmp_path / "gone.css") == ""


def test_every_static_address_the_app_makes_is_versioned(app: Flask) -> None:
    with app.test_request_context():
        assert re.fullmatch(
            r"/static/staff\.js\?v=[0-9a-f]{10}", url_for("static", filename="staff.js")
        )
