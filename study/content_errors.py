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


def utf8_problem(data: bytes, error: UnicodeDecodeError, source: str) -> str:
    """`file:line:column: not UTF-8 text (byte 0xE9); save it as UTF-8`, for the first byte that is not
    UTF-8 (the column counts characters, as editors do)."""
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    column = len(data[line_start:error.start].decode("utf-8", errors="replace")) + 1
    return (f"{source}:{line}:{column}: not UTF-8 text (byte 0x{data[error.start]:02X}); "
            f"save the file as UTF-8 and try again")


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError([f"{path}: file is missing"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ContentError([f"{path.name}: not valid TOML: {error}"]) from None
    except UnicodeDecodeError as error:
        raise ContentError([utf8_problem(path.read_bytes(), error, path.name)]) from None
    except RecursionError:
        raise ContentError([f"{path.name}: nested too deeply to read"]) from None


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
