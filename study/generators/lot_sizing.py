"""Lot sizing: EOQ, EPQ and the annual ordering-plus-carrying cost of an order quantity."""

from __future__ import annotations

import math
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
    money,
    near_misses,
    num,
    plain,
    qty,
    rounded,
    steps,
)

PERIODS_PER_YEAR = {"annual": 1, "monthly": 12, "weekly": 52}
ROUNDING = "Round to the nearest whole unit."


def _eoq(d: float, s: float, h: float) -> float:
    return math.sqrt(2 * d * s / h)


def _units(x: float) -> str:
    return qty(rounded(x))


def _holding(p: Mapping[str, Any]) -> float:
    if p["holding_basis"] == "rate":
        return float(p["unit_cost"]) * float(p["carrying_rate_pct"]) / 100
    return float(p["holding_cost"])


# --- EOQ ---------------------------------------------------------------------------------------


def draw_eoq(rng: random.Random) -> Params:
    while True:
        basis = rng.choice(("annual", "annual", "monthly", "weekly"))
        demand = {
            "annual": steps(rng, 1000, 60000, 100),
            "monthly": steps(rng, 100, 5000, 10),
            "weekly": steps(rng, 20, 1200, 5),
        }[basis]
        p: Params = {
            "demand_basis": basis,
            "demand": demand,
            "order_cost": steps(rng, 15, 300, 5),
            "holding_basis": rng.choice(("dollar", "rate")),
        }
        if p["holding_basis"] == "rate":
            p["unit_cost"] = steps(rng, 400, 25000, 50) / 100
            p["carrying_rate_pct"] = rng.choice((10, 12, 15, 18, 20, 22, 24, 25, 30, 35))
        else:
            p["holding_cost"] = steps(rng, 50, 4000, 25) / 100
        annual = demand * PERIODS_PER_YEAR[basis]
        value = _eoq(annual, p["order_cost"], _holding(p))
        if value >= 20 and not is_tie(value):
            return p


