"""Calculation-question generators: every family's marked answer checked against an independent
re-derivation from the question's parameters, plus limits, determinism, conventions and hand-worked cases."""

from __future__ import annotations

import math
import random
import re
import tomllib
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from study.generators import FAMILIES, Family, family_names, from_parameters, generate
from study.generators import draft as draft_of
from study.generators._core import Draft, Key, Wrong, build_question, draw_draft, pick_wrong
from study.questions import DIFFICULTIES, MAX_CHOICE, MAX_EXPLANATION, MAX_STEM, Question

ROOT = Path(__file__).resolve().parents[2]
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- independent arithmetic ----------------------------------------------------------------------


def half_up(x: float, places: int = 0) -> float:
    return float(Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def numbers(text: str) -> list[float]:
    """Every number shown in a choice: '$1,234' -> [1234.0], 'Period 2: 40 units' -> [2.0, 40.0]."""
    found = re.findall(r"[−-]?\d[\d,]*(?:\.\d+)?", text)
    return [float(n.replace("−", "-").replace(",", "")) for n in found]


def mrp_first_release(p: dict[str, Any]) -> list[float]:
    gross, receipts = p["gross_requirements"], p["scheduled_receipts"]
    balance, releases = p["on_hand"], {}
    for t in range(1, len(gross) + 1):
        available = balance + receipts[t - 1]
        planned = max(0, gross[t - 1] + p["safety_stock"] - available)
        if planned:
            releases[t - p["lead_time"]] = planned
        balance = available + planned - gross[t - 1]
    first = min(releases)
    return [first, releases[first]]


def atp_of(on_hand: int, mps: list[int], orders: list[int], period: int) -> int:
    n = len(mps)
    starts = [t for t in range(1, n + 1) if t == 1 or mps[t - 1]]
    values = []
    for i, t in enumerate(starts):
        stop = starts[i + 1] if i + 1 < len(starts) else n + 1
        values.append((on_hand if t == 1 else 0) + mps[t - 1] - sum(orders[t - 1 : stop - 1]))
    carry = 0
    for i in reversed(range(len(values))):
        value = values[i] + carry
        carry = value if value < 0 and i > 0 else 0
        values[i] = 0 if carry else value
    return values[starts.index(period)]


def expect_eoq(p):
    annual = p["demand"] * {"annual": 1, "monthly": 12, "weekly": 52}[p["demand_basis"]]
    h = p["unit_cost"] * p["carrying_rate_pct"] / 100 if p["holding_basis"] == "rate" else p["holding_cost"]
    return [half_up(math.sqrt(2 * annual * p["order_cost"] / h))]


def expect_epq(p):
    d, prod = p["daily_demand"], p["production_rate"]
    annual = d * p["working_days"]
    return [half_up(math.sqrt(2 * annual * p["setup_cost"] / (p["holding_cost"] * (1 - d / prod))))]


def expect_lot_cost(p):
    q = p["order_quantity"]
    return [half_up(p["annual_demand"] / q * p["order_cost"] + q / 2 * p["holding_cost"])]


def up(x: float) -> int:
    """Safety stock and order points round up to whole units (float noise ignored)."""
    return math.ceil(Decimal(str(x)).quantize(Decimal("0.000001")))


def expect_rop(p):
    if p["variant"] == "given-ss":
        return [up(p["weekly_demand"] / 5 * p["lead_time_days"] + p["safety_stock"])]
    lt = p["lead_time_weeks"]
    return [up(p["weekly_demand"] * lt + p["z"] * p["sigma_weekly"] * math.sqrt(lt))]


def expect_ss(p):
    per = {("week", "working days"): 5, ("month", "weeks"): 4, ("week", "weeks"): 1}[
        (p["sigma_period"], p["lead_time_unit"])
    ]
    return [up(p["z"] * p["sigma"] * math.sqrt(p["lead_time"] / per))]


def expect_ss_mad(p):
    return [up(p["z"] * 1.25 * p["mad"] * math.sqrt(p["lead_time_weeks"]))]


def expect_order_up_to(p):
    interval = p["review_weeks"] + p["lead_time_weeks"]
    target = up(p["weekly_demand"] * interval + p["z"] * p["sigma_weekly"] * math.sqrt(interval))
    return [target] if p["ask"] == "target" else [target - p["on_hand"] - p["on_order"]]


def expect_turns(p):
    average = (p["beginning_inventory"] + p["ending_inventory"]) / 2
    if p["ask"] == "turns":
        return [half_up(p["cogs"] / average, 1)]
    return [half_up(average / (p["cogs"] / 365))]


def expect_atp(p):
    return [atp_of(p["on_hand"], p["mps_receipts"], p["customer_orders"], p["ask_period"])]


def expect_pab(p):
    balance = p["on_hand"]
    for t in range(1, p["ask_period"] + 1):
        f, o = p["forecast"][t - 1], p["customer_orders"][t - 1]
        balance += p["mps_receipts"][t - 1] - (o if t <= p["demand_time_fence"] else max(f, o))
    return [balance]


def expect_capacity(p):
    util = p["hours_worked"] / p["hours_available"]
    eff = p["standard_hours"] / p["hours_worked"]
    if p["ask"] == "utilization":
        return [half_up(100 * util, 1)]
    if p["ask"] == "efficiency":
        return [half_up(100 * eff, 1)]
    hours = p["machines"] * p["hours_per_shift"] * p["shifts_per_day"] * p["days_per_week"]
    return [half_up(hours * util * eff, 1)]


def expect_smoothing(p):
    forecast = p["forecast"]
    for actual in p["actuals"]:
        forecast = p["alpha"] * actual + (1 - p["alpha"]) * forecast
    return [half_up(forecast, 2)]


def expect_moving_average(p):
    recent = p["actuals"][len(p["actuals"]) - p["periods"] :]
    return [half_up(sum(recent) / len(recent), 1)]


def expect_weighted(p):
    weights, actuals = p["weights"], p["actuals"]
    total = sum(w * actuals[len(actuals) - 1 - i] for i, w in enumerate(weights))
    return [half_up(total / sum(weights), 1)]


def expect_tracking(p):
    errors = [a - f for a, f in zip(p["actual"], p["forecast"], strict=True)]
    mad = sum(map(abs, errors)) / len(errors)
    value = {"mad": mad, "rsfe": sum(errors), "bias": sum(errors) / len(errors), "ts": sum(errors) / mad}[
        p["ask"]
    ]
    return [half_up(value, 2)]


def expect_mape(p):
    terms = [abs(a - f) / a for a, f in zip(p["actual"], p["forecast"], strict=True)]
    return [half_up(100 * sum(terms) / len(terms), 1)]


def expect_kanban(p):
    return [math.ceil(p["demand"] * p["lead_time"] * (1 + p["safety_pct"] / 100) / p["container"])]


def expect_takt(p):
    seconds = p["shifts"] * (p["shift_minutes"] - p["breaks"] * p["break_minutes"]) * 60
    takt = seconds / p["daily_demand"]
    return [half_up(takt, 1)] if p["ask"] == "takt" else [math.ceil(p["work_content_seconds"] / takt)]


def expect_little(p):
    if p["ask"] == "wip":
        days = p["flow_time_weeks"] * 5 if "flow_time_weeks" in p else p["flow_time_hours"] / 8
        return [half_up(p["throughput_per_day"] * days)]
    if p["ask"] == "throughput":
        return [half_up(p["wip"] / (p["flow_time_weeks"] * 5), 1)]
    return [half_up(p["wip"] / p["throughput_per_day"], 1)]


def expect_oee(p):
    planned = p["shift_minutes"] - p["planned_break_minutes"]
    run = planned - p["downtime_minutes"]
    performance = p["total_count"] * p["ideal_cycle_seconds"] / 60 / run
    quality = 1 - p["reject_count"] / p["total_count"]
    return [half_up(100 * run / planned * performance * quality, 1)]


def expect_cr(p):
    crs = [(d - p["today"]) / w for d, w in zip(p["due_days"], p["work_days"], strict=True)]
    if p["ask"] == "first":
        return f"Job {'ABCDE'[crs.index(min(crs))]}"
    return [half_up(crs["ABCDE".index(p["job"])], 2)]


def expect_break_even(p):
    return [math.ceil(p["fixed_cost"] / (p["price"] - p["variable_cost"]))]


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def expect_cushion(p):
    if p["ask"] == "cushion":
        return [half_up(100 * (p["capacity"] - p["average_demand"]) / p["capacity"], 1)]
    # capacity = demand / (1 − c), in whole numbers: 100 × demand / (100 − c%), rounded up
    return [ceil_div(100 * p["average_demand"], 100 - p["target_cushion_pct"])]


def expect_make_or_buy(p):
    fixed, v, price = Decimal(p["fixed_cost"]), Decimal(str(p["variable_cost"])), Decimal(str(p["price"]))
    if p["ask"] == "break-even":
        return [math.ceil(fixed / (price - v))]
    q = Decimal(p["volume"])
    make, buy = fixed + v * q, price * q
    option = "Make" if make < buy else "Buy"
    return f"{option}, saving ${half_up(float(abs(buy - make))):,.0f} a year"


def rating_scores(p) -> list[float]:
    share = 100 if p["basis"] == "fraction" else 1
    return [
        sum(Decimal(w) / share * row[site] for w, row in zip(p["weights_pct"], p["scores"], strict=True))
        for site in range(p["sites"])
    ]


def expect_rating(p):
    scores = rating_scores(p)
    shown = (lambda x: f"{x:.2f}") if p["basis"] == "fraction" else (lambda x: f"{x:.0f}")
    if p["ask"] == "winner":
        best = max(range(len(scores)), key=lambda j: scores[j])
        return f"Site {'ABC'[best]} ({shown(scores[best])})"
    return [float(scores["ABC".index(p["site"])])]


def expect_carrying(p):
    lot = p["order_quantity"] if "order_quantity" in p else p["annual_demand"] / p["orders_per_year"]
    average = lot / 2 + p.get("safety_stock", 0)
    return [half_up(average * p["unit_cost"] * p["carrying_rate_pct"] / 100)]


def expect_abc(p):
    usage = [Decimal(str(u)) * Decimal(str(c)) for u, c in zip(p["annual_units"], p["unit_costs"], strict=True)]
    a_items = len(usage) * p["a_share_of_items_pct"] // 100
    top = sorted(usage, reverse=True)[:a_items]
    return [half_up(float(100 * sum(top) / sum(usage)), 1)]


def expect_rccp(p):
    k = p["ask_period"] - 1
    load = sum(Decimal(q[k]) * Decimal(str(h)) for q, h in zip(p["mps"], p["hours_per_unit"], strict=True))
    return [float(load if p["ask"] == "load" else load - p["capacity_hours"])]


def mrp_record(p, lot=None, safety_lead_time=0):
    """Planned receipts, releases and end-of-period balances, netting period by period."""
    balance, receipts, releases, history = p["on_hand"], {}, [], []
    for t, (g, r) in enumerate(zip(p["gross_requirements"], p["scheduled_receipts"], strict=True), start=1):
        need = g - balance - r
        planned = 0 if need <= 0 else (lot or need)
        if planned:
            receipts[t] = planned
            releases.append(t - safety_lead_time - p["lead_time"])
        balance += r + planned - g
        history.append(balance)
    return receipts, releases, history


def expect_foq(p):
    _, releases, history = mrp_record(p, lot=p["lot_size"])
    if p["ask"] == "releases":
        return releases
    return [history[p["ask_period"] - 1]]


def expect_llc(p):
    net_a = p["demand_a"] - p["on_hand_a"]
    net_c = p["c_per_a"] * net_a - p["on_hand_c"]
    return [p["d_per_a"] * net_a + p["d_per_c"] * net_c + p["service_d"] - p["on_hand_d"]]


def expect_safety_lead_time(p):
    receipts, releases, _ = mrp_record(p, safety_lead_time=p["safety_lead_time"])
    first = min(receipts)
    return [releases[0], first - p["safety_lead_time"]]


def expect_load(p):
    load = sum(
        Decimal(str(s)) + q * Decimal(str(r))
        for s, q, r in zip(p["setup_hours"], p["quantities"], p["run_hours"], strict=True)
    )
    if p["ask"] == "load":
        return [half_up(float(load), 1)]
    rated = Decimal(p["available_hours"]) * p["utilization_pct"] * p["efficiency_pct"] / 10000
    return [half_up(float(100 * load / rated), 1)]


def expect_balance(p):
    times = [sum(s) for s in p["stations"]]
    efficiency = Decimal(sum(times)) / (len(times) * max(times))
    return [half_up(float(100 * (efficiency if p["ask"] == "efficiency" else 1 - efficiency)), 1)]


def expect_spt(p):
    times, due = p["processing_days"], p["due_days"]
    clock, flows, tardy = 0, [], []
    for i in sorted(range(len(times)), key=lambda j: (times[j], j)):
        clock += times[i]
        flows.append(clock)
        tardy.append(max(0, clock - due[i]))
    return [half_up(sum(flows if p["ask"] == "flow" else tardy) / len(times), 1)]


def expect_c2c(p):
    days = (
        Decimal(p["inventory"]) / p["cogs"] * 365
        + Decimal(p["receivables"]) / p["revenue"] * 365
        - Decimal(p["payables"]) / p["cogs"] * 365
    )
    return [half_up(float(days), 1)]


def expect_roa(p):
    cut = Decimal(p["inventory"]) * p["cut_pct"] / 100
    income = p["net_income"] + cut * p["carrying_rate_pct"] / 100
    return [half_up(float(100 * income / (p["total_assets"] - cut)), 1)]


EXPECT: dict[str, Callable[[dict[str, Any]], object]] = {
    "eoq": expect_eoq,
    "epq": expect_epq,
    "lot-size-cost": expect_lot_cost,
    "reorder-point": expect_rop,
    "safety-stock": expect_ss,
    "safety-stock-mad": expect_ss_mad,
    "order-up-to": expect_order_up_to,
    "inventory-turns": expect_turns,
    "mrp-netting": mrp_first_release,
    "atp-discrete": expect_atp,
    "pab": expect_pab,
    "rated-capacity": expect_capacity,
    "exponential-smoothing": expect_smoothing,
    "moving-average": expect_moving_average,
    "weighted-moving-average": expect_weighted,
    "tracking-signal": expect_tracking,
    "mape": expect_mape,
    "kanban": expect_kanban,
    "takt-time": expect_takt,
    "littles-law": expect_little,
    "oee": expect_oee,
    "critical-ratio": expect_cr,
    "break-even": expect_break_even,
    "capacity-cushion": expect_cushion,
    "make-or-buy": expect_make_or_buy,
    "factor-rating": expect_rating,
    "inventory-carrying-cost": expect_carrying,
    "abc-cumulative-share": expect_abc,
    "rccp-bill-of-resources": expect_rccp,
    "mrp-fixed-order-quantity": expect_foq,
    "low-level-code": expect_llc,
    "safety-lead-time": expect_safety_lead_time,
    "load-vs-capacity": expect_load,
    "line-balance-efficiency": expect_balance,
    "spt-flow-time": expect_spt,
    "cash-to-cash": expect_c2c,
    "roa-inventory-cut": expect_roa,
}

# Phrases each stem must contain: the convention the answer depends on.
SS_ROUNDING = "Round safety stock and order points up to whole units (never below the service level)."
CONVENTIONS: dict[str, tuple[str, ...]] = {
    "eoq": ("EOQ = √(2DS/H)", "nearest whole unit"),
    "epq": ("EPQ = √(2DS / (H(1 − d/p)))", "nearest whole unit"),
    "lot-size-cost": ("(D/Q)×S + (Q/2)×H", "excluding the purchase cost", "nearest dollar"),
    "reorder-point": ("safety stock", SS_ROUNDING),
    "safety-stock": ("√(lead time / period of σ)", SS_ROUNDING),
    "safety-stock-mad": ("σ ≈ 1.25 × MAD", "√(lead time in weeks)", SS_ROUNDING),
    "order-up-to": ("R + L", "z × σ × √(R + L)", SS_ROUNDING),
    "inventory-turns": ("average inventory = (beginning + ending) / 2", "at cost"),
    "mrp-netting": ("lot-for-lot", "offset planned orders by the lead time"),
    "atp-discrete": (
        "APICS discrete ATP",
        "on hand counts only in period 1",
        "a negative ATP is subtracted from the previous ATP",
    ),
    "pab": ("customer orders only inside the demand time fence", "greater of forecast and customer orders"),
    "rated-capacity": (
        "available time × utilization × efficiency",
        "hours actually worked / hours available",
    ),
    "exponential-smoothing": ("old forecast + α × (actual − old forecast)",),
    "moving-average": ("simple moving average", "one decimal"),
    "weighted-moving-average": ("divide by the sum of the weights", "one decimal"),
    "tracking-signal": ("Forecast error = actual − forecast", "tracking signal = RSFE / MAD"),
    "mape": ("/ actual × 100",),
    "kanban": ("D × L × (1 + α) / C", "Round up"),
    "takt-time": ("Takt time = available production time / customer demand",),
    "littles-law": ("WIP = throughput × flow time",),
    "oee": ("OEE = availability × performance × quality", "planned production time"),
    "critical-ratio": ("(due date − today) / work remaining", "lowest CR first"),
    "break-even": ("fixed costs / (price − variable cost per unit)", "Round up"),
    "capacity-cushion": ("Capacity cushion = (capacity − average demand) / capacity.",),
    "make-or-buy": ("make = F + v × Q, buy = p × Q", "continues whether it is made or bought"),
    "factor-rating": ("Weighted score = Σ (weight × score).", "The weights sum to"),
    "inventory-carrying-cost": (
        "Average inventory = Q/2 + safety stock",
        "average inventory × unit cost × carrying rate",
        "nearest dollar",
    ),
    "abc-cumulative-share": ("annual units × unit cost", "highest first", "one decimal"),
    "rccp-bill-of-resources": ("bill of resources", "no lead-time offset"),
    "mrp-fixed-order-quantity": ("fixed order quantity", "release it one lead time earlier"),
    "low-level-code": ("Explode net (not gross) parent quantities", "low-level code"),
    "safety-lead-time": ("safety lead time", "lot-for-lot", "one lead time before that earlier due date"),
    "load-vs-capacity": ("setup hours + quantity × run hours per unit", "available hours × utilization × efficiency"),
    "line-balance-efficiency": ("longest station time", "total task time / (number of stations × cycle time)"),
    "spt-flow-time": ("shortest processing time", "at time 0", "or 0 if the job is early"),
    "cash-to-cash": ("days of inventory + days of receivables − days of payables", "COGS × 365", "revenue × 365"),
    "roa-inventory-cut": ("ROA = net income / total assets", "total assets fall by the amount of the cut",
                          "ignore taxes"),
}

# Scalar inputs that must appear in the stem exactly as used (formatted), and tabled list inputs.
SCALARS: dict[str, tuple[str, ...]] = {
    "eoq": ("demand", "order_cost", "unit_cost", "carrying_rate_pct", "holding_cost"),
    "epq": ("daily_demand", "working_days", "production_rate", "setup_cost", "holding_cost"),
    "lot-size-cost": ("annual_demand", "order_cost", "holding_cost", "order_quantity"),
    "reorder-point": ("weekly_demand", "lead_time_days", "safety_stock", "sigma_weekly", "lead_time_weeks"),
    "safety-stock": ("sigma", "lead_time"),
    "safety-stock-mad": ("mad", "lead_time_weeks"),
    "order-up-to": (
        "weekly_demand",
        "sigma_weekly",
        "review_weeks",
        "lead_time_weeks",
        "on_hand",
        "on_order",
    ),
    "inventory-turns": ("cogs", "beginning_inventory", "ending_inventory"),
    "mrp-netting": ("on_hand", "lead_time"),
    "atp-discrete": ("on_hand", "ask_period"),
    "pab": ("on_hand", "demand_time_fence", "ask_period"),
    "rated-capacity": ("hours_available", "hours_worked", "standard_hours"),
    "exponential-smoothing": ("alpha", "forecast", "actuals"),
    "moving-average": ("periods",),
    "tracking-signal": (),
    "mape": (),
    "weighted-moving-average": (),
    "kanban": ("demand", "lead_time", "safety_pct", "container"),
    "takt-time": ("shift_minutes", "break_minutes", "daily_demand", "work_content_seconds"),
    "littles-law": ("throughput_per_day", "flow_time_weeks", "flow_time_hours", "wip"),
    "oee": (
        "shift_minutes",
        "planned_break_minutes",
        "downtime_minutes",
        "ideal_cycle_seconds",
        "total_count",
        "reject_count",
    ),
    "critical-ratio": ("today", "due_days", "work_days"),
    "break-even": ("fixed_cost", "price", "variable_cost"),
    "capacity-cushion": ("capacity", "average_demand", "peak_demand", "target_cushion_pct"),
    "make-or-buy": ("fixed_cost", "variable_cost", "price", "overhead", "volume"),
    "factor-rating": (),
    "inventory-carrying-cost": (
        "unit_cost",
        "carrying_rate_pct",
        "order_quantity",
        "annual_demand",
        "orders_per_year",
        "safety_stock",
    ),
    "abc-cumulative-share": ("annual_units", "a_share_of_items_pct"),
    "rccp-bill-of-resources": ("hours_per_unit", "ask_period", "capacity_hours"),
    "mrp-fixed-order-quantity": ("on_hand", "lot_size", "lead_time", "ask_period"),
    "low-level-code": ("demand_a", "on_hand_a", "on_hand_c", "on_hand_d", "c_per_a", "d_per_a", "d_per_c"),
    "safety-lead-time": ("on_hand", "lead_time", "safety_lead_time"),
    "load-vs-capacity": ("quantities", "setup_hours", "run_hours", "available_hours", "utilization_pct",
                         "efficiency_pct"),
    "line-balance-efficiency": ("takt_seconds",),
    "spt-flow-time": ("processing_days", "due_days"),
    "cash-to-cash": ("revenue", "cogs", "inventory", "receivables", "payables"),
    "roa-inventory-cut": ("revenue", "net_income", "total_assets", "inventory", "cut_pct", "carrying_rate_pct"),
}
TABLES: dict[str, tuple[str, ...]] = {
    "mrp-netting": ("gross_requirements", "scheduled_receipts"),
    "atp-discrete": ("mps_receipts", "customer_orders"),
    "pab": ("forecast", "customer_orders", "mps_receipts"),
    "tracking-signal": ("forecast", "actual"),
    "mape": ("forecast", "actual"),
    "moving-average": ("actuals",),
    "weighted-moving-average": ("actuals",),
    "mrp-fixed-order-quantity": ("gross_requirements", "scheduled_receipts"),
    "safety-lead-time": ("gross_requirements", "scheduled_receipts"),
}


def shown_forms(value: float) -> set[str]:
    forms = {f"{value:,}", f"{value:,.2f}", str(value)}
    if float(value).is_integer():
        forms.add(f"{int(value):,}")
    return forms


def check_question(q: Question, family: str, seed: int | None) -> None:
    fam = FAMILIES[family]
    p = q.parameters
    assert (q.family, q.seed, q.module, q.topic) == (family, seed, fam.module, fam.topic)
    assert (q.cpim8_module, q.cpim8_topic) == (fam.cpim8_module, fam.cpim8_topic)
    assert q.difficulty in DIFFICULTIES
    # limits and shape
    assert len(q.choices) == 4 and len(set(q.choices)) == 4
    assert 0 <= q.answer_index < 4
    assert 0 < len(q.stem) <= MAX_STEM
    assert 0 < len(q.explanation) <= MAX_EXPLANATION
    assert all(0 < len(c) <= MAX_CHOICE for c in q.choices)
    # the marked answer is the independently recomputed one
    expected = EXPECT[family](p)
    if isinstance(expected, str):
        assert q.correct_choice == expected
        assert re.search(rf"\b{re.escape(str(p['answer']))}\b", expected, flags=re.IGNORECASE), p["answer"]
    else:
        assert numbers(q.correct_choice) == pytest.approx(expected, abs=1e-9)
        answer = p["answer"] if isinstance(p["answer"], list) else [p["answer"]]
        assert answer == pytest.approx(expected, abs=1e-9)
    # distractors differ from the answer as displayed, and as numbers
    for i, choice in enumerate(q.choices):
        if i != q.answer_index:
            assert choice != q.correct_choice
            if not isinstance(expected, str):
                assert numbers(choice) != numbers(q.correct_choice)
    # the convention is stated, and the inputs used are the inputs shown
    for phrase in CONVENTIONS[family]:
        assert phrase in q.stem, phrase
    if "z" in p:
        assert f"z = {p['z']:.2f}" in q.stem
    for key in SCALARS[family]:
        for value in p[key] if isinstance(p.get(key), list) else [p[key]] if key in p else []:
            assert any(form in q.stem for form in shown_forms(value)), (key, value)
    for key in TABLES.get(family, ()):
        assert re.search(r"\s+".join(re.escape(str(v)) for v in p[key]), q.stem), key
    # the worked solution ends on the answer as displayed
    for token in re.findall(r"[−-]?\d[\d,]*(?:\.\d+)?", q.correct_choice):
        assert token in q.explanation, token
    if isinstance(expected, str):
        assert expected.lower() in q.explanation.lower()


# --- properties, every family -------------------------------------------------------------------


@pytest.mark.parametrize("family", family_names())
@PROPERTY
@given(seed=SEEDS)
def test_generated_question_is_correct_and_within_limits(family: str, seed: int) -> None:
    q = generate(family, seed)
    assert q.id == f"gen:{family}:{seed}"
    check_question(q, family, seed)


@pytest.mark.parametrize("family", family_names())
@settings(max_examples=25, deadline=None)
@given(seed=SEEDS)
def test_generation_is_deterministic(family: str, seed: int) -> None:
    first, second = generate(family, seed), generate(family, seed)
    assert first == second
    assert first.parameters == second.parameters


def test_seeds_give_varied_questions() -> None:
    for family in family_names():
        stems = {generate(family, seed).stem for seed in range(30)}
        positions = {generate(family, seed).answer_index for seed in range(30)}
        assert len(stems) >= 20, family
        assert len(positions) >= 3, family


# --- a sweep of 1,000 seeds per family ------------------------------------------------------------

SWEEP_SEEDS = 1000
NUMBER = re.compile(r"[−-]?\d[\d,]*(?:\.\d+)?")
PERIODS_SHOWN = re.compile(r"[Pp]eriods? ([−\d, ]+)")
# Families whose answers are exact (whole units, periods, job letters or two-decimal products of whole
# numbers): nothing is rounded, so there is no rounding boundary to keep clear of.
EXACT_FAMILIES = {
    "mrp-netting",
    "atp-discrete",
    "pab",
    "factor-rating",
    "rccp-bill-of-resources",
    "mrp-fixed-order-quantity",
    "low-level-code",
    "safety-lead-time",
}


def displayed(choice: str) -> str:
    """A choice as a reader compares it: '5.0 turns' and '5 turns' are the same, '1,200' is '1200'."""
    return NUMBER.sub(lambda m: repr(float(m.group().replace("−", "-").replace(",", ""))), choice).strip()


def neighbours(key: Key) -> set[float]:
    """The displayed values a solver could also reach (recomputed here, apart from `Key`): for half-up,
    the next display step on the value's side when the value lies within a tenth of a step of the
    half-way point; for round-up, the step below or above when the value lies within a tenth of a step
    of a whole step."""
    x, s = Decimal(str(key.value)), Decimal(str(key.step))
    units = x / s
    if key.mode == "up":
        top = math.ceil(units.quantize(Decimal("0.000001")))
        found = set()
        if units - (top - 1) < Decimal("0.1"):
            found.add(top - 1)
        if top - units < Decimal("0.1"):
            found.add(top + 1)
        return {float(k * s) for k in found}
    nearest = int(units.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    off = units - nearest
    if abs(off) <= Decimal("0.4"):
        return set()
    return {float((nearest + (1 if off > 0 else -1)) * s)}


def sweep_problems(family: str, seeds: range) -> tuple[list[str], int]:
    """Every seed's question built as `generate` builds it, checked in full; returns the problems found
    and how many drafts carried a `Key`."""
    fam = FAMILIES[family]
    problems: list[str] = []
    keyed = 0
    for seed in seeds:
        try:
            rng = random.Random(seed)
            drafted = draw_draft(fam, rng)
            q = build_question(fam, drafted.parameters, rng, qid=f"gen:{family}:{seed}", seed=seed, draft=drafted)
            check_question(q, family, seed)
        except Exception as error:  # a crash or a failed check: report it with its seed
            problems.append(f"seed {seed}: {type(error).__name__}: {error}"[:300])
            continue
        shown = [displayed(c) for c in q.choices]
        periods = [n for c in q.choices for group in PERIODS_SHOWN.findall(c) for n in numbers(group)]
        if any(n < 1 for n in periods):
            problems.append(f"seed {seed}: a choice names a period before period 1: {q.choices}")
        if len(set(shown)) < len(shown):
            problems.append(f"seed {seed}: two choices display the same value: {q.choices}")
        if drafted.key is not None:
            keyed += 1
            key = drafted.key
            if key.show(key.rounded()) != q.correct_choice:
                problems.append(f"seed {seed}: key {key.value!r} does not display as {q.correct_choice!r}")
            other = {key.show(v) for v in neighbours(key)} - {q.correct_choice}
            if other:
                offered = other & set(q.choices)
                problems.append(
                    f"seed {seed}: exact {key.value!r} lies within a tenth of a step of a rounding boundary "
                    f"(other rounding {sorted(other)}{', offered as a choice' if offered else ''})"
                )
    return problems, keyed


@pytest.mark.parametrize("family", family_names())
def test_a_thousand_seeds_give_distinct_unambiguous_choices_and_never_crash(family: str) -> None:
    problems, keyed = sweep_problems(family, range(SWEEP_SEEDS))
    assert not problems, f"{len(problems)} of {SWEEP_SEEDS} seeds: " + "; ".join(problems[:5])
    assert keyed > 0 or family in EXACT_FAMILIES, "a rounded answer needs a Key to keep clear of boundaries"


def test_the_sweep_builds_exactly_what_generate_builds() -> None:
    for family in family_names():
        for seed in (0, 64, 999):
            rng = random.Random(seed)
            drafted = draw_draft(FAMILIES[family], rng)
            built = build_question(
                FAMILIES[family], drafted.parameters, rng, qid=f"gen:{family}:{seed}", seed=seed, draft=drafted
            )
            assert built == generate(family, seed)
            assert draft_of(family, seed).solution == drafted.solution


def test_sweep_catches_a_boundary_answer_with_its_other_rounding_offered() -> None:
    # 5.4496 turns lies within a tenth of a display step of the 5.45 half-way point: 5.5 is the other rounding
    near = Key(5.4496, lambda v: f"{v:.1f} turns", 0.1)
    assert {f"{v:.1f}" for v in neighbours(near)} == {"5.5"}
    assert neighbours(Key(5.42, lambda v: f"{v:.1f}", 0.1)) == set()
    assert neighbours(Key(8.03, str, 1, "up")) == {8.0}
    assert neighbours(Key(8.0, str, 1, "up")) == {9.0}
    assert neighbours(Key(8.5, str, 1, "up")) == set()
    assert near.other_roundings() == {"5.5 turns"}
    assert Key(5.42, lambda v: f"{v:.1f}", 0.1).other_roundings() == set()


def test_worked_solutions_print_the_detail_and_the_rounded_answer_consistently() -> None:
    from study.generators._core import approx

    assert approx(539.4999) == "539.4999 ≈ 539"  # never "539.50 ≈ 539"
    assert approx(539.46) == "539.46 ≈ 539"
    assert approx(12.25, 1) == "12.250 ≈ 12.3"


# --- registry --------------------------------------------------------------------------------------


def test_registry_covers_enough_families_and_real_syllabus_topics() -> None:
    path = ROOT / "content" / "editions" / "cpim-2017" / "syllabus.toml"
    syllabus = tomllib.loads(path.read_text(encoding="utf-8"))
    topics = {(m["key"], t["key"]) for m in syllabus["modules"] for t in m["topics"]}
    assert len(FAMILIES) >= 37
    assert set(EXPECT) == set(FAMILIES) == set(CONVENTIONS)
    assert family_names() == list(FAMILIES)
    for name, fam in FAMILIES.items():
        assert isinstance(fam, Family) and fam.name == name and fam.title
        assert (fam.module, fam.topic) in topics, name


# The CPIM 8 outline (content/editions/cpim-8/syllabus.toml, shared contract in the edition work).
CPIM8_TOPICS = {
    "strategy": {"business-and-sc-strategy", "sc-design-and-operations-strategy", "sc-finance-and-measures",
                 "risk-and-sustainability"},
    "sop": {"planning-hierarchy-links", "sop-executive-process", "production-plan-strategies", "resource-planning"},
    "demand": {"demand-management-process", "forecasting-methods", "forecast-accuracy"},
    "supply": {"master-scheduling-atp", "material-requirements-planning", "capacity-management",
               "procurement-and-suppliers"},
    "schedules": {"scheduling-techniques", "dispatching-and-control", "lean-execution", "constraint-management"},
    "inventory": {"inventory-basics", "lot-sizing-methods", "safety-stock-and-replenishment",
                  "inventory-accuracy-and-metrics"},
    "distribution": {"distribution-requirements-planning", "transportation-and-warehousing",
                     "distribution-network-and-reverse"},
    "quality-tech": {"quality-management", "continuous-improvement", "technology-and-data"},
}


def test_every_family_is_tagged_with_a_real_cpim8_topic() -> None:
    outline = {module: set(topics) for module, topics in CPIM8_TOPICS.items()}
    shipped = ROOT / "content" / "editions" / "cpim-8" / "syllabus.toml"
    if shipped.exists():  # once the edition ships, its outline is the reference
        data = tomllib.loads(shipped.read_text(encoding="utf-8"))
        outline = {m["key"]: {t["key"] for t in m["topics"]} for m in data["modules"]}
    for name, fam in FAMILIES.items():
        assert fam.cpim8_topic in outline.get(fam.cpim8_module, set()), name
        q = generate(name, 3)
        assert (q.cpim8_module, q.cpim8_topic) == (fam.cpim8_module, fam.cpim8_topic)


def test_exponential_smoothing_renders_any_number_of_actuals() -> None:
    # 100 -> 104 (Jan 120) -> 101.2 (Feb 90) -> 106.96 (Mar 130)
    q = from_parameters("exponential-smoothing", {"alpha": 0.2, "forecast": 100, "actuals": [120, 90, 130]})
    assert q.correct_choice == "106.96 units" and "April" in q.stem
    assert "101.20 units" in q.choices  # stops one step early
    check_question(q, "exponential-smoothing", None)


def test_atp_never_offers_a_negative_choice_and_rsfe_choices_are_whole() -> None:
    for seed in range(300):
        atp = generate("atp-discrete", seed)
        assert not any(c.startswith("−") for c in atp.choices), atp.choices
        ts = generate("tracking-signal", seed)
        if ts.parameters["ask"] == "rsfe":
            assert all("." not in c for c in ts.choices), ts.choices


def test_safety_stock_rounds_up_like_the_bank() -> None:
    # 1.65 × 30 × √2 = 70.0036 -> 71 (never below the service level); the stem states the rule
    q = from_parameters("safety-stock", {"sigma": 30, "sigma_period": "week", "lead_time": 2,
                                         "lead_time_unit": "weeks", "units_per_period": 1, "z": 1.65,
                                         "service_level_pct": 95})
    assert q.correct_choice == "71 units" and SS_ROUNDING in q.stem


@pytest.mark.parametrize(
    ("family", "where"),
    [
        ("eoq", ("dsp", "lot-sizing")),
        ("atp-discrete", ("mpr", "customer-interface")),
        ("pab", ("mpr", "master-scheduling")),
        ("kanban", ("eco", "lean-pull")),
        ("takt-time", ("eco", "lean-pull")),
        ("littles-law", ("eco", "control-of-operations")),
        ("oee", ("eco", "control-of-operations")),
        ("critical-ratio", ("eco", "dispatching-sequencing")),
        ("tracking-signal", ("mpr", "forecasting")),
        ("exponential-smoothing", ("mpr", "forecasting")),
        ("rated-capacity", ("dsp", "capacity-requirements-planning")),
        ("mrp-netting", ("dsp", "mrp-logic")),
        ("reorder-point", ("dsp", "safety-stock-replenishment")),
        ("safety-stock", ("dsp", "safety-stock-replenishment")),
        ("order-up-to", ("dsp", "safety-stock-replenishment")),
        ("capacity-cushion", ("smr", "capacity-facility-strategy")),
        ("make-or-buy", ("smr", "supply-chain-strategy")),
        ("factor-rating", ("smr", "capacity-facility-strategy")),
        ("inventory-carrying-cost", ("bscm", "inventory-fundamentals")),
        ("abc-cumulative-share", ("dsp", "inventory-policy")),
        ("rccp-bill-of-resources", ("mpr", "rough-cut-capacity")),
        ("mrp-fixed-order-quantity", ("dsp", "mrp-logic")),
        ("low-level-code", ("dsp", "mrp-logic")),
        ("safety-lead-time", ("dsp", "safety-stock-replenishment")),
        ("load-vs-capacity", ("dsp", "capacity-requirements-planning")),
        ("line-balance-efficiency", ("eco", "execution-principles")),
        ("spt-flow-time", ("eco", "dispatching-sequencing")),
        ("cash-to-cash", ("smr", "strategy-implementation")),
        ("roa-inventory-cut", ("bscm", "financial-fundamentals")),
    ],
)
def test_family_is_filed_under_the_expected_topic(family: str, where: tuple[str, str]) -> None:
    assert (FAMILIES[family].module, FAMILIES[family].topic) == where


def test_bad_family_or_seed_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown generator family"):
        generate("nope", 1)
    with pytest.raises(ValueError):
        generate("eoq", -1)
    with pytest.raises(ValueError):
        generate("eoq", True)


def test_package_uses_only_the_standard_library() -> None:
    allowed = {
        "study",
        "__future__",
        "math",
        "random",
        "dataclasses",
        "decimal",
        "fractions",
        "collections",
        "typing",
    }
    for path in (ROOT / "study" / "generators").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            match = re.match(r"\s*(?:from|import)\s+([\w.]+)", line)
            if match:
                assert match.group(1).split(".")[0] in allowed, (path.name, line)


def test_wrong_choices_fall_back_when_every_mistake_matches_the_answer() -> None:
    draft = Draft(
        stem="s",
        answer="10 units",
        solution="x",
        wrong=(Wrong("10 units", "a"), Wrong("10 units", "b"), Wrong("11 units", "c")),
        fallbacks=("11 units", "10 units", "12 units", "9 units"),
        parameters={},
    )
    picked = pick_wrong(draft)
    assert [w.text for w in picked] == ["11 units", "12 units", "9 units"]
    assert picked[0].why == "c"


# --- hand-worked cases -----------------------------------------------------------------------------


def test_eoq_textbook_case() -> None:
    q = from_parameters(
        "eoq",
        {
            "demand_basis": "annual",
            "demand": 1200,
            "order_cost": 50,
            "holding_basis": "dollar",
            "holding_cost": 2,
        },
    )
    assert q.correct_choice == "245 units"
    assert "173 units" in q.choices  # √(DS/H): the forgotten 2
    assert q.id == "gen:eoq:custom" and q.seed is None
    check_question(q, "eoq", None)


def test_eoq_with_a_carrying_rate_and_monthly_demand() -> None:
    # D = 100 × 12 = 1,200; H = 20% × $10 = $2 -> 245. Rate used as H: √(2·1200·50/0.2) = 775.
    q = from_parameters(
        "eoq",
        {
            "demand_basis": "monthly",
            "demand": 100,
            "order_cost": 50,
            "holding_basis": "rate",
            "unit_cost": 10.0,
            "carrying_rate_pct": 20,
        },
    )
    assert q.correct_choice == "245 units"
    assert "775 units" in q.choices or "71 units" in q.choices


def test_atp_nets_a_negative_later_atp_back() -> None:
    # Period 1: 10 + 50 − (20 + 15) = 25; period 3: 50 − (60 + 10) = −20, netted back: 25 − 20 = 5.
    q = from_parameters(
        "atp-discrete",
        {"on_hand": 10, "mps_receipts": [50, 0, 50, 0], "customer_orders": [20, 15, 60, 10], "ask_period": 1},
    )
    assert q.correct_choice == "5 units"
    assert "25 units" in q.choices
    assert "25 units" in q.explanation and "does not net" in q.explanation
    check_question(q, "atp-discrete", None)


def test_atp_later_period_does_not_add_on_hand() -> None:
    q = from_parameters(
        "atp-discrete",
        {
            "on_hand": 30,
            "mps_receipts": [100, 0, 100, 0, 100],
            "customer_orders": [40, 20, 35, 25, 10],
            "ask_period": 3,
        },
    )
    assert q.correct_choice == "40 units"  # 100 − (35 + 25); on hand belongs to period 1 only
    assert "70 units" in q.choices


def test_mrp_release_is_offset_and_net() -> None:
    # POH: P1 30, P2 30 + 25 − 30 = 25, P3 25 − 40 = −15 -> net 15 in P3, released 2 periods earlier.
    q = from_parameters(
        "mrp-netting",
        {
            "gross_requirements": [20, 30, 40, 10, 0, 30, 0, 0],
            "scheduled_receipts": [0, 25, 0, 0, 0, 0, 0, 0],
            "on_hand": 50,
            "safety_stock": 0,
            "lead_time": 2,
            "lot_sizing": "lot-for-lot",
        },
    )
    assert q.correct_choice == "Period 1: 15 units"
    assert "Period 3: 15 units" in q.choices  # no lead-time offset
    check_question(q, "mrp-netting", None)


def test_pab_uses_orders_inside_and_greater_of_beyond_the_fence() -> None:
    # P1 20 + 100 − 60 = 60; P2 60 − 30 = 30; P3 30 − max(50, 70) = −40; P4 −40 + 100 − max(50, 30) = 10.
    q = from_parameters(
        "pab",
        {
            "on_hand": 20,
            "forecast": [50, 50, 50, 50],
            "customer_orders": [60, 30, 70, 30],
            "mps_receipts": [100, 0, 0, 100],
            "demand_time_fence": 2,
            "ask_period": 4,
        },
    )
    assert q.correct_choice == "10 units"
    assert "0 units" in q.choices  # forecast used inside the fence


def test_kanban_rounds_up() -> None:
    q = from_parameters(
        "kanban", {"time_unit": "hour", "demand": 100, "lead_time": 2, "safety_pct": 10, "container": 25}
    )
    assert q.correct_choice == "9 kanbans"  # 8.8 rounded up
    assert "8 kanbans" in q.choices


def test_critical_ratio_runs_the_lowest_ratio_first() -> None:
    # CRs: A 10/5 = 2.00, B 6/8 = 0.75, C 3/2 = 1.50, D 13/20 = 0.65 -> D, B, C, A.
    params = {"ask": "first", "today": 100, "due_days": [110, 106, 103, 113], "work_days": [5, 8, 2, 20]}
    q = from_parameters("critical-ratio", params)
    assert q.correct_choice == "Job D"
    assert q.parameters["sequence"] == ["D", "B", "C", "A"]
    assert "Job A" in q.choices and "Job C" in q.choices  # highest CR first; earliest due date
    ratio = from_parameters("critical-ratio", {**params, "ask": "ratio", "job": "B"})
    assert ratio.correct_choice == "0.75" and "1.33" in ratio.choices


def test_tracking_signal_case() -> None:
    # errors 10, −5, 20, 5: RSFE 30, MAD 10, TS 3.00; the reversed sign gives −3.00.
    q = from_parameters(
        "tracking-signal", {"ask": "ts", "forecast": [100, 100, 100, 100], "actual": [110, 95, 120, 105]}
    )
    assert q.correct_choice == "3.00"
    assert "−3.00" in q.choices


def test_safety_stock_scales_sigma_by_root_lead_time_ratio() -> None:
    # 1.65 × 40 × √(15/5) = 114.3 -> 114; unscaled 66.
    q = from_parameters(
        "safety-stock",
        {
            "sigma": 40,
            "sigma_period": "week",
            "lead_time": 15,
            "lead_time_unit": "working days",
            "units_per_period": 5,
            "z": 1.65,
            "service_level_pct": 95,
        },
    )
    assert q.correct_choice == "115 units"  # rounded up, never below the service level
    assert "66 units" in q.choices


def test_safety_stock_from_mad_uses_the_1_25_factor() -> None:
    q = from_parameters(
        "safety-stock-mad", {"mad": 100, "lead_time_weeks": 4, "z": 2.0, "service_level_pct": 98}
    )
    assert q.correct_choice == "500 units"  # 2 × 1.25 × 100 × √4
    assert "400 units" in q.choices  # MAD used as σ


def test_order_up_to_protects_review_plus_lead_time() -> None:
    # 100 × 4 + 1.65 × 20 × √4 = 466; L only: 100 × 2 + 1.65 × 20 × √2 = 246.7 -> 247.
    q = from_parameters(
        "order-up-to",
        {
            "weekly_demand": 100,
            "sigma_weekly": 20,
            "review_weeks": 2,
            "lead_time_weeks": 2,
            "z": 1.65,
            "service_level_pct": 95,
            "ask": "target",
        },
    )
    assert q.correct_choice == "466 units"
    assert "247 units" in q.choices


def test_rated_capacity_case() -> None:
    # utilization 340/400 = 0.85, efficiency 357/340 = 1.05; 160 h × 0.85 × 1.05 = 142.8.
    q = from_parameters(
        "rated-capacity",
        {
            "ask": "rated",
            "machines": 2,
            "hours_per_shift": 8,
            "shifts_per_day": 2,
            "days_per_week": 5,
            "history_weeks": 4,
            "hours_available": 400,
            "hours_worked": 340,
            "standard_hours": 357,
        },
    )
    assert q.correct_choice == "142.8 standard hours"
    swapped = from_parameters("rated-capacity", {**q.parameters, "ask": "efficiency"})
    assert swapped.correct_choice == "105.0%" and "85.0%" in swapped.choices


def test_small_cases_of_the_other_families() -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("exponential-smoothing", {"alpha": 0.2, "forecast": 100, "actuals": [120]}, "104.00 units"),
        (
            "takt-time",
            {
                "ask": "takt",
                "shift_minutes": 480,
                "breaks": 2,
                "break_minutes": 15,
                "shifts": 1,
                "daily_demand": 450,
            },
            "60.0 seconds",
        ),
        ("littles-law", {"ask": "wip", "throughput_per_day": 50, "flow_time_weeks": 2}, "500 units"),
        (
            "oee",
            {
                "shift_minutes": 480,
                "planned_break_minutes": 30,
                "downtime_minutes": 45,
                "ideal_cycle_seconds": 60,
                "total_count": 300,
                "reject_count": 15,
            },
            "63.3%",
        ),
        ("break-even", {"fixed_cost": 100000, "price": 25.0, "variable_cost": 10.0}, "6,667 units"),
        (
            "inventory-turns",
            {
                "ask": "turns",
                "sales": 15000000,
                "cogs": 10000000,
                "beginning_inventory": 1800000,
                "ending_inventory": 2200000,
            },
            "5.0 turns",
        ),
        (
            "epq",
            {
                "daily_demand": 100,
                "working_days": 250,
                "production_rate": 400,
                "setup_cost": 100,
                "holding_cost": 5.0,
            },
            "1,155 units",
        ),
        ("moving-average", {"actuals": [10, 20, 30, 40, 50, 60], "periods": 3}, "50.0 units"),
        (
            "weighted-moving-average",
            {"actuals": [10, 20, 30, 40, 50, 60], "weights": [3, 2, 1]},
            "53.3 units",
        ),
        ("mape", {"forecast": [90, 110], "actual": [100, 100]}, "10.0%"),
        (
            "lot-size-cost",
            {
                "annual_demand": 1200,
                "order_cost": 50,
                "holding_cost": 2.0,
                "unit_cost": 10.0,
                "order_quantity": 200,
            },
            "$500",
        ),
        (
            "reorder-point",
            {"variant": "given-ss", "weekly_demand": 100, "lead_time_days": 10, "safety_stock": 50},
            "250 units",
        ),
    ]
    for family, params, answer in cases:
        q = from_parameters(family, params)
        assert q.correct_choice == answer, family
        check_question(q, family, None)


# --- strategy (SMR) families and inventory carrying cost ------------------------------------------

FIRST_TRAP: dict[str, tuple[str, ...]] = {
    "capacity-cushion": ("divides by average demand instead of by capacity", "adds the cushion to demand"),
    "make-or-buy": ("divides F by the price, ignoring v", "compares per-unit costs only"),
    "factor-rating": ("ignores the weights (gives every factor the same weight)",),
    "inventory-carrying-cost": ("uses the full lot Q instead of Q/2",),
}


def main_trap(family: str, p: dict[str, Any]) -> tuple[str, float, float]:
    """The main named mistake, recomputed here: (choice prefix, its exact value, half its display step)."""
    if family == "capacity-cushion":
        if p["ask"] == "cushion":  # (capacity − average) / average demand, as a percent to one decimal
            return "", 100 * (p["capacity"] - p["average_demand"]) / p["average_demand"], 0.05
        return "", ceil_div(p["average_demand"] * (100 + p["target_cushion_pct"]), 100), 0  # demand × (1 + c)
    if family == "make-or-buy":
        fixed, v, price = Decimal(p["fixed_cost"]), Decimal(str(p["variable_cost"])), Decimal(str(p["price"]))
        if p["ask"] == "break-even":
            return "", math.ceil(fixed / price), 0  # F / p
        return "Make, saving", float((price - v) * p["volume"]), 0.5  # per-unit costs only
    if family == "factor-rating":  # equal weights: the scores' sum × (total weight / number of factors)
        share = 1 if p["basis"] == "fraction" else 100
        sums = [share * sum(row[j] for row in p["scores"]) / len(p["factors"]) for j in range(p["sites"])]
        tolerance = 0.005 if p["basis"] == "fraction" else 0.5
        if p["ask"] == "winner":
            best = sums.index(max(sums))
            return f"Site {'ABC'[best]} (", sums[best], tolerance
        return "", sums["ABC".index(p["site"])], tolerance
    lot = p["order_quantity"] if "order_quantity" in p else p["annual_demand"] / p["orders_per_year"]
    return "", (lot + p.get("safety_stock", 0)) * p["unit_cost"] * p["carrying_rate_pct"] / 100, 0.5  # Q, not Q/2


@pytest.mark.parametrize("family", list(FIRST_TRAP))
@settings(max_examples=100, deadline=None)
@given(seed=SEEDS)
def test_strategy_families_always_offer_their_main_trap(family: str, seed: int) -> None:
    q = generate(family, seed)
    assert any(why in q.explanation for why in FIRST_TRAP[family]), q.explanation
    prefix, value, tolerance = main_trap(family, q.parameters)
    offered = [c for c in q.choices if c != q.correct_choice and c.startswith(prefix)]
    assert any(abs(numbers(c)[-1] - value) <= tolerance + 1e-6 for c in offered), (value, q.choices)


@settings(max_examples=200, deadline=None)
@given(seed=SEEDS)
def test_make_or_buy_decision_agrees_with_the_break_even_volume(seed: int) -> None:
    q = generate("make-or-buy", seed)
    p = q.parameters
    assert p["overhead"] > 0 and "allocated" in q.stem
    if p["ask"] == "decision":
        break_even = Decimal(p["fixed_cost"]) / (Decimal(str(p["price"])) - Decimal(str(p["variable_cost"])))
        assert p["answer"] == ("make" if p["volume"] > break_even else "buy")
        assert "drops out" in q.explanation  # the allocated overhead is not a relevant cost


@settings(max_examples=200, deadline=None)
@given(seed=SEEDS)
def test_factor_rating_table_shows_every_weight_and_score(seed: int) -> None:
    q = generate("factor-rating", seed)
    p = q.parameters
    assert sum(p["weights_pct"]) == 100 and 3 <= len(p["factors"]) <= 4 and p["sites"] in (2, 3)
    assert ("The weights sum to 1.00" in q.stem) == (p["basis"] == "fraction")
    assert "```" in q.stem
    for name, weight, row in zip(p["factors"], p["weights_pct"], p["scores"], strict=True):
        shown = f"{weight / 100:.2f}" if p["basis"] == "fraction" else str(weight)
        assert re.search(rf"{re.escape(name)}\s+{re.escape(shown)}\s+" + r"\s+".join(map(str, row)), q.stem), name
    if p["ask"] == "winner":  # at least one naive method (unweighted, heaviest factor) picks another site
        scores = rating_scores(p)
        winner = max(range(p["sites"]), key=lambda j: scores[j])
        assert sorted(scores)[-1] != sorted(scores)[-2]
        heavy = p["weights_pct"].index(max(p["weights_pct"]))
        unweighted = [sum(row[j] for row in p["scores"]) for j in range(p["sites"])]
        naive = {unweighted.index(max(unweighted)), p["scores"][heavy].index(max(p["scores"][heavy]))}
        assert naive != {winner}


@settings(max_examples=200, deadline=None)
@given(seed=SEEDS)
def test_capacity_cushion_answer_meets_the_target(seed: int) -> None:
    p = generate("capacity-cushion", seed).parameters
    if p["ask"] == "capacity":  # the rounded-up capacity gives at least the target cushion; one unit less does not
        target = Decimal(p["target_cushion_pct"]) / 100
        cushion = lambda c: (Decimal(c) - p["average_demand"]) / Decimal(c)  # noqa: E731
        assert cushion(p["answer"]) >= target > cushion(p["answer"] - 1)
    else:
        assert p["average_demand"] < p["peak_demand"] < p["capacity"]


def test_capacity_cushion_cases() -> None:
    base = {"unit": "units", "period": "week", "average_demand": 800}
    q = from_parameters("capacity-cushion", {**base, "ask": "cushion", "capacity": 1000, "peak_demand": 950})
    assert q.correct_choice == "20.0%"  # (1,000 − 800) / 1,000
    # 200 / 800 (divided by demand), (1,000 − 950) / 1,000 (peak demand), 0.20 read as a percent
    assert {"25.0%", "5.0%", "0.2%"} <= set(q.choices)
    check_question(q, "capacity-cushion", None)
    q = from_parameters("capacity-cushion", {**base, "ask": "capacity", "peak_demand": 900, "target_cushion_pct": 20})
    assert q.correct_choice == "1,000 units"  # 800 / (1 − 0.20)
    assert {"960 units", "1,125 units"} <= set(q.choices)  # 800 × 1.2; 900 / 0.8
    check_question(q, "capacity-cushion", None)


def test_make_or_buy_cases() -> None:
    base = {"fixed_cost": 100000, "variable_cost": 10.0, "price": 25.0, "overhead": 20000}
    q = from_parameters("make-or-buy", {**base, "ask": "break-even"})
    assert q.correct_choice == "6,667 units"  # 100,000 / 15 = 6,666.67, rounded up
    # F / p; (F + allocated overhead) / (p − v); F / v
    assert {"4,000 units", "8,000 units", "10,000 units"} <= set(q.choices)
    check_question(q, "make-or-buy", None)
    # 10,000 units: make 100,000 + 100,000 = 200,000; buy 250,000
    q = from_parameters("make-or-buy", {**base, "ask": "decision", "volume": 10000})
    assert q.correct_choice == "Make, saving $50,000 a year"
    assert set(q.choices) == {
        "Make, saving $50,000 a year",
        "Make, saving $150,000 a year",  # per-unit comparison, no fixed cost
        "Make, saving $30,000 a year",  # overhead loaded onto making
        "Buy, saving $50,000 a year",  # reversed
    }
    check_question(q, "make-or-buy", None)
    # 5,000 units: make 150,000; buy 125,000
    q = from_parameters("make-or-buy", {**base, "ask": "decision", "volume": 5000})
    assert q.correct_choice == "Buy, saving $25,000 a year"
    assert {"Make, saving $75,000 a year", "Buy, saving $45,000 a year"} <= set(q.choices)
    check_question(q, "make-or-buy", None)


RATING_CASE = {
    "basis": "fraction",
    "sites": 3,
    "factors": ["Labor cost", "Market access", "Tax incentives"],
    "weights_pct": [50, 30, 20],
    "scores": [[9, 6, 5], [4, 8, 7], [3, 7, 10]],
}


def test_factor_rating_cases() -> None:
    # A 0.5×9 + 0.3×4 + 0.2×3 = 6.30; B 3.0 + 2.4 + 1.4 = 6.80; C 2.5 + 2.1 + 2.0 = 6.60.
    q = from_parameters("factor-rating", {**RATING_CASE, "ask": "winner"})
    assert q.correct_choice == "Site B (6.80)"
    assert set(q.choices) == {
        "Site B (6.80)",
        "Site C (7.33)",  # weights ignored: (5 + 7 + 10) / 3, on the same scale as a weighted score
        "Site A (6.30)",  # best on labor cost, the heaviest factor
        "Site C (8.10)",  # weights reversed: 0.2×5 + 0.3×7 + 0.5×10
    }
    check_question(q, "factor-rating", None)
    q = from_parameters("factor-rating", {**RATING_CASE, "ask": "score", "site": "A"})
    assert q.correct_choice == "6.30"
    # weights ignored ((9 + 4 + 3) / 3), reversed weights, weighted total divided by the factors (6.30 / 3)
    assert {"5.33", "4.50", "2.10"} <= set(q.choices)
    check_question(q, "factor-rating", None)
    q = from_parameters("factor-rating", {**RATING_CASE, "basis": "percent", "ask": "winner"})
    assert q.correct_choice == "Site B (680)" and "The weights sum to 100." in q.stem
    check_question(q, "factor-rating", None)


def test_inventory_carrying_cost_cases() -> None:
    base = {"unit_cost": 20.0, "carrying_rate_pct": 25}
    q = from_parameters("inventory-carrying-cost", {**base, "order_quantity": 500, "safety_stock": 100})
    assert q.correct_choice == "$1,750"  # (500/2 + 100) × $20 × 0.25
    # Q not halved; safety stock left out; the rate applied to the 350 units, not to their cost (87.5)
    assert set(q.choices) == {"$1,750", "$3,000", "$1,250", "$88"}
    check_question(q, "inventory-carrying-cost", None)
    q = from_parameters("inventory-carrying-cost", {**base, "annual_demand": 6000, "orders_per_year": 12})
    assert q.correct_choice == "$1,250"  # Q = 500, no safety stock: 250 × $20 × 0.25
    assert {"$2,500", "$63"} <= set(q.choices) and "no safety stock" in q.stem
    check_question(q, "inventory-carrying-cost", None)


# --- hand-worked cases of the CPIM 8 additions ----------------------------------------------------


def test_low_level_code_nets_the_shared_part_once_from_net_parents() -> None:
    # net A 230 − 25 = 205; gross C 410, net C 260; gross D 205 + 3 × 260 = 985; net D 985 − 50 = 935
    params = {"demand_a": 230, "on_hand_a": 25, "c_per_a": 2, "d_per_a": 1, "d_per_c": 3, "on_hand_c": 150,
              "on_hand_d": 50, "service_d": 0}
    q = from_parameters("low-level-code", params)
    assert q.correct_choice == "935 units"
    # gross parents all the way: 230 + 3 × 460 − 50; on hand of D used at both levels: (205 − 50) + (780 − 50)
    assert {"1,560 units", "885 units"} <= set(q.choices)
    check_question(q, "low-level-code", None)


def test_safety_lead_time_moves_the_due_date_and_the_release() -> None:
    # first shortage in period 4; due 4 − 1 = 3, released 3 − 1 = 2
    params = {"gross_requirements": [20, 80, 0, 145, 135, 65, 70, 100], "scheduled_receipts": [0] * 8,
              "on_hand": 100, "lead_time": 1, "safety_lead_time": 1, "lot_sizing": "lot-for-lot"}
    q = from_parameters("safety-lead-time", params)
    assert q.correct_choice == "Release period 2, due period 3"
    assert "Release period 3, due period 4" in q.choices  # safety lead time ignored
    check_question(q, "safety-lead-time", None)


def test_fixed_order_quantity_record() -> None:
    # 140 − 35 = 105; +120 − 105 = 120; 120 − 150 < 0 -> lot of 360 in P3 (330) ... P7 lot again; released P2, P6
    params = {"gross_requirements": [35, 105, 150, 140, 135, 25, 55, 30],
              "scheduled_receipts": [0, 120, 0, 0, 0, 0, 0, 0], "on_hand": 140,
              "lot_size": 360, "lead_time": 1, "ask": "releases"}
    q = from_parameters("mrp-fixed-order-quantity", params)
    assert q.correct_choice == "Periods 2, 6" and "Periods 3, 7" in q.choices
    check_question(q, "mrp-fixed-order-quantity", None)
    q = from_parameters("mrp-fixed-order-quantity", {**params, "ask": "balance", "ask_period": 7})
    assert q.correct_choice == "335 units"
    check_question(q, "mrp-fixed-order-quantity", None)


def test_cash_to_cash_and_return_on_assets_cases() -> None:
    # 36.5 + 36.5 − 21.79 = 51.2 days; adding payables gives 94.8
    c2c = {"revenue": 19_000_000, "cogs": 13_900_000, "inventory": 1_390_000, "receivables": 1_900_000,
           "payables": 830_000}
    q = from_parameters("cash-to-cash", c2c)
    assert q.correct_choice == "51.2 days" and "94.8 days" in q.choices
    check_question(q, "cash-to-cash", None)
    # cut 855,000, saving 188,100: 1,518,100 / 18,145,000 = 8.37%; assets only: 1,330,000 / 18,145,000 = 7.33%
    roa = {"revenue": 18_200_000, "net_income": 1_330_000, "total_assets": 19_000_000, "inventory": 3_420_000,
           "cut_pct": 25, "carrying_rate_pct": 22}
    q = from_parameters("roa-inventory-cut", roa)
    assert q.correct_choice == "8.4%" and "7.3%" in q.choices
    check_question(q, "roa-inventory-cut", None)


def test_spt_and_line_balance_cases() -> None:
    # SPT D 2, E 7, A 17, C 30, B 44: 100 / 5 = 20.0; arrival order 10, 24, 37, 39, 44: 154 / 5 = 30.8
    spt = {"processing_days": [10, 14, 13, 2, 5], "due_days": [17, 29, 41, 32, 29], "ask": "flow"}
    q = from_parameters("spt-flow-time", spt)
    assert q.correct_choice == "20.0 days" and "30.8 days" in q.choices
    check_question(q, "spt-flow-time", None)
    # stations 13, 73, 70: 156 / (3 × 73) = 71.2%; with the takt of 81: 156 / 243 = 64.2%
    balance = {"stations": [[13], [18, 55], [24, 46]], "takt_seconds": 81, "ask": "efficiency"}
    q = from_parameters("line-balance-efficiency", balance)
    assert q.correct_choice == "71.2%" and "64.2%" in q.choices
    check_question(q, "line-balance-efficiency", None)


def test_capacity_checks_cases() -> None:
    # period 2: 230 × 1.05 + 170 × 0.65 + 290 × 1.3 = 241.5 + 110.5 + 377 = 729.0
    rccp = {"hours_per_unit": [1.05, 0.65, 1.3], "mps": [[320, 230, 340, 280], [320, 170, 20, 10],
            [230, 290, 200, 240]], "ask": "load", "ask_period": 2}
    q = from_parameters("rccp-bill-of-resources", rccp)
    assert q.correct_choice == "729.0 hours"
    check_question(q, "rccp-bill-of-resources", None)
    q = from_parameters("rccp-bill-of-resources", {**rccp, "ask": "shortfall", "capacity_hours": 700})
    assert q.correct_choice == "29.0 hours"
    check_question(q, "rccp-bill-of-resources", None)
    # load 136.0; rated 160 × 0.82 × 0.99 = 129.888 -> 104.7%; against available hours 85.0%
    load = {"ask": "percent", "quantities": [230, 80, 150], "setup_hours": [0.5, 2, 4], "run_hours": [0.33, 0.37, 0.16],
            "available_hours": 160, "utilization_pct": 82, "efficiency_pct": 99}
    q = from_parameters("load-vs-capacity", load)
    assert q.correct_choice == "104.7%" and "85.0%" in q.choices
    check_question(q, "load-vs-capacity", None)


def test_abc_share_ranks_by_dollar_usage() -> None:
    # usage: P 100 × 50 = 5,000; Q 1,000 × 1 = 1,000; R 10 × 300 = 3,000; S 200 × 5 = 1,000 ... top 2 of 8
    abc = {"annual_units": [100, 1000, 10, 200, 50, 400, 20, 300],
           "unit_costs": [50.0, 1.0, 300.0, 5.0, 4.0, 2.5, 10.0, 1.5], "a_share_of_items_pct": 25}
    q = from_parameters("abc-cumulative-share", abc)
    # usage 5,000, 1,000, 3,000, 1,000, 200, 1,000, 200, 450 = 11,850; top 2 = 8,000 -> 67.5%
    assert q.correct_choice == "67.5%"
    check_question(q, "abc-cumulative-share", None)
