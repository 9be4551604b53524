"""CPU per chart: the /progress and /group charts of services/charts.py, optionally beside another chart module.

    python -m bench.charts_bench [--runs 300] [--compare FILE]

`--compare FILE` times the same functions from another file, such as the matplotlib charts this project drew
before (`git show 9234506:services/charts.py > /tmp/old_charts.py`). Inputs are a member's five modules and
30 days of answers; the figure is CPU time (time.process_time) per chart, and the PNG's size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import random
import time
from types import ModuleType

from services import charts

LABELS = ("BSCM", "MPR", "DSP", "ECO", "SMR")
ACCURACY = (0.73, None, 0.5, 1.0, 0.12)


def per_day() -> tuple[tuple[dt.date, int], ...]:
    rng, today = random.Random(1), dt.date(2026, 11, 30)
    return tuple((today - dt.timedelta(days=29 - i), rng.randint(0, 40)) for i in range(30))


def measure(module: ModuleType, runs: int) -> list[tuple[str, float, int]]:
    days = per_day()
    figures = []
    for name, draw in (("progress chart", lambda: module.progress_chart(LABELS, ACCURACY, days)),
                       ("group chart", lambda: module.group_chart(LABELS, ACCURACY))):
        png = draw()  # warm: fonts, imports
        started = time.process_time()
        for _ in range(runs):
            draw()
        figures.append((name, (time.process_time() - started) / runs * 1000, len(png)))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--compare", help="another charts module (a .py file) to time the same way")
    args = parser.parse_args()
    modules: list[tuple[str, ModuleType]] = [("services/charts.py", charts)]
    if args.compare:
        spec = importlib.util.spec_from_file_location("compared_charts", args.compare)
        assert spec and spec.loader
        other = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(other)
        modules.append((args.compare, other))
    for label, module in modules:
        runs = args.runs if module is charts else max(args.runs // 10, 10)
        for name, ms, size in measure(module, runs):
            print(f"{label:32} {name:15} {ms:7.1f} ms CPU per chart, PNG {size:,} bytes ({runs} runs)")


if __name__ == "__main__":
    main()
