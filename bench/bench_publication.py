"""Time to apply the publication rules to one day and measure of counts, by fleet size.

Every dashboard page and export works out the published figures for the whole fleet
(kiosks, regions, fleet) of each day and measure in its range: a 60-day page with its
three measures does this 180 times. Counts are random, 30 % of kiosk-days small
(1 to 4), the rest 5 to 80; ten kiosks to a region.

    .venv/bin/python bench/bench_publication.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hub.publication import HIDDEN, SMALL, protect_counts  # noqa: E402
from hub.report import count_table  # noqa: E402


def main() -> int:
    rng = random.Random(1)
    for kiosks in (30, 300, 1000, 3000):
        region = {f"k-{i:06d}": f"region {i // 10}" for i in range(kiosks)}
        runs, started, small, hidden = 10, time.perf_counter(), 0, 0
        for _ in range(runs):
            per = {
                k: rng.randint(1, 4) if rng.random() < 0.3 else rng.randint(5, 80) for k in region
            }
            table, relations = count_table(per, region)
            shown = protect_counts(table, relations)
            small += sum(f.mark == SMALL for f in shown.values())
            hidden += sum(f.mark == HIDDEN for f in shown.values())
        each = (time.perf_counter() - started) / runs
        print(
            f"{kiosks:>5} kiosks: {each * 1000:6.1f} ms a day and measure "
            f"({each * 180:.1f} s for a 60-day page); {small // runs} cells '< 5', "
            f"{hidden // runs} withheld as '..'"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
