"""``kiosk-provision``: personalised SD-card images (or one card) from a kiosks CSV.

    kiosk-provision --image raspios-kiosk.img.xz --kiosks kiosks.csv --out cards/
    sudo kiosk-provision --image ... --kiosks kiosks.csv --out cards/ \\
        --device /dev/sdX --only k-000003

Order of work, so that a mistake changes nothing: read and check the whole CSV,
render and check every ``kiosk.toml`` with the kiosk's own settings loader,
check the tools, the image and the outputs, and only then write. Images are
written as ``<id>.img.partial`` and renamed when complete; a failure removes the
partial files. The hub's enrollment file is written last.
"""

from __future__ import annotations

import argparse
import os
import socket
import stat
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from kiosk.settings import ConfigError, Settings, load
from provisioning import image, render
from provisioning.kiosks_csv import SEPARATORS, CsvError, KioskRow, read, text_separator

CONFIG_NAME = "kiosk.toml"
KEY_NAME = "kiosk-key.pem"
ENROLLMENT = "enrollment.json"


class ProvisionError(RuntimeError):
    """A refusal or problem, worded for the coordinator."""


def _bar(total: int | None, desc: str) -> tqdm:
    # disable=None: no bar when the output is not a terminal (logs, tests).
    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, disable=None, leave=True)


