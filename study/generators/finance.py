"""Financial fundamentals: break-even volume."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from typing import Any

from study.generators._core import Draft, Family, Key, Params, Wrong, money, near_misses, num, qty, steps


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
        f"{money(fixed, 0)} / {money(margin)} = {num(raw, 2)}, rounded up to {num(answer)} units."
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
)
