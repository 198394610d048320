"""The packs this kiosk offers: the shipped ones and those dropped into the packs folder.

Loaded once when the app starts. A refused pack (broken file, or text that no
longer matches its hash) is logged and left out; the kiosk runs on without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.selftest import registry
from kiosk.selftest.packs import Pack, PackError, load
from kiosk.store.event_log import EventLog

SHIPPED = Path(__file__).resolve().parent / "packs"


@dataclass(frozen=True)
class PackStatus:
    """One line of the staff Health screen's list of self-test forms."""

    id: str
    language: str
    version: str
    status: registry.Status
    detail: str


# How THL is named in a pack's lines (fi, sv, en), and copyright marks: a pack
# that is not an official form must not carry them onto the screen.
THL_NAMES = (
    "thl",
    "terveyden ja hyvinvoinnin laitos",
    "institutet för hälsa och välfärd",
    "finnish institute for health and welfare",
    "©",
    "(c)",
)


def names_thl(text: str) -> bool:
    lowered = text.lower()
    return any(name in lowered for name in THL_NAMES)


@dataclass(frozen=True)
class Offered:
    """A pack the kiosk offers, and what its screens may say about where it comes from.

    An official form is shown with its name, THL's (c) notice and its source. Any
    other pack is labelled unofficial on every screen and shown with its own
    source line only (``source_line``, empty when that line names THL), never with
    THL's notice (``notice`` is empty) nor the official form's name.
    """

    pack: Pack
    official: bool
    detail: str = ""  # why it is not official, for staff

    @property
    def tally_key(self) -> str:
        # An edited form's results are never added to the official form's counts.
        if self.official:
            return self.pack.id
        return f"unofficial:{self.pack.id}:{self.pack.form_sha256()[:8]}"

    @property
    def notice(self) -> str:
        """THL's (c) line, for an official form only."""
        return self.pack.notice if self.official else ""

    @property
    def source_line(self) -> str:
        """Where the form comes from: the official source, or the pack's own line
        when it does not name THL; empty means "say it is a self-made form"."""
        if self.official:
            return self.pack.source
        return "" if names_thl(self.pack.source) else self.pack.source

    @property
    def title(self) -> str:
        """The form's name as shown: an unofficial pack shows its id, not THL's name."""
        return self.pack.name if self.official else self.pack.id


class Library:
    def __init__(self, folders: list[Path], events: EventLog | None = None) -> None:
        self.offered: dict[str, Offered] = {}
        self.report: list[PackStatus] = []
        official = registry.load_official()
        for path in _pack_files(folders):
            self._add(path, official, events)

    def _add(
        self, path: Path, official: dict[str, registry.Official], events: EventLog | None
    ) -> None:
        try:
            pack = load(path)
            if pack.id in self.offered:
                raise PackError(f"pack {pack.id}: another pack with this id is installed ({path})")
            status, detail = registry.check(pack, official)
        except PackError as exc:
            self.report.append(PackStatus(path.stem, "", "", "refused", str(exc)))
            if events is not None:
                events.error("selftest", f"self-test pack refused: {exc}")
            return
        self.offered[pack.id] = Offered(pack, status == "official", detail)
        self.report.append(PackStatus(pack.id, pack.language, pack.version, status, detail))
        if status != "official" and events is not None:
            events.warning("selftest", f"self-test pack {pack.id} is not official: {detail}")

    def pack_report(self) -> list[PackStatus]:
        return list(self.report)

    def get(self, pack_id: str) -> Offered | None:
        return self.offered.get(pack_id)

    def languages(self) -> list[str]:
        return sorted({o.pack.language for o in self.offered.values()})

    def for_language(self, lang: str) -> list[Offered]:
        """Packs in ``lang``, official forms first."""
        found = [o for o in self.offered.values() if o.pack.language == lang]
        return sorted(found, key=lambda o: (not o.official, o.pack.id))


def _pack_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.json")))
    return files