@dataclass(frozen=True)
class Card:
    """What goes onto one kiosk's boot partition besides the golden image."""

    kiosk: KioskRow
    config: str
    catalogue: Path | None = None

    def files(self, pem: bytes) -> dict[str, bytes]:
        files = {CONFIG_NAME: self.config.encode("utf-8"), KEY_NAME: pem}
        if self.catalogue is not None:
            files[render.catalogue_name(self.kiosk)] = self.catalogue.read_bytes()
        return files


Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The host's addresses, as the coordinator's machine sees them now."""
    infos = socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def feed_addresses(kiosks: list[KioskRow], resolver: Resolver) -> dict[str, tuple[str, ...]]:
    """Addresses of each feed the CSV names without them: the kiosk's sandbox lets
    its feed refresh reach these and no others (docs/appliance.md)."""
    found: dict[str, tuple[str, ...]] = {}
    looked_up: dict[str, tuple[str, ...] | str] = {}
    problems = []
    for kiosk in kiosks:
        if not kiosk.feed_url or kiosk.feed_addresses:
            continue
        host = urlsplit(kiosk.feed_url).hostname or ""
        if host not in looked_up:
            try:
                looked_up[host] = tuple(resolver(host))
            except OSError as exc:
                looked_up[host] = str(exc) or type(exc).__name__
        answer = looked_up[host]
        if isinstance(answer, str) or not answer:
            problems.append(
                f"line {kiosk.line}, column feed_url = {kiosk.feed_url!r}: could not look up "
                f"{host} ({answer or 'no addresses'}); give the feed server's addresses in "
                "feed_addresses"
            )
        else:
            found[kiosk.id] = answer
    if problems:
        raise CsvError(problems)
    return found


def check_catalogues(kiosks: list[KioskRow], base: Path) -> dict[str, Path]:
    """Each kiosk's catalogue file (relative to the CSV's folder), read as the kiosk
    will read it, in the bounded import process: a file with errors is refused here,
    not discovered on the screen."""
    from kiosk.catalog.isolated import load_isolated

    files: dict[str, Path] = {}
    checked: dict[Path, str] = {}
    problems = []
    for kiosk in kiosks:
        if not kiosk.catalogue_file:
            continue
        path = (base / kiosk.catalogue_file).resolve()
        where = f"line {kiosk.line}, column catalogue_file = {kiosk.catalogue_file!r}"
        if path not in checked:
            if not path.is_file():
                checked[path] = "no such file (a path relative to the CSV's folder)"
            else:
                _, result = load_isolated(str(path), Settings())
                if result.problems:
                    more = len(result.problems) - 1
                    checked[path] = str(result.problems[0]) + (
                        f" (and {more} more)" if more else ""
                    )
                elif not result.activities:
                    checked[path] = "no activities in the file"
                else:
                    checked[path] = ""
        if checked[path]:
            problems.append(f"{where}: {checked[path]}")
        files[kiosk.id] = path
    if problems:
        raise CsvError(problems)
    return files


def check_configs(
    kiosks: list[KioskRow],
    made: date,
    addresses: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, str]:
    """Every kiosk's kiosk.toml, each checked by the kiosk's own settings loader."""
    addresses = addresses or {}
    texts: dict[str, str] = {}
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for kiosk in kiosks:
            text = render.kiosk_toml(kiosk, made, addresses.get(kiosk.id, ()))
            path = Path(tmp) / f"{kiosk.id}.toml"
            path.write_text(text, encoding="utf-8")
            try:
                load(path, environ={}, use_candidates=False)
            except ConfigError as exc:
                problems.append(f"line {kiosk.line} ({kiosk.id}): {exc}")
            texts[kiosk.id] = text
    if problems:
        raise CsvError(problems)
    return texts


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def personalise(target: Path, part: image.Partition, card: Card, pem: bytes) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        for name, data in card.files(pem).items():
            image.fat_write(target, part, name, data, Path(scratch))
        if card.kiosk.uses_uart:
            # The printer on the Pi's own serial pins: no serial console there, UART on.
            cmdline = image.fat_read(target, part, "cmdline.txt").decode("utf-8")
            new = render.uart_cmdline(cmdline).encode("utf-8")
            image.fat_write(target, part, "cmdline.txt", new, Path(scratch))
            try:
                config = image.fat_read(target, part, "config.txt").decode("utf-8")
            except image.ImageError:
                config = ""
            new = render.uart_config(config).encode("utf-8")
            image.fat_write(target, part, "config.txt", new, Path(scratch))


def write_images(
    source: Path, kiosks: list[KioskRow], cards: dict[str, Card], out: Path, force: bool
) -> list[Path]:
    outputs = [out / f"{k.id}.img" for k in kiosks] + [out / ENROLLMENT]
    existing = [p for p in outputs if p.exists()]
    if existing and not force:
        raise ProvisionError(
            "output exists (use --force to replace): " + ", ".join(str(p) for p in existing)
        )
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    base = source
    made: list[Path] = []
    finished: list[Path] = []
    ok = False
    try:
        if image.is_xz(source):
            base = out / f".{source.name}.base.partial"
            made.append(base)
            with _bar(source.stat().st_size, "decompress") as bar, base.open("wb") as fh:
                image.decompress(source, fh, bar.update, sparse=True)
        part = image.boot_partition(base)
        image.fat_check(base, part)
        size = base.stat().st_size
        entries = []
        for kiosk in kiosks:
            partial = out / f"{kiosk.id}.img.partial"
            made.append(partial)
            key = render.new_key()
            # The image will hold the private key: readable by the coordinator only.
            partial.touch(mode=0o600)
            os.chmod(partial, 0o600)
            with _bar(size, kiosk.id) as bar:
                image.copy_image(base, partial, bar.update)
            personalise(partial, part, cards[kiosk.id], render.private_pem(key))
            os.replace(partial, out / f"{kiosk.id}.img")
            finished.append(out / f"{kiosk.id}.img")
            entries.append(render.enrollment_entry(kiosk, key))
        _atomic_write(out / ENROLLMENT, render.enrollment_json(entries))
        ok = True
    finally:
        for path in made:
            path.unlink(missing_ok=True)
        if not ok:
            # Images finished in this run would have no enrollment: remove them.
            for path in finished:
                path.unlink(missing_ok=True)
            if created and not any(out.iterdir()):
                out.rmdir()
    return outputs


def _is_root() -> bool:
    return os.geteuid() == 0


def _mounted(device: Path) -> bool:
    try:
        mounts = Path("/proc/mounts").read_text()
    except OSError:
        return False
    dev = str(device.resolve())
    return any(line.split(" ", 1)[0].startswith(dev) for line in mounts.splitlines())


def write_card(
    source: Path,
    card: Card,
    device: Path,
    out: Path,
    *,
    yes: bool,
    force: bool,
    ask: Callable[[str], str] = input,
) -> Path:
    """Write one kiosk's card: only as root, to an unmounted block device, confirmed."""
    kiosk = card.kiosk
    if not _is_root():
        raise ProvisionError("writing a card needs root: run with sudo (images do not)")
    try:
        mode = device.stat().st_mode
    except OSError:
        raise ProvisionError(f"{device}: no such device") from None
    if not stat.S_ISBLK(mode):
        raise ProvisionError(f"{device}: not a block device (expected e.g. /dev/sdb)")
    if _mounted(device):
        raise ProvisionError(f"{device}: a partition of it is mounted; unmount it first")
    with device.open("rb") as fh:
        capacity = fh.seek(0, os.SEEK_END)
    if not image.is_xz(source) and source.stat().st_size > capacity:
        raise ProvisionError(f"{device}: the card is smaller than the image")
    enrollment = out / f"enrollment-{kiosk.id}.json"
    if enrollment.exists() and not force:
        raise ProvisionError(f"output exists (use --force to replace): {enrollment}")
    if not yes:
        answer = ask(f"Erase {device} and write kiosk {kiosk.id} ({kiosk.name})? Type yes: ")
        if answer.strip().lower() != "yes":
            raise ProvisionError("not confirmed; nothing written")
    out.mkdir(parents=True, exist_ok=True)
    key = render.new_key()
    with device.open("r+b") as dst:
        if image.is_xz(source):
            with _bar(source.stat().st_size, kiosk.id) as bar:
                image.decompress(source, dst, bar.update)
        else:
            with source.open("rb") as src, _bar(source.stat().st_size, kiosk.id) as bar:
                image.copy_stream(src, dst, bar.update)
        dst.flush()
        os.fsync(dst.fileno())
    part = image.boot_partition(device)
    personalise(device, part, card, render.private_pem(key))
    _atomic_write(enrollment, render.enrollment_json([render.enrollment_entry(kiosk, key)]))
    return enrollment


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-provision",
        description="Write personalised kiosk SD-card images (or one card) from a kiosks CSV.",
    )
    parser.add_argument("--image", type=Path, required=True, help="golden image (.img or .img.xz)")
    parser.add_argument("--kiosks", type=Path, required=True, help="kiosks CSV (see example)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--force", action="store_true", help="replace existing outputs")
    parser.add_argument("--device", type=Path, help="write one card to this block device (root)")
    parser.add_argument("--only", metavar="ID", help="the kiosk of the CSV to write (--device)")
    parser.add_argument("--yes", action="store_true", help="do not ask before erasing --device")
    return parser


