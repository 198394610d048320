"""Write kiosk/selftest/official.json from official pack files (THL's forms, unchanged).

    .venv/bin/python scripts/make_official_registry.py kiosk/selftest/packs/*.json

Only for a form THL has published: the registry is what makes a pack "official".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.selftest.packs import load
from kiosk.selftest.registry import OFFICIAL_FILE, entry


def main(paths: list[str]) -> int:
    packs = sorted((load(Path(p)) for p in paths), key=lambda p: p.id)
    text = json.dumps({p.id: entry(p) for p in packs}, indent=2, ensure_ascii=False) + "\n"
    OFFICIAL_FILE.write_text(text, encoding="utf-8")
    print(f"{OFFICIAL_FILE}: {len(packs)} official form(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
