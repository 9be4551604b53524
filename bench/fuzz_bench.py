"""A long fuzz run: the tests in tests/fuzz/ with FUZZ_SCALE times their CI example budget, figures printed.

    python -m bench.fuzz_bench                 # FUZZ_SCALE=50: about 7,500 examples per parser, 2,000 commands
    python -m bench.fuzz_bench --scale 5       # a quick run

It runs pytest on tests/fuzz/ in a subprocess and reads hypothesis's statistics: per test, the examples run,
the failing ones and the time. Any failing example is a defect: the run exits 1 and prints pytest's report
with the shrunk example.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAT = re.compile(r"^(?P<test>tests/fuzz/\S+::\S+):\s*$")
PHASE = re.compile(r"during generate phase \((?P<seconds>[\d.]+) seconds\)")
COUNTS = re.compile(r"(?P<passing>\d+) passing, (?P<failing>\d+) failing, and (?P<invalid>\d+) invalid")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=50, help="times each test's CI example budget (default 50)")
    args = parser.parse_args(argv)
    env = {**os.environ, "FUZZ_SCALE": str(args.scale)}
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/fuzz", "-W",
         "ignore::hypothesis.errors.HypothesisWarning", "--hypothesis-show-statistics"],
        cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    rows: dict[str, list[int | float]] = {}
    current = None
    for line in run.stdout.splitlines():
        if match := STAT.match(line.strip()):
            current = match["test"].split("::")[-1]
            rows[current] = [0, 0, 0, 0.0]
        elif current and (match := PHASE.search(line)):
            rows[current][3] += float(match["seconds"])
        elif current and (match := COUNTS.search(line)):
            rows[current][0] += int(match["passing"])
            rows[current][1] += int(match["failing"])
            rows[current][2] += int(match["invalid"])
    print(f"fuzz run: FUZZ_SCALE={args.scale}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'test':70} {'examples':>9} {'failing':>8} {'seconds':>8}")
    for test, (passing, failing, _invalid, seconds) in rows.items():
        print(f"{test:70} {passing + failing:>9,} {failing:>8} {seconds:>8.1f}")
    total = sum(int(r[0]) + int(r[1]) for r in rows.values())
    failing = sum(int(r[1]) for r in rows.values())
    print(f"{'all':70} {total:>9,} {failing:>8} {elapsed:>8.1f}")
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr[-500:]
    print(f"pytest: {summary}")
    if run.returncode != 0:
        print(run.stdout[-6000:], file=sys.stderr)
    return 0 if run.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
