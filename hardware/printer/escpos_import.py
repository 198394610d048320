"""Importing python-escpos without its side effects.

escpos 3.1 calls ``logging.basicConfig()`` at import (a second root handler that
duplicates every log line) and evaluates ``mkdtemp()`` for its capabilities
pickle directory (one stray /tmp directory per process). We import it once,
lazily, with the root logger looking configured (so basicConfig does nothing) and
with escpos' eager ``mkdtemp()`` default answered by one fixed cache folder, so
no stray directory is left per process. escpos writes its pickle there in place on
the first import, so processes import it one at a time (a lock file beside the
pickle): another process reading the half-written file fails with EOFError.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sys
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
        real_mkdtemp = tempfile.mkdtemp

        def mkdtemp(*args: Any, **kwargs: Any) -> str:
            # Only escpos.capabilities' eager default gets the cache folder; any
            # other caller (another thread) gets a real temporary directory.
            if sys._getframe(1).f_globals.get("__name__") == "escpos.capabilities":
                return str(cache)
            return str(real_mkdtemp(*args, **kwargs))

        # escpos binds it at import with "from tempfile import mkdtemp".
        tempfile.mkdtemp = mkdtemp  # type: ignore[assignment]
        try:
            with open(cache / "import.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
                import escpos.capabilities
                import escpos.printer
        finally:
            tempfile.mkdtemp = real_mkdtemp
            if placeholder is not None:
                root.removeHandler(placeholder)
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
