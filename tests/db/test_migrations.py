import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from db.backup import backup_database
from db.connection import Database
from db.migrations import SchemaTooNewError, apply_migrations, available_migrations, current_version


def tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


async def test_fresh_database_gets_every_migration_and_pragmas(tmp_path):
    path = tmp_path / "sub" / "bot.sqlite3"
    db = await Database.open(path)
    try:
        assert await current_version(db.connection) == available_migrations()[-1].version
        assert await db.fetch_value("PRAGMA journal_mode") == "wal"
        assert await db.fetch_value("PRAGMA foreign_keys") == 1
        assert await db.fetch_value("PRAGMA busy_timeout") == 5000
    finally:
        await db.close()
    assert {"schema_migrations", "guild_settings", "fee_entries"} <= tables(path)


@pytest.mark.parametrize("start", [0] + [m.version for m in available_migrations()[:-1]])
async def test_upgrade_from_each_earlier_version(tmp_path, start):
    path = tmp_path / "bot.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await apply_migrations(conn, target=start)
        assert await current_version(conn) == start
    db = await Database.open(path)
    try:
        assert await current_version(db.connection) == available_migrations()[-1].version
        versions = [row[0] for row in await db.fetch_all("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == [m.version for m in available_migrations()]
    finally:
        await db.close()


async def database_from_a_newer_release(path: Path) -> None:
    """A database that records one migration more than this code knows."""
    db = await Database.open(path)
    newest = available_migrations()[-1].version
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO schema_migrations VALUES (?, 'from_the_future', 'x')", (newest + 1,))
    await db.close()


async def test_a_newer_database_not_in_wal_mode_is_left_byte_for_byte(tmp_path):
    path = tmp_path / "bot.sqlite3"
    await database_from_a_newer_release(path)
    with sqlite3.connect(path) as conn:  # as a newer release might leave it: rollback journal, not WAL
        conn.execute("PRAGMA journal_mode=DELETE")
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError):
        await Database.open(path)
    assert path.read_bytes() == before
    assert not (tmp_path / "bot.sqlite3-wal").exists()


async def test_database_from_a_newer_release_is_refused_and_untouched(tmp_path):
    path = tmp_path / "bot.sqlite3"
    await database_from_a_newer_release(path)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="newer release"):
        await Database.open(path)
    assert path.read_bytes() == before


async def test_a_failing_migration_leaves_nothing_behind(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_good.sql").write_text("CREATE TABLE a (x INTEGER);")
    (migrations / "0002_bad.sql").write_text("CREATE TABLE b (x INTEGER);\nINSERT INTO nope VALUES (1);")
    async with aiosqlite.connect(tmp_path / "bot.sqlite3", isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await apply_migrations(conn, directory=migrations)
        assert await current_version(conn) == 1
    assert "b" not in tables(tmp_path / "bot.sqlite3")


async def test_online_backup_is_a_consistent_copy(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO guild_settings (guild_id, timezone, updated_at) VALUES (1, 'UTC', 'now')")
    # the bot stays open (WAL not checkpointed) while the copy is made
    backup_database(tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3")
    await db.close()
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        assert copy.execute("SELECT timezone FROM guild_settings WHERE guild_id = 1").fetchone() == ("UTC",)
    with pytest.raises(FileExistsError):
        backup_database(tmp_path / "bot.sqlite3", tmp_path / "copy.sqlite3")


async def test_a_migration_merged_below_the_newest_is_still_applied(tmp_path):
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_a.sql").write_text("CREATE TABLE a (x INTEGER);")
    (migrations / "0003_c.sql").write_text("CREATE TABLE c (x INTEGER);")
    async with aiosqlite.connect(tmp_path / "bot.sqlite3", isolation_level=None) as conn:
        await apply_migrations(conn, directory=migrations)
        (migrations / "0002_b.sql").write_text("CREATE TABLE b (x INTEGER);")
        applied = await apply_migrations(conn, directory=migrations)
        assert [m.version for m in applied] == [2]
    assert {"a", "b", "c"} <= tables(tmp_path / "bot.sqlite3")
