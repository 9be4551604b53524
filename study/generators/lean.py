"""Lean flow: number of kanbans, takt time and the minimum number of workstations, and the efficiency of a
proposed line balance."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from fractions import Fraction
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
    up_detail,
)

DAY_LEAD_TIMES = (0.5, 1, 1.5, 2, 2.5, 3, 4, 5)
WORDS = {1: "one", 2: "two", 3: "three"}


def _cards(n: float) -> str:
    return f"{int(n)} kanbans"


# --- kanban ---------------------------------------------------------------------------------


def kanban_raw(demand: float, lead_time: float, safety_pct: int, container: int) -> Fraction:
    """D × L × (1 + α) / C, exactly."""
    return Fraction(str(demand)) * Fraction(str(lead_time)) * Fraction(100 + safety_pct, 100) / container


def draw_kanban(rng: random.Random) -> Params:
    while True:
        if rng.random() < 0.5:
            p: Params = {
                "time_unit": "hour",
                "demand": rng.randrange(20, 400, 5),
                "lead_time": rng.choice((1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16)),
            }
        else:
            p = {
                "time_unit": "day",
                "demand": rng.randrange(100, 3000, 10),
                "lead_time": rng.choice(DAY_LEAD_TIMES),
            }
        p.update(safety_pct=rng.randrange(5, 35, 5), container=rng.randrange(10, 210, 5))
        raw = kanban_raw(p["demand"], p["lead_time"], p["safety_pct"], p["container"])
        if raw.denominator != 1 and 2 <= raw <= 60 and 0.02 < raw - math.floor(raw) < 0.98:
            return p


def render_kanban(p: Mapping[str, Any]) -> Draft:
    d, lt, a, c, unit = p["demand"], p["lead_time"], p["safety_pct"], p["container"], p["time_unit"]
    raw = kanban_raw(d, lt, a, c)
    answer = math.ceil(raw)
    no_safety = kanban_raw(d, lt, 0, c)
    lt_text = f"{plain(lt)} {unit}{'' if lt == 1 else 's'}"
    stem = (
        f"A part is used at {num(d)} units per {unit}. The kanban replenishment lead time (wait plus "
        f"process) is {lt_text}, each container holds {c} units and the safety factor α is {a}%. Using "
        "kanbans = D × L × (1 + α) / C, how many kanbans are needed? Round up to a whole kanban."
    )
    solution = (
        f"{num(d)} × {plain(lt)} × {plain(1 + a / 100)} / {c} = {up_detail(float(raw), 3)}, rounded up to "
        f"{answer} kanbans. Rounding down would leave the loop short of parts."
    )
    wrong = (
        Wrong(_cards(math.floor(raw)), "rounds down instead of up"),
        Wrong(_cards(math.ceil(no_safety)), "leaves out the safety factor"),
        Wrong(_cards(math.floor(no_safety)), "leaves out the safety factor and rounds down"),
        Wrong(_cards(rounded(float(raw))), "rounds to the nearest whole number"),
        Wrong(_cards(math.ceil(kanban_raw(d, lt, -a, c))), "applies the safety factor as (1 − α)"),
    )
    params = {**p, "raw": float(raw), "answer": answer}
    return Draft(
        stem,
        _cards(answer),
        solution,
        wrong,
        near_misses(answer, _cards, step=1, low=1),
        params,
        "easy" if unit == "hour" else "medium",
        Key(float(raw), _cards, 1, "up"),
    )


# --- takt time and workstations -------------------------------------------------------------


def _available_seconds(p: Mapping[str, Any]) -> int:
    return p["shifts"] * (p["shift_minutes"] - p["breaks"] * p["break_minutes"]) * 60


def _seconds(x: float) -> str:
    return f"{num(x, 1)} seconds"


def _stations(n: float) -> str:
    return f"{int(n)} workstations"


def draw_takt(rng: random.Random) -> Params:
    while True:
        p: Params = {
            "ask": rng.choice(("takt", "takt", "stations")),
            "shift_minutes": rng.choice((450, 480, 510)),
            "breaks": 2,
            "break_minutes": rng.choice((10, 15)),
            "shifts": rng.randint(1, 3),
        }
        target = rng.randint(20, 300)
        p["daily_demand"] = max(10, round(_available_seconds(p) / target / 5) * 5)
        takt = _available_seconds(p) / p["daily_demand"]
        if p["ask"] == "stations":
            p["work_content_seconds"] = round(takt * rng.randint(3, 14) * rng.randint(75, 99) / 100)
            ratio = p["work_content_seconds"] / takt
            if abs(ratio - round(ratio)) > 0.02 and ratio > 1:
                return p
        elif not is_tie(takt, 1):
            return p


def render_takt(p: Mapping[str, Any]) -> Draft:
    shift, brk, nb, shifts, demand = (
        p["shift_minutes"],
        p["break_minutes"],
        p["breaks"],
        p["shifts"],
        p["daily_demand"],
    )
    available = _available_seconds(p)
    takt = available / demand
    no_breaks = shifts * shift * 60 / demand
    shifts_text = f"{shifts} shift{'s' if shifts > 1 else ''}"
    facts = (
        f"A line runs {shifts_text} a day. Each shift is {shift} minutes with {WORDS[nb]} {brk}-minute "
        f"breaks, during which the line stops. Customer demand is {num(demand)} units a day. Takt time = "
        "available production time / customer demand."
    )
    takt_work = (
        f"Available time = {shifts} × ({shift} − {nb}×{brk}) × 60 = {num(available)} seconds; takt = "
        f"{num(available)} / {num(demand)} = {approx(takt, 1)} seconds"
    )
    if p["ask"] == "takt":
        stem = f"{facts} What is the takt time in seconds per unit? Round to one decimal."
        wrong = [
            Wrong(_seconds(no_breaks), "does not subtract the breaks from the available time"),
            Wrong(_seconds(takt / 60), "forgets to convert minutes to seconds"),
        ]
        if shifts > 1:
            wrong.insert(
                1, Wrong(_seconds(takt / shifts), "uses one shift's time for the whole day's demand")
            )
        wrong.append(
            Wrong(
                _seconds(shifts * (shift + nb * brk) * 60 / demand),
                "adds the break time instead of subtracting it",
            )
        )
        params = {**p, "takt_seconds": takt, "answer": rounded(takt, 1)}
        return Draft(
            stem,
            _seconds(takt),
            f"{takt_work}.",
            tuple(wrong),
            near_misses(takt, _seconds, step=0.5, low=0.1),
            params,
            "easy",
            Key(takt, _seconds, 0.1),
        )
    work = p["work_content_seconds"]
    answer = math.ceil(work / takt)
    stem = (
        f"{facts} The total work content of one unit is {num(work)} seconds. What is the theoretical "
        "minimum number of workstations (work content / takt time, rounded up)?"
    )
    solution = (
        f"{takt_work}. Stations = {num(work)} / {num(takt, 2)} = {up_detail(work / takt, 3)}, rounded up to "
        f"{answer}."
    )
    wrong = [
        Wrong(_stations(math.floor(work / takt)), "rounds down, which cannot meet takt"),
        Wrong(_stations(math.ceil(work / no_breaks)), "computes takt without subtracting the breaks"),
        Wrong(_stations(rounded(work / takt)), "rounds to the nearest whole number"),
    ]
    if shifts > 1:
        wrong.append(
            Wrong(
                _stations(math.ceil(work / (takt / shifts))),
                "uses one shift's time for the whole day's demand",
            )
        )
    params = {**p, "takt_seconds": takt, "answer": answer}
    return Draft(
        stem,
        _stations(answer),
        solution,
        tuple(wrong),
        near_misses(answer, _stations, step=1, low=1),
        params,
        "medium",
        Key(work / takt, _stations, 1, "up"),
    )


# --- line balancing: efficiency of a proposed balance ------------------------------------------

BALANCE_RULE = (
    "The line's cycle time is the longest station time. Efficiency = total task time / (number of stations × "
    "cycle time); balance delay = 1 − efficiency."
)


def draw_balance(rng: random.Random) -> Params:
    while True:
        n = rng.randint(3, 6)
        stations = [[rng.randrange(8, 60) for _ in range(rng.choice((1, 2, 2, 3)))] for _ in range(n)]
        loads = [sum(s) for s in stations]
        cycle = max(loads)
        takt = cycle + rng.randrange(2, 20)
        p: Params = {"stations": stations, "takt_seconds": takt, "ask": rng.choice(("efficiency", "delay"))}
        if loads.count(cycle) == 1 and sum(loads) / (n * cycle) < 0.97:
            return p


def render_balance(p: Mapping[str, Any]) -> Draft:
    stations, takt = [list(s) for s in p["stations"]], p["takt_seconds"]
    n = len(stations)
    loads = [sum(s) for s in stations]
    total, cycle = sum(loads), max(loads)
    eff = total / (n * cycle)
    tasks = sum(len(s) for s in stations)
    rows = [f"Station {i + 1}: tasks of {', '.join(map(str, s))} seconds" for i, s in enumerate(stations)]
    ask = p["ask"]
    asked = "efficiency" if ask == "efficiency" else "balance delay"
    stem = (
        f"A proposed balance of an assembly line, which must meet a takt time of {takt} seconds:\n"
        + "\n".join(rows)
        + f"\n{BALANCE_RULE} What is the {asked} of this balance? Give a percent to one decimal."
    )
    value = eff if ask == "efficiency" else 1 - eff
    solution = (
        f"Station times: {', '.join(map(str, loads))} seconds; total task time = {total} s and the cycle time "
        f"is the longest station, {cycle} s. Efficiency = {total} / ({n} × {cycle}) = "
        + (
            f"{approx(100 * eff, 1)}%."
            if ask == "efficiency"
            else f"{pct(eff, 2)}; balance delay = 1 − efficiency = {pct(value)}."
        )
    )
    flip = (lambda x: x) if ask == "efficiency" else (lambda x: 1 - x)
    wrong = [
        Wrong(pct(flip(total / (n * takt))), "uses the takt time instead of the actual cycle time"),
        Wrong(pct(1 - value), f"gives the {'balance delay' if ask == 'efficiency' else 'efficiency'} instead"),
        Wrong(pct(flip(total / (tasks * cycle))), "multiplies the cycle time by the number of tasks, not stations"),
        Wrong(pct(flip(sum(loads) / n / takt)), "divides the average station time by the takt time"),
    ]
    fewest = math.ceil(total / takt)
    if fewest < n:
        wrong.insert(
            2,
            Wrong(
                pct(flip(total / (fewest * cycle))),
                "uses the theoretical minimum number of stations (total time / takt, rounded up), not the actual",
            ),
        )
    params = {**p, "station_times": loads, "cycle_seconds": cycle, "answer": rounded(100 * value, 1)}
    fallbacks = near_misses(value, pct, step=0.02, low=0.001, high=0.999)
    return Draft(stem, pct(value), solution, tuple(wrong), fallbacks, params, "medium", Key(value, pct, 0.001))


FAMILIES = (
    Family(
        "kanban",
        "Number of kanbans",
        "eco",
        "lean-pull",
        draw_kanban,
        render_kanban,
        cpim8_module="schedules",
        cpim8_topic="lean-execution",
    ),
    Family(
        "takt-time",
        "Takt time and minimum workstations",
        "eco",
        "lean-pull",
        draw_takt,
        render_takt,
        cpim8_module="schedules",
        cpim8_topic="lean-execution",
    ),
    Family(
        "line-balance-efficiency",
        "Line balance efficiency and balance delay",
        "eco",
        "execution-principles",
        draw_balance,
        render_balance,
        cpim8_module="schedules",
        cpim8_topic="lean-execution",
    ),
)
