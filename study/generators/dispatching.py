"""Dispatching and sequencing: critical ratio (which job runs first, or the CR of one job), and the mean
flow time or tardiness of a shortest-processing-time sequence."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from study.generators._core import MINUS, Draft, Family, Key, Params, Wrong, is_tie, near_misses, num, rounded

RULE = "Critical ratio = (due date − today) / work remaining in days; dispatch the lowest CR first."
LETTERS = "ABCDE"
LETTERS_SPT = "ABCDEF"


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
        wrong: tuple[Wrong, ...] = (
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


# --- shortest processing time: mean flow time and tardiness -----------------------------------

SPT_RULE = (
    "All jobs are waiting at time 0 and run one after another on one machine. Flow time of a job = its "
    "completion time; tardiness = completion time − due date, or 0 if the job is early."
)


def _completions(times: list[int], order: list[int]) -> dict[int, int]:
    clock, done = 0, {}
    for i in order:
        clock += times[i]
        done[i] = clock
    return done


def _spt(times: list[int]) -> list[int]:
    return sorted(range(len(times)), key=lambda i: (times[i], i))


def _mean_flow(times: list[int], order: list[int]) -> float:
    return sum(_completions(times, order).values()) / len(times)


def _mean_tardiness(times: list[int], due: list[int], order: list[int], signed: bool = False) -> float:
    done = _completions(times, order)
    return sum((done[i] - due[i]) if signed else max(0, done[i] - due[i]) for i in order) / len(times)


def draw_spt(rng: random.Random) -> Params:
    while True:
        n = rng.choice((5, 5, 6))
        times = rng.sample(range(1, 16), n)
        total = sum(times)
        p: Params = {
            "processing_days": times,
            "due_days": [rng.randint(max(2, t), total) for t in times],
            "ask": rng.choice(("flow", "flow", "tardiness")),
        }
        order = _spt(times)
        if order == list(range(n)):
            continue
        if p["ask"] == "tardiness" and _mean_tardiness(times, p["due_days"], order) == 0:
            continue
        return p


def render_spt(p: Mapping[str, Any]) -> Draft:
    times, due = list(p["processing_days"]), list(p["due_days"])
    n = len(times)
    order = _spt(times)
    done = _completions(times, order)
    lines = ["Job  Processing (days)  Due (day)"]
    lines += [f"{LETTERS_SPT[i]:<3}  {times[i]:>17}  {due[i]:>9}" for i in range(n)]
    grid = "```\n" + "\n".join(lines) + "\n```"
    sequence = ", ".join(LETTERS_SPT[i] for i in order)
    completions = ", ".join(f"{LETTERS_SPT[i]} {done[i]}" for i in order)
    fcfs, edd = list(range(n)), sorted(range(n), key=lambda i: (due[i], i))
    lpt = sorted(range(n), key=lambda i: (-times[i], i))

    def days(x: float) -> str:
        return f"{num(x, 1)} days"

    if p["ask"] == "flow":
        value = _mean_flow(times, order)
        stem = (
            f"Jobs waiting at a work center (listed in order of arrival):\n{grid}\n{SPT_RULE} Sequenced by "
            "shortest processing time (SPT), what is the mean flow time? Round to one decimal."
        )
        solution = (
            f"SPT sequence: {sequence}. Completion times: {completions}. Mean flow time = "
            f"{sum(done.values())} / {n} = {days(value)}."
        )
        wrong: tuple[Wrong, ...] = (
            Wrong(days(_mean_flow(times, fcfs)), "keeps the arrival order (first come, first served)"),
            Wrong(days(_mean_flow(times, edd)), "sequences by earliest due date"),
            Wrong(days(sum(times) / n), "averages the processing times instead of the completion times"),
            Wrong(days(_mean_flow(times, lpt)), "runs the longest job first"),
            Wrong(days(sum(done.values()) / (n - 1)), "divides by n − 1"),
        )
        key = Key(value, days, 0.1)
        params = {**p, "sequence": [LETTERS_SPT[i] for i in order], "answer": rounded(value, 1)}
        return Draft(stem, days(value), solution, wrong, near_misses(value, days, step=1, low=0.1), params,
                     "easy", key)
    value = _mean_tardiness(times, due, order)
    stem = (
        f"Jobs waiting at a work center (listed in order of arrival):\n{grid}\n{SPT_RULE} Sequenced by "
        "shortest processing time (SPT), what is the mean tardiness? Round to one decimal."
    )
    late = ", ".join(f"{LETTERS_SPT[i]} {done[i] - due[i]}" for i in order if done[i] > due[i])
    solution = (
        f"SPT sequence: {sequence}. Completion times: {completions}. Late jobs: {late}. Mean tardiness = "
        f"{num(value * n)} / {n} = {days(value)} (early jobs count as 0)."
    )
    wrong = (
        Wrong(days(_mean_tardiness(times, due, order, signed=True)), "lets early jobs count as negative lateness"),
        Wrong(days(_mean_tardiness(times, due, fcfs)), "keeps the arrival order (first come, first served)"),
        Wrong(days(_mean_flow(times, order)), "gives the mean flow time instead of the mean tardiness"),
        Wrong(days(_mean_tardiness(times, due, edd)), "sequences by earliest due date"),
        Wrong(
            days(value * n / max(1, sum(done[i] > due[i] for i in order))),
            "divides by the number of late jobs instead of all jobs",
        ),
    )
    wrong = tuple(w for w in wrong if not w.text.startswith(MINUS))  # tardiness is never negative
    params = {**p, "sequence": [LETTERS_SPT[i] for i in order], "answer": rounded(value, 1)}
    return Draft(stem, days(value), solution, wrong, near_misses(value, days, step=1, low=0.1, relative=False),
                 params, "medium", Key(value, days, 0.1))


FAMILIES = (
    Family(
        "critical-ratio", "Critical ratio dispatching", "eco", "dispatching-sequencing", draw_cr, render_cr,
        cpim8_module="schedules",
        cpim8_topic="dispatching-and-control",
    ),
    Family(
        "spt-flow-time",
        "Shortest processing time: mean flow time and tardiness",
        "eco",
        "dispatching-sequencing",
        draw_spt,
        render_spt,
        cpim8_module="schedules",
        cpim8_topic="dispatching-and-control",
    ),
)
