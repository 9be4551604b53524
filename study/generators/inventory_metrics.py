"""Inventory metrics: turns and days of supply from cost of goods sold and average inventory, and the
share of dollar usage held by the A items of an ABC classification."""

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
    pct,
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


# --- ABC classification: cumulative share of the A items ---------------------------------------

ITEMS = "PQRSTUVWXYZ"
ABC_RULE = (
    "Annual dollar usage = annual units × unit cost. Rank the items by dollar usage, highest first; the A "
    "class is the stated share of the number of items, taken from the top."
)


def _usage(p: Mapping[str, Any]) -> list[float]:
    return [u * c for u, c in zip(p["annual_units"], p["unit_costs"], strict=True)]


def _top(values: list[float], k: int) -> list[int]:
    return sorted(range(len(values)), key=lambda i: -values[i])[:k]


def draw_abc(rng: random.Random) -> Params:
    while True:
        n, a_pct = rng.choice(((10, 20), (10, 30), (8, 25)))
        p: Params = {
            "annual_units": [steps(rng, 50, 20000, 50) for _ in range(n)],
            "unit_costs": [steps(rng, 50, 40000, 25) / 100 for _ in range(n)],
            "a_share_of_items_pct": a_pct,
        }
        usage = _usage(p)
        k = n * a_pct // 100
        ranked = sorted(usage, reverse=True)
        if len(set(usage)) < n or ranked[k - 1] == ranked[k]:
            continue
        by_units, by_cost = set(_top(p["annual_units"], k)), set(_top(p["unit_costs"], k))
        if by_units != set(_top(usage, k)) and by_cost != set(_top(usage, k)):
            return p


def render_abc(p: Mapping[str, Any]) -> Draft:
    units, costs, a_pct = list(p["annual_units"]), list(p["unit_costs"]), p["a_share_of_items_pct"]
    n = len(units)
    k = n * a_pct // 100
    usage = _usage(p)
    total = sum(usage)
    top = _top(usage, k)
    share = sum(usage[i] for i in top) / total
    rows = ["Item  Annual units  Unit cost"]
    rows += [f"{ITEMS[i]:<4}  {num(units[i]):>12}  {money(costs[i]):>9}" for i in range(n)]
    grid = "```\n" + "\n".join(rows) + "\n```"
    stem = (
        f"An inventory of {n} items:\n{grid}\n{ABC_RULE} The A class is the top {a_pct}% of the items ({k} "
        "items). What share of total annual dollar usage do the A items account for? Give a percent to one "
        "decimal."
    )
    solution = (
        f"Dollar usage: {', '.join(f'{ITEMS[i]} {money(usage[i], 0)}' for i in top)} are the top {k}; total "
        f"usage of all items = {money(total, 0)}. A share = {money(sum(usage[i] for i in top), 0)} / "
        f"{money(total, 0)} = {pct(share)}."
    )

    def share_of(items: list[int], values: list[float] = usage) -> float:
        return sum(values[i] for i in items) / sum(values)

    wrong = (
        Wrong(pct(share_of(_top(units, k))), "ranks the items by annual units instead of dollar usage"),
        Wrong(pct(share_of(_top(costs, k))), "ranks the items by unit cost instead of dollar usage"),
        Wrong(pct(share_of(_top(units, k), units)), "adds up units, not dollars"),
        Wrong(pct(share_of(_top(usage, k + 1))), f"counts {k + 1} items as A instead of {k}"),
        Wrong(pct(share_of(_top(usage, k - 1))), f"counts {k - 1} items as A instead of {k}"),
    )
    params = {**p, "dollar_usage": usage, "a_items": [ITEMS[i] for i in top], "answer": rounded(100 * share, 1)}
    fallbacks = near_misses(share, pct, step=0.02, low=0.01, high=0.999)
    return Draft(stem, pct(share), solution, wrong, fallbacks, params, "medium", Key(share, pct, 0.001))


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
    Family(
        "abc-cumulative-share",
        "ABC classification: the A items' share of dollar usage",
        "dsp",
        "inventory-policy",
        draw_abc,
        render_abc,
        cpim8_module="inventory",
        cpim8_topic="inventory-accuracy-and-metrics",
    ),
)
