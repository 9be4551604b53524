"""`python bot.py db migrate-to URL` on real files and a real PostgreSQL (tests/pg.py): every table and every row
arrives, ids and sequences carry on, both sides are compared; a busy file, a non-empty target and a failing
row are refused with one line and leave the target without a copied row. Also `check`, `db upgrade` and
`db backup` with database.url."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import aiosqlite
import asyncpg
import pytest

from db import transfer
from db.connection import Database
from db.migrations import apply_migrations, available_migrations
from db.migrations.schema import BOOKKEEPING, sqlite_tables
from db.transfer import TransferError, migrate_to
from tests.db.populated import TRICKY, populate

ROOT = Path(__file__).resolve().parents[2]
HEAD = available_migrations()[-1].version


async def sqlite_at_head(folder: Path) -> Path:
    path = folder / "bot.sqlite3"
    database = await Database.open(path)
    await database.close()
    return path


def config_file(folder: Path, database: str) -> Path:
    path = folder / "config.toml"
    path.write_text(f'[database]\n{database}\n[content]\ndirectory = "{ROOT / "content"}"\n', encoding="utf-8")
    return path


def bot(folder: Path, *args: str, database: str = 'path = "bot.sqlite3"') -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DATABASE_URL")}
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config_file(folder, database)),
                           *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


def one_clean_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def sqlite_rows(path: Path) -> dict[str, list[tuple]]:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        tables = sqlite_tables(connection)
        return {name: sorted((tuple(row) for row in connection.execute(f'SELECT * FROM "{name}"')), key=repr)
                for name in tables if name not in BOOKKEEPING}


async def postgres_rows(url: str, names) -> dict[str, list[tuple]]:
    connection = await asyncpg.connect(url)
    try:
        return {name: sorted((tuple(r) for r in await connection.fetch(f'SELECT * FROM "{name}"')), key=repr)
                for name in names}
    finally:
        await connection.close()


def same_json(a: str | None, b: str | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and json.loads(a) == json.loads(b))


async def test_every_table_and_row_arrives_and_both_sides_are_compared(tmp_path, pg_empty_url):
    path = await sqlite_at_head(tmp_path)
    counts = populate(path, extra={"answers": 12_000, "reminders": 3_000})
    assert set(counts) == {n for n in sqlite_rows(path)} and min(counts.values()) > 0  # every table has rows

    result = bot(tmp_path, "db", "migrate-to", pg_empty_url, "--batch", "1000")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for name, count in counts.items():  # one line per table with both counts and checksums, all ok
        line = next(line for line in result.stdout.splitlines() if line.startswith(f"{name} "))
        words = line.split()
        assert words[1] == words[3] == f"{count:,}", line
        assert words[2] == words[4] and words[-1] == "ok", line
    assert "every row count and checksum matches" in result.stdout

    # compared again here, independently of the command's own checksums: the same rows, value for value
    before, after = sqlite_rows(path), await postgres_rows(pg_empty_url, counts)
    for name in counts:
        if name == "reminders":  # JSONB normalises spacing and key order: compare the JSON, not its spelling
            key = lambda row: row[0]  # noqa: E731
            lite, post = sorted(before[name], key=key), sorted(after[name], key=key)
            assert len(lite) == len(post)
            for a, b in zip(lite, post, strict=True):
                assert a[:5] + a[6:11] + a[12:] == b[:5] + b[6:11] + b[12:]
                assert same_json(a[5], b[5]) and same_json(a[11], b[11])
        else:
            assert after[name] == before[name], name
    assert any(isinstance(value, str) and TRICKY in value for row in after["guild_questions"] for value in row)

    # ids carry on after the largest copied one, as SQLite's rowid would
    connection = await asyncpg.connect(pg_empty_url)
    try:
        largest = await connection.fetchval("SELECT MAX(id) FROM fee_entries")
        new_id = await connection.fetchval(
            "INSERT INTO fee_entries (guild_id, effective, member, non_member, added_by, added_at)"
            " VALUES (1, '2030-01-01', 1, 2, 1, 'now') RETURNING id")
        assert new_id == largest + 1
        assert await connection.fetchval("SELECT MAX(version) FROM schema_migrations") == HEAD
    finally:
        await connection.close()


async def test_a_target_with_rows_or_foreign_tables_is_refused_and_left_as_it_was(tmp_path, pg_url, pg_empty_url):
    path = await sqlite_at_head(tmp_path)
    populate(path, rows_per_table=2)
    connection = await asyncpg.connect(pg_url)
    try:
        await connection.execute("INSERT INTO guild_settings (guild_id, updated_at) VALUES (42, 'then')")
    finally:
        await connection.close()
    result = bot(tmp_path, "db", "migrate-to", pg_url)
    assert result.returncode == 1
    assert "not empty: table guild_settings has rows" in one_clean_line(result)
    rows = await postgres_rows(pg_url, ["guild_settings", "answers"])
    assert rows == {"guild_settings": [(42, None, None, "then", None, None, None, None, None, None)], "answers": []}

    connection = await asyncpg.connect(pg_empty_url)
    try:
        await connection.execute("CREATE TABLE invoices (id INTEGER)")
    finally:
        await connection.close()
    result = bot(tmp_path, "db", "migrate-to", pg_empty_url)
    assert result.returncode == 1
    assert "tables the bot does not make (invoices)" in one_clean_line(result)


async def test_a_target_already_migrated_but_empty_is_accepted(tmp_path, pg_url):
    path = await sqlite_at_head(tmp_path)
    populate(path, rows_per_table=3)
    result = bot(tmp_path, "db", "migrate-to", pg_url)
    assert result.returncode == 0, result.stderr


async def test_a_database_the_bot_has_open_is_refused(tmp_path, pg_empty_url):
    path = await sqlite_at_head(tmp_path)
    database = await Database.open(path)  # as a running bot holds it
    try:
        result = await asyncio.to_thread(bot, tmp_path, "db", "migrate-to", pg_empty_url)
    finally:
        await database.close()
    assert result.returncode == 1
    assert "is open in another process: stop the bot first" in one_clean_line(result)
    assert transfer.sqlite_in_use(path) is False  # closed: the check no longer objects


async def test_a_database_behind_head_is_sent_to_db_upgrade_first(tmp_path, pg_empty_url):
    path = tmp_path / "bot.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        await apply_migrations(connection, target=available_migrations()[-2].version)
    result = bot(tmp_path, "db", "migrate-to", pg_empty_url)
    assert result.returncode == 1
    assert "run python bot.py db upgrade first" in one_clean_line(result)


async def test_a_row_postgresql_refuses_leaves_no_row_behind(tmp_path, pg_empty_url):
    path = await sqlite_at_head(tmp_path)
    populate(path, rows_per_table=3)
    with contextlib.closing(sqlite3.connect(path)) as connection:  # SQLite text may hold NUL; PostgreSQL's cannot
        connection.execute("UPDATE question_flags SET reason = ? WHERE user_id = (SELECT MIN(user_id)"
                           " FROM question_flags)", ("a\x00b",))
        connection.commit()
    connection = await asyncpg.connect(pg_empty_url)
    try:
        with pytest.raises(TransferError, match=r"table question_flags: .*nothing was copied"):
            await migrate_to(path, connection)
        assert await connection.fetchval("SELECT count(*) FROM answers") == 0
        assert await connection.fetchval("SELECT count(*) FROM guild_settings") == 0
    finally:
        await connection.close()


async def test_a_mismatch_rolls_the_copy_back(tmp_path, pg_empty_url, monkeypatch):
    path = await sqlite_at_head(tmp_path)
    populate(path, rows_per_table=3)
    compare = transfer._compare

    async def one_table_differs(source, connection, table, copied):
        report = await compare(source, connection, table, copied)
        if table.name == "cards":
            return transfer.TableReport(report.table, report.source_rows, "0" * 16, report.target_rows,
                                        report.target_checksum)
        return report

    monkeypatch.setattr(transfer, "_compare", one_table_differs)
    connection = await asyncpg.connect(pg_empty_url)
    try:
        report = await migrate_to(path, connection)
        assert not report.matches
        assert [t.table for t in report.tables if not t.matches] == ["cards"]
        assert await connection.fetchval("SELECT count(*) FROM cards") == 0
        assert await connection.fetchval("SELECT count(*) FROM answers") == 0
    finally:
        await connection.close()
    lines = transfer.format_report(report, str(path), "target")
    assert lines[-1].startswith("MISMATCH in cards: the copy was rolled back")


async def test_bad_urls_and_an_unreachable_server_are_one_line(tmp_path):
    await sqlite_at_head(tmp_path)
    result = bot(tmp_path, "db", "migrate-to", "mysql://u:secret@h/db")
    assert result.returncode == 2
    line = one_clean_line(result)
    assert "must start with postgresql://" in line and "secret" not in line
    result = bot(tmp_path, "db", "migrate-to", "postgresql://u:secret@127.0.0.1:1/db")
    assert result.returncode == 1
    line = one_clean_line(result)
    assert "cannot reach the PostgreSQL server at 127.0.0.1" in line and "secret" not in line


async def test_check_upgrade_and_backup_with_database_url(tmp_path, pg_empty_url):
    url = f'url = "{pg_empty_url}"'
    result = bot(tmp_path, "check", database=url)
    assert result.returncode == 0, result.stderr
    assert f"schema version 0 of {HEAD} (no tables yet" in result.stdout
    result = bot(tmp_path, "db", "upgrade", database=url)
    assert result.returncode == 0, result.stderr
    assert f"is at schema version {HEAD}" in result.stdout
    result = bot(tmp_path, "check", database=url)
    assert f"schema version {HEAD} of {HEAD} (up to date)" in result.stdout
    result = bot(tmp_path, "db", "backup", str(tmp_path / "copy.sqlite3"), database=url)
    assert result.returncode == 2
    assert "copy.sqlite3" not in files(tmp_path) and "pg_dump --format=custom" in one_clean_line(result)
    missing = pg_empty_url.rsplit("/", 1)[0] + "/no_such_database"
    result = bot(tmp_path, "db", "upgrade", database=f'url = "{missing}"')
    assert result.returncode == 1
    assert "has no database 'no_such_database'; create it first" in one_clean_line(result)


def files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


@pytest.mark.parametrize("start", [m.version for m in available_migrations()[:-1]])
async def test_a_chapter_database_from_every_earlier_release_upgrades_and_moves_whole(tmp_path, pg_empty_url, start):
    """A file last written by an older release, with rows in every table it had: `db upgrade` keeps every row,
    and migrate-to then carries all of them (and the later tables, empty) to PostgreSQL."""
    path = tmp_path / "bot.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as connection:
        await apply_migrations(connection, target=start)
    counts = populate(path, rows_per_table=5)
    database = await Database.open(path)  # what the new release does at start
    await database.close()
    after = {name: len(rows) for name, rows in sqlite_rows(path).items()}
    assert {name: after[name] for name in counts} == counts
    connection = await asyncpg.connect(pg_empty_url)
    try:
        report = await migrate_to(path, connection)
    finally:
        await connection.close()
    assert report.matches
    assert {t.table: t.target_rows for t in report.tables} == after


async def test_a_writer_arriving_during_the_copy_waits_for_its_end_and_gets_the_next_id(tmp_path, pg_empty_url,
                                                                                         monkeypatch):
    """A bot started on the URL too early cannot slip rows into the copy: its write waits for the commit,
    then takes the id after the copied ones."""
    path = await sqlite_at_head(tmp_path)
    counts = populate(path, rows_per_table=3)
    other = await asyncpg.connect(pg_empty_url)
    writes: list[asyncio.Task] = []
    copy = transfer._copy_table

    async def copy_meeting_a_writer(source, connection, table, batch_rows):
        if not writes:
            writes.append(asyncio.create_task(other.fetchval(
                "INSERT INTO answers (guild_id, user_id, question_id, module, topic, correct, source, answered_at)"
                " VALUES (1, 2, 'q', 'm', 't', 1, 'quiz', 3) RETURNING id")))
            await asyncio.sleep(0.5)
            assert not writes[0].done()  # waiting on the copy's lock
        return await copy(source, connection, table, batch_rows)

    monkeypatch.setattr(transfer, "_copy_table", copy_meeting_a_writer)
    connection = await asyncpg.connect(pg_empty_url)
    try:
        report = await migrate_to(path, connection)
        new_id = await asyncio.wait_for(writes[0], 10)
        assert report.matches
        assert await connection.fetchval("SELECT count(*) FROM answers") == counts["answers"] + 1
        assert new_id == max(row[0] for row in sqlite_rows(path)["answers"]) + 1
    finally:
        await connection.close()
        await other.close()
