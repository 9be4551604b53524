"""Safety stock and replenishment: order point, safety stock (σ or MAD), periodic-review target level."""

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
    draw_z,
    near_misses,
    near_whole,
    num,
    plain,
    qty,
    rounded_up,
    steps,
    z_phrase,
)

# The one convention of the bank and the generators: never hold less than the service level needs.
ROUNDING = "Round safety stock and order points up to whole units (never below the service level)."
MAD_FACTOR = 1.25
# (σ period, lead-time unit, lead-time units per σ period)
LT_UNITS = (("week", "working days", 5), ("month", "weeks", 4), ("week", "weeks", 1))


def _units(x: float) -> str:
    return qty(rounded_up(x))


def _up(exact: float, decimals: int = 2) -> str:
    """'= 114.31, rounded up to 115 units', or '= 500 units' when nothing needs rounding. The detail
    keeps enough decimals to show it is above the whole unit below (never '466.00, rounded up to 467')."""
    answer = rounded_up(exact)
    if abs(exact - answer) < 1e-9:
        return f"= {num(answer)} units"
    while decimals < 6 and round(exact, decimals) <= answer - 1:
        decimals += 1
    return f"= {plain(round(exact, decimals))}, rounded up to {num(answer)} units"


def _key(exact: float) -> Key:
    return Key(exact, _units, 1, "up")


