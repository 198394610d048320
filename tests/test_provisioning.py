"""kiosk-provision on a small synthetic Raspberry Pi OS-like image, without root.

The image is built the way reference §4 describes: an MBR made by sfdisk, a
FAT32 boot partition made by ``mkfs.vfat --offset`` (``-s 1``, or mtools cannot
read a small FAT32), and an ext4 root filled by ``mke2fs -d``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import lzma
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.settings import load
from provisioning import cli, image
from provisioning.kiosks_csv import CsvError, parse, read

EXAMPLE = Path(__file__).resolve().parent.parent / "provisioning" / "kiosks.example.csv"
TEMPLATE = EXAMPLE.parent.parent / "docs" / "catalogue-template.csv"
MIB = 1024 * 1024
FAT_START, FAT_SECTORS = 2048, 40 * 2048
ROOT_START = FAT_START + FAT_SECTORS
ROOT_SECTORS = 8 * 2048

TOOLS = ("sfdisk", "mkfs.vfat", "mke2fs", "mcopy", "mtype", "mdir")
missing = [t for t in TOOLS if shutil.which(t) is None]
needs_tools = pytest.mark.skipif(
    bool(missing),
    reason=f"missing {', '.join(missing)} (Debian packages fdisk, dosfstools, e2fsprogs, mtools)",
)


def sh(*args: str, stdin: str | None = None) -> None:
    subprocess.run(args, input=stdin, text=True, check=True, capture_output=True)


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if missing:
        pytest.skip(f"missing {', '.join(missing)}")
    return make_golden(tmp_path_factory.mktemp("golden"))


def make_golden(work: Path) -> Path:
    """A small image laid out like Raspberry Pi OS: MBR, FAT32 bootfs, ext4 root."""
    img = work / "raspios-kiosk.img"
    with img.open("wb") as fh:
        fh.truncate((ROOT_START + ROOT_SECTORS) * 512)
    table = (
        "label: dos\nunit: sectors\n"
        f"start={FAT_START}, size={FAT_SECTORS}, type=c\n"
        f"start={ROOT_START}, size={ROOT_SECTORS}, type=83\n"
    )
    sh("sfdisk", "-q", str(img), stdin=table)
    sh("mkfs.vfat", "-F", "32", "-s", "1", "-n", "bootfs", "--offset", str(FAT_START), str(img),
       str(FAT_SECTORS // 2))  # fmt: skip
    rootfs = work / "rootfs"
    (rootfs / "etc").mkdir(parents=True)
    (rootfs / "etc" / "hostname").write_text("kiosk\n")
    sh("mke2fs", "-q", "-t", "ext4", "-L", "rootfs", "-d", str(rootfs),
       "-E", f"offset={ROOT_START * 512}", str(img), f"{ROOT_SECTORS // 2}k")  # fmt: skip
    cmdline = work / "cmdline.txt"
    cmdline.write_text("console=serial0,115200 console=tty1 root=LABEL=rootfs\n")
    sh("mcopy", "-i", f"{img}@@{FAT_START * 512}", str(cmdline), "::/cmdline.txt")
    return img


def coordinator_folder(folder: Path) -> Path:
    """The coordinator's folder: the example CSV and, next to it, the catalogue it names."""
    kiosks = folder / "kiosks.csv"
    shutil.copy(EXAMPLE, kiosks)
    shutil.copy(TEMPLATE, folder / "toiminta.csv")
    return kiosks


def provision(*args: str) -> int:
    return cli.main(list(args))


def digest(path: Path, start: int, length: int) -> str:
    with path.open("rb") as fh:
        fh.seek(start)
        return hashlib.sha256(fh.read(length)).hexdigest()


