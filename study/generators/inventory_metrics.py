"""Inventory turns and days of supply from cost of goods sold and average inventory."""

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
    money,
    near_misses,
    num,
    rounded,
    steps,
)

DAYS = 365


def _turns(x: float) -> str:
    return f"{num(x, 1)} turns"


def _days(x: float) -> str:
    return f"{num(x)} days"


def draw_turns(rng: random.Random) -> Params:
    while True:
        cogs = steps(rng, 2000, 60000, 100) * 1000
        target = rng.randint(25, 120) / 10
        begin = round(cogs / target * rng.randint(75, 125) / 100, -4)
        end = round(cogs / target * rng.randint(75, 125) / 100, -4)
        p: Params = {
            "ask": rng.choice(("turns", "days")),
            "sales": int(round(cogs * rng.randint(120, 180) / 100, -5)),
            "cogs": cogs,
            "beginning_inventory": int(begin),
            "ending_inventory": int(end),
        }
        avg = (begin + end) / 2
        value = cogs / avg if p["ask"] == "turns" else DAYS * avg / cogs
        if begin > 0 and end > 0 and begin != end and not is_tie(value, 1 if p["ask"] == "turns" else 0):
            return p


def render_turns(p: Mapping[str, Any]) -> Draft:
    sales, cogs, begin, end = p["sales"], p["cogs"], p["beginning_inventory"], p["ending_inventory"]
    avg = (begin + end) / 2
    turns = cogs / avg
    facts = (
        f"Last year a distributor had sales revenue of {money(sales, 0)} and cost of goods sold of "
        f"{money(cogs, 0)}. Inventory at cost was {money(begin, 0)} at the start of the year and "
        f"{money(end, 0)} at the end. Use average inventory = (beginning + ending) / 2 and value inventory "
        "and flow both at cost."
    )
    avg_work = f"Average inventory = ({money(begin, 0)} + {money(end, 0)}) / 2 = {money(avg, 0)}."
    if p["ask"] == "turns":
        answer = rounded(turns, 1)
        stem = f"{facts} What was the inventory turnover? Round to one decimal."
        solution = (
            f"{avg_work} Turns = COGS / average inventory = {money(cogs, 0)} / {money(avg, 0)} = "
            f"{approx(turns, 1)} turns."
        )
        wrong = (
            Wrong(_turns(sales / avg), "divides sales revenue (at price) by inventory at cost"),
            Wrong(_turns(cogs / end), "uses ending inventory instead of the average"),
            Wrong(_turns(sales / end), "uses sales revenue and ending inventory"),
            Wrong(_turns(cogs / begin), "uses beginning inventory instead of the average"),
        )
        return Draft(
            stem,
            _turns(turns),
            solution,
            wrong,
            near_misses(turns, _turns, step=0.2, low=0.1),
            {**p, "average_inventory": avg, "answer": answer},
            "easy",
            Key(turns, _turns, 0.1),
        )
    days = DAYS * avg / cogs
    stem = (
        f"{facts} How many days of supply did the average inventory represent? Use a {DAYS}-day year and "
        "round to the nearest day."
    )
    solution = (
        f"{avg_work} Turns = {money(cogs, 0)} / {money(avg, 0)} = {num(turns, 3)}; days of supply = {DAYS} "
        f"/ {num(turns, 3)} = {approx(days)} days (the same as average inventory / daily "
        "COGS)."
    )
    wrong = (
        Wrong(_days(DAYS * avg / sales), "uses sales revenue instead of cost of goods sold"),
        Wrong(_days(DAYS * end / cogs), "uses ending inventory instead of the average"),
        Wrong(_days(52 * avg / cogs), "uses 52 (weeks) instead of 365 days"),
        Wrong(_days(DAYS * begin / cogs), "uses beginning inventory instead of the average"),
    )
    params = {**p, "average_inventory": avg, "turns": turns, "answer": rounded(days)}
    fallbacks = near_misses(days, _days, step=2, low=1)
    return Draft(stem, _days(days), solution, wrong, fallbacks, params, "medium", Key(days, _days, 1))


FAMILIES = (
    Family(
        "inventory-turns",
        "Inventory turns and days of supply",
        "dsp",
        "inventory-policy",
        draw_turns,
        render_turns,
        cpim8_module="inventory",
        cpim8_topic="inventory-accuracy-and-metrics",
    ),
)
