"""Importing python-escpos without its side effects.

escpos 3.1 calls ``logging.basicConfig()`` at import (a second root handler that
duplicates every log line) and evaluates ``mkdtemp()`` for its capabilities
pickle directory (one stray /tmp directory per process). We import it once,
lazily, with the root logger looking configured (so basicConfig does nothing) and
with the pickle directory pointed at one fixed cache folder; the stray empty
directory from the eager ``mkdtemp()`` default is removed again.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

_lock = threading.Lock()
_modules: dict[str, ModuleType] = {}


def _import() -> dict[str, ModuleType]:
    with _lock:
        if _modules:
            return _modules
        root = logging.getLogger()
        placeholder: logging.Handler | None = None
        if not root.handlers:
            placeholder = logging.NullHandler()
            root.addHandler(placeholder)
        cache = Path(tempfile.gettempdir()) / f"kiosk-escpos-{os.getuid()}"
        cache.mkdir(mode=0o700, exist_ok=True)
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
        before = set(Path(tempfile.gettempdir()).glob("tmp*"))
        try:
            import escpos.capabilities
            import escpos.printer
        finally:
            if placeholder is not None:
                root.removeHandler(placeholder)
        for stray in set(Path(tempfile.gettempdir()).glob("tmp*")) - before:
            if stray.is_dir() and not any(stray.iterdir()):
                stray.rmdir()
        _modules["printer"] = escpos.printer
        _modules["profile"] = escpos.capabilities
        return _modules


def escpos_printer() -> Any:
    """The ``escpos.printer`` module."""
    return _import()["printer"]


def dummy(profile: str) -> Any:
    """A fresh in-memory printer pinned to CP437 that never emits ``ESC t`` itself."""
    return escpos_printer().Dummy(
        profile=profile, magic_encode_args={"encoding": "CP437", "disabled": True}
    )


def known_profile(name: str) -> bool:
    try:
        _import()["profile"].get_profile(name)
    except Exception:
        return False
    return True
