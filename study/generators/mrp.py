"""MRP records: gross-to-net with lead-time offset (lot-for-lot and fixed order quantity), explosion of a
shared component netted at its low-level code, and safety lead time."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from study.generators._core import Draft, Family, Params, Wrong, near_misses, num, qty, table

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


# --- fixed order quantity --------------------------------------------------------------------

FOQ_RULE = (
    "Plan a receipt of one fixed lot whenever the projected on hand would otherwise fall below zero (the lot "
    "is larger than any period's requirement), and release it one lead time earlier. Projected on hand = "
    "previous + scheduled receipts + planned receipts − gross requirements."
)


def foq_plan(
    gross: Sequence[int], receipts: Sequence[int], on_hand: int, lot: int, lead_time: int, lot_for_lot: bool = False
) -> tuple[list[int], list[int]]:
    """Planned receipts per period and projected on hand at the end of each period (fixed lots, or the
    exact shortage when `lot_for_lot`)."""
    balance, planned, history = on_hand, [], []
    for g, r in zip(gross, receipts, strict=True):
        short = g - (balance + r)
        receipt = (short if lot_for_lot else lot) if short > 0 else 0
        balance += r + receipt - g
        planned.append(receipt)
        history.append(balance)
    return planned, history


def _releases(planned: Sequence[int], lead_time: int) -> list[int]:
    return [t - lead_time for t, q in enumerate(planned, start=1) if q]


def _periods(periods: Sequence[int]) -> str:
    if not periods:
        return "No planned orders"
    return ("Period " if len(periods) == 1 else "Periods ") + ", ".join(map(str, periods))


def draw_foq(rng: random.Random) -> Params:
    while True:
        gross = [rng.choice((0, *range(20, 160, 5))) for _ in range(PERIODS)]
        receipts = [0] * PERIODS
        if rng.random() < 0.6:
            receipts[rng.randint(0, 2)] = rng.randrange(50, 200, 10)
        lot = rng.randrange(max(gross) // 10 * 10 + 10, 400, 10)
        p: Params = {
            "gross_requirements": gross,
            "scheduled_receipts": receipts,
            "on_hand": rng.randrange(20, 200, 5),
            "lot_size": lot,
            "lead_time": rng.randint(1, 2),
            "ask": rng.choice(("releases", "balance")),
        }
        planned, _ = foq_plan(gross, receipts, p["on_hand"], lot, p["lead_time"])
        releases = _releases(planned, p["lead_time"])
        if len(releases) < 2 or releases[0] < 1:
            continue
        if p["ask"] == "balance":
            p["ask_period"] = rng.randint(max(4, planned.index(lot) + 2), PERIODS)
        return p


def render_foq(p: Mapping[str, Any]) -> Draft:
    gross, receipts = list(p["gross_requirements"]), list(p["scheduled_receipts"])
    on_hand, lot, lt = p["on_hand"], p["lot_size"], p["lead_time"]
    n = len(gross)
    planned, history = foq_plan(gross, receipts, on_hand, lot, lt)
    releases = _releases(planned, lt)
    if releases and releases[0] < 1:
        raise ValueError("these inputs need a planned order released before period 1")
    grid = table([("Period", range(1, n + 1)), ("Gross reqs", gross), ("Sched. receipts", receipts)])
    lt_text = f"{lt} period{'s' if lt > 1 else ''}"
    facts = (
        f"An item is ordered in a fixed order quantity of {lot} units with a lead time of {lt_text}. On hand at "
        f"the start of period 1 is {on_hand} units; no safety stock is kept.\n{grid}\n{FOQ_RULE}"
    )
    poh = ", ".join(f"P{t} {v}" for t, v in enumerate(history, start=1))
    receipt_periods = [t for t, q in enumerate(planned, start=1) if q]
    work = (
        f"Projected on hand with a lot of {lot} received where the balance would go negative: {poh}. Planned "
        f"receipts in {_periods(receipt_periods).lower()}, released {lt_text} earlier."
    )
    l4l, l4l_history = foq_plan(gross, receipts, on_hand, lot, lt, lot_for_lot=True)
    no_receipt, no_receipt_history = foq_plan(gross, [0] * n, on_hand, lot, lt)
    if p["ask"] == "releases":
        stem = f"{facts} In which periods are planned orders released?"
        answer = _periods(releases)
        wrong = [
            Wrong(_periods(receipt_periods), "gives the receipt periods, forgetting the lead-time offset"),
            Wrong(
                _periods([t for t in _releases(no_receipt, lt) if t >= 1]),
                "ignores the scheduled receipt",
            ),
            Wrong(_periods([t for t in _releases(l4l, lt) if t >= 1]), "plans lot-for-lot instead of fixed lots"),
            Wrong(_periods(releases[:1]), "stops after the first planned order"),
        ]
        if releases[0] > 1:
            wrong.append(Wrong(_periods([t - 1 for t in releases]), "offsets one period too far"))
        fallbacks = tuple(_periods(sorted({*releases, t})) for t in range(1, n + 1) if t not in releases) + tuple(
            _periods([t for t in releases if t != drop]) for drop in releases
        )
        params = {**p, "planned_receipts": planned, "projected_on_hand": history, "answer": releases}
        return Draft(stem, answer, f"{work} Releases: {answer.lower()}.", tuple(wrong), fallbacks, params, "hard")
    k = p["ask_period"]
    value = history[k - 1]
    stem = f"{facts} What is the projected on hand at the end of period {k}, after planned receipts?"
    wrong = [
        Wrong(qty(l4l_history[k - 1]), "plans lot-for-lot, which leaves nothing over"),
        Wrong(qty(no_receipt_history[k - 1]), "ignores the scheduled receipt"),
        Wrong(qty(value - sum(planned[:k])), "leaves the planned receipts out of the balance"),
        Wrong(qty(history[k - 2]), f"stops one period early (that is period {k - 1})"),
    ]
    wrong = [w for w in wrong if not w.text.startswith("\u2212")]
    fallbacks = near_misses(value, qty, step=5, low=0, relative=False)
    params = {**p, "planned_receipts": planned, "projected_on_hand": history, "answer": value}
    solution = f"{work} End of period {k}: {qty(value)}."
    return Draft(stem, qty(value), solution, tuple(wrong), fallbacks, params, "hard")


# --- explosion with a shared component (low-level codes) --------------------------------------

LLC_RULE = (
    "Explode net (not gross) parent quantities and net each item once, at its low-level code (the lowest "
    "level at which it appears), after adding up all its gross requirements."
)


def _llc(p: Mapping[str, Any], *, gross_parents: bool = False, each_level: bool = False) -> dict[str, int]:
    """Single-bucket explosion of A (→ C × c_per_a, D × d_per_a) and C (→ D × d_per_c), plus spare D."""
    net_a = max(0, p["demand_a"] - p["on_hand_a"])
    gross_c = p["c_per_a"] * (p["demand_a"] if gross_parents else net_a)
    net_c = max(0, gross_c - p["on_hand_c"])
    from_a = p["d_per_a"] * (p["demand_a"] if gross_parents else net_a)
    from_c = p["d_per_c"] * (gross_c if gross_parents else net_c)
    gross_d = from_a + from_c + p["service_d"]
    if each_level:  # on hand used against level-1 demand, then counted again at level 2
        net_d = max(0, from_a + p["service_d"] - p["on_hand_d"]) + max(0, from_c - p["on_hand_d"])
    else:
        net_d = max(0, gross_d - p["on_hand_d"])
    return {"net_a": net_a, "gross_c": gross_c, "net_c": net_c, "from_a": from_a, "from_c": from_c,
            "gross_d": gross_d, "net_d": net_d}


def draw_llc(rng: random.Random) -> Params:
    while True:
        p: Params = {
            "demand_a": rng.randrange(100, 600, 10),
            "on_hand_a": rng.randrange(10, 90, 5),
            "c_per_a": rng.randint(1, 3),
            "d_per_a": rng.randint(1, 2),
            "d_per_c": rng.randint(2, 4),
            "on_hand_c": rng.randrange(20, 200, 10),
            "on_hand_d": rng.randrange(50, 400, 10),
            "service_d": rng.choice((0, 0, rng.randrange(10, 80, 5))),
        }
        v = _llc(p)
        if v["net_c"] > 0 and v["from_a"] + p["service_d"] > p["on_hand_d"] and v["net_d"] > 0:
            return p


def render_llc(p: Mapping[str, Any]) -> Draft:
    v = _llc(p)
    service = (
        f" and {p['service_d']} units of D are needed as service parts" if p["service_d"] else ""
    )
    stem = (
        f"End item A needs {p['c_per_a']} of subassembly C and {p['d_per_a']} of part D; each C needs "
        f"{p['d_per_c']} of D, so D appears on levels 1 and 2 and its low-level code is 2. This period's gross "
        f"requirement for A is {p['demand_a']} units{service}. On hand: A {p['on_hand_a']}, C {p['on_hand_c']}, "
        f"D {p['on_hand_d']}; nothing is on order and no safety stock is kept. {LLC_RULE} What is the net "
        "requirement for D?"
    )
    d_service = f" + {p['service_d']}" if p["service_d"] else ""
    n = {k: num(x) for k, x in v.items()}
    solution = (
        f"Net A = {p['demand_a']} − {p['on_hand_a']} = {n['net_a']}. Gross C = {p['c_per_a']} × {n['net_a']} = "
        f"{n['gross_c']}; net C = {n['gross_c']} − {p['on_hand_c']} = {n['net_c']}. Gross D = {p['d_per_a']} × "
        f"{n['net_a']} + {p['d_per_c']} × {n['net_c']}{d_service} = {n['gross_d']}; net D = {n['gross_d']} − "
        f"{p['on_hand_d']} = {n['net_d']} units."
    )
    gross = _llc(p, gross_parents=True)["net_d"]
    twice = _llc(p, each_level=True)["net_d"]
    wrong = (
        Wrong(qty(gross), "explodes gross instead of net parent quantities"),
        Wrong(qty(twice), "nets D separately at each level, counting its on hand twice"),
        Wrong(qty(max(0, v["from_a"] + p["service_d"] - p["on_hand_d"])), "leaves out the D needed inside C"),
        Wrong(qty(v["gross_d"]), "gives D's gross requirement, without netting its on hand"),
        Wrong(
            qty(max(0, v["from_a"] + p["d_per_c"] * v["gross_c"] + p["service_d"] - p["on_hand_d"])),
            "explodes C's gross quantity instead of its net",
        ),
    )
    params = {**p, **v, "answer": v["net_d"]}
    fallbacks = near_misses(v["net_d"], qty, step=10, low=1, relative=False)
    return Draft(stem, qty(v["net_d"]), solution, wrong, fallbacks, params, "hard")


# --- safety lead time ------------------------------------------------------------------------


def _timing(release: int, due: int) -> str:
    return f"Release period {release}, due period {due}"


def draw_safety_lead_time(rng: random.Random) -> Params:
    while True:
        p = draw_mrp(rng)
        del p["safety_stock"]
        p["safety_lead_time"] = rng.randint(1, 2)
        found = first_release(p["gross_requirements"], p["scheduled_receipts"], p["on_hand"], 0, p["lead_time"])
        if found is not None and found[2] - p["lead_time"] - p["safety_lead_time"] >= 1:
            return p


def render_safety_lead_time(p: Mapping[str, Any]) -> Draft:
    gross, receipts = list(p["gross_requirements"]), list(p["scheduled_receipts"])
    on_hand, lt, slt = p["on_hand"], p["lead_time"], p["safety_lead_time"]
    found = first_release(gross, receipts, on_hand, 0, lt)
    if found is None:
        raise ValueError("these inputs need no planned order")
    _, quantity, need, history = found
    due, release = need - slt, need - slt - lt
    if release < 1:
        raise ValueError("the planned order would be released before period 1")
    n = len(gross)
    grid = table([("Period", range(1, n + 1)), ("Gross reqs", gross), ("Sched. receipts", receipts)])
    stem = (
        f"An item is planned lot-for-lot with a lead time of {lt} period{'s' if lt > 1 else ''} and a safety "
        f"lead time of {slt} period{'s' if slt > 1 else ''}; no safety stock is kept. On hand at the start of "
        f"period 1 is {on_hand} units.\n{grid}\nSafety lead time schedules a planned order to arrive that many "
        "periods before the period that needs it; the release is then one lead time before that earlier due "
        "date. For the first planned order, in which period is it released and in which is it due?"
    )
    poh = ", ".join(f"P{t} {num(v)}" for t, v in enumerate(history, start=1))
    solution = (
        f"Projected on hand: {poh}, so period {need} is the first short ({quantity} units). Due date = {need} − "
        f"{slt} = {due}; release = {due} − {lt} = {release}. {_timing(release, due)}."
    )
    timings = (
        (need - lt, need, "ignores the safety lead time"),
        (release, need, "releases early but keeps the original due date, inflating the lead time"),
        (need - lt, due, "moves the due date but not the release, shortening the lead time"),
        (release - slt, due - slt, "applies the safety lead time twice"),
        (release + 1, due, "offsets the lead time one period short"),
    )
    wrong = tuple(Wrong(_timing(r, d), why) for r, d, why in timings if r >= 1)
    fallbacks = tuple(_timing(r, d) for r in range(1, n) for d in range(r + 1, n + 1))
    params = {**p, "need_period": need, "release_quantity": quantity, "answer": [release, due]}
    return Draft(stem, _timing(release, due), solution, wrong, fallbacks, params, "medium")


FAMILIES = (
    Family(
        "mrp-netting",
        "MRP gross to net and planned order release",
        "dsp",
        "mrp-logic",
        draw_mrp,
        render_mrp,
        cpim8_module="supply",
        cpim8_topic="material-requirements-planning",
    ),
    Family(
        "mrp-fixed-order-quantity",
        "MRP with a fixed order quantity",
        "dsp",
        "mrp-logic",
        draw_foq,
        render_foq,
        cpim8_module="supply",
        cpim8_topic="material-requirements-planning",
    ),
    Family(
        "low-level-code",
        "Explosion of a shared component by low-level code",
        "dsp",
        "mrp-logic",
        draw_llc,
        render_llc,
        cpim8_module="supply",
        cpim8_topic="material-requirements-planning",
    ),
    Family(
        "safety-lead-time",
        "Safety lead time in an MRP record",
        "dsp",
        "safety-stock-replenishment",
        draw_safety_lead_time,
        render_safety_lead_time,
        cpim8_module="inventory",
        cpim8_topic="safety-stock-and-replenishment",
    ),
)
