"""The golden-image recipe: shell scripts pass shellcheck; the pi-gen stage's host
steps, run against a stand-in root file system, install what the appliance needs.

The chroot steps (venv, user, initramfs) need an arm64 Raspberry Pi OS root and
are checked by shellcheck only; docs/appliance.md says how the image is tested.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STAGE = REPO / "provisioning" / "pi-gen" / "stage-kiosk"
SCRIPTS = sorted({*REPO.glob("provisioning/**/*.sh"), *REPO.glob("scripts/*.sh")})


def test_there_are_scripts() -> None:
    names = {p.name for p in SCRIPTS}
    assert {"build.sh", "add-data-partition.sh", "00-run.sh", "01-run-chroot.sh"} <= names


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_shellcheck(script: Path) -> None:
    result = subprocess.run(
        ["shellcheck", "--external-sources", str(script)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


CMDLINE = (
    "console=serial0,115200 console=tty1 root=PARTUUID=1234-02 rootfstype=ext4 "
    "fsck.repair=yes rootwait quiet init=/usr/lib/raspberrypi-sys-mods/firstboot\n"
)


@pytest.fixture
def rootfs(tmp_path: Path) -> Path:
    root = tmp_path / "rootfs"
    (root / "boot" / "firmware").mkdir(parents=True)
    (root / "etc").mkdir()
    (root / "boot" / "firmware" / "cmdline.txt").write_text(CMDLINE)
    (root / "boot" / "firmware" / "config.txt").write_text("[all]\nauto_initramfs=1\n")
    (root / "etc" / "fstab").write_text("proc /proc proc defaults 0 0\n")
    return root


def run_step(step: str, rootfs: Path, tmp_path: Path) -> None:
    workdir = tmp_path / step
    if not workdir.exists():
        shutil.copytree(STAGE / step, workdir)
    subprocess.run(
        ["bash", "-e", "00-run.sh"],
        cwd=workdir,
        env={"ROOTFS_DIR": str(rootfs), "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"},
        check=True,
        capture_output=True,
        timeout=60,
    )


def source_tarball(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(target, "w:gz") as tar:
        for name in ("kiosk", "systemd", "pyproject.toml"):
            tar.add(
                REPO / name, arcname=name, filter=lambda i: None if "__pycache__" in i.name else i
            )
        templates = tarfile.TarInfo("templates")
        templates.type = tarfile.DIRTYPE
        templates.mode = 0o755
        tar.addfile(templates)


def test_stage_host_steps_install_the_appliance(rootfs: Path, tmp_path: Path) -> None:
    shutil.copytree(STAGE / "01-app", tmp_path / "01-app")
    source_tarball(tmp_path / "01-app" / "files" / "kiosk-src.tar.gz")
    run_step("01-app", rootfs, tmp_path)
    assert (rootfs / "opt/kiosk/app/kiosk/bootconfig.py").is_file()

    # Twice: the steps must not add their lines again when re-run.
    run_step("02-system", rootfs, tmp_path)
    run_step("02-system", rootfs, tmp_path)

    units = rootfs / "etc/systemd/system"
    for unit in (REPO / "systemd").glob("*.service"):
        assert (units / unit.name).read_text() == unit.read_text()
    assert (units / "kiosk-upload.timer").is_file()
    assert (rootfs / "etc/systemd/system.conf.d/kiosk-watchdog.conf").is_file()
    assert (rootfs / "etc/systemd/journald.conf.d/kiosk.conf").is_file()
    assert (rootfs / "usr/local/sbin/kiosk-growdata").stat().st_mode & 0o111

    fstab = (rootfs / "etc/fstab").read_text()
    assert fstab.count("LABEL=kioskdata /var/lib/kiosk ext4") == 1

    cmdline = (rootfs / "boot/firmware/cmdline.txt").read_text()
    assert cmdline.count("\n") == 1
    assert cmdline.count("overlayroot=tmpfs:recurse=0") == 1
    assert "firstboot" not in cmdline
    assert "root=PARTUUID=1234-02" in cmdline and "fsck.repair=yes" in cmdline

    config = (rootfs / "boot/firmware/config.txt").read_text()
    assert config.count("dtparam=watchdog=on") == 1
