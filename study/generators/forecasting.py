"""Forecasting methods: exponential smoothing, simple and weighted moving averages."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from study.generators._core import (
    Draft,
    Family,
    Key,
    Params,
    Wrong,
    approx,
    is_tie,
    near_misses,
    num,
    plain,
    rounded,
    table,
)

ALPHAS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug")
FULL_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September")


def _units(x: float) -> str:
    return f"{num(x, 2)} units"


def _units1(x: float) -> str:
    return f"{num(x, 1)} units"


def smooth(forecast: float, actual: float, alpha: float) -> float:
    return forecast + alpha * (actual - forecast)


# --- exponential smoothing -------------------------------------------------------------------


def draw_smoothing(rng: random.Random) -> Params:
    while True:
        base = rng.randrange(80, 2000, 10)
        p: Params = {
            "alpha": rng.choice(ALPHAS),
            "forecast": base,
            "actuals": [
                base + rng.randrange(-base // 4, base // 4 + 1) for _ in range(rng.choice((1, 1, 2)))
            ],
        }
        f = float(base)
        for a in p["actuals"]:
            f = smooth(f, a, p["alpha"])
        if all(a != base for a in p["actuals"]) and not is_tie(f, 2):
            return p


def render_smoothing(p: Mapping[str, Any]) -> Draft:
    alpha, f0, actuals = float(p["alpha"]), p["forecast"], list(p["actuals"])
    if not 1 <= len(actuals) < len(FULL_MONTHS):
        raise ValueError(f"exponential smoothing needs 1 to {len(FULL_MONTHS) - 1} actuals, not {len(actuals)}")
    fs = [float(f0)]
    for a in actuals:
        fs.append(smooth(fs[-1], a, alpha))
    answer = fs[-1]
    rule = "New forecast = old forecast + α × (actual − old forecast)."
    n = len(actuals)
    months = FULL_MONTHS[: n + 1]  # the first forecast's month, each later month, then the one forecast
    target = months[-1]
    if n == 1:
        stem = (
            f"The forecast for {months[0]} was {num(f0)} units and actual demand in {months[0]} was "
            f"{num(actuals[0])} units. Using exponential smoothing with α = {plain(alpha)}, what is the "
            f"forecast for {target}? {rule} Give the result to two decimals."
        )
        solution = (
            f"{target} = {num(f0)} + {plain(alpha)} × ({num(actuals[0])} − {num(f0)}) = {num(answer, 2)} units."
        )
        a = actuals[0]
        wrong = (
            Wrong(_units(smooth(f0, a, 1 - alpha)), "swaps α and 1 − α"),
            Wrong(
                _units(f0 - alpha * (a - f0)), "uses forecast − actual as the error, reversing the correction"
            ),
            Wrong(_units(alpha * a), "multiplies the actual by α and drops the (1 − α) × old-forecast term"),
            Wrong(_units(a + alpha * (a - f0)), "starts from the actual instead of the old forecast"),
        )
        difficulty = "easy"
    else:
        demand = ", ".join(f"{num(a)} units in {m}" for a, m in zip(actuals, months, strict=False))
        stem = (
            f"The forecast for {months[0]} was {num(f0)} units. Actual demand was {demand}. Using "
            f"exponential smoothing with α = {plain(alpha)}, what is the forecast for {target}? {rule} Carry "
            f"full precision and round the {target} forecast to two decimals."
        )
        steps_text = "; ".join(
            f"{months[i + 1]} = {plain(round(fs[i], 6))} + {plain(alpha)} × ({num(actuals[i])} − "
            f"{plain(round(fs[i], 6))}) = {plain(round(fs[i + 1], 6))}"
            for i in range(n)
        )
        solution = f"{steps_text}, so {target} ≈ {num(answer, 2)} units."
        skipped = smooth(f0, actuals[-1], alpha)
        swapped = f_neg = float(f0)
        for a in actuals:
            swapped, f_neg = smooth(swapped, a, 1 - alpha), smooth(f_neg, a, -alpha)
        wrong = (
            Wrong(
                _units(skipped),
                f"updates the {months[0]} forecast with {months[n - 1]}'s actual only, skipping steps",
            ),
            Wrong(_units(swapped), "swaps α and 1 − α"),
            Wrong(_units(fs[-2]), f"stops one step early (that is the {months[n - 1]} forecast)"),
            Wrong(_units(f_neg), "uses forecast − actual as the error"),
        )
        difficulty = "medium" if n == 2 else "hard"
    params = {**p, "forecasts": fs, "answer": rounded(answer, 2)}
    return Draft(
        stem,
        _units(answer),
        solution,
        wrong,
        near_misses(answer, _units, step=1, low=0),
        params,
        difficulty,
        Key(answer, _units, 0.01),
    )


# --- moving averages -------------------------------------------------------------------------


def _history(rng: random.Random, n: int) -> list[int]:
    base = rng.randrange(100, 3000, 10)
    trend = rng.choice((-1, 0, 0, 1)) * rng.randrange(0, base // 15 + 1)
    return [max(10, base + trend * i + rng.randrange(-base // 8, base // 8 + 1)) for i in range(n)]


def _grid(actuals: Sequence[int]) -> str:
    return table([("Month", MONTHS[: len(actuals)]), ("Actual demand", actuals)], width=6)


def draw_moving_average(rng: random.Random) -> Params:
    while True:
        actuals = _history(rng, 6)
        n = rng.choice((3, 4))
        if not is_tie(sum(actuals[-n:]) / n, 1):
            return {"actuals": actuals, "periods": n}


def render_moving_average(p: Mapping[str, Any]) -> Draft:
    actuals, n = list(p["actuals"]), p["periods"]
    recent = actuals[-n:]
    answer = sum(recent) / n
    nxt = MONTHS[len(actuals)]
    stem = (
        f"Monthly demand for an item:\n{_grid(actuals)}\nUsing a {n}-month simple moving average, what is "
        f"the forecast for {nxt}? Round to one decimal."
    )
    solution = (
        f"Average of the {n} most recent months: ({' + '.join(map(str, recent))}) / {n} = "
        f"{approx(answer, 1)} units."
    )
    wrong = (
        Wrong(_units1(sum(actuals[-n - 1 :]) / (n + 1)), f"averages {n + 1} months instead of {n}"),
        Wrong(_units1(sum(actuals[:n]) / n), f"averages the {n} oldest months instead of the most recent"),
        Wrong(_units1(sum(actuals) / len(actuals)), "averages all the months"),
        Wrong(_units1(sum(actuals[-n + 1 :]) / (n - 1)), f"averages {n - 1} months instead of {n}"),
    )
    return Draft(
        stem,
        _units1(answer),
        solution,
        wrong,
        near_misses(answer, _units1, step=1, low=0),
        {**p, "answer": rounded(answer, 1)},
        "easy",
        Key(answer, _units1, 0.1),
    )


WEIGHT_SETS = ((3, 2, 1), (0.5, 0.3, 0.2), (0.6, 0.3, 0.1), (4, 3, 2, 1), (0.4, 0.3, 0.2, 0.1), (5, 3, 2))


def draw_weighted(rng: random.Random) -> Params:
    while True:
        actuals = _history(rng, 6)
        weights = list(rng.choice(WEIGHT_SETS))
        value = _wma(actuals, weights)
        if actuals[-1] != actuals[-len(weights)] and not is_tie(value, 1):
            return {"actuals": actuals, "weights": weights}


def _wma(actuals: Sequence[int], weights: Sequence[float]) -> float:
    """Weights listed most recent first."""
    recent = list(reversed(actuals))[: len(weights)]
    return sum(w * a for w, a in zip(weights, recent, strict=True)) / sum(weights)


def render_weighted(p: Mapping[str, Any]) -> Draft:
    actuals, weights = list(p["actuals"]), list(p["weights"])
    n = len(weights)
    answer = _wma(actuals, weights)
    nxt = MONTHS[len(actuals)]
    recent = list(reversed(actuals))[:n]
    total = sum(weights)
    names = ", ".join(f"{plain(w)} for {MONTHS[len(actuals) - 1 - i]}" for i, w in enumerate(weights))
    stem = (
        f"Monthly demand for an item:\n{_grid(actuals)}\nForecast {nxt} with a weighted moving average "
        f"using weights {names} (divide by the sum of the weights). Round to one decimal."
    )
    terms = " + ".join(f"{plain(w)}×{a}" for w, a in zip(weights, recent, strict=True))
    solution = f"({terms}) / {plain(total)} = {approx(answer, 1)} units."
    wrong = [
        Wrong(_units1(_wma(actuals, list(reversed(weights)))), "applies the weights in reverse order"),
        Wrong(_units1(sum(recent) / n), "ignores the weights (simple average)"),
    ]
    if total != 1:
        wrong.insert(1, Wrong(_units1(answer * total), "forgets to divide by the sum of the weights"))
    wrong.append(Wrong(_units1(_wma(actuals[:-1], weights)), "stops one month early"))
    return Draft(
        stem,
        _units1(answer),
        solution,
        tuple(wrong),
        near_misses(answer, _units1, step=1, low=0),
        {**p, "answer": rounded(answer, 1)},
        "medium",
        Key(answer, _units1, 0.1),
    )


FAMILIES = (
    Family(
        "exponential-smoothing",
        "Exponential smoothing",
        "mpr",
        "forecasting",
        draw_smoothing,
        render_smoothing,
        cpim8_module="demand",
        cpim8_topic="forecasting-methods",
    ),
    Family(
        "moving-average",
        "Simple moving average",
        "mpr",
        "forecasting",
        draw_moving_average,
        render_moving_average,
        cpim8_module="demand",
        cpim8_topic="forecasting-methods",
    ),
    Family(
        "weighted-moving-average",
        "Weighted moving average",
        "mpr",
        "forecasting",
        draw_weighted,
        render_weighted,
        cpim8_module="demand",
        cpim8_topic="forecasting-methods",
    ),
)
