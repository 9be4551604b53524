"""A SQLite database at head with rows in EVERY table, for the tests that move data between backends.

Rows are made from the schema itself (db/migrations/schema.py): each column gets a value from its name and
type, foreign keys point at rows of their parent table (so the file passes `PRAGMA foreign_key_check`),
nullable columns are NULL in every third row, text carries what breaks naive copies (quotes, a newline,
a tab, a backslash, accents, an emoji, CJK), ids are snowflake-sized, and integer primary keys leave gaps (a
copy must keep the ids, not renumber them). `OVERRIDES` gives the columns whose CHECKs or UNIQUE keys need
particular values. A table added by a later migration gets generic rows; if one of its CHECKs refuses them,
populate() says which table to add to OVERRIDES.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from db.migrations.schema import BOOKKEEPING, Table, parents_first, sqlite_tables

SNOWFLAKE = 1_180_000_000_000_000_000  # a 2026 Discord id is about 1.4e18: past 2^31 and 2^53
INSTANT = 1_790_000_000  # unix seconds, 2026
TRICKY = "it's \"quoted\"\\ – naïve café ☕ 学习\nnew line\ttab"

Make = Callable[[int], Any]

OVERRIDES: dict[str, dict[str, Make]] = {
    "*": {
        "payload": lambda i: json.dumps({"exam_id": i, "note": TRICKY, "nested": {"b": [1, 2.5, None], "a": True},
                                         "snoozed_from": i, "snoozed_occurrence": INSTANT + i}),
        "recurrence": lambda i: None if i % 3 == 2 else json.dumps({"time": "19:30", "days": [0, 2, 4]}),
        "choices": lambda i: json.dumps(["A " + TRICKY, "B", "C", "D"]),
        "modules": lambda i: json.dumps(["bscm", "mpr"]),
        "nudge_offsets": lambda i: None if i % 3 == 2 else json.dumps([30, 14, 7, 1]),
        "kind": lambda i: "quiz",
        "state": lambda i: "pending",
        "edition": lambda i: "cpim-8" if i % 2 else "cpim-2017",
        "timezone": lambda i: "America/Chicago",
        "shared": lambda i: i % 2,
        "correct": lambda i: i % 2,
        "box": lambda i: 1 + i % 5,
        "local_day": lambda i: f"2026-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}",
    },
    "reminders": {"kind": lambda i: ("once", "study", "exam_nudge", "window_nudge", "other")[i % 5],
                  "state": lambda i: ("pending", "in_flight", "sent", "missed", "paused", "cancelled")[i % 6]},
    "quiz_sessions": {"kind": lambda i: ("quiz", "exam")[i % 2],
                      "state": lambda i: ("active", "finished", "expired")[i % 3]},
    "daily_settings": {"hour": lambda i: i % 24, "minute": lambda i: i % 60, "rotation": lambda i: "order",
                       "reveal_after_hours": lambda i: 12, "repeat_window_days": lambda i: 60,
                       "days": lambda i: "mon,tue,wed,thu,fri", "modules": lambda i: "bscm,mpr"},
    "daily_posts": {"kind": lambda i: ("scheduled", "manual")[i % 2],
                    "state": lambda i: ("claimed", "open", "revealed", "failed")[i % 4]},
    "fee_entries": {"member": lambda i: 100 + i, "non_member": lambda i: 150 + i,
                    "bundle": lambda i: None if i % 2 else 900 + i,
                    "effective": lambda i: f"20{10 + i // 12 % 80}-{1 + i % 12:02d}-01"},
    "question_submissions": {"state": lambda i: ("pending", "approved", "rejected")[i % 3]},
    "live_games": {"state": lambda i: ("open", "finished", "stopped", "closed")[i % 4]},
}


def _value(table: Table, column: str, kind: str, not_null: bool, i: int) -> Any:
    for scope in (table.name, "*"):
        if column in OVERRIDES.get(scope, {}):
            return OVERRIDES[scope][column](i)
    if not not_null and i % 3 == 2 and column not in table.primary_key:
        return None
    if kind == "integer":
        if column == "id":
            return 3 * i + 7  # gaps: ids are copied, not renumbered
        if column.endswith(("_id", "_by", "_role")):
            return SNOWFLAKE + 7919 * i
        if column.endswith("_at") or column == "active_since":
            return INSTANT + 61 * i
        if column.endswith("_ms"):
            return INSTANT * 1000 + 997 * i
        return i
    if column.endswith(("_on", "_start", "_end", "_date", "_day")) or column in {"effective", "week_start"}:
        return f"2026-{1 + i // 28 % 12:02d}-{1 + i % 28:02d}"
    if column == "id" or column.endswith("_id"):
        return f"{column}-{i}"
    return f"{column} {i}: {TRICKY}"


def populate(path: Path, rows_per_table: int = 12, extra: dict[str, int] | None = None) -> dict[str, int]:
    """Fill every table of the migrated SQLite database at `path`; returns the row count per table.
    `extra` asks for more rows in some tables (e.g. {"answers": 20000}) to make the copy batch."""
    extra = extra or {}
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        tables = {n: t for n, t in sqlite_tables(connection).items() if n not in BOOKKEEPING}
        made: dict[str, list[dict[str, Any]]] = {}
        for name in parents_first(tables):
            table = tables[name]
            rows = []
            for i in range(extra.get(name, rows_per_table)):
                row = {c.name: _value(table, c.name, c.type, c.not_null, i) for c in table.columns}
                for key in table.foreign_keys:
                    parent = made[key.table][i % len(made[key.table])]
                    for column, referenced in zip(key.columns, key.references, strict=True):
                        row[column] = parent[referenced]
                rows.append(row)
            columns = [c.name for c in table.columns]
            try:
                connection.executemany(
                    f'INSERT INTO "{name}" ({", ".join(columns)}) VALUES ({", ".join("?" for _ in columns)})',
                    [tuple(row[c] for c in columns) for row in rows])
            except sqlite3.IntegrityError as error:
                raise AssertionError(f"tests/db/populated.py cannot make rows for table {name} ({error}): give "
                                     f"its constrained columns values in OVERRIDES") from None
            made[name] = rows
        connection.commit()
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    return {name: len(rows) for name, rows in made.items()}
