"""A consistent online copy of the database through SQLite's backup API."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def backup_database(source: Path, target: Path) -> int:
    """Copy source to target page by page while others may write; return the target's size in bytes."""
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(target)) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise RuntimeError(f"the copy failed its integrity check: {result}")
    return target.stat().st_size
