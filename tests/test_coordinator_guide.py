"""docs/coordinator-guide.md, followed literally: every command in a block marked
``sh guide`` runs, in order, in a coordinator's folder, against a small stand-in
golden image, a hub of its own and a loop device standing in for the SD card.

What stands in for what is the whole list of substitutions below (substitute); the
commands are otherwise run as written, so the guide cannot drift from the code. A
command that fails fails the test with its output.
"""

from __future__ import annotations

import lzma
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from provisioning import image
from tests.test_provisioning import make_golden, missing

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "coordinator-guide.md"
BLOCK = re.compile(r"^[ \t]*```sh guide\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
PASSWORD = "a long enough password"


def guide_commands(text: str) -> list[str]:
    """The guide's marked commands, in order; a line ending in \\ continues."""
    commands = []
    for block in BLOCK.findall(text):
        joined = re.sub(r"\\\n\s*", "", block)
        commands += [line.strip() for line in joined.splitlines() if line.strip()]
    return commands


def test_the_guide_has_its_commands() -> None:
    commands = guide_commands(GUIDE.read_text(encoding="utf-8"))
    assert any(c.startswith("kiosk-provision ") for c in commands)
    assert any("--device /dev/sdX" in c for c in commands)
    assert any(c.startswith("kiosk-hub enroll") for c in commands)


@pytest.fixture
def card(tmp_path: Path) -> Iterator[str]:
    """A loop device on a sparse file: an SD card the guide's root command may erase."""
    if os.geteuid() != 0 or shutil.which("losetup") is None:
        pytest.skip("writing a card needs root and losetup (loop devices)")
    backing = tmp_path / "sd-card.bin"
    with backing.open("wb") as fh:
        fh.truncate(128 * 1024 * 1024)
    made = subprocess.run(["losetup", "-f", "--show", str(backing)],
                          capture_output=True, text=True, check=False)  # fmt: skip
    if made.returncode != 0:
        pytest.skip(f"no loop device here: {made.stderr.strip()}")
    device = made.stdout.strip()
    try:
        yield device
    finally:
        subprocess.run(["losetup", "-d", device], check=False)


@pytest.mark.skipif(bool(missing), reason=f"missing {', '.join(missing)}")
def test_the_coordinator_guide_runs_as_written(tmp_path: Path, card: str) -> None:
    folder = tmp_path / "coordinator"
    folder.mkdir()
    (folder / "kiosk").symlink_to(REPO)  # "your copy of this project"
    golden = make_golden(tmp_path)
    with (
        golden.open("rb") as src,
        lzma.open(folder / "raspios-kiosk.img.xz", "wb", preset=0) as dst,
    ):
        shutil.copyfileobj(src, dst)
    hub = tmp_path / "hub"
    mounted = tmp_path / "media" / "bootfs"

    def mount_card() -> None:
        """The card, put into a PC: its boot partition's files in a folder."""
        mounted.mkdir(parents=True, exist_ok=True)
        part = image.boot_partition(Path(card))
        for name in ("kiosk.toml", "cmdline.txt"):
            (mounted / name).write_bytes(image.fat_read(Path(card), part, name))

    # Everything that stands in for the coordinator's world, and nothing else.
    substitute = {
        # The card: a loop device; the guide's warning to check it with lsblk holds.
        "/dev/sdX": card,
        # The hub: a database of its own in this test's folder.
        "kiosk-hub ": f"kiosk-hub --data-dir {hub} ",
        # The card's boot partition as a PC mounts it.
        "/media/$USER/bootfs": str(mounted),
        # This test runs as root already.
        'sudo "$(command -v kiosk-provision)"': "kiosk-provision",
    }
    # What a person types when asked.
    answers = {"add-user": f"{PASSWORD}\n{PASSWORD}\n", "--device": "yes\n"}
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "USER": "coordinator",
    }
    ran = []
    for command in guide_commands(GUIDE.read_text(encoding="utf-8")):
        actual = command
        for old, new in substitute.items():
            actual = actual.replace(old, new)
        if str(mounted) in actual:
            mount_card()
        stdin = next((text for key, text in answers.items() if key in command), "")
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", actual],
            cwd=folder,
            input=stdin,
            capture_output=True,
            text=True,
            env=env,
            start_new_session=True,  # no terminal: prompts read the answers above
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"guide command failed: {command}\n{done.stdout}{done.stderr}"
        ran.append((command, done.stdout))
    # What the guide says these commands leave behind.
    cards = folder / "cards"
    assert sorted(p.name for p in cards.iterdir()) == [
        "enrollment-k-000003.json",
        "enrollment.json",
        "k-000001.img",
        "k-000002.img",
        "k-000003.img",
    ]
    provisioned = next(out for command, out in ran if command.startswith("kiosk-provision"))
    assert "columns separated by commas (,)" in provisioned
    assert re.search(r"^k-000002 .* file catalogue\.csv ", provisioned, re.MULTILINE)
    # The card written through the device holds kiosk k-000003, self-test off as step 1 says.
    toml = (mounted / "kiosk.toml").read_text(encoding="utf-8")
    assert 'id = "k-000003"' in toml and "enabled = false" in toml
    # Later changes: the broken card's key is retired at once, a new version's keys are
    # added beside the old ones, which stay accepted until retired.
    said = dict(ran)
    assert "k-000003: key" in said["kiosk-hub replace-key cards/enrollment-k-000003.json"]
    replaced = said["kiosk-hub replace-key cards-new/enrollment.json"]
    assert replaced.startswith("k-000002: key ") and "; retired " in replaced
    upgraded = said["kiosk-hub enroll cards-2027/enrollment.json"]
    assert upgraded.count("still accepted") == 3
    listed = said["kiosk-hub keys k-000002"].splitlines()
    assert sorted(line.split()[2] for line in listed) == ["active", "retired"]
    assert "no refused uploads" in said["kiosk-hub refusals"]
