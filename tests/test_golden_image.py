"""The golden-image recipe: shell scripts pass shellcheck; the pi-gen stage's host
steps, run against a stand-in root file system, install what the appliance needs,
and what can be read without booting is checked there: units installed and enabled
(with this machine's systemctl on the stand-in root), packages listed for every
command the units call, overlay, watchdog, clock and quiet boot configured.

The chroot steps (venv, user, initramfs) need a Debian root; ``make chroot-check``
runs them in a debootstrap chroot (root, network, minutes: not in this suite), and
docs/appliance.md says what only a booted Pi can show.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tarfile
import tomllib
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


def installed_root(rootfs: Path, tmp_path: Path) -> Path:
    shutil.copytree(STAGE / "01-app", tmp_path / "01-app")
    source_tarball(tmp_path / "01-app" / "files" / "kiosk-src.tar.gz")
    run_step("01-app", rootfs, tmp_path)
    run_step("02-system", rootfs, tmp_path)
    return rootfs


def has_install_section(unit: Path) -> bool:
    return "[Install]" in unit.read_text()


@pytest.mark.skipif(shutil.which("systemctl") is None, reason="systemctl not installed")
def test_every_unit_with_an_install_section_is_enabled(rootfs: Path, tmp_path: Path) -> None:
    root = installed_root(rootfs, tmp_path)
    listed = (root / "usr/local/share/kiosk/units-enabled").read_text().split()
    wanted = {
        u.name for u in (REPO / "systemd").iterdir() if u.is_file() and has_install_section(u)
    }
    assert set(listed) == wanted
    # What the chroot step does, with this machine's systemctl on the stand-in root.
    done = subprocess.run(["systemctl", f"--root={root}", "enable", *listed],
                          capture_output=True, text=True, check=False, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    links = root / "etc/systemd/system"
    for unit in listed:
        section = configparser.ConfigParser(strict=False, interpolation=None)
        section.read_string((links / unit).read_text())
        for target in section["Install"]["WantedBy"].split():
            assert (links / f"{target}.wants" / unit).is_symlink(), (target, unit)
    assert (links / "multi-user.target.wants/kiosk-feed.service").is_symlink()
    assert (links / "timers.target.wants/kiosk-feed.timer").is_symlink()


# Every program the units and scripts run, and the package of 00-packages it comes from.
COMMANDS = {
    "/usr/bin/cage": "cage",
    "/usr/bin/chromium": "chromium",
    "wlr-randr": "wlr-randr",
    "growpart": "cloud-guest-utils",
    "iw": "iw",
    "overlayroot=": "overlayroot",
    "fake-hwclock": "fake-hwclock",
    "plymouth-set-default-theme": "plymouth",
    "python3 -m venv": "python3-venv",
    "127.0.0.53": "systemd-resolved",
    "systemd-timesyncd": "systemd-timesyncd",
    "cron": "cron",
}


def test_every_command_comes_from_a_listed_package() -> None:
    packages = (STAGE / "00-packages" / "00-packages").read_text().split()
    sources = [*(REPO / "systemd").rglob("*"), *STAGE.rglob("*")]
    text = "\n".join(p.read_text() for p in sources if p.is_file() and p.suffix != ".gz")
    for command, package in COMMANDS.items():
        assert command in text, f"{command} is no longer used: drop it from COMMANDS"
        assert package in packages, f"{command} needs the package {package} in 00-packages"


# Programs the kiosk's own Python code runs, the module that runs them, and their package.
PROGRAMS = {
    "espeak-ng": ("hardware/speech.py", "espeak-ng"),
    "aplay": ("hardware/speech.py", "alsa-utils"),
}


def test_every_program_the_kiosk_runs_comes_from_a_listed_package() -> None:
    packages = (STAGE / "00-packages" / "00-packages").read_text().split()
    for program, (module, package) in PROGRAMS.items():
        assert f'"{program}"' in (REPO / module).read_text(), f"{module} no longer runs {program}"
        assert package in packages, f"{program} needs the package {package} in 00-packages"


def test_overlay_watchdog_clock_and_quiet_boot(rootfs: Path, tmp_path: Path) -> None:
    root = installed_root(rootfs, tmp_path)
    run_step("02-system", root, tmp_path)  # twice: nothing is added again
    cmdline = (root / "boot/firmware/cmdline.txt").read_text().split()
    for word in ("overlayroot=tmpfs:recurse=0", "quiet", "splash", "loglevel=3"):
        assert cmdline.count(word) == 1, word
    config = (root / "boot/firmware/config.txt").read_text().splitlines()
    assert config.count("dtparam=watchdog=on") == 1 and config.count("disable_splash=1") == 1
    watchdog = (root / "etc/systemd/system.conf.d/kiosk-watchdog.conf").read_text()
    assert re.search(r"^RuntimeWatchdogSec=1[0-5]$", watchdog, re.M)
    # The last known time lives on the data partition, mounted before it is restored.
    data = root / "var/lib/kiosk"
    clock = root / "etc/fake-hwclock.data"
    assert Path(clock.readlink()).parent == Path("/var/lib/kiosk")
    assert "LABEL=kioskdata /var/lib/kiosk " in (root / "etc/fstab").read_text()
    dropin = root / "etc/systemd/system/fake-hwclock.service.d/kiosk.conf"
    assert "RequiresMountsFor=/var/lib/kiosk" in dropin.read_text()
    assert data.is_dir()
    assert (root / "usr/local/bin/kiosk-browser-session").stat().st_mode & 0o111
    assert "bl_power" in (root / "etc/udev/rules.d/90-kiosk-backlight.rules").read_text()


def test_the_units_run_the_app_from_the_venv_the_stage_installs() -> None:
    chroot = (STAGE / "01-app" / "01-run-chroot.sh").read_text()
    assert "python3 -m venv --system-site-packages /opt/kiosk/venv" in chroot
    assert "pip install --no-cache-dir -e /opt/kiosk/app" in chroot
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    for unit in (REPO / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart=/opt/"):
                program = line.split("=", 1)[1].split()[0]
                assert program.startswith("/opt/kiosk/venv/bin/"), (unit.name, program)
                name = program.rsplit("/", 1)[1]
                assert name == "python" or name in scripts, (unit.name, name)
