"""Master scheduling: discrete available-to-promise and projected available balance with a DTF."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from study.generators._core import MINUS, Draft, Family, Params, Wrong, near_misses, num, qty, table

ATP_RULE = (
    "Use the APICS discrete ATP method: on hand counts only in period 1; period 1 and each period with an "
    "MPS receipt get ATP = that receipt (plus on hand in period 1) − customer orders until the next MPS "
    "receipt; a negative ATP is subtracted from the previous ATP, carrying back as far as needed (no "
    "other look-ahead)."
)
PAB_RULE = (
    "PAB = previous PAB + MPS receipt − demand, where demand is customer orders only inside the demand "
    "time fence and the greater of forecast and customer orders beyond it."
)


def _units(x: float) -> str:
    return qty(x)


# --- ATP ------------------------------------------------------------------------------------


def atp_periods(mps: Sequence[int]) -> list[int]:
    """Periods (1-based) that carry an ATP: period 1 and every period with an MPS receipt."""
    return [t for t in range(1, len(mps) + 1) if t == 1 or mps[t - 1] > 0]


def discrete_atp(
    on_hand: int, mps: Sequence[int], orders: Sequence[int]
) -> tuple[dict[int, int], dict[int, int]]:
    """Raw and netted discrete ATP by period."""
    periods = atp_periods(mps)
    raw: dict[int, int] = {}
    for i, t in enumerate(periods):
        end = periods[i + 1] - 1 if i + 1 < len(periods) else len(mps)
        raw[t] = (on_hand if t == 1 else 0) + mps[t - 1] - sum(orders[t - 1 : end])
    netted = dict(raw)
    for i in range(len(periods) - 1, 0, -1):
        t = periods[i]
        if netted[t] < 0:
            netted[periods[i - 1]] += netted[t]
            netted[t] = 0
    return raw, netted


def draw_atp(rng: random.Random) -> Params:
    while True:
        n = rng.choice((5, 6))
        lot = rng.randrange(40, 210, 10)
        gap = rng.choice((2, 2, 3))
        start = rng.choice((1, 1, 2))
        mps = [lot if t >= start and (t - start) % gap == 0 else 0 for t in range(1, n + 1)]
        on_hand = rng.randrange(0, 65, 5)
        orders = [rng.randrange(0, int(lot * 0.7), 5) for _ in range(n)]
        if rng.random() < 0.65:  # a big later order that the discrete method must net back
            later = [t for t in atp_periods(mps) if t > 1]
            if later:
                heavy = rng.choice(later)
                orders[heavy - 1] = rng.randrange(lot, int(lot * 1.6), 5)
        raw, netted = discrete_atp(on_hand, mps, orders)
        if min(netted.values()) < 0 or len(raw) < 2:
            continue
        reduced = [t for t in raw if netted[t] != raw[t] and raw[t] > 0]
        ask = rng.choice(reduced) if reduced and rng.random() < 0.7 else rng.choice(list(raw))
        return {"on_hand": on_hand, "mps_receipts": mps, "customer_orders": orders, "ask_period": ask}


def render_atp(p: Mapping[str, Any]) -> Draft:
    on_hand, mps, orders, k = (
        p["on_hand"],
        list(p["mps_receipts"]),
        list(p["customer_orders"]),
        p["ask_period"],
    )
    n = len(mps)
    periods = atp_periods(mps)
    if k not in periods:
        raise ValueError(f"period {k} has no ATP (no MPS receipt)")
    raw, netted = discrete_atp(on_hand, mps, orders)
    answer = netted[k]
    grid = table([("Period", range(1, n + 1)), ("MPS receipts", mps), ("Customer orders", orders)])
    stem = (
        f"An end item has {on_hand} units on hand at the start of period 1.\n{grid}\n{ATP_RULE} What is "
        f"the ATP in period {k}?"
    )
    parts = []
    for i, t in enumerate(periods):
        end = periods[i + 1] - 1 if i + 1 < len(periods) else n
        span = " + ".join(str(o) for o in orders[t - 1 : end])
        oh = f"{on_hand} + " if t == 1 else ""
        parts.append(f"P{t} = {oh}{mps[t - 1]} − ({span}) = {num(raw[t])}")
    changes = [t for t in periods if netted[t] != raw[t]]
    netting = (
        f" Netting back negatives gives: {', '.join(f'P{t} {num(netted[t])}' for t in changes)}."
        if changes
        else " No ATP is negative, so nothing is netted back."
    )
    solution = (
        f"Discrete ATP before netting: {'; '.join(parts)}.{netting} ATP in period {k} = {answer} units."
    )
    wrong = []
    if raw[k] != answer:
        wrong.append(Wrong(_units(raw[k]), "does not net the negative later ATP back into this period"))
    if k > 1:
        wrong.append(Wrong(_units(answer + on_hand), "adds the on-hand stock to a period after the first"))
    cumulative = sum(raw[t] for t in periods if t <= k)
    wrong.append(
        Wrong(_units(cumulative), "gives the cumulative ATP (without look-ahead), not the discrete ATP")
    )
    pab = on_hand + sum(mps[:k]) - sum(orders[:k])
    wrong.append(Wrong(_units(pab), "gives a projected balance (on hand + MPS − orders to date), not ATP"))
    own = (on_hand if k == 1 else 0) + mps[k - 1]
    wrong.append(
        Wrong(
            _units(own - orders[k - 1]),
            "subtracts only this period's orders, not all orders until the next MPS receipt",
        )
    )
    if k == 1 and on_hand:
        wrong.append(Wrong(_units(answer - on_hand), "leaves the on-hand stock out of period 1"))
    wrong.append(
        Wrong(
            _units(own - sum(orders[k - 1 :])),
            "subtracts every later order, not just those until the next MPS receipt",
        )
    )
    wrong.append(Wrong(_units(own), "ignores the customer orders already booked"))
    # ATP is never negative once netted, so a negative choice would give itself away
    wrong = [w for w in wrong if not w.text.startswith(MINUS)]
    params = {
        **p,
        "raw_atp": {str(t): v for t, v in raw.items()},
        "atp": {str(t): v for t, v in netted.items()},
        "answer": answer,
    }
    fallbacks = near_misses(answer, _units, step=5, low=0, relative=False)
    return Draft(
        stem, _units(answer), solution, tuple(wrong), fallbacks, params, "hard" if changes else "medium"
    )


# --- PAB ------------------------------------------------------------------------------------


def pab_series(
    on_hand: int,
    forecast: Sequence[int],
    orders: Sequence[int],
    mps: Sequence[int],
    dtf: int,
    inside: str = "orders",
    beyond: str = "greater",
) -> list[int]:
    rules: dict[str, Callable[[int, int], int]] = {"orders": lambda f, o: o, "forecast": lambda f, o: f, "greater": max}
    balance, out = on_hand, []
    for t, (f, o, m) in enumerate(zip(forecast, orders, mps, strict=True), start=1):
        demand = rules[inside if t <= dtf else beyond](f, o)
        balance += m - demand
        out.append(balance)
    return out


def draw_pab(rng: random.Random) -> Params:
    while True:
        n, dtf = 8, rng.choice((2, 3))
        base = rng.randrange(40, 250, 5)
        forecast = [base + rng.randrange(-base // 5, base // 5 + 1, 5) for _ in range(n)]
        orders = []
        for t, f in enumerate(forecast, start=1):
            share = (
                rng.randint(70, 115) if t <= dtf else rng.randint(max(0, 80 - 15 * (t - dtf)), 120 - 5 * t)
            )
            orders.append(max(0, round(f * share / 100 / 5) * 5))
        lot = rng.randrange(base * 2 // 10 * 10 + 10, base * 4, 10)
        on_hand = rng.randrange(10, base * 2, 5)
        mps, balance = [0] * n, on_hand
        for t in range(n):  # a fixed-lot MPS that keeps the correct PAB at or above zero
            demand = orders[t] if t < dtf else max(forecast[t], orders[t])
            if balance - demand < 0:
                mps[t] = lot
            balance += mps[t] - demand
        ask = rng.randint(dtf + 1, n)
        beyond_over = any(orders[t] > forecast[t] for t in range(dtf, ask))
        inside_differs = any(orders[t] != forecast[t] for t in range(dtf))
        if beyond_over and inside_differs:
            return {
                "on_hand": on_hand,
                "forecast": forecast,
                "customer_orders": orders,
                "mps_receipts": mps,
                "demand_time_fence": dtf,
                "ask_period": ask,
            }


def render_pab(p: Mapping[str, Any]) -> Draft:
    on_hand, dtf, k = p["on_hand"], p["demand_time_fence"], p["ask_period"]
    forecast, orders, mps = list(p["forecast"]), list(p["customer_orders"]), list(p["mps_receipts"])
    n = len(forecast)
    pab = pab_series(on_hand, forecast, orders, mps, dtf)
    answer = pab[k - 1]
    grid = table(
        [
            ("Period", range(1, n + 1)),
            ("Forecast", forecast),
            ("Customer orders", orders),
            ("MPS receipts", mps),
        ]
    )
    stem = (
        f"An MPS item has {on_hand} units on hand at the start of period 1. The demand time fence is at "
        f"the end of period {dtf}.\n{grid}\n{PAB_RULE} What is the projected available balance at the end "
        f"of period {k}?"
    )
    steps = []
    for t in range(1, k + 1):
        f, o = forecast[t - 1], orders[t - 1]
        demand = o if t <= dtf else max(f, o)
        steps.append(f"P{t}: {pab[t - 2] if t > 1 else on_hand} + {mps[t - 1]} − {demand} = {pab[t - 1]}")
    solution = (
        f"Demand = orders in periods 1-{dtf}, then max(forecast, orders). "
        + "; ".join(steps)
        + f". PAB at the end of period {k} = {num(answer)} units."
    )
    variants = (
        ("forecast", "greater", "uses the forecast inside the demand time fence instead of customer orders"),
        (
            "orders",
            "forecast",
            "uses only the forecast beyond the DTF instead of the greater of forecast and orders",
        ),
        ("greater", "greater", "applies the greater of forecast and orders inside the DTF too"),
        ("orders", "orders", "uses customer orders only beyond the DTF"),
    )
    wrong = [
        Wrong(_units(pab_series(on_hand, forecast, orders, mps, dtf, inside, beyond)[k - 1]), why)
        for inside, beyond, why in variants
    ]
    wrong.append(Wrong(_units(pab[k - 2]), f"stops one period early (that is the PAB of period {k - 1})"))
    params = {**p, "pab": pab, "answer": answer}
    return Draft(
        stem,
        _units(answer),
        solution,
        tuple(wrong),
        near_misses(answer, _units, step=5, low=None, relative=False),
        params,
        "medium",
    )


FAMILIES = (
    Family(
        "atp-discrete", "Discrete available-to-promise", "mpr", "customer-interface", draw_atp, render_atp,
        cpim8_module="supply",
        cpim8_topic="master-scheduling-atp",
    ),
    Family(
        "pab",
        "Projected available balance with a demand time fence",
        "mpr",
        "master-scheduling",
        draw_pab,
        render_pab,
        cpim8_module="supply",
        cpim8_topic="master-scheduling-atp",
    ),
)
