"""Financial measures: break-even volume, the cash-to-cash cycle and return on assets after an inventory
cut."""

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
    money,
    near_misses,
    num,
    pct,
    plain,
    qty,
    rounded,
    steps,
    up_detail,
)


def draw_break_even(rng: random.Random) -> Params:
    while True:
        price = steps(rng, 500, 50000, 25) / 100
        p: Params = {
            "fixed_cost": steps(rng, 20, 2000, 5) * 1000,
            "price": price,
            "variable_cost": round(price * rng.randint(30, 85) / 100 * 4) / 4,
        }
        raw = p["fixed_cost"] / (price - p["variable_cost"])
        if price > p["variable_cost"] > 0 and abs(raw - round(raw)) > 1e-6 and raw > 50:
            return p


def render_break_even(p: Mapping[str, Any]) -> Draft:
    fixed, price, var = p["fixed_cost"], p["price"], p["variable_cost"]
    margin = price - var
    raw = fixed / margin
    answer = math.ceil(raw)
    stem = (
        f"A product sells for {money(price)} per unit. Variable cost is {money(var)} per unit and fixed "
        f"costs are {money(fixed, 0)} a year. Break-even volume = fixed costs / (price − variable cost per "
        "unit). How many units must be sold a year to break even? Round up to a whole unit."
    )
    solution = (
        f"Contribution margin = {money(price)} − {money(var)} = {money(margin)} per unit. Break-even = "
        f"{money(fixed, 0)} / {money(margin)} = {up_detail(raw)}, rounded up to {num(answer)} units."
    )
    wrong = (
        Wrong(qty(math.ceil(fixed / price)), "divides fixed costs by the price, ignoring variable cost"),
        Wrong(qty(math.ceil(fixed / var)), "divides fixed costs by the variable cost"),
        Wrong(qty(math.ceil(fixed / (price + var))), "adds the variable cost to the price"),
        Wrong(qty(math.floor(raw)), "rounds down, which leaves a small loss"),
    )
    params = {**p, "contribution_margin": margin, "answer": answer}
    return Draft(
        stem,
        qty(answer),
        solution,
        wrong,
        near_misses(answer, lambda v: qty(round(v)), step=max(1, answer // 20), low=1),
        params,
        "easy",
        Key(raw, qty, 1, "up"),
    )


# --- cash-to-cash cycle ----------------------------------------------------------------------

DAYS = 365
C2C_RULE = (
    "Cash-to-cash cycle = days of inventory + days of receivables − days of payables, where days of inventory = "
    "inventory / COGS × 365, days of receivables = receivables / revenue × 365 and days of payables = payables "
    "/ COGS × 365."
)


def _c2c_parts(p: Mapping[str, Any]) -> tuple[float, float, float]:
    return (
        p["inventory"] / p["cogs"] * DAYS,
        p["receivables"] / p["revenue"] * DAYS,
        p["payables"] / p["cogs"] * DAYS,
    )


def draw_c2c(rng: random.Random) -> Params:
    while True:
        revenue = steps(rng, 20, 900, 5) * 100_000
        cogs = round(revenue * rng.randint(55, 80) / 100, -5)
        p: Params = {
            "revenue": revenue,
            "cogs": int(cogs),
            "inventory": int(round(cogs * rng.randint(8, 30) / 100, -4)),
            "receivables": int(round(revenue * rng.randint(6, 18) / 100, -4)),
            "payables": int(round(cogs * rng.randint(5, 16) / 100, -4)),
        }
        dio, dso, dpo = _c2c_parts(p)
        if min(p["inventory"], p["receivables"], p["payables"]) > 0 and dio + dso > dpo:
            return p


def render_c2c(p: Mapping[str, Any]) -> Draft:
    dio, dso, dpo = _c2c_parts(p)
    value = dio + dso - dpo
    stem = (
        f"Last year a manufacturer had revenue of {money(p['revenue'], 0)} and cost of goods sold of "
        f"{money(p['cogs'], 0)}. At year end it held inventory of {money(p['inventory'], 0)}, accounts receivable of "
        f"{money(p['receivables'], 0)} and accounts payable of {money(p['payables'], 0)}. {C2C_RULE} What is its "
        "cash-to-cash cycle in days? Round to one decimal."
    )

    def days(x: float) -> str:
        return f"{num(x, 1)} days"

    solution = (
        f"Days of inventory = {money(p['inventory'], 0)} / {money(p['cogs'], 0)} × {DAYS} = {num(dio, 2)}; days of "
        f"receivables = {money(p['receivables'], 0)} / {money(p['revenue'], 0)} × {DAYS} = {num(dso, 2)}; days of "
        f"payables = {money(p['payables'], 0)} / {money(p['cogs'], 0)} × {DAYS} = {num(dpo, 2)}. Cash-to-cash = "
        f"{num(dio, 2)} + {num(dso, 2)} − {num(dpo, 2)} = {days(value)}."
    )
    rev, cogs = p["revenue"], p["cogs"]
    wrong = (
        Wrong(days(dio + dso + dpo), "adds the days of payables instead of subtracting them"),
        Wrong(days(dio + dso), "leaves out the payables (that is the operating cycle)"),
        Wrong(days(p["inventory"] / rev * DAYS + dso - dpo), "measures inventory days against revenue, not COGS"),
        Wrong(days(dio + p["receivables"] / cogs * DAYS - dpo), "measures receivable days against COGS, not revenue"),
        Wrong(days(dio - dso + dpo), "subtracts receivables and adds payables"),
    )
    params = {**p, "days_inventory": dio, "days_receivables": dso, "days_payables": dpo, "answer": rounded(value, 1)}
    fallbacks = near_misses(value, days, step=2, low=0.1)
    return Draft(stem, days(value), solution, wrong, fallbacks, params, "medium", Key(value, days, 0.1))


# --- return on assets after an inventory cut ---------------------------------------------------

ROA_RULE = (
    "ROA = net income / total assets. The cash released pays down debt, so total assets fall by the amount of "
    "the cut, and the carrying cost saved (cut × carrying rate) adds to net income; ignore taxes."
)


def _roa(p: Mapping[str, Any]) -> tuple[float, float, float]:
    cut = p["inventory"] * p["cut_pct"] / 100
    income = p["net_income"] + cut * p["carrying_rate_pct"] / 100
    return cut, income, income / (p["total_assets"] - cut)


def draw_roa(rng: random.Random) -> Params:
    while True:
        assets = steps(rng, 20, 800, 5) * 100_000
        p: Params = {
            "revenue": int(round(assets * rng.randint(80, 220) / 100, -5)),
            "total_assets": assets,
            "net_income": int(round(assets * rng.randint(3, 12) / 100, -4)),
            "inventory": int(round(assets * rng.randint(15, 40) / 100, -4)),
            "cut_pct": rng.choice((10, 15, 20, 25, 30, 40)),
            "carrying_rate_pct": rng.choice((15, 18, 20, 22, 25, 30)),
        }
        if p["net_income"] > 0:
            return p


def render_roa(p: Mapping[str, Any]) -> Draft:
    cut, income, roa = _roa(p)
    assets, ni, rate = p["total_assets"], p["net_income"], p["carrying_rate_pct"]
    saving = cut * rate / 100
    stem = (
        f"A company has revenue of {money(p['revenue'], 0)}, net income of {money(ni, 0)} and total assets of "
        f"{money(assets, 0)}, of which {money(p['inventory'], 0)} is inventory. Its carrying cost rate is {rate}% "
        f"a year. It cuts inventory by {p['cut_pct']}%. {ROA_RULE} What is the new ROA? Give a percent to one "
        "decimal."
    )
    solution = (
        f"Cut = {p['cut_pct']}% × {money(p['inventory'], 0)} = {money(cut, 0)}; saving = {money(cut, 0)} × "
        f"{plain(rate / 100)} = {money(saving, 0)}. New ROA = ({money(ni, 0)} + {money(saving, 0)}) / "
        f"({money(assets, 0)} − {money(cut, 0)}) = {money(income, 0)} / {money(assets - cut, 0)} = "
        f"{approx(100 * roa, 1)}% (it was {pct(ni / assets)})."
    )
    wrong = (
        Wrong(pct(ni / (assets - cut)), "lowers the assets but forgets the carrying cost saved"),
        Wrong(pct(income / assets), "adds the saving but leaves total assets unchanged"),
        Wrong(pct((ni + cut) / (assets - cut)), "counts the whole inventory cut as extra income"),
        Wrong(pct(ni / assets), "gives the ROA before the cut"),
        Wrong(pct(income / p["revenue"]), "divides by revenue (that is the profit margin)"),
    )
    params = {**p, "inventory_cut": cut, "new_net_income": income, "answer": rounded(100 * roa, 1)}
    fallbacks = near_misses(roa, pct, step=0.002, low=0.001)
    return Draft(stem, pct(roa), solution, wrong, fallbacks, params, "medium", Key(roa, pct, 0.001))


FAMILIES = (
    Family(
        "break-even",
        "Break-even volume",
        "bscm",
        "financial-fundamentals",
        draw_break_even,
        render_break_even,
        cpim8_module="strategy",
        cpim8_topic="sc-finance-and-measures",
    ),
    Family(
        "cash-to-cash",
        "Cash-to-cash cycle time",
        "smr",
        "strategy-implementation",
        draw_c2c,
        render_c2c,
        cpim8_module="strategy",
        cpim8_topic="sc-finance-and-measures",
    ),
    Family(
        "roa-inventory-cut",
        "Return on assets after an inventory reduction",
        "bscm",
        "financial-fundamentals",
        draw_roa,
        render_roa,
        cpim8_module="strategy",
        cpim8_topic="sc-finance-and-measures",
    ),
)
