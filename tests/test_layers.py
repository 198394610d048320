"""The import rules of docs/architecture.md hold, and the check that enforces them can fail.

The rules are import-linter contracts in pyproject.toml: hardware/ imports neither
the kiosk nor the hub; the hub imports from the kiosk only kiosk.shared, which
imports nothing else from the kiosk; the kiosk never imports the hub; the core
imports no views, services or Flask; the kiosk's parts depend one way (layers).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# One import that breaks each contract, written into a copy of the sources.
VIOLATIONS = {
    "hardware/ imports neither the kiosk nor the hub": (
        "hardware/printer/violation.py",
        "from kiosk.settings import PrinterSection",
        "hardware.printer.violation -> kiosk.settings",
    ),
    "the hub imports from the kiosk only kiosk.shared": (
        "hub/violation.py",
        "from kiosk.app import create_app",
        "hub.violation -> kiosk.app",
    ),
    "kiosk.shared imports nothing else from the kiosk, nor the hub or hardware": (
        "kiosk/shared/violation.py",
        "from kiosk.tally import Tally",
        "kiosk.shared.violation -> kiosk.tally",
    ),
    "the kiosk never imports the hub": (
        "kiosk/upload/violation.py",
        "from hub.ingest import ingest",
        "kiosk.upload.violation -> hub.ingest",
    ),
    "the core imports no web, staff or device views, no services and no Flask": (
        "kiosk/catalog/violation.py",
        "from flask import current_app",
        "kiosk.catalog.violation -> flask",
    ),
    "the kiosk's parts depend one way: each layer imports only the layers below it": (
        "kiosk/store/violation.py",
        "from kiosk.catalog.store import Catalog",
        "kiosk.store.violation -> kiosk.catalog.store",
    ),
}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_import_rules_hold() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(VIOLATIONS)} kept, 0 broken." in result.stdout


def test_each_rule_refuses_an_import_that_breaks_it(tmp_path: Path) -> None:
    for package in ("kiosk", "hardware", "hub"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for path, line, _ in VIOLATIONS.values():
        (tmp_path / path).write_text(f'"""A deliberate violation."""\n\n{line}\n')

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    out = result.stdout
    assert f"Contracts: 0 kept, {len(VIOLATIONS)} broken." in out, out
    for name, (_, _, shown) in VIOLATIONS.items():
        assert f"{name} BROKEN" in out
        assert shown in out, (name, out)