@needs_tools
def test_three_kiosks_from_the_example(
    golden: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(golden, 0, golden.stat().st_size)
    out = tmp_path / "cards"
    kiosks = coordinator_folder(tmp_path)
    assert provision("--image", str(golden), "--kiosks", str(kiosks), "--out", str(out)) == 0

    enrollment = json.loads((out / "enrollment.json").read_text())["kiosks"]
    assert [e["kiosk_id"] for e in enrollment] == ["k-000001", "k-000002", "k-000003"]
    assert set(enrollment[0]) == {"kiosk_id", "name", "region", "place", "key_id", "public_key"}
    part = image.boot_partition(out / "k-000001.img")
    keys = set()
    for entry in enrollment:
        card = out / f"{entry['kiosk_id']}.img"
        toml = tmp_path / "kiosk.toml"
        toml.write_bytes(image.fat_read(card, part, "kiosk.toml"))
        settings = load(toml, environ={}, use_candidates=False)
        assert settings.kiosk.id == entry["kiosk_id"]
        assert settings.kiosk.name == entry["name"]
        assert settings.upload.key_id == entry["key_id"]
        key = serialization.load_pem_private_key(image.fat_read(card, part, "kiosk-key.pem"), None)
        assert isinstance(key, Ed25519PrivateKey)
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        assert base64.b64encode(raw).decode() == entry["public_key"]
        keys.add(entry["public_key"])
        assert card.stat().st_mode & 0o077 == 0
        # The rest of the card is the golden image, untouched (but for the UART below).
        assert b"console=tty1 root=LABEL=rootfs" in image.fat_read(card, part, "cmdline.txt")
        root = (ROOT_START * 512, ROOT_SECTORS * 512)
        assert digest(card, *root) == digest(golden, *root)
    assert len(keys) == 3
    assert digest(golden, 0, golden.stat().st_size) == before
    assert sorted(p.name for p in out.iterdir()) == [
        "enrollment.json",
        "k-000001.img",
        "k-000002.img",
        "k-000003.img",
    ]
    first = load_card_settings(out / "k-000001.img", tmp_path)
    assert first.network.wifi_ssid == "Akseli-Guest"
    assert first.printer.kind == "serial" and first.printer.device == "/dev/serial0"
    third = load_card_settings(out / "k-000003.img", tmp_path)
    assert third.kiosk.default_language == "sv" and third.printer.kind == "none"
    # The printer on the Pi's serial pins: the console is moved off them, the UART is on.
    uart = out / "k-000001.img"
    cmdline = image.fat_read(uart, part, "cmdline.txt").decode()
    assert "console=serial0" not in cmdline and "console=tty1" in cmdline
    assert "enable_uart=1" in image.fat_read(uart, part, "config.txt").decode().splitlines()
    # A USB printer's card keeps the console as the golden image has it.
    assert b"console=serial0,115200" in image.fat_read(out / "k-000002.img", part, "cmdline.txt")
    # No hand edits: feed, catalogue file, self-test, screen and staff hours come from the CSV.
    assert first.catalog.feed_url == "https://tapahtumat.example.fi/kalenteri.ics"
    assert first.catalog.feed_addresses == ["203.0.113.10"]
    assert first.selftest.enabled is False
    assert first.display.kind == "wlr-randr" and first.display.on_hours == "ma-pe 8-20; la 10-16"
    assert first.staff.present_hours == "ma-pe 10-16"
    second = load_card_settings(out / "k-000002.img", tmp_path)
    assert second.display.rotation == 90 and second.display.kind == "backlight"
    assert second.catalog.import_file == "/boot/firmware/catalogue.csv"
    assert image.fat_read(out / "k-000002.img", part, "catalogue.csv") == TEMPLATE.read_bytes()
    # Sparse: each card takes on disk only what is written in it, not the image's size.
    for card in out.glob("*.img"):
        assert card.stat().st_blocks * 512 < card.stat().st_size / 2
    printed = capsys.readouterr().out
    assert "columns separated by commas (,)" in printed
    table = printed.splitlines()
    assert table[1].split()[:5] == ["kiosk", "name", "printer", "catalogue", "self-test"]
    assert any(line.startswith("k-000002") and "file catalogue.csv" in line for line in table)


def load_card_settings(card: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    toml = tmp_path / "read-back.toml"
    toml.write_bytes(image.fat_read(card, image.boot_partition(card), "kiosk.toml"))
    return load(toml, environ={}, use_candidates=False)


@needs_tools
def test_existing_output_needs_force(golden: Path, tmp_path: Path) -> None:
    out = tmp_path / "cards"
    csv = tmp_path / "one.csv"
    csv.write_text("id,name\nk-000007,Testi\n")
    args = ["--image", str(golden), "--kiosks", str(csv), "--out", str(out)]
    assert provision(*args) == 0
    first = (out / "enrollment.json").read_text()
    first_card = digest(out / "k-000007.img", 0, (out / "k-000007.img").stat().st_size)

    assert provision(*args) == 1
    assert (out / "enrollment.json").read_text() == first
    assert digest(out / "k-000007.img", 0, (out / "k-000007.img").stat().st_size) == first_card

    assert provision(*args, "--force") == 0
    assert (out / "enrollment.json").read_text() != first
    assert not list(out.glob("*.partial"))


@needs_tools
def test_xz_image(golden: Path, tmp_path: Path) -> None:
    xz = tmp_path / "raspios-kiosk.img.xz"
    with golden.open("rb") as src, lzma.open(xz, "wb", preset=0) as dst:
        shutil.copyfileobj(src, dst)
    csv = tmp_path / "one.csv"
    csv.write_text("id,name,language\nk-000010,Kirjasto,en\n")
    out = tmp_path / "cards"
    assert provision("--image", str(xz), "--kiosks", str(csv), "--out", str(out)) == 0
    card = out / "k-000010.img"
    assert card.stat().st_size == golden.stat().st_size
    assert load_card_settings(card, tmp_path).kiosk.default_language == "en"
    assert sorted(p.name for p in out.iterdir()) == ["enrollment.json", "k-000010.img"]


@needs_tools
def test_bad_csv_writes_nothing(
    golden: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(
        "# comment line\n"
        "id,name,hub_url,language\n"
        "k-000001,Yksi,https://hub.example.fi,fi\n"
        "k-1,Kaksi,,fi\n"
        "k-000001,Kolme,ftp://hub,de\n"
    )
    out = tmp_path / "cards"
    assert provision("--image", str(golden), "--kiosks", str(csv), "--out", str(out)) == 1
    assert not out.exists()
    err = capsys.readouterr().err
    assert "line 4, column id = 'k-1'" in err
    assert "line 5, column id = 'k-000001': duplicate of line 3" in err
    assert "line 5, column hub_url" in err
    assert "line 5, column language = 'de'" in err


def test_unknown_column_is_refused() -> None:
    with pytest.raises(CsvError) as caught:
        parse("id,name,wifi_sid\nk-000001,A,x\n")
    assert "unknown column 'wifi_sid'" in str(caught.value)


def test_row_checks() -> None:
    text = (
        "id,name,wifi_ssid,wifi_password,timezone,printer_port,printer_baud,gpio_pir,gpio_status_led\n"
        "k-000001,,,short,Mars/Base,COM3,1234,40,\n"
        "k-000002,B,net,password1,Europe/Helsinki,/dev/serial0,9600,17,17\n"
    )
    with pytest.raises(CsvError) as caught:
        parse(text, today=date(2026, 11, 23))
    problems = "\n".join(caught.value.problems)
    for expected in (
        "line 2, column name",
        "line 2, column wifi_password = 'short'",
        "line 2, column timezone = 'Mars/Base'",
        "line 2, column printer_port = 'COM3'",
        "line 2, column printer_baud = '1234'",
        "line 2, column gpio_pir = '40'",
        "line 3, column gpio_status_led = '17'",
    ):
        assert expected in problems


def test_example_csv_is_valid_input() -> None:
    kiosks = parse(EXAMPLE.read_text(encoding="utf-8"), today=date(2026, 11, 23))
    assert [k.id for k in kiosks] == ["k-000001", "k-000002", "k-000003"]
    assert kiosks[0].key_id == "2026-11-a"
    assert kiosks[1].printer_kind == "file"
    assert cli.check_configs(kiosks, date(2026, 11, 23)).keys() == {k.id for k in kiosks}


def test_kiosk_toml_escapes_quotes() -> None:
    kiosks = parse('id,name\nk-000001,"Kahvila ""Kuppi"" \\ 2"\n')
    text = cli.check_configs(kiosks, date(2026, 11, 23))["k-000001"]
    assert '"Kahvila \\"Kuppi\\" \\\\ 2"' in text


def test_not_an_image(tmp_path: Path) -> None:
    junk = tmp_path / "junk.img"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(image.ImageError):
        image.boot_partition(junk)


# --- writing a card: only the refusals are tested ----------------------------


@pytest.fixture
def one_kiosk(tmp_path: Path) -> tuple[Path, Path]:
    csv = tmp_path / "one.csv"
    csv.write_text("id,name\nk-000005,Viisi\n")
    img = tmp_path / "x.img"
    img.write_bytes(b"\0" * 1024)
    return csv, img


def card_args(csv: Path, img: Path, tmp_path: Path, device: str) -> list[str]:
    return ["--image", str(img), "--kiosks", str(csv), "--out", str(tmp_path / "o"),
            "--device", device]  # fmt: skip


@needs_tools
def test_card_needs_root(
    one_kiosk: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(cli, "_is_root", lambda: False)
    assert provision(*card_args(*one_kiosk, tmp_path, "/dev/sdz"), "--yes") == 1
    assert "needs root" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@needs_tools
def test_card_must_be_a_block_device(
    one_kiosk: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(cli, "_is_root", lambda: True)
    target = tmp_path / "not-a-card"
    target.write_bytes(b"keep me")
    assert provision(*card_args(*one_kiosk, tmp_path, str(target)), "--yes") == 1
    assert "not a block device" in capsys.readouterr().err
    assert target.read_bytes() == b"keep me"


@needs_tools
def test_card_write_stops_without_confirmation(
    one_kiosk: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_is_root", lambda: True)
    monkeypatch.setattr("stat.S_ISBLK", lambda mode: True)
    monkeypatch.setattr(cli, "_mounted", lambda device: False)
    csv, img = one_kiosk
    kiosk = read(csv)[0]
    target = tmp_path / "pretend-card"
    target.write_bytes(b"keep me" * 1000)
    with pytest.raises(cli.ProvisionError, match="not confirmed"):
        cli.write_card(img, cli.Card(kiosk, ""), target, tmp_path / "o", yes=False, force=False,
                       ask=lambda prompt: "no")  # fmt: skip
    assert target.read_bytes() == b"keep me" * 1000
    assert not (tmp_path / "o").exists()

    small = tmp_path / "small-card"
    small.write_bytes(b"keep me")
    with pytest.raises(cli.ProvisionError, match="smaller than the image"):
        cli.write_card(img, cli.Card(kiosk, ""), small, tmp_path / "o", yes=True, force=False)
    assert small.read_bytes() == b"keep me"


@needs_tools
def test_card_with_several_kiosks_needs_only(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setattr(cli, "_is_root", lambda: True)
    kiosks = coordinator_folder(tmp_path)
    assert provision(*card_args(kiosks, golden, tmp_path, "/dev/sdz"), "--yes") == 1
    assert "--only" in capsys.readouterr().err


def test_is_root_reflects_the_process() -> None:
    assert cli._is_root() == (os.geteuid() == 0)


ADD_DATA = Path(__file__).resolve().parent.parent / "provisioning/pi-gen/add-data-partition.sh"


@needs_tools
@pytest.mark.skipif(shutil.which("debugfs") is None, reason="debugfs missing (e2fsprogs)")
def test_data_partition_is_appended_and_cards_still_provision(golden: Path, tmp_path: Path) -> None:
    img = tmp_path / "with-data.img"
    shutil.copyfile(golden, img)
    subprocess.run(["sh", str(ADD_DATA), str(img), "8"], check=True, capture_output=True)
    table = json.loads(
        subprocess.run(["sfdisk", "--json", str(img)], capture_output=True, check=True).stdout
    )["partitiontable"]["partitions"]
    assert len(table) == 3
    data = table[2]
    assert data["start"] % 8192 == 0 and data["start"] >= ROOT_START + ROOT_SECTORS
    stats = subprocess.run(
        ["debugfs", "-R", "stats", f"{img}?offset={data['start'] * 512}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Filesystem volume name:   kioskdata" in stats
    # Running it again would add a fourth partition: refused.
    again = subprocess.run(["sh", str(ADD_DATA), str(img)], capture_output=True, text=True)
    assert again.returncode == 1 and "expected 2 partitions" in again.stderr

    csv = tmp_path / "one.csv"
    csv.write_text("id,name\nk-000020,Data\n")
    out = tmp_path / "cards"
    assert provision("--image", str(img), "--kiosks", str(csv), "--out", str(out)) == 0
    assert load_card_settings(out / "k-000020.img", tmp_path).kiosk.id == "k-000020"


@needs_tools
def test_an_image_without_a_boot_partition_writes_nothing(tmp_path: Path) -> None:
    img = tmp_path / "blank.img"
    with img.open("wb") as fh:
        fh.truncate(4 * MIB)
    sh("sfdisk", "-q", str(img), stdin="label: dos\nstart=2048, type=83\n")
    csv = tmp_path / "one.csv"
    csv.write_text("id,name\nk-000009,Yhdeksän\n")
    out = tmp_path / "cards"
    assert provision("--image", str(img), "--kiosks", str(csv), "--out", str(out)) == 1
    assert not out.exists()


@needs_tools
def test_a_failure_midway_removes_this_runs_images(
    golden: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = cli.personalise

    def flaky(*args: object, **kw: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise image.ImageError("card full")
        real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(cli, "personalise", flaky)
    out = tmp_path / "cards"
    kiosks = coordinator_folder(tmp_path)
    assert provision("--image", str(golden), "--kiosks", str(kiosks), "--out", str(out)) == 1
    assert len(calls) == 2  # it failed where it was made to fail, at the second card
    assert not out.exists()


def test_excel_semicolons_and_bom_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "kiosks.csv"
    text = "id;name;place;staff_hours\r\nk-000011;Olohuone;Kirjasto, 2. krs;ma-pe 10-16\r\n"
    csv.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    (kiosk,) = read(csv, date(2026, 11, 23))
    assert (kiosk.id, kiosk.place, kiosk.staff_hours) == (
        "k-000011",
        "Kirjasto, 2. krs",
        "ma-pe 10-16",
    )
    # A header whose separator is neither: the message says how the line was read.
    with pytest.raises(CsvError) as caught:
        parse("id|name\nk-000001|A\n")
    assert "unknown column 'id|name' (columns read as separated by commas (,))" in str(caught.value)


def test_new_columns_are_checked() -> None:
    text = (
        "id,name,feed_url,feed_addresses,selftest,rotation,display_kind,screen_hours,"
        "staff_hours,catalogue_file,printer_port\n"
        "k-000001,A,http://feed.fi/x.ics,feed.fi,maybe,45,vga,ma 25-26,xx 1-2,a.pdf,"
        "printer.local:9100\n"
        "k-000002,B,,,,,,ma-pe 8-20,,,\n"
    )
    with pytest.raises(CsvError) as caught:
        parse(text)
    problems = "\n".join(caught.value.problems)
    for expected in (
        "line 2, column feed_url",
        "line 2, column feed_addresses = 'feed.fi'",
        "line 2, column selftest = 'maybe'",
        "line 2, column rotation = '45'",
        "line 2, column display_kind = 'vga'",
        "line 2, column screen_hours",
        "line 2, column staff_hours",
        "line 2, column catalogue_file = 'a.pdf'",
        "line 2, column printer_port = 'printer.local:9100'",
        "line 3, column screen_hours = 'ma-pe 8-20': turning the screen off needs",
    ):
        assert expected in problems


def test_feed_addresses_are_looked_up_when_not_given(tmp_path: Path) -> None:
    kiosks = parse(
        "id,name,feed_url\n"
        "k-000001,A,https://feed.example.fi/a.ics\n"
        "k-000002,B,https://feed.example.fi/b.ics\n"
        "k-000003,C,https://gone.example.fi/c.ics\n"
    )
    asked: list[str] = []

    def resolver(host: str) -> list[str]:
        asked.append(host)
        if host.startswith("gone"):
            raise OSError("Name or service not known")
        return ["203.0.113.7", "2001:db8::7"]

    with pytest.raises(CsvError) as caught:
        cli.feed_addresses(kiosks, resolver)
    assert asked == ["feed.example.fi", "gone.example.fi"]  # each host once
    assert "line 4, column feed_url" in caught.value.problems[0]
    assert "give the feed server's addresses in feed_addresses" in caught.value.problems[0]
    found = cli.feed_addresses(kiosks[:2], resolver)
    text = cli.check_configs(kiosks[:2], date(2026, 11, 23), found)["k-000001"]
    assert 'feed_addresses = ["203.0.113.7", "2001:db8::7"]' in text


def test_a_catalogue_file_with_errors_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "toiminta.csv"
    bad.write_bytes((Path(__file__).parent / "data" / "toiminta-virhe.csv").read_bytes())
    kiosks = parse("id,name,catalogue_file\nk-000001,A,toiminta.csv\nk-000002,B,puuttuu.csv\n")
    with pytest.raises(CsvError) as caught:
        cli.check_catalogues(kiosks, tmp_path)
    first, second = caught.value.problems
    assert first.startswith("line 2, column catalogue_file = 'toiminta.csv': ")
    assert "line 3, column catalogue_file = 'puuttuu.csv': no such file" in second


def test_uart_edits_are_made_once() -> None:
    from provisioning import render

    line = "console=serial0,115200 console=tty1 root=PARTUUID=1-02 rootwait quiet splash\n"
    once = render.uart_cmdline(line)
    assert once == "console=tty1 root=PARTUUID=1-02 rootwait quiet splash\n"
    assert render.uart_cmdline(once) == once
    config = render.uart_config("[all]\ndtparam=watchdog=on\nenable_uart=0\n")
    assert config.count("enable_uart") == 1 and "enable_uart=1" in config
    assert render.uart_config(config) == config
