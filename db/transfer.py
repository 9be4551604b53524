"""`python bot.py db migrate-to URL`: copy a SQLite database into an empty PostgreSQL database, then prove it.

What is guaranteed, in order:
1. The SQLite file is refused if another process has it open (a running bot: SQLite's own lock on its
   WAL index says so), if it is damaged, or if its schema is not at this release's head (`db upgrade` first).
2. The target is refused unless it is empty: no table the bot does not make, no row in any table the bot
   makes (a target already migrated by `db upgrade` but holding no rows is accepted). Nothing is written
   before both checks pass.
3. The target is migrated to head (db/migrations/postgres.py), then, in ONE transaction that first locks every
   table against other writers and checks again that they are empty: every table is
   copied parents first (foreign keys hold at every step) with COPY in batches, every identity sequence is
   set past the largest id copied, and every table is read back and compared with what was read from SQLite:
   its row count and an order-independent checksum of its rows. Any difference rolls the transaction back,
   so the target holds either the whole copy, proved, or no rows at all.

The checksum of a table is the sum modulo 2^256 of the SHA-256 of each row's canonical form (so neither side
needs a common sort order): integers as integers, text as text, NULL as NULL, and the JSON columns that
PostgreSQL keeps as JSONB (which normalises spacing and key order) in one canonical JSON spelling on both
sides.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.backup import refuse_damaged
from db.migrations import SchemaTooNewError, available_migrations
from db.migrations import postgres as pg_migrations
from db.migrations.schema import BOOKKEEPING, Table, parents_first, postgres_tables, sqlite_tables

if TYPE_CHECKING:
    import asyncpg

BATCH_ROWS = 5000
_MODULUS = 1 << 256
# The byte of the -shm file every SQLite connection to a WAL database holds a shared lock on while it is open
# (UNIX_SHM_DMS in SQLite's os_unix.c: 120 + 8 lock bytes). A process that can lock it exclusively is alone.
_SHM_DMS_BYTE = 128


class TransferError(Exception):
    """The copy was refused or failed; str() is one line for the operator. The target holds no copied row."""


@dataclass(frozen=True)
class TableReport:
    table: str
    source_rows: int
    source_checksum: str
    target_rows: int
    target_checksum: str

    @property
    def matches(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


@dataclass(frozen=True)
class TransferReport:
    tables: list[TableReport]
    sequences: dict[str, int]  # "table.column" -> the next value the sequence gives
    seconds: float

    @property
    def matches(self) -> bool:
        return all(table.matches for table in self.tables)

    @property
    def rows(self) -> int:
        return sum(table.source_rows for table in self.tables)


def sqlite_in_use(path: Path) -> bool:
    """True if another process has the SQLite database at `path` open in WAL mode (as the bot always does)."""
    try:
        descriptor = os.open(f"{path}-shm", os.O_RDWR)
    except FileNotFoundError:
        return False  # the last connection to close removes it; none is open
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(descriptor)


# ---- canonical values -----------------------------------------------------------------------------------------

def _as_integer(value: Any) -> Any:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise ValueError(f"{value!r} is not an integer")


def _as_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # what a TEXT column holds after SQLite's type affinity, had it been declared so
    raise ValueError(f"{type(value).__name__} value is not text")


def _as_json(value: Any) -> Any:
    if value is None:
        return None
    json.loads(value)  # PostgreSQL would refuse it; say which row first
    return value


def _canonical_json(value: Any) -> Any:
    return None if value is None else json.dumps(json.loads(value), sort_keys=True, separators=(",", ":"),
                                                 ensure_ascii=False)


_TO_TARGET: dict[str, Callable[[Any], Any]] = {"bigint": _as_integer, "integer": _as_integer, "smallint": _as_integer,
                                               "text": _as_text, "jsonb": _as_json}


class _Checksum:
    def __init__(self, canonical: list[Callable[[Any], Any]]) -> None:
        self.canonical = canonical
        self.rows = 0
        self.total = 0

    def add(self, row: Iterable[Any]) -> None:
        form = repr(tuple(fix(value) for fix, value in zip(self.canonical, row, strict=True)))
        self.total = (self.total + int.from_bytes(hashlib.sha256(form.encode()).digest(), "big")) % _MODULUS
        self.rows += 1

    @property
    def hex(self) -> str:
        return f"{self.total:064x}"[:16]


def _canonical_for(types: list[str]) -> list[Callable[[Any], Any]]:
    return [_canonical_json if kind == "jsonb" else (lambda value: value) for kind in types]


# ---- the checks before anything is written -------------------------------------------------------------------

def check_source(path: Path) -> None:
    """Refuse a missing, open, damaged or not-at-head SQLite database (TransferError, one line)."""
    if not path.is_file():
        raise TransferError(f"no SQLite database at {path} (give the file with --from FILE)")
    if sqlite_in_use(path):
        raise TransferError(f"{path} is open in another process: stop the bot first (the copy must not miss "
                            f"what it writes meanwhile)")
    refuse_damaged(path)
    with contextlib.closing(sqlite3.connect(path)) as connection:
        has_versions = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone()
        versions = {row[0] for row in connection.execute("SELECT version FROM schema_migrations")} \
            if has_versions else set()
    known = {m.version for m in available_migrations()}
    if versions - known:
        raise SchemaTooNewError(f"{path} has schema version {max(versions - known)}, newer than this release "
                                f"knows ({max(known)}): upgrade the bot first; nothing was copied")
    if known - versions:
        raise TransferError(f"{path} is at schema version {max(versions, default=0)}, not {max(known)}: run "
                            f"python bot.py db upgrade first (it keeps every row); nothing was copied")


async def check_target_empty(connection: asyncpg.Connection) -> None:
    """Refuse a target holding a table the bot does not make, or any row in one it makes."""
    ours = head_table_names() | BOOKKEEPING
    tables = await postgres_tables(connection)
    foreign = sorted(set(tables) - ours)
    if foreign:
        raise TransferError(f"the target database is not empty: it has tables the bot does not make "
                            f"({', '.join(foreign[:5])}{', …' if len(foreign) > 5 else ''}); give an empty "
                            f"database (createdb NAME); nothing was copied")
    for name in sorted(set(tables) - BOOKKEEPING):
        if await connection.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{name}")'):
            raise TransferError(f"the target database is not empty: table {name} has rows; give an empty "
                                f"database (createdb NAME); nothing was copied")


@functools.cache
def head_table_names() -> frozenset[str]:
    """The tables a database at head holds (built once, in memory, from the SQLite migrations)."""
    with contextlib.closing(sqlite3.connect(":memory:")) as connection:
        for migration in available_migrations():
            connection.executescript(migration.sql)
        return frozenset(sqlite_tables(connection))


# ---- the copy ----------------------------------------------------------------------------------------------

async def migrate_to(path: Path, connection: asyncpg.Connection, *, batch_rows: int = BATCH_ROWS,
                     progress: Callable[[str], None] | None = None) -> TransferReport:
    """Copy the SQLite database at `path` into the PostgreSQL database behind `connection` (see the module
    docstring for what is checked and guaranteed). Raises TransferError or SchemaTooNewError when refused;
    returns the per-table report, whose `matches` is False only if the transaction was rolled back."""
    say = progress or (lambda _: None)
    started = time.monotonic()
    check_source(path)
    await check_target_empty(connection)
    await pg_migrations.apply_migrations(connection)
    target = await postgres_tables(connection)
    with contextlib.closing(sqlite3.connect(path)) as source:
        source_tables = {name: table for name, table in sqlite_tables(source).items() if name not in BOOKKEEPING}
        for name, table in source_tables.items():
            if name not in target or target[name].column_names != table.column_names:
                raise TransferError(f"table {name} of {path} does not match the bot's schema (was it changed by "
                                    f"hand?); nothing was copied")
        order = parents_first(source_tables)
        reports: list[TableReport] = []
        sequences: dict[str, int] = {}
        transaction = connection.transaction()
        await transaction.start()
        try:
            # nobody else writes these tables until the commit (a bot started on the URL meanwhile waits), and
            # under that lock the target is still empty
            listed = ", ".join(f'"{name}"' for name in order)
            await connection.execute(f"LOCK TABLE {listed} IN EXCLUSIVE MODE")
            await check_target_empty(connection)
            for name in order:
                copied = await _copy_table(source, connection, target[name], batch_rows)
                say(f"copied {name}: {copied.rows:,} rows")
                reports.append(await _compare(source, connection, target[name], copied))
            sequences = await _set_sequences(connection)
            if not all(report.matches for report in reports):
                await transaction.rollback()
            else:
                await transaction.commit()
        except BaseException:
            await transaction.rollback()
            raise
    if all(report.matches for report in reports):
        await connection.execute("ANALYZE")  # the planner's statistics for the new rows, before the bot's first query
    return TransferReport(reports, sequences, time.monotonic() - started)


async def _copy_table(source: sqlite3.Connection, connection: asyncpg.Connection, table: Table,
                      batch_rows: int) -> _Checksum:
    columns = table.column_names
    types = [column.type for column in table.columns]
    convert = [_TO_TARGET[kind] for kind in types]
    checksum = _Checksum(_canonical_for(types))
    quoted = ", ".join(f'"{column}"' for column in columns)
    cursor = source.execute(f'SELECT {quoted} FROM "{table.name}"')
    while rows := cursor.fetchmany(batch_rows):
        records = []
        for row in rows:
            try:
                record = tuple(fix(value) for fix, value in zip(convert, row, strict=True))
            except ValueError as error:
                raise TransferError(f"table {table.name}: a row cannot be stored on PostgreSQL ({error}): "
                                    f"{_row_text(columns, row)}; nothing was copied") from None
            checksum.add(record)
            records.append(record)
        try:
            await connection.copy_records_to_table(table.name, records=records, columns=list(columns))
        except Exception as error:  # a constraint PostgreSQL enforces and this SQLite file did not
            raise TransferError(f"table {table.name}: PostgreSQL refused the copy ({type(error).__name__}: "
                                f"{error}); nothing was copied") from None
    return checksum


def _row_text(columns: tuple[str, ...], row: Iterable[Any]) -> str:
    text = ", ".join(f"{column}={value!r}" for column, value in zip(columns, row, strict=True))
    return text if len(text) <= 300 else text[:300] + "…"


async def _compare(source: sqlite3.Connection, connection: asyncpg.Connection, table: Table,
                   copied: _Checksum) -> TableReport:
    """Read the table back from PostgreSQL (inside the copy's transaction) and from SQLite's own count."""
    quoted = ", ".join(f'"{column}"' for column in table.column_names)
    readback = _Checksum(_canonical_for([column.type for column in table.columns]))
    async for record in connection.cursor(f'SELECT {quoted} FROM "{table.name}"', prefetch=BATCH_ROWS):
        readback.add(tuple(record))
    source_rows = source.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0]
    if source_rows != copied.rows:  # the file changed while it was read: someone writes to it
        return TableReport(table.name, source_rows, "changed-meanwhile", readback.rows, readback.hex)
    return TableReport(table.name, copied.rows, copied.hex, readback.rows, readback.hex)


async def _set_sequences(connection: asyncpg.Connection) -> dict[str, int]:
    """Every identity column's sequence gives the largest copied id + 1 next (1 for an empty table), as
    SQLite's rowid would."""
    rows = await connection.fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND is_identity = 'YES' ORDER BY table_name")
    sequences = {}
    for row in rows:
        table, column = row["table_name"], row["column_name"]
        following = await connection.fetchval(
            f'SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"')
        await connection.execute("SELECT setval(pg_get_serial_sequence($1, $2), $3, false)",
                                 f'"{table}"', column, following)
        sequences[f"{table}.{column}"] = following
    return sequences


def format_report(report: TransferReport, source: str, target: str) -> list[str]:
    """The lines `db migrate-to` prints: one per table with both sides, then the verdict."""
    width = max([len("table"), *(len(t.table) for t in report.tables)])
    lines = [f"{'table':<{width}}  {'sqlite rows':>12}  {'sqlite checksum':<16}  {'postgresql rows':>15}  "
             f"{'postgresql checksum':<19}"]
    for t in report.tables:
        lines.append(f"{t.table:<{width}}  {t.source_rows:>12,}  {t.source_checksum:<16}  {t.target_rows:>15,}  "
                     f"{t.target_checksum:<19}  {'ok' if t.matches else 'MISMATCH'}")
    if report.matches:
        lines.append(f"copied {len(report.tables)} tables, {report.rows:,} rows from {source} to {target} in "
                     f"{report.seconds:.1f} s; every row count and checksum matches; "
                     f"{len(report.sequences)} id sequences set")
    else:
        bad = ", ".join(t.table for t in report.tables if not t.matches)
        lines.append(f"MISMATCH in {bad}: the copy was rolled back, so {target} holds no rows; nothing in "
                     f"{source} was changed")
    return lines
