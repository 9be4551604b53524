"""Shared machinery for the calculation-question generators.

A family is two pure functions: `draw(rng)` picks the inputs of one question from a seeded
`random.Random`, and `render(inputs)` turns inputs into a `Draft`: the stem, the correct choice, the
worked solution and the wrong choices, each tied to the mistake that produces it. `build_question`
then keeps the first three wrong choices that look different from the answer (falling back to near
misses when a mistake happens to give the same displayed value), shuffles with the same rng and
returns a `Question`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from study.questions import MAX_CHOICE, MAX_EXPLANATION, MAX_STEM, Question

N_CHOICES = 4
MINUS = "\u2212"

Params = dict[str, Any]


@dataclass(frozen=True)
class Wrong:
    """A wrong choice as displayed, and the mistake that leads to it (a clause: 'forgets the 2')."""

    text: str
    why: str | None = None


@dataclass(frozen=True)
class Draft:
    stem: str
    answer: str
    solution: str
    wrong: tuple[Wrong, ...]
    fallbacks: tuple[str, ...]
    parameters: Params
    difficulty: str = "medium"


@dataclass(frozen=True)
class Family:
    """One kind of calculation question.

    `draw` picks the inputs from the rng; `render` computes everything else from those inputs alone,
    so a question can also be rebuilt from hand-chosen inputs (see `study.generators.from_parameters`).
    """

    name: str
    title: str
    module: str
    topic: str
    draw: Callable[[random.Random], Params]
    render: Callable[[Mapping[str, Any]], Draft]


# --- numbers and their display ---------------------------------------------------------------


def rounded(x: float, places: int = 0) -> float:
    """Round half away from zero (the rule every stem states), not Python's round-half-even."""
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(q) if places == 0 else float(q)


def is_tie(x: float, places: int = 0) -> bool:
    """True when x sits (within float noise) on a rounding boundary: such draws are redrawn."""
    scaled = abs(x) * 10**places
    return abs(scaled - math.floor(scaled) - 0.5) < 1e-6


def num(x: float, places: int = 0) -> str:
    """1234.5 -> '1,234.5' with half-up rounding, a real minus sign and no '-0'."""
    value = rounded(x, places)
    text = f"{abs(value):,.{places}f}"
    return f"{MINUS}{text}" if value < 0 else text


def qty(x: float, unit: str = "units", places: int = 0) -> str:
    return f"{num(x, places)} {unit}"


def money(x: float, places: int = 2) -> str:
    text = num(x, places)
    return f"{MINUS}${text[1:]}" if text.startswith(MINUS) else f"${text}"


def pct(fraction: float, places: int = 1) -> str:
    return f"{num(fraction * 100, places)}%"


def plain(x: float) -> str:
    """An input number as written in a stem: no trailing zeros ('0.25', '12', '1.5')."""
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.6f}".rstrip("0").rstrip(".").replace("-", MINUS)


def near_misses(
    value: float,
    show: Callable[[float], str],
    *,
    step: float,
    low: float | None = 0,
    high: float | None = None,
    relative: bool = True,
) -> tuple[str, ...]:
    """Plausible wrong values around `value`: ±10-25 % (unless `relative` is false), then whole steps,
    which always differ as shown when `step` is at least the display resolution. Values outside
    [low, high] are skipped."""
    candidates = [value * f for f in (1.1, 0.9, 1.2, 0.8, 1.25, 0.75)] if relative else []
    for k in range(1, 9):
        candidates += [value + k * step, value - k * step]
    return tuple(show(v) for v in candidates if (low is None or v >= low) and (high is None or v <= high))


def table(rows: Iterable[tuple[str, Iterable[object]]], width: int = 5) -> str:
    """A monospace table inside a code block, for Discord embeds."""
    lines = []
    for label, cells in rows:
        lines.append(f"{label:<16}" + "".join(f"{c!s:>{width}}" for c in cells))
    return "```\n" + "\n".join(line.rstrip() for line in lines) + "\n```"


# --- assembling a question -------------------------------------------------------------------


def pick_wrong(draft: Draft) -> list[Wrong]:
    """The first three wrong choices that differ, as displayed, from the answer and from each other."""
    seen = {draft.answer}
    picked: list[Wrong] = []
    candidates = [*draft.wrong, *(Wrong(text) for text in draft.fallbacks)]
    for wrong in candidates:
        if len(picked) == N_CHOICES - 1:
            break
        if wrong.text not in seen:
            seen.add(wrong.text)
            picked.append(wrong)
    if len(picked) < N_CHOICES - 1:
        raise RuntimeError(f"not enough distinct wrong choices for answer {draft.answer!r}")
    return picked


def explain(solution: str, picked: list[Wrong]) -> str:
    traps = [w for w in picked if w.why]
    if traps:
        head = f"The most tempting wrong choice, {traps[0].text}, {traps[0].why}."
    else:
        head = "The other choices are near misses from arithmetic slips; recheck each step."
    text = f"{solution} {head}"
    others = "; ".join(f"{w.text} {w.why}" for w in traps[1:])
    if others and len(text) + len(others) + 15 <= MAX_EXPLANATION:
        text += f" Other traps: {others}."
    return text


def build_question(
    family: Family, params: Mapping[str, Any], rng: random.Random, *, qid: str, seed: int | None
) -> Question:
    draft = family.render(params)
    picked = pick_wrong(draft)
    choices = [draft.answer, *(w.text for w in picked)]
    order = list(range(N_CHOICES))
    rng.shuffle(order)
    shown = tuple(choices[i] for i in order)
    explanation = explain(draft.solution, picked)
    if len(draft.stem) > MAX_STEM or len(explanation) > MAX_EXPLANATION:
        raise RuntimeError(f"{family.name}: stem or explanation too long ({qid})")
    if any(len(c) > MAX_CHOICE for c in shown):
        raise RuntimeError(f"{family.name}: a choice is longer than {MAX_CHOICE} characters ({qid})")
    return Question(
        id=qid,
        module=family.module,
        topic=family.topic,
        difficulty=draft.difficulty,
        stem=draft.stem,
        choices=shown,
        answer_index=order.index(0),
        explanation=explanation,
        family=family.name,
        seed=seed,
        parameters=dict(draft.parameters),
    )


# --- drawing inputs --------------------------------------------------------------------------

Z_TABLE: tuple[tuple[float, int], ...] = ((1.28, 90), (1.65, 95), (1.75, 96), (2.05, 98), (2.33, 99))


def draw_z(rng: random.Random) -> tuple[float, int]:
    return rng.choice(Z_TABLE)


def z_phrase(z: float, service: int) -> str:
    return f"use z = {z:.2f} (a {service}% cycle service level)"


def steps(rng: random.Random, low: int, high: int, step: int = 1) -> int:
    """A random value low + k·step in [low, high]."""
    return rng.randrange(low, high + 1, step)
