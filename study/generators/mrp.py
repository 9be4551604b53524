"""MRP gross-to-net: the first planned order release of a lot-for-lot item with lead-time offset."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from study.generators._core import Draft, Family, Params, Wrong, table

PERIODS = 8


def first_release(
    gross: Sequence[int], receipts: Sequence[int], on_hand: int, safety: int, lead_time: int
) -> tuple[int, int, int, list[int]] | None:
    """Lot-for-lot netting of the first shortage. Returns (release period, quantity, need period, projected
    on hand per period up to the need period before any planned receipt), or None if nothing is needed."""
    balance = on_hand
    history = []
    for t, (g, r) in enumerate(zip(gross, receipts, strict=True), start=1):
        before = balance
        balance = before + r - g
        history.append(balance)
        if balance < safety:
            return t - lead_time, safety - balance, t, history
    return None


def _show(period: int, quantity: int) -> str:
    return f"Period {period}: {quantity:,} units"


def draw_mrp(rng: random.Random) -> Params:
    while True:
        gross = [rng.choice((0, *range(10, 160, 5))) for _ in range(PERIODS)]
        receipts = [0] * PERIODS
        if rng.random() < 0.7:
            receipts[rng.randint(0, 2)] = rng.randrange(20, 160, 10)
        lead_time = rng.randint(1, 3)
        safety = 0 if rng.random() < 0.5 else rng.randrange(10, 60, 5)
        on_hand = rng.randrange(max(safety, 10), 200, 5)
        found = first_release(gross, receipts, on_hand, safety, lead_time)
        if found is None or found[0] < 1 or found[2] > PERIODS - 1:
            continue
        return {
            "gross_requirements": gross,
            "scheduled_receipts": receipts,
            "on_hand": on_hand,
            "safety_stock": safety,
            "lead_time": lead_time,
            "lot_sizing": "lot-for-lot",
        }


def render_mrp(p: Mapping[str, Any]) -> Draft:
    gross, receipts = list(p["gross_requirements"]), list(p["scheduled_receipts"])
    on_hand, safety, lt = p["on_hand"], p["safety_stock"], p["lead_time"]
    found = first_release(gross, receipts, on_hand, safety, lt)
    if found is None:
        raise ValueError("these inputs need no planned order")
    release, quantity, need, history = found
    n = len(gross)
    grid = table([("Period", range(1, n + 1)), ("Gross reqs", gross), ("Sched. receipts", receipts)])
    ss_text = f"safety stock is {safety} units" if safety else "no safety stock is kept"
    lt_text = f"{lt} period{'s' if lt > 1 else ''}"
    stem = (
        f"An item is planned lot-for-lot with a lead time of {lt_text}. On hand at the start of period 1 "
        f"is {on_hand} units and {ss_text}.\n{grid}\nNet each period (gross requirements + safety stock − "
        "projected on hand − scheduled receipts) and offset planned orders by the lead time. When is the "
        "first planned order released, and for how many units?"
    )
    prev = history[-2] if len(history) > 1 else on_hand
    poh = ", ".join(f"P{t} {v}" for t, v in enumerate(history, start=1))
    ss_part = f" + {safety}" if safety else ""
    solution = (
        f"Projected on hand (previous + receipts − gross): {poh}. Period {need} falls below "
        f"{'the safety stock' if safety else 'zero'}: net requirement = {gross[need - 1]}{ss_part} − "
        f"({prev} + {receipts[need - 1]}) = {quantity}. Lot-for-lot receipt of {quantity} in period "
        f"{need}, released {lt_text} earlier in period {release}."
    )
    wrong = [
        Wrong(_show(need, quantity), "forgets the lead-time offset (that is the receipt period)"),
        Wrong(_show(release, gross[need - 1]), "orders the gross requirement instead of the net"),
    ]
    alternatives = (
        (first_release(gross, [0] * n, on_hand, safety, lt), "ignores the scheduled receipt"),
        (first_release(gross, receipts, on_hand, 0, lt) if safety else None, "ignores the safety stock"),
        (
            first_release(gross, receipts, on_hand + receipts[need - 1], safety, lt)
            if receipts[need - 1]
            else None,
            "counts the scheduled receipt twice",
        ),
    )
    for alt, why in alternatives:
        if alt is not None and alt[0] >= 1:
            wrong.append(Wrong(_show(alt[0], alt[1]), why))
    if safety and quantity > safety:
        wrong.append(
            Wrong(_show(release, quantity - safety), "nets only to zero instead of up to the safety stock")
        )
    if release > 1:
        wrong.append(Wrong(_show(release - 1, quantity), "offsets the lead time one period too far"))
    step = max(5, quantity // 10 // 5 * 5)
    fallbacks = tuple(
        _show(release, quantity + k * step) for k in (1, -1, 2, 3, 4) if quantity + k * step > 0
    )
    fallbacks += tuple(_show(t, quantity) for t in (release + 1, release + 2, release + 3))
    params = {
        **p,
        "release_period": release,
        "release_quantity": quantity,
        "need_period": need,
        "answer": [release, quantity],
    }
    difficulty = "hard" if safety and any(receipts) else "medium"
    return Draft(stem, _show(release, quantity), solution, tuple(wrong), fallbacks, params, difficulty)


FAMILIES = (
    Family(
        "mrp-netting", "MRP gross to net and planned order release", "dsp", "mrp-logic", draw_mrp, render_mrp,
        cpim8_module="supply",
        cpim8_topic="material-requirements-planning",
    ),
)
