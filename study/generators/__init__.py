"""Calculation-question generators: seeded, reproducible CPIM arithmetic questions.

`generate(family, seed)` always returns the same `Question` for the same family and seed; its id is
`gen:<family>:<seed>` and its `parameters` hold the inputs and the computed answer. Each family states
its convention (z value, error sign, ATP method, rounding rule) in the stem, follows the conventions of
the shared CPIM facts (section 4), and draws its wrong choices from the common mistakes listed there
(section 5).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from study.generators import (
    capacity,
    dispatching,
    finance,
    forecast_error,
    forecasting,
    inventory_metrics,
    lean,
    lot_sizing,
    master_scheduling,
    mrp,
    operations,
    planning,
    safety_stock,
    strategy,
)
from study.generators._core import Draft, Family, build_question, draw_draft
from study.questions import Question

__all__ = ["FAMILIES", "Family", "draft", "family_names", "from_parameters", "generate"]

FAMILIES: dict[str, Family] = {
    family.name: family
    for module in (
        lot_sizing,
        safety_stock,
        inventory_metrics,
        mrp,
        master_scheduling,
        planning,
        capacity,
        forecasting,
        forecast_error,
        lean,
        operations,
        dispatching,
        finance,
        strategy,
    )
    for family in module.FAMILIES
}


def family_names() -> list[str]:
    """Registry keys in a stable order (grouped by syllabus area, as registered)."""
    return list(FAMILIES)


def _family(name: str) -> Family:
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"unknown generator family {name!r}; known: {', '.join(FAMILIES)}") from None


def _seeded(family: str, seed: int) -> tuple[Family, random.Random, Draft]:
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, not {seed!r}")
    fam = _family(family)
    rng = random.Random(seed)
    return fam, rng, draw_draft(fam, rng)


def generate(family: str, seed: int) -> Question:
    """The question of `family` for `seed`: the same seed always gives the same question."""
    fam, rng, drafted = _seeded(family, seed)
    return build_question(fam, drafted.parameters, rng, qid=f"gen:{family}:{seed}", seed=seed, draft=drafted)


def draft(family: str, seed: int) -> Draft:
    """The rendered draft behind `generate(family, seed)`: its worked solution alone, every wrong choice
    with its mistake, and the answer's exact value (`Draft.key`)."""
    return _seeded(family, seed)[2]


def from_parameters(family: str, parameters: Mapping[str, Any], shuffle_seed: int = 0) -> Question:
    """A question built from hand-chosen inputs (worked examples, tests). Not reproducible from a seed,
    so its id is `gen:<family>:custom` and its `seed` is None."""
    fam = _family(family)
    return build_question(fam, parameters, random.Random(shuffle_seed), qid=f"gen:{family}:custom", seed=None)