def render_eoq(p: Mapping[str, Any]) -> Draft:
    basis = str(p["demand_basis"])
    demand = float(p["demand"])
    s = float(p["order_cost"])
    annual = demand * PERIODS_PER_YEAR[basis]
    h = _holding(p)
    exact = _eoq(annual, s, h)
    answer = rounded(exact)
    per = {"annual": "year", "monthly": "month", "weekly": "week"}[basis]
    demand_text = f"{num(demand)} units per {per}"
    if p["holding_basis"] == "rate":
        c, i = float(p["unit_cost"]), int(p["carrying_rate_pct"])
        holding_text = f"the annual carrying cost rate is {i}% of the {money(c)} unit cost"
        h_work = f"H = {i}% × {money(c)} = {money(h, 4).rstrip('0').rstrip('.')} per unit per year"
    else:
        holding_text = f"holding cost is {money(h)} per unit per year"
        h_work = f"H = {money(h)} per unit per year"
    stem = (
        f"Demand for a purchased item averages {demand_text}. Each order costs {money(s)} to place, and "
        f"{holding_text}. Using EOQ = √(2DS/H) with D as annual demand, what is the economic order "
        f"quantity? {ROUNDING}"
    )
    d_work = f"D = {num(annual)} units per year" + (
        "" if basis == "annual" else f" ({num(demand)} × {PERIODS_PER_YEAR[basis]})"
    )
    solution = (
        f"{d_work}, S = {money(s)}, {h_work}. EOQ = √(2 × {num(annual)} × {plain(s)} / "
        f"{plain(round(h, 4))}) = √{num(2 * annual * s / h, 1)} = {approx(exact)} units."
    )
    wrong = [Wrong(_units(math.sqrt(annual * s / h)), "drops the 2 under the square root")]
    if basis != "annual":
        wrong.insert(0, Wrong(_units(_eoq(demand, s, h)), f"uses {per}ly demand with an annual holding cost"))
    if p["holding_basis"] == "rate":
        rate = int(p["carrying_rate_pct"]) / 100
        wrong.insert(
            0,
            Wrong(
                _units(_eoq(annual, s, rate)),
                f"uses the carrying rate {plain(rate)} as H without multiplying by the unit cost",
            ),
        )
        wrong.append(Wrong(_units(_eoq(annual, s, float(p["unit_cost"]))), "uses the whole unit cost as H"))
    wrong.append(Wrong(_units(math.sqrt(annual * s / (2 * h))), "puts the 2 in the denominator"))
    wrong.append(Wrong(_units(math.sqrt(2 * annual * h / s)), "swaps S and H in the formula"))
    difficulty = "easy" if basis == "annual" and p["holding_basis"] == "dollar" else "medium"
    params = {
        **p,
        "annual_demand": annual,
        "annual_holding_cost": round(h, 6),
        "eoq_exact": exact,
        "answer": answer,
    }
    return Draft(
        stem,
        qty(answer),
        solution,
        tuple(wrong),
        near_misses(answer, _units, step=max(1, answer // 20), low=1),
        params,
        difficulty,
        Key(exact, _units, 1),
    )


# --- EPQ ---------------------------------------------------------------------------------------


def _epq(d_annual: float, s: float, h: float, d: float, prod: float) -> float:
    return math.sqrt(2 * d_annual * s / (h * (1 - d / prod)))


def draw_epq(rng: random.Random) -> Params:
    while True:
        daily = steps(rng, 20, 400, 5)
        p: Params = {
            "daily_demand": daily,
            "working_days": rng.choice((240, 250, 260)),
            "production_rate": daily * rng.choice((12, 15, 16, 20, 25, 30, 40, 50)) // 10,
            "setup_cost": steps(rng, 40, 600, 10),
            "holding_cost": steps(rng, 100, 3000, 25) / 100,
        }
        d_annual = daily * int(p["working_days"])
        value = _epq(d_annual, p["setup_cost"], p["holding_cost"], daily, p["production_rate"])
        if p["production_rate"] > daily and not is_tie(value):
            return p


def render_epq(p: Mapping[str, Any]) -> Draft:
    d, days = float(p["daily_demand"]), int(p["working_days"])
    prod, s, h = float(p["production_rate"]), float(p["setup_cost"]), float(p["holding_cost"])
    annual = d * days
    exact = _epq(annual, s, h, d, prod)
    answer = rounded(exact)
    stem = (
        f"A line makes a part at {num(prod)} units per day while it runs. Demand is {num(d)} units per day "
        f"over {days} working days a year. Each setup costs {money(s)} and holding cost is {money(h)} per "
        "unit per year. Using EPQ = √(2DS / (H(1 − d/p))) with D as annual demand, what is the economic "
        f"production quantity? {ROUNDING}"
    )
    ratio = d / prod
    solution = (
        f"D = {num(d)} × {days} = {num(annual)} units per year; 1 − d/p = 1 − {num(d)}/{num(prod)} = "
        f"{num(1 - ratio, 4)}. EPQ = √(2 × {num(annual)} × {plain(s)} / ({plain(h)} × "
        f"{num(1 - ratio, 4)})) = {approx(exact)} units."
    )
    wrong = (
        Wrong(_units(_eoq(annual, s, h)), "leaves out the (1 − d/p) term, which gives the plain EOQ"),
        Wrong(_units(math.sqrt(2 * annual * s / (h * ratio))), "divides by d/p instead of 1 − d/p"),
        Wrong(
            _units(math.sqrt(2 * annual * s * (1 - ratio) / h)), "multiplies by (1 − d/p) instead of dividing"
        ),
        Wrong(_units(_epq(d, s, h, d, prod)), "uses daily demand with an annual holding cost"),
    )
    params = {**p, "annual_demand": annual, "epq_exact": exact, "answer": answer}
    return Draft(
        stem,
        qty(answer),
        solution,
        wrong,
        near_misses(answer, _units, step=max(1, answer // 20), low=1),
        params,
        "medium",
        Key(exact, _units, 1),
    )


# --- annual cost of an order quantity ----------------------------------------------------------


def draw_lot_cost(rng: random.Random) -> Params:
    while True:
        p: Params = {
            "annual_demand": steps(rng, 1200, 48000, 120),
            "order_cost": steps(rng, 20, 250, 5),
            "holding_cost": steps(rng, 50, 2500, 25) / 100,
            "unit_cost": steps(rng, 300, 9000, 25) / 100,
        }
        d, s, h = p["annual_demand"], p["order_cost"], p["holding_cost"]
        eoq = _eoq(d, s, h)
        q = max(20, int(round(eoq * rng.choice((0.5, 0.6, 0.75, 0.8, 1.25, 1.5, 2.0)) / 10) * 10))
        p["order_quantity"] = q
        cost = d / q * s + q / 2 * h
        if not is_tie(cost):
            return p


def render_lot_cost(p: Mapping[str, Any]) -> Draft:
    d, s = float(p["annual_demand"]), float(p["order_cost"])
    h, c, q = float(p["holding_cost"]), float(p["unit_cost"]), float(p["order_quantity"])
    ordering, carrying = d / q * s, q / 2 * h
    exact = ordering + carrying
    answer = rounded(exact)
    stem = (
        f"Annual demand is {num(d)} units, the unit cost is {money(c)}, each order costs {money(s)} and "
        f"holding cost is {money(h)} per unit per year. The buyer orders {num(q)} units at a time. What is "
        "the total annual cost of ordering and carrying (excluding the purchase cost of the goods)? Use "
        "(D/Q)×S + (Q/2)×H and round to the nearest dollar."
    )
    solution = (
        f"Ordering: {num(d)}/{num(q)} × {money(s)} = {money(ordering)}. Carrying: {num(q)}/2 × {money(h)} "
        f"= {money(carrying)}. Total = {approx(exact, 0, money)}."
    )
    wrong = (
        Wrong(
            money(rounded(ordering + q * h), 0),
            "charges carrying cost on Q instead of the average inventory Q/2",
        ),
        Wrong(money(rounded(exact + d * c), 0), "adds the purchase cost of the goods to the trade-off"),
        Wrong(money(rounded(ordering), 0), "counts the ordering cost only"),
    )
    params = {**p, "ordering_cost_per_year": ordering, "carrying_cost_per_year": carrying, "answer": answer}
    return Draft(
        stem,
        money(answer, 0),
        solution,
        wrong,
        near_misses(answer, lambda v: money(rounded(v), 0), step=max(1, answer // 20), low=1),
        params,
        "easy",
        Key(exact, lambda v: money(v, 0), 1),
    )


FAMILIES = (
    Family(
        "eoq",
        "Economic order quantity",
        "dsp",
        "lot-sizing",
        draw_eoq,
        render_eoq,
        cpim8_module="inventory",
        cpim8_topic="lot-sizing-methods",
    ),
    Family(
        "epq",
        "Economic production quantity",
        "dsp",
        "lot-sizing",
        draw_epq,
        render_epq,
        cpim8_module="inventory",
        cpim8_topic="lot-sizing-methods",
    ),
    Family(
        "lot-size-cost",
        "Annual ordering and carrying cost",
        "dsp",
        "lot-sizing",
        draw_lot_cost,
        render_lot_cost,
        cpim8_module="inventory",
        cpim8_topic="lot-sizing-methods",
    ),
)
