"""Every string the screens can show is in every catalogue, translated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def catalogues() -> list[tuple[Path, Path]]:
    """(mapping file, translations folder) of the core and of each part."""
    pairs = [(ROOT / "babel.cfg", ROOT / "kiosk" / "translations")]
    for cfg in sorted((ROOT / "kiosk").glob("*/babel.cfg")):
        pairs.append((cfg, cfg.parent / "translations"))
    pairs.append((ROOT / "hub" / "babel.cfg", ROOT / "hub" / "translations"))  # the dashboard
    return pairs


@pytest.mark.parametrize("cfg, folder", catalogues(), ids=lambda p: str(p))
def test_every_extracted_string_is_translated(tmp_path: Path, cfg: Path, folder: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(cfg),
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as fh:
        wanted = {m.id for m in read_po(fh) if m.id}
    assert wanted, f"{cfg} extracted nothing"
    for lang in ("fi", "sv"):
        with (folder / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            have = {m.id: m.string for m in read_po(fh) if m.id}
        missing = sorted(str(m) for m in wanted if not have.get(m))
        assert not missing, f"{folder}/{lang}: missing or untranslated {missing[:5]}"
