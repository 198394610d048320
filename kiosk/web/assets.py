"""Style sheets and scripts the browser keeps: their addresses name their content.

Every ``url_for('static', ...)`` gets ``?v=`` and the first characters of the
file's SHA-256, and a request carrying it is answered with a year's max-age.
Without this each tap revalidated kiosk.css and kiosk.js (a request each to the
server, which the first paint waited for); with it a new release's files have new
addresses, so a kiosk never shows an old style sheet. A request without ``v``
is revalidated as before.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from flask import Flask, request

YEAR = 365 * 24 * 3600

_lock = threading.Lock()
# path -> (modification time, digest): a file changed on disk gets a new address.
_digests: dict[Path, tuple[int, str]] = {}


def digest(path: Path) -> str:
    """The first ten hex digits of the file's SHA-256; '' for a file that is not there."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return ""
    with _lock:
        known = _digests.get(path)
    if known is not None and known[0] == mtime:
        return known[1]
    value = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    with _lock:
        _digests[path] = (mtime, value)
    return value


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder or "")

    @app.url_defaults
    def _versioned(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = digest(folder / str(values["filename"]))
            if version:
                values["v"] = version

    revalidate = app.get_send_file_max_age

    def max_age(filename: str | None) -> int | None:
        if request.args.get("v"):
            return YEAR
        return revalidate(filename)

    app.get_send_file_max_age = max_age  # type: ignore[method-assign]
