"""What a migrated database holds, read back from each backend's catalog: tables, columns, keys, indexes.

Why: the two sets of migration files must build the same schema (same tables, same columns in the same
order, same keys and indexes), which a test checks by comparing what each backend reports here, and
`db migrate-to` copies by it (every table, parents before children).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg

# tables of the migration runners and of the engines themselves: not the bot's data
BOOKKEEPING = frozenset({"schema_migrations"})


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # as the backend names it, lower case: integer, text on SQLite; integer, bigint, text, jsonb
    not_null: bool


@dataclass(frozen=True, order=True)  # sorted per table, so both backends list them alike
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    references: tuple[str, ...]
    on_delete: str  # upper case: CASCADE, NO ACTION, ...


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def sqlite_tables(connection: sqlite3.Connection) -> dict[str, Table]:
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        " ORDER BY name")]
    tables = {}
    for name in names:
        info = connection.execute(f'PRAGMA table_info("{name}")').fetchall()
        columns = tuple(Column(row[1], row[2].lower(), bool(row[3]) or row[5] > 0) for row in info)
        primary_key = tuple(row[1] for row in sorted((row for row in info if row[5] > 0), key=lambda r: r[5]))
        keys: dict[int, list[tuple]] = {}
        for row in connection.execute(f'PRAGMA foreign_key_list("{name}")'):
            keys.setdefault(row[0], []).append(row)
        foreign_keys = tuple(sorted(
            ForeignKey(tuple(r[3] for r in rows), rows[0][2], tuple(r[4] for r in rows), rows[0][6].upper())
            for rows in (sorted(group, key=lambda r: r[1]) for group in keys.values())
        ))
        tables[name] = Table(name, columns, primary_key, foreign_keys)
    return tables


def sqlite_indexes(connection: sqlite3.Connection) -> dict[str, str]:
    """Index name -> table, for the indexes the migrations created (not those behind a key)."""
    return {row[0]: row[1] for row in connection.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}


_ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


async def postgres_tables(connection: asyncpg.Connection) -> dict[str, Table]:
    """The tables of the connection's current schema (public unless the URL or role says otherwise)."""
    rows = await connection.fetch(
        "SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, NULL) AS type,"
        "       a.attnotnull AS not_null"
        "  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')"
        "   AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY c.relname, a.attnum")
    columns: dict[str, list[Column]] = {}
    for row in rows:
        columns.setdefault(row["table_name"], []).append(Column(row["column_name"], row["type"], row["not_null"]))
    constraints = await connection.fetch(
        "SELECT c.conrelid::regclass::text AS table_name, c.contype::text AS contype,"
        "       c.confrelid::regclass::text AS ref_table, c.confdeltype::text AS confdeltype,"
        "       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
        "             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) AS cols,"
        "       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
        "             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) AS refs"
        "  FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
        " WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'f')")
    primary: dict[str, tuple[str, ...]] = {}
    foreign: dict[str, list[ForeignKey]] = {}
    for row in constraints:
        if row["contype"] == "p":
            primary[row["table_name"]] = tuple(row["cols"])
        else:
            foreign.setdefault(row["table_name"], []).append(ForeignKey(
                tuple(row["cols"]), row["ref_table"], tuple(row["refs"]), _ON_DELETE[row["confdeltype"]]))
    return {
        name: Table(name, tuple(cols), primary.get(name, ()), tuple(sorted(foreign.get(name, []))))
        for name, cols in sorted(columns.items())
    }


async def postgres_indexes(connection: asyncpg.Connection) -> dict[str, str]:
    """Index name -> table, for the indexes the migrations created (not those behind a key or constraint)."""
    rows = await connection.fetch(
        "SELECT i.relname AS name, t.relname AS table_name"
        "  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " WHERE t.relnamespace = current_schema()::regnamespace"
        "   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)")
    return {row["name"]: row["table_name"] for row in rows}


def parents_first(tables: dict[str, Table]) -> list[str]:
    """Table names ordered so every table comes after the tables its foreign keys reference."""
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise ValueError(f"foreign keys form a cycle through {name}")
        visiting.add(name)
        for key in tables[name].foreign_keys:
            if key.table != name and key.table in tables:
                visit(key.table)
        visiting.discard(name)
        ordered.append(name)

    for name in sorted(tables):
        visit(name)
    return ordered
