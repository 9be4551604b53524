"""Shared machinery for the calculation-question generators.

A family is two pure functions: `draw(rng)` picks the inputs of one question from a seeded
`random.Random`, and `render(inputs)` turns inputs into a `Draft`: the stem, the correct choice, the
worked solution and the wrong choices, each tied to the mistake that produces it. `build_question`
then keeps the first three wrong choices that look different from the answer (falling back to near
misses when a mistake happens to give the same displayed value), shuffles with the same rng and
returns a `Question`.

A draft may carry a `Key`: the exact value behind the answer, its display step and rounding rule. A draw
whose exact value lies within a tenth of a display step of a rounding boundary is ambiguous (rounding
an intermediate, or rounding half-even, lands on the neighbouring step), so `generate` redraws it and a
wrong choice may never show such a neighbour.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
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
class Key:
    """The exact value behind the answer and how it is displayed.

    `show(v)` displays a value the way the answer is displayed (it rounds half-up to the display step
    itself); `step` is that display step in the units `show` takes (0.001 for a fraction shown as a
    percent to one decimal); `mode` is "half-up" (nearest) or "up" (the stem says round up)."""

    value: float
    show: Callable[[float], str]
    step: float
    mode: str = "half-up"

    def rounded(self, x: float | None = None) -> float:
        x = self.value if x is None else x
        if self.mode == "up":
            return math.ceil(round(x / self.step, 9)) * self.step
        return float(Decimal(str(x / self.step)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * self.step

    def other_roundings(self) -> set[str]:
        """What a careful solver might also display: the value nudged a tenth of a step either way
        (rounded intermediates) and, for half-up keys, round-half-even. Empty for a clear-cut draw."""
        tenth = self.step / 10
        values = {self.rounded(self.value - tenth), self.rounded(self.value + tenth)}
        if self.mode == "half-up":
            even = Decimal(str(self.value / self.step)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
            values.add(float(even) * self.step)
        shown = self.show(self.rounded())
        return {text for text in map(self.show, values) if text != shown}


@dataclass(frozen=True)
class Draft:
    stem: str
    answer: str
    solution: str
    wrong: tuple[Wrong, ...]
    fallbacks: tuple[str, ...]
    parameters: Params
    difficulty: str = "medium"
    key: Key | None = None


@dataclass(frozen=True)
class Family:
    """One kind of calculation question.

    `draw` picks the inputs from the rng; `render` computes everything else from those inputs alone,
    so a question can also be rebuilt from hand-chosen inputs (see `study.generators.from_parameters`).
    `module`/`topic` are the 2017 syllabus keys; `cpim8_module`/`cpim8_topic` the CPIM 8 ones.
    """

    name: str
    title: str
    module: str
    topic: str
    draw: Callable[[random.Random], Params]
    render: Callable[[Mapping[str, Any]], Draft]
    cpim8_module: str
    cpim8_topic: str


# --- numbers and their display ---------------------------------------------------------------


def rounded(x: float, places: int = 0) -> float:
    """Round half away from zero (the rule every stem states), not Python's round-half-even."""
    q = Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return int(q) if places == 0 else float(q)


TIE_MARGIN = 0.1  # of a display step: closer than this to a rounding boundary is ambiguous


def is_tie(x: float, places: int = 0) -> bool:
    """True when x lies within a tenth of a display step of a half-up rounding boundary (539.46 for a
    whole number): a solver who rounds an intermediate could land on the other side, so such draws
    are redrawn."""
    scaled = abs(x) * 10**places
    return abs(scaled - math.floor(scaled) - 0.5) < TIE_MARGIN


def near_whole(x: float, places: int = 0) -> bool:
    """For a rounded-up answer: True when x lies within a tenth of a display step of a whole step
    (8.03 or 7.97 kanbans), where rounded intermediates could change the rounded-up result."""
    scaled = abs(x) * 10**places
    return abs(scaled - round(scaled)) < TIE_MARGIN


def rounded_up(x: float, places: int = 0) -> float:
    """Round up to `places` decimals, ignoring float noise (66.00000000000001 stays 66)."""
    value = math.ceil(round(x * 10**places, 6)) / 10**places
    return int(value) if places == 0 else value


def num(x: float, places: int = 0) -> str:
    """1234.5 -> '1,234.5' with half-up rounding, a real minus sign and no '-0'."""
    value = rounded(x, places)
    text = f"{abs(value):,.{places}f}"
    return f"{MINUS}{text}" if value < 0 else text


def approx(x: float, places: int = 0, fmt: Callable[[float, int], str] | None = None) -> str:
    """'x.xx ≈ y' for a worked solution, printed consistently: the detailed value gets as many decimals
    as needed (at least two more than the answer) for it to round to the same answer, so a solution
    never reads '539.50 ≈ 539'."""
    show = fmt or num
    target = rounded(x, places)
    for extra in range(places + 2, places + 8):
        if rounded(rounded(x, extra), places) == target:
            return f"{show(x, extra)} ≈ {show(x, places)}"
    return f"{show(x, places + 8)} ≈ {show(x, places)}"


def up_detail(x: float, places: int = 2) -> str:
    """The detail of a value about to be rounded up, with enough decimals (at least `places`) to show it
    lies above the whole number below: '157.001' rather than '157.00, rounded up to 158'."""
    low = math.floor(round(x, 6))
    while places < 8 and rounded(x, places) <= low < x:
        places += 1
    return num(x, places)


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


MAX_REDRAWS = 200


def draw_draft(family: Family, rng: random.Random) -> Draft:
    """Draw and render until the answer is clear of rounding boundaries (see `Key`). Most draws pass
    the first time, and a redraw keeps consuming the same rng, so a seed still gives one question."""
    for _ in range(MAX_REDRAWS):
        draft = family.render(family.draw(rng))
        if draft.key is None or not draft.key.other_roundings():
            return draft
    raise RuntimeError(f"{family.name}: no draw clear of a rounding boundary in {MAX_REDRAWS} tries")


def build_question(
    family: Family,
    params: Mapping[str, Any],
    rng: random.Random,
    *,
    qid: str,
    seed: int | None,
    draft: Draft | None = None,
) -> Question:
    """The question for `params` (rendered here unless the caller already has its `draft`)."""
    draft = draft if draft is not None else family.render(params)
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
        cpim8_module=family.cpim8_module,
        cpim8_topic=family.cpim8_topic,
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
