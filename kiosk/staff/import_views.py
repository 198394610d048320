"""Import the activity catalogue from a USB stick: list, preview (dry run), apply.

Only a file that is on the list of importable files found on mounted sticks
(``[catalog] media_roots``) at the time of the request can be read: the form's
path is matched against that list, never opened as given. The file is read in
the separate import process (kiosk.catalog.isolated), like every import.
"""

from __future__ import annotations

from pathlib import Path

from flask import render_template, request
from flask.typing import ResponseReturnValue

from kiosk.catalog.import_cli import import_source, list_importable_files
from kiosk.catalog.store import Catalog
from kiosk.context import services
from kiosk.staff.views import bp

MAX_SHOWN = 20


def _files() -> list[Path]:
    return list_importable_files(Path(root) for root in services().settings.catalog.media_roots)


def _chosen() -> Path | None:
    wanted = request.form.get("path", "")
    return next((f for f in _files() if str(f) == wanted), None)


@bp.get("/import")
def usb_import() -> ResponseReturnValue:
    return render_template("staff/import.html", files=_files())


@bp.post("/import/preview")
def import_preview() -> ResponseReturnValue:
    return _run(dry_run=True)


@bp.post("/import/apply")
def import_apply() -> ResponseReturnValue:
    return _run(dry_run=False)


def _run(*, dry_run: bool) -> ResponseReturnValue:
    svc = services()
    path = _chosen()
    if path is None:
        return render_template("staff/import.html", files=_files(), gone=True), 404
    result = import_source(str(path), svc.settings, svc.store, svc.events, dry_run=dry_run)
    if result.applied and isinstance(svc.catalog, Catalog):
        svc.catalog.reload()
    return render_template(
        "staff/import_preview.html",
        path=path,
        preview=result,
        dry_run=dry_run,
        errors=[str(e) for e in result.errors[:MAX_SHOWN]],
        skipped=[str(s) for s in result.skipped[:MAX_SHOWN]],
        warnings=[str(w) for w in result.warnings[:MAX_SHOWN]],
    )
