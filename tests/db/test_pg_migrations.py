"""The PostgreSQL migrations on a real server (tests/pg.py): twins of SQLite's files that build the same schema,
from an empty database and from every earlier version, refusing a newer one, atomic, safe to run twice at once."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from db.connection import Database
from db.migrations import SchemaTooNewError, available_migrations
from db.migrations import postgres as pg
from db.migrations.schema import parents_first, postgres_indexes, postgres_tables, sqlite_indexes, sqlite_tables

HEAD = available_migrations()[-1].version
# what a SQLite column type becomes on PostgreSQL (JSONB where SQLite checks json_valid): README.md there
TWIN_TYPES = {"integer": {"bigint"}, "text": {"text", "jsonb"}}


def test_every_migration_has_a_postgresql_twin_with_the_same_number_and_name():
    sqlite_files = [(m.version, m.name) for m in available_migrations()]
    postgres_files = [(m.version, m.name) for m in available_migrations(pg.PG_MIGRATIONS_DIR)]
    assert postgres_files == sqlite_files


async def test_an_empty_database_is_brought_to_head(pg_empty_url):
    connection = await asyncpg.connect(pg_empty_url)
    try:
        applied = await pg.apply_migrations(connection)
        assert [m.version for m in applied] == [m.version for m in available_migrations()]
        assert await pg.current_version(connection) == HEAD
        assert await pg.apply_migrations(connection) == []  # a second run has nothing to do
    finally:
        await connection.close()


@pytest.mark.parametrize("start", [m.version for m in available_migrations()[:-1]])
async def test_upgrade_from_each_earlier_version(pg_empty_url, start):
    connection = await asyncpg.connect(pg_empty_url)
    try:
        await pg.apply_migrations(connection, target=start)
        assert await pg.current_version(connection) == start
        await pg.apply_migrations(connection)
        versions = [row[0] for row in await connection.fetch("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == [m.version for m in available_migrations()]
    finally:
        await connection.close()


async def test_both_backends_build_the_same_tables_columns_keys_and_indexes(tmp_path: Path, pg_url):
    database = await Database.open(tmp_path / "bot.sqlite3")
    await database.close()
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        lite, lite_indexes = sqlite_tables(conn), sqlite_indexes(conn)
    conn.close()
    connection = await asyncpg.connect(pg_url)
    try:
        post, post_indexes = await postgres_tables(connection), await postgres_indexes(connection)
    finally:
        await connection.close()
    assert sorted(post) == sorted(lite)
    for name, table in lite.items():
        twin = post[name]
        assert twin.column_names == table.column_names, name  # same order: SELECT * reads alike
        for column, twin_column in zip(table.columns, twin.columns, strict=True):
            assert twin_column.type in TWIN_TYPES[column.type], (name, column, twin_column)
            assert twin_column.not_null == column.not_null, (name, column.name)
        assert twin.primary_key == table.primary_key, name
        assert twin.foreign_keys == table.foreign_keys, name
    assert post_indexes == lite_indexes
    assert parents_first(post) == parents_first(lite)


async def test_text_sorts_bytewise_whatever_the_servers_default_collation(pg_url):
    """ORDER BY on text gives SQLite's order (byte order, BINARY) because every text column says COLLATE "C",
    not because the test cluster happens to be initialised with --locale=C."""
    connection = await asyncpg.connect(pg_url)
    try:
        others = await connection.fetch(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND data_type = 'text' AND collation_name IS DISTINCT FROM 'C'")
    finally:
        await connection.close()
    assert [tuple(row) for row in others] == []


async def test_database_from_a_newer_release_is_refused_and_untouched(pg_url):
    connection = await asyncpg.connect(pg_url)
    try:
        await connection.execute("INSERT INTO schema_migrations VALUES ($1, 'from_the_future', 'x')", HEAD + 1)
        before = await connection.fetch("SELECT * FROM schema_migrations ORDER BY version")
        with pytest.raises(SchemaTooNewError, match="newer release"):
            await pg.apply_migrations(connection)
        assert await connection.fetch("SELECT * FROM schema_migrations ORDER BY version") == before
    finally:
        await connection.close()


async def test_a_failing_migration_leaves_nothing_behind(pg_empty_url, tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);")
    (migrations / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nINSERT INTO nope VALUES (1);")
    connection = await asyncpg.connect(pg_empty_url)
    try:
        with pytest.raises(asyncpg.UndefinedTableError):
            await pg.apply_migrations(connection, directory=migrations)
        assert await pg.current_version(connection) == 1
        assert await connection.fetchval("SELECT to_regclass('b')") is None
    finally:
        await connection.close()


async def test_a_migration_merged_below_the_newest_is_still_applied(pg_empty_url, tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (migrations / "0003_c.sql").write_text("CREATE TABLE c (x INTEGER);")
    connection = await asyncpg.connect(pg_empty_url)
    try:
        await pg.apply_migrations(connection, directory=migrations)
        (migrations / "0002_b.sql").write_text("CREATE TABLE b (x INTEGER);")
        applied = await pg.apply_migrations(connection, directory=migrations)
        assert [m.version for m in applied] == [2]
    finally:
        await connection.close()


async def test_four_processes_migrating_at_once_apply_each_migration_once(pg_empty_url):
    connections = [await asyncpg.connect(pg_empty_url) for _ in range(4)]
    try:
        results = await asyncio.gather(*(pg.apply_migrations(c) for c in connections))
        assert sorted(m.version for applied in results for m in applied) == [m.version for m in
                                                                             available_migrations()]
        assert await pg.current_version(connections[0]) == HEAD
    finally:
        for connection in connections:
            await connection.close()


def test_a_table_with_two_foreign_keys_is_described():
    # both backends' descriptions sort a table's foreign keys: that needs ForeignKey to be orderable
    connection = sqlite3.connect(":memory:")
    connection.executescript("CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY);"
                             "CREATE TABLE c (a_id INTEGER REFERENCES a (id), b_id INTEGER REFERENCES b (id));")
    keys = sqlite_tables(connection)["c"].foreign_keys
    assert [(k.columns, k.table) for k in keys] == [(("a_id",), "a"), (("b_id",), "b")]
