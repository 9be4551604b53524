"""Capacity checks of the plans: rough-cut capacity planning of the MPS with a bill of resources, and the
load of released and planned orders against a work center's rated capacity (CRP)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from study.generators._core import Draft, Family, Key, Params, Wrong, near_misses, num, pct, plain, table

PRODUCTS = "XYZ"
RCCP_RULE = (
    "Rough-cut load = Σ (MPS quantity × hours per unit in the bill of resources), period by period, with no "
    "lead-time offset."
)


def _hours(x: float) -> str:
    return f"{num(x, 1)} hours"


# --- RCCP with a bill of resources -----------------------------------------------------------


def _loads(mps: list[list[int]], hours: list[float]) -> list[float]:
    return [round(sum(q[t] * h for q, h in zip(mps, hours, strict=True)), 6) for t in range(len(mps[0]))]


def draw_rccp(rng: random.Random) -> Params:
    while True:
        n_products = rng.choice((2, 3))
        p: Params = {
            "hours_per_unit": [rng.randrange(5, 150, 5) / 100 for _ in range(n_products)],
            "mps": [[rng.randrange(0, 400, 10) for _ in range(4)] for _ in range(n_products)],
            "ask": rng.choice(("load", "load", "shortfall")),
            "ask_period": rng.randint(1, 4),
        }
        loads = _loads(p["mps"], p["hours_per_unit"])
        k = p["ask_period"]
        if min(loads) <= 0 or len(set(p["hours_per_unit"])) < n_products or any(q[k - 1] == 0 for q in p["mps"]):
            continue
        if p["ask"] == "shortfall":
            p["capacity_hours"] = round(loads[k - 1] * rng.randint(60, 92) / 100)
        return p


def render_rccp(p: Mapping[str, Any]) -> Draft:
    hours, mps, k = list(p["hours_per_unit"]), [list(q) for q in p["mps"]], p["ask_period"]
    n = len(hours)
    loads = _loads(mps, hours)
    load = loads[k - 1]
    names = PRODUCTS[:n]
    grid = table(
        [("Period", range(1, 5)), *((f"MPS {names[i]}", mps[i]) for i in range(n))],
    )
    bill = ", ".join(f"{names[i]} {plain(h)} h" for i, h in enumerate(hours))
    facts = (
        f"The master schedule for the products that use a key work center:\n{grid}\nThe bill of resources "
        f"gives hours per unit at that work center: {bill}. {RCCP_RULE}"
    )
    terms = " + ".join(f"{mps[i][k - 1]} × {plain(hours[i])}" for i in range(n))
    work = f"Period {k} load = {terms} = {num(load, 1)} hours."
    mistakes = [
        (loads[k - 2], f"reads period {k - 1}'s MPS") if k > 1 else (loads[1], "reads period 2's MPS"),
        (sum(q[k - 1] for q in mps) * sum(hours) / n, "multiplies total units by the average hours"),
        (max(q[k - 1] * h for q, h in zip(mps, hours, strict=True)), "counts only the biggest product"),
        (sum(q[k - 1] * h for q, h in zip(mps, hours[::-1], strict=True)), "pairs the hours with the wrong products"),
        (sum(loads) / len(loads), "averages the load over the four periods"),
    ]
    if p["ask"] == "load":
        stem = f"{facts} What load does the MPS place on the work center in period {k}?"
        params = {**p, "loads": loads, "answer": round(load, 1)}
        fallbacks = near_misses(load, _hours, step=5, low=0.1)
        wrong = tuple(Wrong(_hours(value), why) for value, why in mistakes)
        return Draft(stem, _hours(load), work, wrong, fallbacks, params, "medium")
    cap = p["capacity_hours"]
    short = load - cap
    stem = (
        f"{facts} The work center can provide {cap} hours in period {k}. By how many hours does the period {k} "
        "load exceed that capacity?"
    )
    slips = [Wrong(_hours(value - cap), why) for value, why in mistakes if value > cap]
    slips.append(Wrong(_hours(load), "gives the load, not the excess over capacity"))
    params = {**p, "loads": loads, "answer": round(short, 1)}
    solution = f"{work} Excess = {num(load, 1)} − {cap} = {num(short, 1)} hours."
    return Draft(
        stem, _hours(short), solution, tuple(slips), near_misses(short, _hours, step=5, low=0.1), params, "medium"
    )


# --- load versus rated capacity ---------------------------------------------------------------

LOAD_RULE = (
    "Load of an order = setup hours + quantity × run hours per unit. Rated capacity = available hours × "
    "utilization × efficiency."
)


def _order_hours(p: Mapping[str, Any], setups: bool = True) -> float:
    return sum(
        (s if setups else 0) + q * r for s, q, r in zip(p["setup_hours"], p["quantities"], p["run_hours"], strict=True)
    )


def _rated(p: Mapping[str, Any]) -> float:
    return p["available_hours"] * p["utilization_pct"] / 100 * p["efficiency_pct"] / 100


def draw_load(rng: random.Random) -> Params:
    while True:
        n = rng.choice((3, 4))
        p: Params = {
            "ask": rng.choice(("load", "percent", "percent")),
            "quantities": [rng.randrange(20, 300, 10) for _ in range(n)],
            "setup_hours": [rng.randrange(1, 9) / 2 for _ in range(n)],
            "run_hours": [rng.randrange(2, 40) / 100 for _ in range(n)],
            "available_hours": rng.choice((80, 120, 160, 240)),
            "utilization_pct": rng.randrange(75, 96),
            "efficiency_pct": rng.randrange(85, 121),
        }
        load = _order_hours(p)
        if 0.6 < load / _rated(p) < 1.4 and p["efficiency_pct"] != 100:
            return p


def render_load(p: Mapping[str, Any]) -> Draft:
    load, rated = _order_hours(p), _rated(p)
    avail, util, eff = p["available_hours"], p["utilization_pct"], p["efficiency_pct"]
    rows = ["Order  Qty  Setup h  Run h/unit"]
    rows += [
        f"{i + 1:>5}  {q:>3}  {plain(s):>7}  {plain(r):>10}"
        for i, (q, s, r) in enumerate(zip(p["quantities"], p["setup_hours"], p["run_hours"], strict=True))
    ]
    grid = "```\n" + "\n".join(rows) + "\n```"
    facts = (
        f"Orders released and planned for a work center next week, in standard hours:\n{grid}\nThe work center "
        f"has {avail} hours available, a utilization of {util}% and an efficiency of {eff}%. {LOAD_RULE}"
    )
    terms = " + ".join(
        f"({plain(s)} + {q} × {plain(r)})"
        for q, s, r in zip(p["quantities"], p["setup_hours"], p["run_hours"], strict=True)
    )
    work = f"Load = {terms} = {num(load, 2)} standard hours."
    if p["ask"] == "load":
        stem = f"{facts} What is next week's load in standard hours?"
        wrong: tuple[Wrong, ...] = (
            Wrong(_hours(_order_hours(p, setups=False)), "leaves out the setup hours"),
            Wrong(_hours(rated), "gives the rated capacity instead of the load"),
            Wrong(_hours(load * util / 100 * eff / 100), "applies utilization and efficiency to the load"),
            Wrong(_hours(load * 100 / eff), "converts the load to clock hours by dividing by efficiency"),
        )
        params = {**p, "load": load, "rated_capacity": rated, "answer": round(load, 1)}
        return Draft(
            stem,
            _hours(load),
            work,
            wrong,
            near_misses(load, _hours, step=2, low=0.1),
            params,
            "easy",
            Key(load, _hours, 0.1),
        )
    share = load / rated
    stem = f"{facts} What is the load as a percentage of rated capacity? Round to one decimal."
    solution = (
        f"{work} Rated capacity = {avail} × {plain(util / 100)} × {plain(eff / 100)} = {num(rated, 2)} "
        f"hours. Load / rated capacity = {num(load, 2)} / {num(rated, 2)} = {pct(share)}."
    )
    wrong = (
        Wrong(pct(load / avail), "compares the load with available hours instead of rated capacity"),
        Wrong(pct(_order_hours(p, setups=False) / rated), "leaves out the setup hours"),
        Wrong(pct(load / (avail * util / 100)), "forgets the efficiency factor"),
        Wrong(pct(rated / load), "inverts the ratio"),
        Wrong(pct(load / (avail * util / 100 / (eff / 100))), "divides by efficiency instead of multiplying"),
    )
    params = {**p, "load": load, "rated_capacity": rated, "answer": round(100 * share, 1)}
    return Draft(
        stem,
        pct(share),
        solution,
        wrong,
        near_misses(share, pct, step=0.02, low=0.01),
        params,
        "medium",
        Key(share, pct, 0.001),
    )


FAMILIES = (
    Family(
        "rccp-bill-of-resources",
        "Rough-cut capacity with a bill of resources",
        "mpr",
        "rough-cut-capacity",
        draw_rccp,
        render_rccp,
        cpim8_module="supply",
        cpim8_topic="capacity-management",
    ),
    Family(
        "load-vs-capacity",
        "Work-center load against rated capacity",
        "dsp",
        "capacity-requirements-planning",
        draw_load,
        render_load,
        cpim8_module="supply",
        cpim8_topic="capacity-management",
    ),
)