def summary(cards: list[Card], targets: list[str]) -> str:
    """A plain table of what was written, one kiosk a line, for the coordinator's notes."""
    head = ("kiosk", "name", "printer", "catalogue", "self-test", "screen", "written to")
    rows = [head]
    for card, target in zip(cards, targets, strict=True):
        k = card.kiosk
        printer = k.printer_kind + (f" {k.printer_port}" if k.printer_port else "")
        if k.uses_uart:
            printer += " (UART on)"
        catalogue = ", ".join(
            part
            for part in (
                f"file {render.catalogue_name(k)}" if k.catalogue_file else "",
                f"feed {urlsplit(k.feed_url).hostname}" if k.feed_url else "",
            )
            if part
        )
        screen = f"{k.rotation}°" + (f", {k.screen_hours}" if k.screen_hours else "")
        selftest = "on" if k.selftest else "off"
        rows.append((k.id, k.name, printer, catalogue or "demo", selftest, screen, target))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run(args: argparse.Namespace, today: date | None = None, resolver: Resolver = resolve) -> int:
    made = today or date.today()
    kiosks = read(args.kiosks, made)
    sep = text_separator(args.kiosks.read_text(encoding="utf-8-sig"))
    print(f"{args.kiosks}: {len(kiosks)} kiosk(s), columns separated by {SEPARATORS[sep]}")
    if args.only:
        kiosks = [k for k in kiosks if k.id == args.only]
        if not kiosks:
            raise ProvisionError(f"--only {args.only}: no such kiosk in {args.kiosks}")
    catalogues = check_catalogues(kiosks, args.kiosks.parent)
    addresses = feed_addresses(kiosks, resolver)
    configs = check_configs(kiosks, made, addresses)
    cards = {k.id: Card(k, configs[k.id], catalogues.get(k.id)) for k in kiosks}
    if not args.image.is_file():
        raise ProvisionError(f"{args.image}: image not found")
    image.check_tools()
    if args.device is not None:
        if len(kiosks) != 1:
            raise ProvisionError("--device writes one card: choose the kiosk with --only ID")
        card = cards[kiosks[0].id]
        enrollment = write_card(
            args.image, card, args.device, args.out, yes=args.yes, force=args.force
        )
        print(summary([card], [str(args.device)]))
        print(f"hub enrollment: {enrollment}")
        return 0
    outputs = write_images(args.image, kiosks, cards, args.out, args.force)
    print(summary([cards[k.id] for k in kiosks], [str(p) for p in outputs[:-1]]))
    print(f"{len(kiosks)} kiosk image(s); enroll at the hub: kiosk-hub enroll {outputs[-1]}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args)
    except CsvError as exc:
        print(f"error: {args.kiosks} has problems; nothing was written:", file=sys.stderr)
        for problem in exc.problems:
            print("  " + problem, file=sys.stderr)
        return 1
    except (ProvisionError, image.ImageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A full disk, a card pulled out, a folder without write permission.
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; partial outputs removed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
