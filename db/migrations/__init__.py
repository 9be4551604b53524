"""Numbered schema migrations: NNNN_name.sql files applied in order, each in one transaction.

The version of every applied migration is recorded in schema_migrations; every known migration not yet
recorded is applied. A database that records a version this code does not know was written by a newer
release and is refused, never touched.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class SchemaTooNewError(Exception):
    """The database was written by a newer version of the bot."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise RuntimeError(f"migration file {path.name} is not named NNNN_name.sql")
        migrations.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migration files share a number: {versions}")
    return migrations


async def applied_versions(connection: aiosqlite.Connection) -> set[int]:
    async with connection.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
    ) as cursor:
        if await cursor.fetchone() is None:
            return set()
    async with connection.execute("SELECT version FROM schema_migrations") as cursor:
        return {int(row[0]) for row in await cursor.fetchall()}


def newer_schema_error(unknown: set[int], known: set[int]) -> SchemaTooNewError:
    """The refusal both backends give a database written by a newer release."""
    return SchemaTooNewError(
        f"the database has schema version {max(unknown)}, which this version of the bot does not know "
        f"(it knows up to {max(known, default=0)}): it was written by a newer release. Upgrade the bot; "
        f"the database was not changed."
    )


async def current_version(connection: aiosqlite.Connection) -> int:
    return max(await applied_versions(connection), default=0)


async def refuse_newer_schema(connection: aiosqlite.Connection, directory: Path = MIGRATIONS_DIR) -> None:
    """Raise SchemaTooNewError if the database records a migration this code does not know. Reads only."""
    known = {m.version for m in available_migrations(directory)}
    unknown = await applied_versions(connection) - known
    if unknown:
        raise newer_schema_error(unknown, known)


async def apply_migrations(connection: aiosqlite.Connection, *, target: int | None = None,
                           directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply every migration above the current version (up to target); return what was applied."""
    migrations = available_migrations(directory)
    await refuse_newer_schema(connection, directory)
    applied_before = await applied_versions(connection)
    await connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    applied = []
    for migration in migrations:
        # every known migration not yet applied, in order: branches that each added one merge cleanly
        if migration.version in applied_before or (target is not None and migration.version > target):
            continue
        if await _apply_one(connection, migration):
            applied.append(migration)
    return applied


async def _apply_one(connection: aiosqlite.Connection, migration: Migration) -> bool:
    """Apply one migration in one BEGIN IMMEDIATE transaction; False if another process applied it first.

    Why the version row is inserted first: two processes (`db upgrade` started twice, or beside a starting
    bot) may both have read the version as missing. The write lock serializes them, and under it the
    version's PRIMARY KEY is the re-read: the second one's INSERT fails before any of the migration's
    statements runs, and it rolls back having changed nothing.
    """
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    script = (
        "BEGIN IMMEDIATE;\n"
        f"INSERT INTO schema_migrations (version, name, applied_at) "
        f"VALUES ({migration.version}, '{migration.name}', '{stamp}');\n"
        + migration.sql + "\n;COMMIT;"
    )
    try:
        await connection.executescript(script)
    except sqlite3.Error:
        if connection.in_transaction:
            await connection.execute("ROLLBACK")
        if migration.version in await applied_versions(connection):
            return False  # applied by another process between our read and our lock
        raise
    return True
