"""Strategic resource decisions: capacity cushion, make or buy, factor rating for site selection, and the
annual carrying cost of inventory (a BSCM family that rests on the same cost-of-holding reasoning)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from fractions import Fraction
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
    plain,
    qty,
    rounded,
    steps,
    table,
    up_detail,
)

# --- capacity cushion ------------------------------------------------------------------------

CUSHION = "Capacity cushion = (capacity − average demand) / capacity."
UNITS = (("units", "week"), ("units", "day"), ("machine hours", "month"), ("cases", "week"))


def _busiest(period: str) -> str:
    return f"{'on' if period == 'day' else 'in'} the busiest {period}"


def draw_cushion(rng: random.Random) -> Params:
    unit, period = rng.choice(UNITS)
    while True:
        p: Params = {"ask": rng.choice(("cushion", "capacity")), "unit": unit, "period": period}
        if p["ask"] == "cushion":
            capacity = steps(rng, 200, 20000, 10)
            average = round(capacity * rng.randint(60, 95) / 100)
            peak = average + round((capacity - average) * rng.randint(30, 90) / 100)
            p.update(capacity=capacity, average_demand=average, peak_demand=peak)
            value = 100 * (capacity - average) / capacity
            if average < peak < capacity and not is_tie(value, 1):
                return p
        else:
            average = steps(rng, 150, 15000, 10)
            p.update(
                average_demand=average,
                peak_demand=round(average * rng.randint(110, 140) / 100),
                target_cushion_pct=steps(rng, 5, 35, 5),
            )
            raw = Fraction(100 * average, 100 - p["target_cushion_pct"])
            added = Fraction(average * (100 + p["target_cushion_pct"]), 100)  # the main trap must differ
            if raw.denominator != 1 and math.ceil(added) != math.ceil(raw):
                return p


def render_cushion(p: Mapping[str, Any]) -> Draft:
    unit, period, average, peak = p["unit"], p["period"], p["average_demand"], p["peak_demand"]

    def amount(x: float) -> str:
        return qty(x, unit)

    if p["ask"] == "cushion":
        capacity = p["capacity"]
        cushion = (capacity - average) / capacity
        stem = (
            f"A plant's capacity is {amount(capacity)} a {period}. Over the last year demand averaged "
            f"{amount(average)} a {period} and peaked at {amount(peak)} {_busiest(period)}. {CUSHION} "
            "What is the plant's capacity cushion? Give it as a percent, rounded to one decimal."
        )
        solution = (
            f"Cushion = ({num(capacity)} − {num(average)}) / {num(capacity)} = {num(capacity - average)} / "
            f"{num(capacity)} = {num(cushion, 4)} = {pct(cushion)} (average utilization is {pct(1 - cushion)}). "
            "The cushion is measured against capacity and uses average, not peak, demand."
        )
        wrong: tuple[Wrong, ...] = (
            Wrong(pct((capacity - average) / average), "divides by average demand instead of by capacity"),
            Wrong(pct((capacity - peak) / capacity), "uses peak demand instead of average demand"),
            Wrong(pct(cushion / 100), "leaves the cushion as a fraction and reads it as a percent"),
            Wrong(pct(average / capacity), "gives average utilization (demand / capacity), not the cushion"),
        )
        params = {**p, "cushion": cushion, "answer": rounded(100 * cushion, 1)}
        return Draft(
            stem,
            pct(cushion),
            solution,
            wrong,
            near_misses(cushion, pct, step=0.01, low=0.001, high=0.999),
            params,
            "easy",
            Key(cushion, pct, 0.001),
        )
    target = p["target_cushion_pct"]
    raw = Fraction(100 * average, 100 - target)
    answer = math.ceil(raw)
    stem = (
        f"Demand for a product family averages {amount(average)} a {period} and reaches {amount(peak)} "
        f"{_busiest(period)}. Management wants a capacity cushion of {target}%. {CUSHION} How much capacity "
        f"a {period} is needed? Round up to a whole unit."
    )
    solution = (
        f"Cushion = 1 − average demand / capacity, so capacity = average demand / (1 − cushion) = "
        f"{num(average)} / (1 − {plain(target / 100)}) = {num(average)} / {plain(1 - target / 100)} = "
        f"{up_detail(float(raw))}, rounded up to {amount(answer)}."
    )
    wrong = (
        Wrong(
            amount(math.ceil(Fraction(average * (100 + target), 100))),
            "adds the cushion to demand (demand × (1 + cushion)), which measures it against demand, not capacity",
        ),
        Wrong(amount(math.ceil(Fraction(100 * peak, 100 - target))), "uses peak demand instead of average demand"),
        Wrong(amount(math.floor(raw)), "rounds down, leaving less than the target cushion"),
        Wrong(amount(math.ceil(Fraction(average * (100 - target), 100))), "subtracts the cushion from demand"),
        Wrong(amount(average + target), f"adds {target} units instead of converting {target}% to a fraction"),
    )
    params = {**p, "raw": float(raw), "answer": answer}
    return Draft(
        stem,
        amount(answer),
        solution,
        wrong,
        near_misses(answer, lambda v: amount(round(v)), step=max(1, answer // 50), low=1),
        params,
        "medium",
        Key(float(raw), amount, 1, "up"),
    )


# --- make or buy -----------------------------------------------------------------------------

MAKE_BUY = "Compare relevant annual costs: make = F + v × Q, buy = p × Q."


def _cents(x: float) -> int:
    return round(x * 100)


def _break_even(p: Mapping[str, Any]) -> Fraction:
    return Fraction(100 * p["fixed_cost"], _cents(p["price"]) - _cents(p["variable_cost"]))


def _decision(option: str, saving: float) -> str:
    return f"{option}, saving {money(saving, 0)} a year"


def _cheaper(make: float, buy: float) -> str:
    return _decision("Make" if make < buy else "Buy", abs(buy - make))


def draw_make_buy(rng: random.Random) -> Params:
    while True:
        price_cents = steps(rng, 200, 20000, 5)
        variable_cents = round(price_cents * rng.randint(35, 85) / 100)
        fixed = steps(rng, 10, 800, 5) * 1000
        p: Params = {
            "ask": rng.choice(("break-even", "decision")),
            "fixed_cost": fixed,
            "variable_cost": variable_cents / 100,
            "price": price_cents / 100,
            "overhead": max(1000, round(fixed * rng.randint(10, 60) / 1000) * 10),
        }
        raw = _break_even(p)
        if not (0 < variable_cents < price_cents and raw.denominator != 1 and 200 <= raw <= 500000):
            continue
        if p["ask"] == "break-even":
            return p
        factor = rng.choice((rng.randint(40, 85), rng.randint(115, 200))) / 100
        p["volume"] = max(100, round(float(raw) * factor / 100) * 100)
        if p["volume"] != raw:
            return p


def render_make_buy(p: Mapping[str, Any]) -> Draft:
    fixed, var, price, overhead = p["fixed_cost"], p["variable_cost"], p["price"], p["overhead"]
    margin = price - var
    facts = (
        f"A manufacturer can make a component or buy it. Making needs new fixed costs F of {money(fixed, 0)} a "
        f"year (tooling and a dedicated cell) plus a variable cost v of {money(var)} per unit. A supplier quotes "
        f"a price p of {money(price)} per unit. The component is also charged {money(overhead, 0)} a year of "
        f"allocated plant overhead, which continues whether it is made or bought. {MAKE_BUY}"
    )
    if p["ask"] == "break-even":
        raw = _break_even(p)
        answer = math.ceil(raw)
        stem = f"{facts} At what annual volume do the two options cost the same? Round up to a whole unit."
        solution = (
            f"At break-even F + vQ = pQ, so Q = F / (p − v) = {money(fixed, 0)} / ({money(price)} − {money(var)}) "
            f"= {money(fixed, 0)} / {money(margin)} = {up_detail(float(raw))}, rounded up to {qty(answer)}. The "
            f"allocated overhead is paid either way, so it is not relevant. Above {qty(answer)} making is cheaper."
        )
        wrong: tuple[Wrong, ...] = (
            Wrong(qty(math.ceil(Fraction(fixed) / Fraction(str(price)))), "divides F by the price, ignoring v"),
            Wrong(
                qty(math.ceil(Fraction(100 * (fixed + overhead), _cents(price) - _cents(var)))),
                "adds the allocated overhead, which is incurred whether the part is made or bought",
            ),
            Wrong(qty(math.ceil(Fraction(fixed) / Fraction(str(var)))), "divides F by the variable cost"),
            Wrong(qty(math.floor(raw)), "rounds down, where making is still slightly dearer"),
        )
        params = {**p, "break_even": float(raw), "answer": answer}
        return Draft(
            stem,
            qty(answer),
            solution,
            wrong,
            near_misses(answer, lambda v: qty(round(v)), step=max(1, answer // 20), low=1),
            params,
            "easy",
            Key(float(raw), qty, 1, "up"),
        )
    volume = p["volume"]
    make = (100 * fixed + _cents(var) * volume) / 100  # in whole cents, so exact
    buy = _cents(price) * volume / 100
    option = "Make" if make < buy else "Buy"
    saving = abs(buy - make)
    verdict = _decision(option, saving)
    stem = f"{facts} Annual volume is {qty(volume)}. Which option is cheaper, and by how much a year?"
    solution = (
        f"Make = {money(fixed, 0)} + {money(var)} × {num(volume)} = {money(make, 0)}; buy = {money(price)} × "
        f"{num(volume)} = {money(buy, 0)}. The allocated overhead is the same either way and drops out. The "
        f"cheaper option is to {verdict.lower()}."
    )
    other = "Buy" if option == "Make" else "Make"
    wrong = (
        Wrong(_decision("Make", margin * volume), "compares per-unit costs only and leaves out the fixed cost F"),
        Wrong(_cheaper(make + overhead, buy), "loads the allocated overhead onto making, though it is paid either way"),
        Wrong(_decision(other, saving), "reverses the comparison and picks the dearer option"),
    )
    step = max(100, round(saving / 1000) * 100)
    fallbacks = near_misses(saving, lambda v: _decision(option, v), step=step, low=1) + near_misses(
        saving, lambda v: _decision(other, v), step=step, low=1
    )
    params = {**p, "make_cost": make, "buy_cost": buy, "saving": rounded(saving), "answer": option.lower()}
    key = Key(saving, lambda v: _decision(option, v), 1)
    return Draft(stem, verdict, solution, wrong, fallbacks, params, "medium", key)


# --- factor rating ---------------------------------------------------------------------------

FACTORS = (
    "Labor cost",
    "Labor skills",
    "Market access",
    "Transport links",
    "Utility costs",
    "Tax incentives",
    "Quality of life",
    "Supplier base",
    "Land cost",
)
SITES = "ABC"
RATING = "Weighted score = Σ (weight × score)."


def _totals(weights: list[int], scores: list[list[int]], n_sites: int) -> list[int]:
    """Weighted totals in weight-percent points: Σ w% × s (exact integers)."""
    return [sum(w * row[j] for w, row in zip(weights, scores, strict=True)) for j in range(n_sites)]


def _best(values: list[int]) -> int | None:
    top = max(values)
    return values.index(top) if values.count(top) == 1 else None


def _rating_views(p: Mapping[str, Any]) -> dict[str, Any]:
    weights, scores, n = p["weights_pct"], p["scores"], p["sites"]
    heavy = weights.index(max(weights))
    return {
        "weighted": _totals(weights, scores, n),
        "unweighted": [sum(row[j] for row in scores) for j in range(n)],
        "reversed": _totals(weights[::-1], scores, n),
        "heavy_best": _best(scores[heavy]),
        "heavy": heavy,
    }


def _composition(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """`parts` random integers, each at least `minimum`, summing to `total`."""
    spare = total - parts * minimum
    cuts = sorted(rng.randint(0, spare) for _ in range(parts - 1))
    return [minimum + b - a for a, b in zip([0, *cuts], [*cuts, spare], strict=True)]


def draw_rating(rng: random.Random) -> Params:
    while True:
        n_factors = rng.choice((3, 4))
        weights = [5 * x for x in _composition(rng, 20, n_factors, 2)]
        p: Params = {
            "ask": rng.choice(("winner", "winner", "score")),
            "basis": rng.choice(("fraction", "percent")),
            "sites": rng.choice((2, 3, 3)),
            "factors": rng.sample(FACTORS, n_factors),
            "weights_pct": weights,
        }
        p["scores"] = [[rng.randint(3, 10) for _ in range(p["sites"])] for _ in range(n_factors)]
        views = _rating_views(p)
        if weights.count(max(weights)) != 1 or views["heavy_best"] is None:
            continue
        winner, unweighted = _best(views["weighted"]), _best(views["unweighted"])
        # the equal-weights mistake must give a different score from the weighted one (1 point = 0.01)
        apart = [abs(100 * u / n_factors - w) >= 1 for u, w in zip(views["unweighted"], views["weighted"], strict=True)]
        if p["ask"] == "winner":
            naive = {unweighted, views["heavy_best"]}
            if winner is not None and unweighted is not None and naive != {winner} and apart[unweighted]:
                return p
        else:
            site = rng.randrange(p["sites"])
            p["site"] = SITES[site]
            if apart[site]:
                return p


def render_rating(p: Mapping[str, Any]) -> Draft:
    weights, scores, factors, n = p["weights_pct"], p["scores"], p["factors"], p["sites"]
    fraction = p["basis"] == "fraction"
    views = _rating_views(p)
    weighted, unweighted, rev = views["weighted"], views["unweighted"], views["reversed"]
    # scores added without their weights, put on the weighted scale (equal weights summing to the same
    # total), so the mistake does not give itself away by its size: Σ s × 100 / number of factors
    plain_sums = [100 * u / len(weights) for u in unweighted]

    def score(points: float) -> str:
        """A weighted total held in weight-percent points, shown on the stated basis."""
        return num(points / 100, 2) if fraction else num(points)

    def weight(w: int) -> str:
        return f"{w / 100:.2f}" if fraction else str(w)

    grid = table(
        [
            ("Factor", ["Weight", *(f"Site {SITES[j]}" for j in range(n))]),
            *((name, [weight(w), *row]) for name, w, row in zip(factors, weights, scores, strict=True)),
        ],
        width=8,
    )
    basis = "The weights sum to 1.00; give scores to two decimals." if fraction else "The weights sum to 100."
    intro = (
        f"A company is rating {'two' if n == 2 else 'three'} candidate sites for a new distribution center. "
        f"Each factor is scored from 1 to 10 (10 best):\n{grid}\n{basis} {RATING}"
    )
    listing = "; ".join(
        f"Site {SITES[j]}: "
        + " + ".join(f"{weight(w)}×{row[j]}" for w, row in zip(weights, scores, strict=True))
        + f" = {score(weighted[j])}"
        for j in range(n)
    )
    if p["ask"] == "winner":
        win = _best(weighted)
        if win is None:
            raise ValueError("factor-rating: the top weighted score is tied; there is no single winner")
        order = sorted(range(n), key=lambda j: -weighted[j])

        def choice(j: int, points: float) -> str:
            return f"Site {SITES[j]} ({score(points)})"

        answer = choice(win, weighted[win])
        stem = f"{intro} Which site has the highest weighted score, and what is that score?"
        solution = f"{listing}. The highest is {answer}."
        u_best, h_best, r_best = _best(unweighted), views["heavy_best"], rev.index(max(rev))
        if u_best is None:  # draw_rating redraws these
            raise ValueError("factor-rating: the unweighted sums are tied; the equal-weights mistake has no site")
        wrong: tuple[Wrong, ...] = (
            Wrong(choice(u_best, plain_sums[u_best]), "ignores the weights (gives every factor the same weight)"),
            Wrong(
                choice(h_best, weighted[h_best]),
                f"picks the site best on the most heavily weighted factor ({factors[views['heavy']].lower()})",
            ),
            Wrong(choice(r_best, rev[r_best]), "applies the weights to the factors in reverse order"),
            Wrong(choice(order[1], weighted[order[1]]), "picks the runner-up"),
        )
        fallbacks = (
            *(choice(j, weighted[j]) for j in range(n)),
            choice(win, plain_sums[win]),
            *near_misses(weighted[win], lambda v: choice(win, v), step=25 if fraction else 10, low=1),
        )
        params = {**p, "weighted_scores": [w / 100 if fraction else w for w in weighted], "answer": SITES[win]}
        return Draft(stem, answer, solution, wrong, fallbacks, params, "medium")
    j = SITES.index(p["site"])
    stem = f"{intro} What is Site {p['site']}'s weighted score?"
    solution = f"{listing}. Site {p['site']} scores {score(weighted[j])}."
    wrong = (
        Wrong(score(plain_sums[j]), "ignores the weights (gives every factor the same weight)"),
        Wrong(score(rev[j]), "applies the weights to the factors in reverse order"),
        Wrong(score(weighted[j] / len(weights)), "divides the weighted total by the number of factors"),
    )
    params = {
        **p,
        "weighted_scores": [w / 100 if fraction else w for w in weighted],
        "answer": weighted[j] / 100 if fraction else weighted[j],
    }
    return Draft(
        stem,
        score(weighted[j]),
        solution,
        wrong,
        near_misses(weighted[j], score, step=5 if fraction else 10, low=1),
        params,
        "easy",
    )


# --- inventory carrying cost -----------------------------------------------------------------

CARRYING = (
    "Average inventory = Q/2 + safety stock; annual carrying cost = average inventory × unit cost × carrying "
    "rate."
)
ORDERS_PER_YEAR = (2, 4, 6, 12, 24, 26, 52)


def _order_quantity(p: Mapping[str, Any]) -> int:
    return p["order_quantity"] if "order_quantity" in p else p["annual_demand"] // p["orders_per_year"]


def _carrying(avg: float, p: Mapping[str, Any]) -> float:
    return avg * p["unit_cost"] * p["carrying_rate_pct"] / 100


def draw_carrying(rng: random.Random) -> Params:
    while True:
        p: Params = {
            "unit_cost": steps(rng, 100, 25000, 5) / 100,
            "carrying_rate_pct": rng.randint(10, 40),
        }
        lot = steps(rng, 50, 5000, 10)
        if rng.random() < 0.5:
            p["order_quantity"] = lot
        else:
            n = rng.choice(ORDERS_PER_YEAR)
            p.update(annual_demand=lot * n, orders_per_year=n)
        if rng.random() < 0.6:
            p["safety_stock"] = max(10, round(lot * rng.randint(10, 80) / 1000) * 10)
        avg = lot / 2 + p.get("safety_stock", 0)
        if not is_tie(_carrying(avg, p)) and _carrying(avg, p) >= 20:
            return p


def render_carrying(p: Mapping[str, Any]) -> Draft:
    cost, rate = p["unit_cost"], p["carrying_rate_pct"]
    lot, ss = _order_quantity(p), p.get("safety_stock", 0)
    avg = lot / 2 + ss
    answer = _carrying(avg, p)
    if "order_quantity" in p:
        lot_text = f"It is bought in lots of {qty(lot)} (Q)"
        lot_work = f"Q = {num(lot)}"
    else:
        lot_text = (
            f"Annual demand is {qty(p['annual_demand'])}, bought in {p['orders_per_year']} equal orders a year"
        )
        lot_work = f"Q = {num(p['annual_demand'])} / {p['orders_per_year']} = {num(lot)}"
    ss_text = f"{qty(ss)} of safety stock are held" if ss else "no safety stock is held"
    stem = (
        f"An item costs {money(cost)} per unit and the annual carrying rate is {rate}% of unit cost. {lot_text}, "
        f"and {ss_text}. {CARRYING} What is the annual carrying cost? Round to the nearest dollar."
    )
    ss_work = f" + {num(ss)}" if ss else ""
    solution = (
        f"{lot_work}; average inventory = {num(lot)}/2{ss_work} = {plain(avg)} units. Carrying cost = {plain(avg)} "
        f"× {money(cost)} × {plain(rate / 100)} = {approx(answer, 0, money)} a year."
    )

    def dollars(x: float) -> str:
        return money(x, 0)

    wrong = [Wrong(dollars(_carrying(lot + ss, p)), "uses the full lot Q instead of Q/2 as the cycle stock")]
    if ss:
        wrong.append(Wrong(dollars(_carrying(lot / 2, p)), "leaves out the safety stock"))
    wrong.append(Wrong(dollars(avg * rate / 100), "applies the rate to the units instead of to their unit cost"))
    if "annual_demand" in p:
        wrong.append(
            Wrong(dollars(_carrying(p["annual_demand"] / 2 + ss, p)), "halves annual demand instead of the lot size")
        )
    wrong.append(Wrong(dollars(avg * cost), "reports the average inventory value without applying the carrying rate"))
    if ss:
        wrong.append(Wrong(dollars(_carrying(lot / 2 + ss / 2, p)), "halves the safety stock as well as Q"))
    params = {**p, "average_inventory": avg, "answer": rounded(answer)}
    return Draft(
        stem,
        dollars(answer),
        solution,
        tuple(wrong),
        near_misses(answer, dollars, step=max(1, rounded(answer / 20)), low=1),
        params,
        "medium" if ss or "annual_demand" in p else "easy",
        Key(answer, dollars, 1),
    )


FAMILIES = (
    Family(
        "capacity-cushion",
        "Capacity cushion",
        "smr",
        "capacity-facility-strategy",
        draw_cushion,
        render_cushion,
        cpim8_module="strategy",
        cpim8_topic="sc-design-and-operations-strategy",
    ),
    Family(
        "make-or-buy",
        "Make or buy",
        "smr",
        "supply-chain-strategy",
        draw_make_buy,
        render_make_buy,
        cpim8_module="strategy",
        cpim8_topic="sc-design-and-operations-strategy",
    ),
    Family(
        "factor-rating",
        "Factor rating for site selection",
        "smr",
        "capacity-facility-strategy",
        draw_rating,
        render_rating,
        cpim8_module="strategy",
        cpim8_topic="sc-design-and-operations-strategy",
    ),
    Family(
        "inventory-carrying-cost",
        "Annual inventory carrying cost",
        "bscm",
        "inventory-fundamentals",
        draw_carrying,
        render_carrying,
        cpim8_module="inventory",
        cpim8_topic="inventory-basics",
    ),
)
