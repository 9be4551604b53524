"""Control of operations: Little's law and overall equipment effectiveness."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from study.generators._core import (
    Draft,
    Family,
    Key,
    Params,
    Wrong,
    approx,
    is_tie,
    near_misses,
    num,
    pct,
    plain,
    rounded,
)

LITTLE = "Use Little's law: WIP = throughput × flow time."
HOURS_PER_DAY = 8


def _units(x: float) -> str:
    return f"{num(x)} units"


def _rate(x: float) -> str:
    return f"{num(x, 1)} units/day"


def _days(x: float) -> str:
    return f"{num(x, 1)} days"


# --- Little's law ---------------------------------------------------------------------------


def draw_little(rng: random.Random) -> Params:
    ask = rng.choice(("wip", "throughput", "flow-time"))
    throughput = rng.randrange(10, 400, 5)
    if ask == "wip":
        if rng.random() < 0.5:
            return {"ask": ask, "throughput_per_day": throughput, "flow_time_weeks": rng.randint(1, 6)}
        return {"ask": ask, "throughput_per_day": throughput, "flow_time_hours": rng.randrange(4, 80, 4)}
    if ask == "throughput":
        weeks = rng.randint(1, 5)
        return {"ask": ask, "wip": throughput * weeks * 5, "flow_time_weeks": weeks}
    wip = throughput * rng.randint(2, 20)
    while True:
        extra = rng.randrange(0, throughput, 5)
        if not is_tie((wip + extra) / throughput, 1):
            return {"ask": ask, "wip": wip + extra, "throughput_per_day": throughput}


def _weeks(n: int) -> str:
    return f"{n} week{'s' if n > 1 else ''} (5 working days per week)"


def render_little(p: Mapping[str, Any]) -> Draft:
    ask = p["ask"]
    if ask == "wip":
        th, weeks, hours = p["throughput_per_day"], p.get("flow_time_weeks"), p.get("flow_time_hours")
        days = weeks * 5 if weeks else p["flow_time_hours"] / HOURS_PER_DAY
        answer = th * days
        flow_text = _weeks(weeks) if weeks else f"{hours} working hours ({HOURS_PER_DAY}-hour working days)"
        stem = (
            f"A cell completes {num(th)} units per working day, and a unit spends on average {flow_text} "
            f"in the cell. {LITTLE} How much work-in-process is in the cell on average? Round to a whole "
            "unit."
        )
        conv = f"{weeks} × 5 = {days} days" if weeks else f"{hours} / {HOURS_PER_DAY} = {plain(days)} days"
        solution = f"Flow time = {conv}; WIP = {num(th)} × {plain(days)} = {num(answer)} units."
        given = weeks or hours
        wip_wrong = [
            Wrong(
                _units(th * given),
                f"multiplies a daily rate by a flow time in {'weeks' if weeks else 'hours'}",
            ),
            Wrong(_units(th / days), "divides throughput by flow time instead of multiplying"),
        ]
        if weeks:
            wip_wrong.append(
                Wrong(_units(th * weeks * 7), "converts weeks with 7 days instead of 5 working days")
            )
        else:
            wip_wrong.append(
                Wrong(_units(th * hours / 24), "converts hours with 24-hour days instead of working days")
            )
        return Draft(
            stem,
            _units(answer),
            solution,
            tuple(wip_wrong),
            near_misses(answer, _units, step=5, low=1),
            {**p, "flow_time_days": days, "answer": rounded(answer)},
            "medium",
            Key(answer, _units, 1),
        )
    if ask == "throughput":
        wip, weeks = p["wip"], p["flow_time_weeks"]
        days = weeks * 5
        answer = wip / days
        stem = (
            f"A department holds {num(wip)} units of work-in-process on average, and a unit takes "
            f"{_weeks(weeks)} to pass through it. {LITTLE} What is its throughput in units per working "
            "day? Round to one decimal."
        )
        solution = (
            f"Flow time = {weeks} × 5 = {days} days; throughput = {num(wip)} / {days} = {num(answer, 1)} "
            "units/day."
        )
        wrong: tuple[Wrong, ...] = (
            Wrong(_rate(wip / weeks), "divides by the flow time in weeks, which gives a weekly rate"),
            Wrong(_rate(wip / (weeks * 7)), "converts weeks with 7 days instead of 5 working days"),
            Wrong(_rate(wip * days), "multiplies WIP by flow time"),
        )
        return Draft(
            stem,
            _rate(answer),
            solution,
            wrong,
            near_misses(answer, _rate, step=1, low=0.1),
            {**p, "answer": rounded(answer, 1)},
            "medium",
            Key(answer, _rate, 0.1),
        )
    wip, th = p["wip"], p["throughput_per_day"]
    answer = wip / th
    stem = (
        f"A department holds {num(wip)} units of work-in-process on average and completes {num(th)} units "
        f"per working day. {LITTLE} What is the average flow time in working days? Round to one decimal."
    )
    solution = f"Flow time = WIP / throughput = {num(wip)} / {num(th)} = {approx(answer, 1)} working days."
    wrong = (
        Wrong(_days(answer / 5), "converts to weeks but labels the result in days"),
        Wrong(_days(answer * 7 / 5), "converts working days to calendar days"),
    )
    return Draft(
        stem,
        _days(answer),
        solution,
        wrong,
        near_misses(answer, _days, step=0.5, low=0.1),
        {**p, "answer": rounded(answer, 1)},
        "easy",
        Key(answer, _days, 0.1),
    )


# --- OEE ------------------------------------------------------------------------------------


def _oee_parts(p: Mapping[str, Any]) -> tuple[float, float, float, float, float]:
    planned = p["shift_minutes"] - p["planned_break_minutes"]
    run = planned - p["downtime_minutes"]
    availability = run / planned
    performance = p["ideal_cycle_seconds"] * p["total_count"] / (run * 60)
    quality = (p["total_count"] - p["reject_count"]) / p["total_count"]
    return planned, run, availability, performance, quality


def draw_oee(rng: random.Random) -> Params:
    while True:
        p: Params = {
            "shift_minutes": rng.choice((450, 480, 510)),
            "planned_break_minutes": rng.choice((30, 45, 60)),
            "downtime_minutes": rng.randrange(10, 95, 5),
            "ideal_cycle_seconds": rng.choice(range(12, 91, 3)),
        }
        run = p["shift_minutes"] - p["planned_break_minutes"] - p["downtime_minutes"]
        p["total_count"] = int(run * 60 / p["ideal_cycle_seconds"] * rng.randint(70, 97) / 100)
        p["reject_count"] = max(1, round(p["total_count"] * rng.randint(1, 8) / 100))
        _, _, a, perf, q = _oee_parts(p)
        if p["total_count"] > 20 and perf < 1 and not is_tie(a * perf * q * 100, 1):
            return p


def render_oee(p: Mapping[str, Any]) -> Draft:
    planned, run, a, perf, q = _oee_parts(p)
    oee = a * perf * q
    good = p["total_count"] - p["reject_count"]
    stem = (
        f"A machine's shift is {p['shift_minutes']} minutes, including {p['planned_break_minutes']} "
        f"minutes of planned breaks (no production planned). It was down {p['downtime_minutes']} minutes "
        f"for breakdowns and changeovers. The ideal cycle time is {p['ideal_cycle_seconds']} seconds per "
        f"part; it made {p['total_count']} parts, of which {p['reject_count']} were rejected. OEE = "
        "availability × performance × quality, with availability measured against planned production "
        "time. What is the OEE? Round to one decimal."
    )
    solution = (
        f"Planned time = {p['shift_minutes']} − {p['planned_break_minutes']} = {planned} min; run time = "
        f"{planned} − {p['downtime_minutes']} = {run} min. Availability = {run}/{planned} = {pct(a, 2)}; "
        f"performance = {p['ideal_cycle_seconds']} s × {p['total_count']} / ({run} × 60 s) = "
        f"{pct(perf, 2)}; quality = {good}/{p['total_count']} = {pct(q, 2)}. OEE = {pct(oee, 1)}."
    )
    shift_a = run / p["shift_minutes"]
    wrong = (
        Wrong(pct(a * perf), "leaves out the quality rate"),
        Wrong(pct(shift_a * perf * q), "measures availability against the whole shift, breaks included"),
        Wrong(pct((a + perf + q) / 3), "averages the three factors instead of multiplying them"),
        Wrong(pct(perf * q), "leaves out availability"),
    )
    params = {**p, "availability": a, "performance": perf, "quality": q, "answer": rounded(oee * 100, 1)}
    fallbacks = near_misses(oee, pct, step=0.01, low=0.001, high=1)
    return Draft(stem, pct(oee), solution, wrong, fallbacks, params, "medium", Key(oee, pct, 0.001))


FAMILIES = (
    Family(
        "littles-law",
        "Little's law",
        "eco",
        "control-of-operations",
        draw_little,
        render_little,
        cpim8_module="schedules",
        cpim8_topic="dispatching-and-control",
    ),
    Family(
        "oee",
        "Overall equipment effectiveness",
        "eco",
        "control-of-operations",
        draw_oee,
        render_oee,
        cpim8_module="schedules",
        cpim8_topic="dispatching-and-control",
    ),
)