def _misses(answer: float) -> tuple[str, ...]:
    return near_misses(answer, _units, step=max(1, answer // 20), low=1)


def _z(p: Mapping[str, Any]) -> tuple[float, int]:
    return float(p["z"]), int(p["service_level_pct"])


# --- reorder point ---------------------------------------------------------------------------


def draw_reorder_point(rng: random.Random) -> Params:
    while True:
        if rng.random() < 0.4:
            p: Params = {
                "variant": "given-ss",
                "weekly_demand": steps(rng, 50, 2000, 5),
                "lead_time_days": rng.randint(2, 25),
                "safety_stock": steps(rng, 20, 600, 5),
            }
            return p
        z, service = draw_z(rng)
        p = {
            "variant": "computed-ss",
            "weekly_demand": steps(rng, 40, 1500, 5),
            "sigma_weekly": steps(rng, 8, 300),
            "lead_time_weeks": rng.randint(2, 8),
            "z": z,
            "service_level_pct": service,
        }
        if p["sigma_weekly"] * 5 < p["weekly_demand"] * 2 and not near_whole(_rop(p)):
            return p


def _rop(p: Mapping[str, Any]) -> float:
    if p["variant"] == "given-ss":
        return p["weekly_demand"] / 5 * p["lead_time_days"] + p["safety_stock"]
    z, _ = _z(p)
    lt = p["lead_time_weeks"]
    return p["weekly_demand"] * lt + z * p["sigma_weekly"] * math.sqrt(lt)


def render_reorder_point(p: Mapping[str, Any]) -> Draft:
    exact = _rop(p)
    answer = rounded_up(exact)
    if p["variant"] == "given-ss":
        dw, lt, ss = p["weekly_demand"], p["lead_time_days"], p["safety_stock"]
        stem = (
            f"Demand for an item averages {num(dw)} units per week (5 working days per week). The "
            f"replenishment lead time is {lt} working days and the planned safety stock is {num(ss)} "
            "units. Using order point = demand during lead time + safety stock, what is the order point? "
            f"{ROUNDING}"
        )
        solution = (
            f"Daily demand = {num(dw)}/5 = {plain(dw / 5)} units. Lead-time demand = {plain(dw / 5)} × "
            f"{lt} = {plain(dw / 5 * lt)}. Order point = {plain(dw / 5 * lt)} + {num(ss)} "
            f"{_up(exact, 6)}."
        )
        wrong = (
            Wrong(_units(dw / 5 * lt), "leaves out the safety stock"),
            Wrong(_units(dw * lt + ss), "multiplies weekly demand by a lead time in days"),
            Wrong(_units(dw / 7 * lt + ss), "converts to daily demand with a 7-day week"),
            Wrong(_units(dw / 5 * lt - ss), "subtracts the safety stock"),
        )
        params = {**p, "answer": answer}
        return Draft(stem, qty(answer), solution, wrong, _misses(answer), params, "easy", _key(exact))
    z, service = _z(p)
    dw, sigma, lt = p["weekly_demand"], p["sigma_weekly"], p["lead_time_weeks"]
    ss = z * sigma * math.sqrt(lt)
    stem = (
        f"Weekly demand for an item averages {num(dw)} units with a standard deviation of {num(sigma)} "
        f"units per week. The lead time is {lt} weeks. For safety stock, {z_phrase(z, service)} and scale "
        "σ by √(lead time / forecast period). What is the order point (lead-time demand + safety stock)? "
        f"{ROUNDING}"
    )
    solution = (
        f"Lead-time demand = {num(dw)} × {lt} = {num(dw * lt)}. Safety stock = {z:.2f} × {num(sigma)} × "
        f"√{lt} = {num(ss, 2)}. Order point = {num(dw * lt)} + {num(ss, 2)} "
        f"{_up(exact)}."
    )
    wrong = (
        Wrong(_units(dw * lt + z * sigma), "does not scale the weekly σ by √(lead time)"),
        Wrong(_units(dw * lt + z * sigma * lt), "scales σ by the lead time instead of its square root"),
        Wrong(_units(dw * lt), "leaves out the safety stock"),
        Wrong(_units(dw + z * sigma * math.sqrt(lt)), "uses one week of demand instead of lead-time demand"),
    )
    params = {**p, "computed_safety_stock": ss, "answer": answer}
    return Draft(stem, qty(answer), solution, wrong, _misses(answer), params, "medium", _key(exact))


# --- safety stock from σ ------------------------------------------------------------------------


def draw_safety_stock(rng: random.Random) -> Params:
    while True:
        period, lt_unit, per_period = rng.choice(LT_UNITS)
        lead_time = rng.randint(2, 25) if per_period == 5 else rng.randint(1, 12 if per_period == 4 else 8)
        z, service = draw_z(rng)
        p: Params = {
            "sigma": steps(rng, 10, 400),
            "sigma_period": period,
            "lead_time": lead_time,
            "lead_time_unit": lt_unit,
            "units_per_period": per_period,
            "z": z,
            "service_level_pct": service,
        }
        if lead_time != per_period and not near_whole(_ss(p)):
            return p


def _ss(p: Mapping[str, Any]) -> float:
    return float(p["z"]) * p["sigma"] * math.sqrt(p["lead_time"] / p["units_per_period"])


def render_safety_stock(p: Mapping[str, Any]) -> Draft:
    z, service = _z(p)
    sigma, lt, per, unit = p["sigma"], p["lead_time"], p["units_per_period"], p["lead_time_unit"]
    ratio = lt / per
    exact = _ss(p)
    answer = rounded_up(exact)
    convert = {5: " (5 working days per week)", 4: " (4 weeks per month)", 1: ""}[per]
    stem = (
        f"The standard deviation of demand for an item is {num(sigma)} units per {p['sigma_period']}. The "
        f"replenishment lead time is {lt} {unit}{convert}. Safety stock = z × σ × √(lead time / period of "
        f"σ); {z_phrase(z, service)}. What safety stock should be held? {ROUNDING}"
    )
    solution = (
        f"Lead time in σ periods = {lt}/{per} = {plain(round(ratio, 4))}. Safety stock = {z:.2f} × "
        f"{num(sigma)} × √{plain(round(ratio, 4))} {_up(exact)}."
    )
    wrong = [Wrong(_units(z * sigma), f"uses σ per {p['sigma_period']} without scaling it to the lead time")]
    if per != 1:
        wrong.append(
            Wrong(
                _units(z * sigma * math.sqrt(lt)),
                f"scales by √{lt} without converting the lead time to {p['sigma_period']}s",
            )
        )
    wrong += [
        Wrong(_units(z * sigma * ratio), "scales σ by the lead-time ratio instead of its square root"),
        Wrong(_units(z * sigma / math.sqrt(ratio)), "inverts the ratio under the root (period / lead time)"),
    ]
    params = {**p, "answer": answer}
    difficulty = "easy" if per == 1 else "medium"
    return Draft(stem, qty(answer), solution, tuple(wrong), _misses(answer), params, difficulty, _key(exact))


# --- safety stock from MAD ----------------------------------------------------------------------


def draw_safety_stock_mad(rng: random.Random) -> Params:
    while True:
        z, service = draw_z(rng)
        p: Params = {
            "mad": steps(rng, 8, 300),
            "lead_time_weeks": rng.choice((1, 1, 2, 3, 4, 5, 6)),
            "z": z,
            "service_level_pct": service,
        }
        if not near_whole(_ss_mad(p)):
            return p


def _ss_mad(p: Mapping[str, Any]) -> float:
    return float(p["z"]) * MAD_FACTOR * p["mad"] * math.sqrt(p["lead_time_weeks"])


def render_safety_stock_mad(p: Mapping[str, Any]) -> Draft:
    z, service = _z(p)
    mad, lt = p["mad"], p["lead_time_weeks"]
    exact = _ss_mad(p)
    answer = rounded_up(exact)
    weeks = "1 week" if lt == 1 else f"{lt} weeks"
    stem = (
        f"The mean absolute deviation (MAD) of weekly forecast errors for an item is {num(mad)} units. The "
        f"lead time is {weeks}. Use σ ≈ 1.25 × MAD, scale σ by √(lead time in weeks), and "
        f"{z_phrase(z, service)}. What safety stock is needed? {ROUNDING}"
    )
    sigma = MAD_FACTOR * mad
    root = "" if lt == 1 else f" × √{lt}"
    solution = (
        f"σ ≈ 1.25 × {num(mad)} = {plain(sigma)} units per week. Safety stock = {z:.2f} × "
        f"{plain(sigma)}{root} {_up(exact)}."
    )
    wrong = [
        Wrong(_units(z * mad * math.sqrt(lt)), "uses MAD as σ without the 1.25 factor"),
        Wrong(_units(z * mad / MAD_FACTOR * math.sqrt(lt)), "divides MAD by 1.25 instead of multiplying"),
    ]
    if lt > 1:
        wrong.insert(1, Wrong(_units(z * sigma), "does not scale the weekly σ by √(lead time)"))
        wrong.append(Wrong(_units(z * sigma * lt), "scales σ by the lead time instead of its square root"))
    wrong.append(Wrong(_units(sigma * math.sqrt(lt)), "leaves out the z factor"))
    return Draft(
        stem,
        qty(answer),
        solution,
        tuple(wrong),
        _misses(answer),
        {**p, "answer": answer},
        "easy" if lt == 1 else "medium",
        _key(exact),
    )


# --- periodic review: order-up-to level -------------------------------------------------------


def draw_order_up_to(rng: random.Random) -> Params:
    while True:
        z, service = draw_z(rng)
        p: Params = {
            "weekly_demand": steps(rng, 40, 1200, 5),
            "sigma_weekly": steps(rng, 8, 250),
            "review_weeks": rng.randint(1, 4),
            "lead_time_weeks": rng.randint(1, 4),
            "z": z,
            "service_level_pct": service,
            "ask": rng.choice(("target", "target", "order")),
        }
        target = _target(p, p["review_weeks"] + p["lead_time_weeks"])
        if p["ask"] == "order":
            position = rounded_up(target) * rng.randint(20, 70) / 100
            p["on_hand"] = round(position * rng.randint(40, 80) / 100)
            p["on_order"] = round(position) - p["on_hand"]
        if p["sigma_weekly"] * 4 < p["weekly_demand"] * 2 and not near_whole(target):
            return p


def _target(p: Mapping[str, Any], weeks: float) -> float:
    return p["weekly_demand"] * weeks + float(p["z"]) * p["sigma_weekly"] * math.sqrt(weeks)


def render_order_up_to(p: Mapping[str, Any]) -> Draft:
    z, service = _z(p)
    d, sigma, r, lt = p["weekly_demand"], p["sigma_weekly"], p["review_weeks"], p["lead_time_weeks"]
    interval = r + lt
    exact = _target(p, interval)
    target = rounded_up(exact)
    wk = "week" if r == 1 else "weeks"
    body = (
        f"An item is reviewed every {r} {wk} and its lead time is {lt} week{'s' if lt > 1 else ''}. Weekly "
        f"demand averages {num(d)} units with σ = {num(sigma)} units per week. The target (order-up-to) "
        f"level = demand over R + L + z × σ × √(R + L); {z_phrase(z, service)}. {ROUNDING}"
    )
    work = (
        f"Protection interval R + L = {r} + {lt} = {interval} weeks. Target = {num(d)} × {interval} + "
        f"{z:.2f} × {num(sigma)} × √{interval} = {num(d * interval)} + {num(exact - d * interval, 2)} "
        f"{_up(exact)}."
    )
    only_lt = rounded_up(_target(p, lt))
    no_root = rounded_up(d * interval + z * sigma)
    linear = rounded_up(d * interval + z * sigma * interval)
    if p["ask"] == "target":
        stem = f"{body} What is the target level?"
        wrong: tuple[Wrong, ...] = (
            Wrong(qty(only_lt), "protects only the lead time L instead of R + L"),
            Wrong(qty(no_root), "does not scale σ by √(R + L)"),
            Wrong(qty(linear), "scales σ by R + L instead of its square root"),
            Wrong(qty(rounded_up(_target(p, r))), "protects only the review period R"),
        )
        return Draft(
            stem,
            qty(target),
            work,
            wrong,
            _misses(target),
            {**p, "target": target, "answer": target},
            "medium",
            _key(exact),
        )
    oh, oo = p["on_hand"], p["on_order"]
    position = oh + oo
    answer = target - position
    stem = (
        f"{body} At today's review there are {num(oh)} units on hand and {num(oo)} units on order, with no "
        "backorders. How many units should be ordered? Round the target level up first."
    )
    solution = (
        f"{work} Inventory position = {num(oh)} + {num(oo)} = {num(position)}. Order = {num(target)} − "
        f"{num(position)} = {num(answer)} units."
    )
    wrong = tuple(
        Wrong(qty(value), why)
        for value, why in (
            (only_lt - position, "protects only the lead time L instead of R + L"),
            (target - oh, "ignores the units already on order"),
            (no_root - position, "does not scale σ by √(R + L)"),
            (linear - position, "scales σ by R + L instead of its square root"),
            (target, "orders the full target level without subtracting the inventory position"),
        )
        if value > 0
    )
    params = {**p, "target": target, "answer": answer}
    key = Key(exact - position, _units, 1, "up")
    return Draft(stem, qty(answer), solution, wrong, _misses(answer), params, "hard", key)


FAMILIES = (
    Family(
        "reorder-point",
        "Order point",
        "dsp",
        "safety-stock-replenishment",
        draw_reorder_point,
        render_reorder_point,
        cpim8_module="inventory",
        cpim8_topic="safety-stock-and-replenishment",
    ),
    Family(
        "safety-stock",
        "Safety stock from σ",
        "dsp",
        "safety-stock-replenishment",
        draw_safety_stock,
        render_safety_stock,
        cpim8_module="inventory",
        cpim8_topic="safety-stock-and-replenishment",
    ),
    Family(
        "safety-stock-mad",
        "Safety stock from MAD",
        "dsp",
        "safety-stock-replenishment",
        draw_safety_stock_mad,
        render_safety_stock_mad,
        cpim8_module="inventory",
        cpim8_topic="safety-stock-and-replenishment",
    ),
    Family(
        "order-up-to",
        "Periodic review target level",
        "dsp",
        "safety-stock-replenishment",
        draw_order_up_to,
        render_order_up_to,
        cpim8_module="inventory",
        cpim8_topic="safety-stock-and-replenishment",
    ),
)
