"""Dispatching by critical ratio: which job runs first, or the CR of one job."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from study.generators._core import Draft, Family, Key, Params, Wrong, is_tie, near_misses, num, rounded

RULE = "Critical ratio = (due date − today) / work remaining in days; dispatch the lowest CR first."
LETTERS = "ABCDE"


def _ratios(p: Mapping[str, Any]) -> list[float]:
    return [(due - p["today"]) / work for due, work in zip(p["due_days"], p["work_days"], strict=True)]


def _unique_min(values: list[float]) -> int | None:
    low = min(values)
    return values.index(low) if values.count(low) == 1 else None


def draw_cr(rng: random.Random) -> Params:
    while True:
        n = rng.choice((4, 5))
        today = rng.randint(100, 300)
        work = [rng.randint(2, 15) for _ in range(n)]
        due = [today + max(1, round(w * rng.randint(40, 250) / 100)) for w in work]
        p: Params = {
            "ask": rng.choice(("first", "first", "ratio")),
            "today": today,
            "due_days": due,
            "work_days": work,
        }
        crs = _ratios(p)
        shown = {num(c, 2) for c in crs}
        if len(shown) < n or any(is_tie(c, 2) for c in crs):
            continue
        first = _unique_min(crs)
        edd, spt = _unique_min([float(d) for d in due]), _unique_min([float(w) for w in work])
        if p["ask"] == "first":
            if first is not None and edd is not None and spt is not None and first not in (edd, spt):
                return p
        else:
            p["job"] = LETTERS[rng.randrange(n)]
            return p


def render_cr(p: Mapping[str, Any]) -> Draft:
    today, due, work = p["today"], list(p["due_days"]), list(p["work_days"])
    n = len(due)
    crs = _ratios(p)
    lines = ["Job  Due (shop day)  Work remaining (days)"]
    lines += [f"{LETTERS[i]}    {due[i]:>14}  {work[i]:>21}" for i in range(n)]
    grid = "```\n" + "\n".join(lines) + "\n```"
    listing = "; ".join(f"{LETTERS[i]} ({due[i]} − {today})/{work[i]} = {num(crs[i], 2)}" for i in range(n))
    if p["ask"] == "first":
        order = sorted(range(n), key=lambda i: crs[i])
        first = order[0]
        stem = (
            f"Today is shop day {today}. Jobs waiting at a work center:\n{grid}\n{RULE} Which job should "
            "run first?"
        )
        solution = (
            f"CRs: {listing}. Sequence (lowest first): {', '.join(LETTERS[i] for i in order)}; job "
            f"{LETTERS[first]} has the lowest CR, so it is furthest behind schedule and runs first."
        )
        no_today = min(range(n), key=lambda i: (due[i] / work[i], i))
        wrong = (
            Wrong(f"Job {LETTERS[order[-1]]}", "sorts the critical ratios the wrong way (highest first)"),
            Wrong(
                f"Job {LETTERS[min(range(n), key=lambda i: due[i])]}", "uses earliest due date instead of CR"
            ),
            Wrong(
                f"Job {LETTERS[min(range(n), key=lambda i: work[i])]}",
                "uses shortest processing time instead of CR",
            ),
            Wrong(
                f"Job {LETTERS[no_today]}", "divides the due date by work remaining without subtracting today"
            ),
        )
        params = {
            **p,
            "critical_ratios": crs,
            "sequence": [LETTERS[i] for i in order],
            "answer": LETTERS[first],
        }
        return Draft(
            stem,
            f"Job {LETTERS[first]}",
            solution,
            wrong,
            tuple(f"Job {c}" for c in LETTERS[:n]),
            params,
            "medium",
        )
    i = LETTERS.index(p["job"])
    cr, r, w = crs[i], due[i] - today, work[i]
    stem = (
        f"Today is shop day {today}. Jobs waiting at a work center:\n{grid}\n{RULE} What is the critical "
        f"ratio of job {p['job']}? Round to two decimals."
    )
    behind = "behind schedule" if cr < 1 else ("on schedule" if cr == 1 else "ahead of schedule")
    solution = (
        f"CR of {p['job']} = ({due[i]} − {today}) / {w} = {r}/{w} = {num(cr, 2)}: {behind} (a CR below 1 "
        f"means behind schedule, above 1 ahead). All jobs: {listing}."
    )
    wrong = (
        Wrong(num(w / r, 2), "inverts the ratio (work remaining / time remaining)"),
        Wrong(num(r - w, 2), "gives the slack (time remaining − work remaining), not a ratio"),
        Wrong(num(due[i] / w, 2), "divides the due date by work remaining without subtracting today"),
    )
    params = {**p, "critical_ratios": crs, "answer": rounded(cr, 2)}
    return Draft(
        stem,
        num(cr, 2),
        solution,
        wrong,
        near_misses(cr, lambda v: num(v, 2), step=0.05, low=0.01),
        params,
        "easy",
        Key(cr, lambda v: num(v, 2), 0.01),
    )


FAMILIES = (
    Family(
        "critical-ratio", "Critical ratio dispatching", "eco", "dispatching-sequencing", draw_cr, render_cr,
        cpim8_module="schedules",
        cpim8_topic="dispatching-and-control",
    ),
)
