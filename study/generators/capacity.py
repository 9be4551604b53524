"""Work-center capacity: utilization, efficiency and rated capacity."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from study.generators._core import Draft, Family, Key, Params, Wrong, is_tie, near_misses, num, pct, rounded

DEFINITIONS = (
    "Utilization = hours actually worked / hours available; efficiency = standard hours produced / hours "
    "actually worked; rated capacity = available time × utilization × efficiency."
)


def _hours(x: float) -> str:
    return f"{num(x, 1)} standard hours"


def _available(p: Mapping[str, Any]) -> int:
    return p["machines"] * p["hours_per_shift"] * p["shifts_per_day"] * p["days_per_week"]


def draw_capacity(rng: random.Random) -> Params:
    while True:
        p: Params = {
            "ask": rng.choice(("rated", "rated", "utilization", "efficiency")),
            "machines": rng.randint(1, 6),
            "hours_per_shift": 8,
            "shifts_per_day": rng.randint(1, 3),
            "days_per_week": 5,
            "history_weeks": 4,
        }
        history_available = _available(p) * p["history_weeks"]
        worked = round(history_available * rng.randint(70, 98) / 100)
        standard = round(worked * rng.randint(80, 120) / 100)
        p.update(hours_available=history_available, hours_worked=worked, standard_hours=standard)
        util, eff = worked / history_available, standard / worked
        value = {"rated": _available(p) * util * eff, "utilization": util * 100, "efficiency": eff * 100}[
            p["ask"]
        ]
        if worked < history_available and standard != worked and not is_tie(value, 1):
            return p


def render_capacity(p: Mapping[str, Any]) -> Draft:
    avail, worked, standard = p["hours_available"], p["hours_worked"], p["standard_hours"]
    util, eff = worked / avail, standard / worked
    history = (
        f"Over the last {p['history_weeks']} weeks a work center had {num(avail)} hours available, its "
        f"operators worked {num(worked)} hours, and it produced {num(standard)} standard hours of output."
    )
    u_work = f"Utilization = {num(worked)} / {num(avail)} = {pct(util, 2)}"
    e_work = f"efficiency = {num(standard)} / {num(worked)} = {pct(eff, 2)}"
    if p["ask"] in ("utilization", "efficiency"):
        ask = p["ask"]
        value = util if ask == "utilization" else eff
        stem = f"{history} {DEFINITIONS} What was the work center's {ask}? Round to one decimal place."
        solution = f"{u_work}; {e_work}. The {ask} is {pct(value)}."
        other = eff if ask == "utilization" else util
        wrong: tuple[Wrong, ...] = (
            Wrong(pct(other), "swaps utilization and efficiency"),
            Wrong(pct(standard / avail), "divides standard hours by available hours"),
            Wrong(pct(1 / value), "inverts the ratio"),
        )
        params = {**p, "utilization": util, "efficiency": eff, "answer": rounded(value * 100, 1)}
        fallbacks = near_misses(value, pct, step=0.01, low=0.01)
        return Draft(stem, pct(value), solution, wrong, fallbacks, params, "easy", Key(value, pct, 0.001))
    time = _available(p)
    rated = time * util * eff
    shifts = f"{p['shifts_per_day']} shift{'s' if p['shifts_per_day'] > 1 else ''}"
    machines = f"{p['machines']} machine{'s' if p['machines'] > 1 else ''}"
    stem = (
        f"{history} Next week it will run {machines}, {shifts} of {p['hours_per_shift']} hours a day, "
        f"{p['days_per_week']} days. {DEFINITIONS} Using the historical utilization and efficiency, what "
        "is next week's rated capacity? Round to one decimal place."
    )
    solution = (
        f"{u_work}; {e_work}. Available time = {p['machines']} × {p['hours_per_shift']} × "
        f"{p['shifts_per_day']} × {p['days_per_week']} = {num(time)} hours. Rated capacity = {num(time)} × "
        f"{num(util, 4)} × {num(eff, 4)} = {num(rated, 1)} standard hours."
    )
    wrong = (
        Wrong(_hours(time * util), "applies utilization but forgets efficiency"),
        Wrong(_hours(time * eff), "applies efficiency but forgets utilization"),
        Wrong(_hours(time * util / eff), "divides by efficiency instead of multiplying"),
        Wrong(_hours(time), "reports available time as rated capacity"),
    )
    params = {
        **p,
        "available_time": time,
        "utilization": util,
        "efficiency": eff,
        "answer": rounded(rated, 1),
    }
    fallbacks = near_misses(rated, _hours, step=1, low=1)
    return Draft(stem, _hours(rated), solution, wrong, fallbacks, params, "medium", Key(rated, _hours, 0.1))


FAMILIES = (
    Family(
        "rated-capacity",
        "Utilization, efficiency and rated capacity",
        "dsp",
        "capacity-requirements-planning",
        draw_capacity,
        render_capacity,
        cpim8_module="supply",
        cpim8_topic="capacity-management",
    ),
)
