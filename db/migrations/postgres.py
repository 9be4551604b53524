"""The runner of the PostgreSQL migrations: db/migrations/postgresql/NNNN_name.sql, twins of SQLite's files.

Same rules as the SQLite runner (db/migrations/__init__.py): schema_migrations records every applied
version; every known migration not yet recorded is applied, in order, each in one transaction (PostgreSQL's
DDL is transactional, so a failing migration leaves nothing behind); a database that records a version this
code does not know was written by a newer release and is refused, never touched.

Several processes may start at once against one server (the sharded bot, `db upgrade` beside a starting bot):
each migration's transaction first takes a transaction-scoped advisory lock, then re-reads whether its
version is recorded, so the second process waits for the first and then skips what it applied.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from db.migrations import MIGRATIONS_DIR, Migration, available_migrations, newer_schema_error

if TYPE_CHECKING:
    import asyncpg

PG_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgresql"
# pg_advisory_xact_lock key: any constant the bot uses for nothing else ("studybot" in ASCII, as a bigint)
_LOCK_KEY = 0x7374756479626F74


async def applied_versions(connection: asyncpg.Connection) -> set[int]:
    exists = await connection.fetchval("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not exists:
        return set()
    return {int(row[0]) for row in await connection.fetch("SELECT version FROM schema_migrations")}


async def current_version(connection: asyncpg.Connection) -> int:
    return max(await applied_versions(connection), default=0)


async def refuse_newer_schema(connection: asyncpg.Connection, directory: Path = PG_MIGRATIONS_DIR) -> None:
    """Raise SchemaTooNewError if the database records a migration this code does not know. Reads only."""
    known = {m.version for m in available_migrations(directory)}
    unknown = await applied_versions(connection) - known
    if unknown:
        raise newer_schema_error(unknown, known)


async def apply_migrations(connection: asyncpg.Connection, *, target: int | None = None,
                           directory: Path = PG_MIGRATIONS_DIR) -> list[Migration]:
    """Apply every migration above the current version (up to target); return what was applied."""
    migrations = available_migrations(directory)
    await refuse_newer_schema(connection, directory)
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        await connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version BIGINT PRIMARY KEY, name TEXT COLLATE \"C\" NOT NULL, applied_at TEXT COLLATE \"C\" NOT NULL)"
        )
    applied = []
    for migration in migrations:
        if target is not None and migration.version > target:
            continue
        if await _apply_one(connection, migration):
            applied.append(migration)
    return applied


async def _apply_one(connection: asyncpg.Connection, migration: Migration) -> bool:
    """Apply one migration in one transaction under the advisory lock; False if it was already applied."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        if await connection.fetchval("SELECT 1 FROM schema_migrations WHERE version = $1", migration.version):
            return False  # applied before, or by another process while we waited for the lock
        await connection.execute(migration.sql)  # no arguments: the simple protocol runs several statements
        await connection.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            migration.version, migration.name, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
    return True
