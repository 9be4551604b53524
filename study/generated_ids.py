"""Ids of generated questions: `gen:<family>:<seed>`, reproducible from the id alone."""

from __future__ import annotations

import re

_GENERATED = re.compile(r"^gen:([a-z0-9-]+):(\d+)$")


def generated_id(family: str, seed: int) -> str:
    return f"gen:{family}:{seed}"


def parse_generated_id(question_id: str) -> tuple[str, int] | None:
    """(family, seed) for a generated question id, None for a bank question."""
    match = _GENERATED.match(question_id)
    return (match[1], int(match[2])) if match else None
