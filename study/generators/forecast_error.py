"""Forecast accuracy: MAD, RSFE, bias, tracking signal and MAPE from a small table."""

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
    near_misses,
    num,
    qty,
    rounded,
    table,
)

TS_RULE = (
    "Forecast error = actual − forecast; MAD = mean absolute error; RSFE = running sum of forecast "
    "errors; bias = RSFE / number of periods; tracking signal = RSFE / MAD."
)
MAPE_RULE = (
    "MAPE = average over the periods of |actual − forecast| / actual × 100 (error relative to actual)."
)
ASK_TEXT = {
    "mad": "the MAD",
    "rsfe": "the RSFE",
    "bias": "the bias (mean forecast error)",
    "ts": "the tracking signal",
}


def _units(x: float) -> str:
    return f"{num(x, 2)} units"


def _ratio(x: float) -> str:
    return num(x, 2)


def _table(p: Mapping[str, Any]) -> str:
    n = len(p["forecast"])
    return table([("Period", range(1, n + 1)), ("Forecast", p["forecast"]), ("Actual", p["actual"])], width=6)


def _errors(p: Mapping[str, Any]) -> list[int]:
    return [a - f for a, f in zip(p["actual"], p["forecast"], strict=True)]


def draw_tracking(rng: random.Random) -> Params:
    while True:
        n = rng.choice((5, 6))
        base = rng.randrange(100, 1500, 10)
        spread = max(4, base // 10)
        lean = rng.choice((-1, 0, 1)) * rng.randint(0, spread // 2)
        forecast = [base + rng.randrange(-base // 10, base // 10 + 1, 5) for _ in range(n)]
        actual = [f + lean + rng.randint(-spread, spread) for f in forecast]
        p: Params = {"ask": rng.choice(tuple(ASK_TEXT)), "forecast": forecast, "actual": actual}
        errors = _errors(p)
        rsfe, mad = sum(errors), sum(abs(e) for e in errors) / n
        values = {"mad": mad, "rsfe": rsfe, "bias": rsfe / n, "ts": rsfe / mad if mad else 0}
        if rsfe != 0 and mad > 0 and not is_tie(values[p["ask"]], 2):
            return p


def render_tracking(p: Mapping[str, Any]) -> Draft:
    errors = _errors(p)
    n = len(errors)
    rsfe = sum(errors)
    abs_sum = sum(abs(e) for e in errors)
    mad = abs_sum / n
    ts, bias = rsfe / mad, rsfe / n
    ask = p["ask"]
    rounding = "Give a whole number." if ask == "rsfe" else "Round to two decimals."
    stem = (
        f"Forecasts and actual demand for {n} periods of an item:\n{_table(p)}\n{TS_RULE} What is "
        f"{ASK_TEXT[ask]} after period {n}? {rounding}"
    )
    err_text = ", ".join(num(e) for e in errors)
    base = (
        f"Errors (actual − forecast): {err_text}. RSFE = {num(rsfe)}; sum of absolute errors = {abs_sum}, "
        f"so MAD = {abs_sum}/{n} = {num(mad, 3)}."
    )
    if ask == "mad":
        answer, show = mad, _units(mad)
        solution = f"{base} MAD = {show}."
        wrong: tuple[Wrong, ...] = (
            Wrong(_units(abs(rsfe) / n), "averages the signed errors, so positives and negatives cancel"),
            Wrong(_units(abs_sum), "does not divide by the number of periods"),
            Wrong(_units(abs_sum / (n - 1)), "divides by n − 1"),
        )
    elif ask == "rsfe":
        answer, show = rsfe, qty(rsfe)
        solution = f"{base} RSFE is the plain sum of the signed errors: {show}."
        wrong = (
            Wrong(qty(-rsfe), "uses forecast − actual, which flips the sign"),
            Wrong(qty(rsfe / n), "gives the average error (bias) instead of the running sum"),
            Wrong(qty(abs_sum), "adds absolute errors instead of signed errors"),
        )
    elif ask == "bias":
        answer, show = bias, _units(bias)
        solution = f"{base} Bias = RSFE / n = {num(rsfe)}/{n} = {show}."
        wrong = (
            Wrong(_units(-bias), "uses forecast − actual, which flips the sign"),
            Wrong(_units(rsfe), "does not divide the running sum by the number of periods"),
            Wrong(_units(mad), "averages absolute errors (that is the MAD)"),
        )
    else:
        answer, show = ts, _ratio(ts)
        solution = f"{base} Tracking signal = RSFE / MAD = {num(rsfe)} / {num(mad, 3)} = {show}."
        wrong = (
            Wrong(_ratio(-ts), "uses forecast − actual, which flips the sign"),
            Wrong(_ratio(bias / mad), "divides the average error instead of the running sum by MAD"),
            Wrong(_ratio(rsfe / abs_sum), "divides by the sum of absolute errors instead of MAD"),
            Wrong(_ratio(mad / rsfe), "inverts the ratio (MAD / RSFE)"),
        )
    show_fn = {"ts": _ratio, "rsfe": qty}.get(ask, _units)
    params = {**p, "errors": errors, "rsfe": rsfe, "mad": mad, "answer": rounded(answer, 2)}
    fallbacks = near_misses(answer, show_fn, step=0.25 if ask == "ts" else 1, low=None)
    key = Key(answer, show_fn, 1 if ask == "rsfe" else 0.01)
    return Draft(stem, show, solution, wrong, fallbacks, params, "medium", key)


# --- MAPE -----------------------------------------------------------------------------------


def draw_mape(rng: random.Random) -> Params:
    while True:
        n = rng.choice((4, 5, 6))
        base = rng.randrange(100, 2000, 10)
        forecast = [base + rng.randrange(-base // 8, base // 8 + 1, 5) for _ in range(n)]
        actual = [f + rng.randint(-base // 6, base // 6) for f in forecast]
        p: Params = {"forecast": forecast, "actual": actual}
        if any(a != f for a, f in zip(actual, forecast, strict=True)) and not is_tie(_mape(p), 1):
            return p


def _mape(p: Mapping[str, Any], against: str = "actual") -> float:
    pairs = list(zip(p["actual"], p["forecast"], strict=True))
    return sum(abs(a - f) / (a if against == "actual" else f) for a, f in pairs) / len(pairs) * 100


def render_mape(p: Mapping[str, Any]) -> Draft:
    actual, forecast = p["actual"], p["forecast"]
    n = len(actual)
    answer = _mape(p)
    stem = (
        f"Forecasts and actual demand for {n} periods of an item:\n{_table(p)}\n{MAPE_RULE} What is the "
        "MAPE? Round to one decimal."
    )
    terms = ", ".join(f"{abs(a - f)}/{a}" for a, f in zip(actual, forecast, strict=True))
    solution = (
        f"Absolute errors over actuals: {terms}. Their average × 100 = {approx(answer, 1)}%."
    )
    signed = sum((a - f) / a for a, f in zip(actual, forecast, strict=True)) / n * 100
    total = sum(abs(a - f) for a, f in zip(actual, forecast, strict=True)) / sum(actual) * 100
    wrong = (
        Wrong(f"{num(_mape(p, 'forecast'), 1)}%", "divides each error by the forecast instead of the actual"),
        Wrong(f"{num(signed, 1)}%", "averages signed percentage errors, which cancel"),
        Wrong(f"{num(total, 1)}%", "divides total absolute error by total actual demand (a weighted MAPE)"),
    )
    return Draft(
        stem,
        f"{num(answer, 1)}%",
        solution,
        wrong,
        near_misses(answer, lambda v: f"{num(v, 1)}%", step=0.5, low=0),
        {**p, "answer": rounded(answer, 1)},
        "medium",
        Key(answer, lambda v: f"{num(v, 1)}%", 0.1),
    )


FAMILIES = (
    Family(
        "tracking-signal",
        "MAD, RSFE, bias and tracking signal",
        "mpr",
        "forecasting",
        draw_tracking,
        render_tracking,
        cpim8_module="demand",
        cpim8_topic="forecast-accuracy",
    ),
    Family(
        "mape",
        "Mean absolute percentage error",
        "mpr",
        "forecasting",
        draw_mape,
        render_mape,
        cpim8_module="demand",
        cpim8_topic="forecast-accuracy",
    ),
)
