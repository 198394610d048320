"""What the browser benchmarks share: ``kiosk serve`` in its own process (pinned to
one core with ``taskset`` when asked), Debian's Chromium, and memory read from
/proc.

The server runs as the appliance runs it (waitress, its own process), not in the
benchmark's process, so its CPU and memory are its own. Chromium is the system's
(no browser is downloaded), headless, with the flags the kiosk's browser unit uses
that make sense without a display.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The benches run as scripts from bench/: the tests' way to find a free port is theirs too.
sys.path.insert(0, str(ROOT))

from tests.serve_support import free_port  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# systemd/kiosk-browser.service's flags that apply headless, and no phoning home.
CHROMIUM_ARGS = [
    "--no-first-run",
    "--noerrdialogs",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--disable-features=TranslateUI,BackForwardCache,WebUIOmniboxPopup,WebUIOmniboxAimPopup",
    "--enable-features=NetworkServiceInProcess2",
    "--enable-low-end-device-mode",
    "--optimization-guide-performance-class=2",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-sandbox",
]
SIZE = (800, 480)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def serve(
    data_dir: Path,
    web: dict[str, int] | None = None,
    core: int | None = None,
    sections: dict[str, dict[str, str | int | bool]] | None = None,
) -> Server:
    """``kiosk serve`` on the demo catalogue with a fake printer and staff hours;
    ``web`` overrides [web] settings, ``sections`` adds others; ``core`` pins the
    server to that CPU."""
    port = free_port()
    lines = [f"port = {port}"] + [f"{k} = {v}" for k, v in (web or {}).items()]
    for name, values in (sections or {}).items():
        # JSON's strings, numbers and booleans are TOML's too.
        lines += [f"[{name}]"] + [f"{k} = {json.dumps(v)}" for k, v in values.items()]
    config = data_dir / "kiosk.toml"
    config.write_text(
        f'[kiosk]\ndata_dir = "{data_dir / "data"}"\n'
        '[staff]\npresent_hours = "ma-su 0-24"\n'
        "[web]\n" + "\n".join(lines) + "\n"
    )
    command = [str(ROOT / ".venv" / "bin" / "kiosk"), "serve", "--config", str(config)]
    if core is not None:
        command = ["taskset", "-c", str(core), *command]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return Server(process, url)
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("kiosk serve did not start") from None
            time.sleep(0.05)


@dataclass(frozen=True)
class Memory:
    """A process's (or a group's) memory, in kB, from /proc/<pid>/smaps_rollup.

    ``pss`` is the proportional set size: pages shared with other processes split
    among them. It is what the kernel weighs, but its file-backed part (the program's
    code and data files) moves when another instance of the same program starts or
    stops on the machine, because the shared pages are split among more or fewer
    processes. ``anon`` (Pss_Anon + Pss_Shmem) is the memory the processes made
    themselves and the kernel cannot drop and read back: it does not move with other
    instances, so it is the figure for growth and leaks.
    """

    pss: int = 0
    anon: int = 0

    def __add__(self, other: Memory) -> Memory:
        return Memory(self.pss + other.pss, self.anon + other.anon)


def memory_kb(pid: int) -> Memory:
    """A process's memory; zero for a process that has gone meanwhile."""
    fields: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, value = line.partition(":")
            if value.strip().endswith("kB"):
                fields[name] = int(value.split()[0])
    except (OSError, ValueError):
        return Memory()
    return Memory(fields.get("Pss", 0), fields.get("Pss_Anon", 0) + fields.get("Pss_Shmem", 0))


def _parents() -> dict[int, int]:
    out: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def chromium_pids(ancestor: int | None = None) -> list[int]:
    """Every Chromium process started from this process (browser, GPU, renderers,
    utilities, zygotes): the processes below ``ancestor`` whose program is Chromium."""
    root = ancestor if ancestor is not None else os.getpid()
    parents = _parents()
    found = []
    for pid in parents:
        p, seen = pid, 0
        while p > 1 and p != root and seen < 64:
            p, seen = parents.get(p, 0), seen + 1
        if p != root or pid == root:
            continue
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
        except OSError:
            continue
        if "chrom" in Path(exe).name:
            found.append(pid)
    return sorted(found)


def chromium_memory_kb(ancestor: int | None = None) -> tuple[Memory, int]:
    """Memory of all Chromium processes below ``ancestor``, and how many there are."""
    pids = chromium_pids(ancestor)
    return sum((memory_kb(pid) for pid in pids), Memory()), len(pids)


def other_chromium_processes(ancestor: int | None = None) -> int:
    """Chromium processes on the machine not below ``ancestor`` (another browser, a
    test run): while they run, the file-backed part of ``Memory.pss`` is split."""
    ours = set(chromium_pids(ancestor))
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) not in ours:
            try:
                # Not the crash handlers: another program, which shares no pages.
                name = Path(os.readlink(entry / "exe")).name
                if "chrom" in name and "crashpad" not in name:
                    count += 1
            except OSError:
                continue
    return count


def load() -> str:
    """The load averages (1, 5, 15 min), printed beside timings on a shared machine."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
