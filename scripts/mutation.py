"""Mutation testing of the pure core: which small bugs would the tests let through?

`make mutation` runs this. For each module listed under ``[tool.mutation]`` in
pyproject.toml, mutmut plants small bugs (a flipped comparison, a constant
changed by one, a value replaced by None, a string altered) one at a time and
runs only the tests that module names; a mutant the tests do not fail is a
survivor. Each module runs in its own copy of the tree under build/mutation/,
so its results never mix with another module's, and the work tree is never
touched. The table printed at the end has, per module, the mutants, how many
the tests killed, the survivors, the accepted (equivalent) survivors listed in
tests/mutation_survivors.toml, the kill rate and the run time.

    python scripts/mutation.py                      every listed module
    python scripts/mutation.py scoring bands        the modules whose path has one of these words
    python scripts/mutation.py --jobs 2 --fail-under 90
    python scripts/mutation.py --report             the last run's table again

docs/testing.md says how to read a survivor and when one may be accepted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
# mutmut's exit codes of a mutant's test run that mean the tests noticed it.
# 1: a test failed; 3: pytest's internal error; timeouts and crashes also count.
KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9, 37}
IGNORED_WHEN_COPYING = shutil.ignore_patterns(
    "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis", "*.pyc"
)


@dataclass(frozen=True)
class Module:
    path: str
    tests: list[str]


@dataclass(frozen=True)
class Accepted:
    """A survivor that changes no behaviour (an equivalent mutant), with why."""

    module: str
    function: str
    mutant: str  # the mutated line, as `mutmut show` prints it after "+"
    why: str


@dataclass
class Outcome:
    module: str
    mutants: int = 0
    killed: int = 0
    accepted: int = 0
    seconds: float = 0.0
    survivors: list[str] = field(default_factory=list)  # mutmut's diffs
    failed: str = ""

    @property
    def survived(self) -> int:
        return self.mutants - self.killed - self.accepted

    @property
    def rate(self) -> float:
        """Killed out of the mutants that change behaviour (all but the accepted)."""
        counted = self.mutants - self.accepted
        return 100.0 * self.killed / counted if counted else 100.0


def load_config() -> tuple[dict[str, Any], list[Module], list[Accepted]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutation"]
    modules = [Module(m["path"], list(m["tests"])) for m in data["modules"]]
    survivors_file = ROOT / data["survivors"]
    accepted = [
        Accepted(a["module"], a["function"], a["mutant"].strip(), a["why"])
        for a in tomllib.loads(survivors_file.read_text("utf-8")).get("accepted", [])
    ]
    return data, modules, accepted


def toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def prepare(module: Module, config: dict[str, Any], workdir: Path) -> None:
    """A fresh copy of the tree whose pyproject tells mutmut this one module and its tests."""
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    for name in config["copy"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, workdir / name, ignore=IGNORED_WHEN_COPYING)
        else:
            shutil.copy2(source, workdir / name)
    settings = "\n".join(
        [
            "",
            "[tool.mutmut]",
            f"source_paths = {toml_list(config['source_paths'])}",
            f"also_copy = {toml_list(config['also_copy'])}",
            f"only_mutate = {toml_list([module.path])}",
            f"pytest_add_cli_args = {toml_list(config['pytest_args'])}",
            f"pytest_add_cli_args_test_selection = {toml_list(module.tests)}",
            "",
        ]
    )
    with (workdir / "pyproject.toml").open("a", encoding="utf-8") as out:
        out.write(settings)


def function_of(mutant_name: str) -> str:
    """`kiosk.tally.xǁTallyǁadd__mutmut_3` -> `Tally.add`; `...x_score__mutmut_5` -> `score`."""
    local = mutant_name.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]
    if local.startswith("xǁ"):
        return ".".join(part for part in local[2:].split("ǁ") if part)
    return local.removeprefix("x_")


def mutated_lines(diff: str) -> str:
    return "\n".join(
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    )


# Run inside a module's copy: mutmut's own `show` for many mutants at once (one
# process instead of one per survivor, which costs seconds each on a busy machine).
SHOW = """
import json, sys
from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant
names = json.load(sys.stdin)
print(json.dumps({n: get_diff_for_mutant(n, path=find_mutant(n).path) for n in names}))
"""


def diffs(workdir: Path, names: list[str]) -> dict[str, str]:
    if not names:
        return {}
    shown = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=workdir,
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, str] = json.loads(shown.stdout)
    return found


def run_module(
    module: Module, config: dict[str, Any], accepted: list[Accepted], jobs: int, *, rerun: bool
) -> Outcome:
    workdir = WORK / module.path.replace("/", "_").removesuffix(".py")
    outcome = Outcome(module.path)
    timing = workdir / "seconds"
    if rerun:
        prepare(module, config, workdir)
        started = time.monotonic()
        with (workdir / "mutmut.log").open("w", encoding="utf-8") as log:
            run = subprocess.run(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
                cwd=workdir,
                env={**os.environ, "KIOSK_HYPOTHESIS_PROFILE": "mutation"},
                stdout=log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        timing.write_text(f"{time.monotonic() - started:.1f}\n", encoding="utf-8")
        if run.returncode != 0:
            outcome.failed = f"mutmut failed (exit {run.returncode}); see {workdir / 'mutmut.log'}"
            return outcome
    meta = workdir / "mutants" / (module.path + ".meta")
    if not meta.exists():
        outcome.failed = f"no results in {workdir}"
        return outcome
    outcome.seconds = float(timing.read_text("utf-8")) if timing.exists() else 0.0
    codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    outcome.mutants = len(codes)
    outcome.killed = sum(1 for code in codes.values() if code in KILLED)
    mine = [a for a in accepted if a.module == module.path]
    survivors = sorted(name for name, code in codes.items() if code not in KILLED)
    for name, diff in diffs(workdir, survivors).items():
        change = mutated_lines(diff)
        if any(a.function == function_of(name) and a.mutant == change for a in mine):
            outcome.accepted += 1
        else:
            outcome.survivors.append(f"# {name}\n{diff.strip()}")
    return outcome


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| module | mutants | killed | survived | accepted | kill rate | time |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        if o.failed:
            rows.append(f"| `{o.module}` | {o.failed} | | | | | {o.seconds:.0f} s |")
            continue
        rows.append(
            f"| `{o.module}` | {o.mutants} | {o.killed} | {o.survived} | {o.accepted}"
            f" | {o.rate:.0f} % | {o.seconds:.0f} s |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", nargs="*", help="run only the modules whose path has a word")
    parser.add_argument("--jobs", type=int, default=1, help="mutants tested at once")
    parser.add_argument(
        "--fail-under", type=float, default=0.0, help="exit 1 when a module's kill rate is lower"
    )
    parser.add_argument(
        "--report", action="store_true", help="print the last run's results, run nothing"
    )
    args = parser.parse_args(argv)
    config, modules, accepted = load_config()
    chosen = [m for m in modules if not args.words or any(w in m.path for w in args.words)]
    if not chosen:
        parser.error(f"no listed module matches {args.words}")
    outcomes = []
    for module in chosen:
        print(f"== {module.path} against {' '.join(module.tests)}", flush=True)
        outcome = run_module(module, config, accepted, args.jobs, rerun=not args.report)
        for diff in outcome.survivors:
            print(diff, end="\n\n")
        outcomes.append(outcome)
    report = table(outcomes)
    (WORK / "report.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    low = [o.module for o in outcomes if o.failed or o.rate < args.fail_under]
    if low:
        print(f"under {args.fail_under:.0f} %: {', '.join(low)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
