"""Errors in content files, worded for the person who edits them: file, key or line, and why."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


class ContentError(Exception):
    """One or more problems in content files; each problem is one line of the message."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError([f"{path}: file is missing"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError([f"{path.name}: not valid TOML: {error}"]) from None


def require(table: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str,
            problems: list[str]) -> Any:
    """Fetch a required key of the given type, or record a problem and return None."""
    if key not in table:
        problems.append(f"{where}: key '{key}' is missing")
        return None
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        expected = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        problems.append(f"{where}: key '{key}' must be {expected}, got {type(value).__name__}")
        return None
    return value
