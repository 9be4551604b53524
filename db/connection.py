"""The database: SQLite (one aiosqlite connection, the default) or PostgreSQL (an asyncpg pool).

`Database.open(path)` opens SQLite; `Database.open("postgresql://…")` connects to PostgreSQL. Both offer the
same API, and every function in db/ is written once against it:

- `fetch_all`, `fetch_one`, `fetch_value`: one read statement;
- `execute`: one write statement in its own transaction, returning the rows changed;
- `run_in_transaction(work)`: a unit of work (db.work: a generator yielding statements) in one transaction;
- `run_batched(work)`: the same, group-committed with other works queued meanwhile (SQLite; on PostgreSQL
  each work is its own READ COMMITTED transaction, concurrency coming from the pool: a batched work is a
  short write guarded by its own conditional UPDATE or key, and locks what it reads to write back with
  `dialect.lock_rows`);
- `dialect`: the SQL fragments that differ between the two (db.dialect).

How a transaction is isolated:
- SQLite: BEGIN IMMEDIATE under one lock per process: writers run one at a time, as if serial.
- PostgreSQL: SERIALIZABLE, so a work written for serial writers stays correct with many connections and
  many processes; a serialization failure (or deadlock) runs the work again from its start, up to
  RETRIES times. A work that claims rows with `dialect.claim_rows` (FOR UPDATE SKIP LOCKED) runs with
  `locking=True` under READ COMMITTED instead: its row locks, not predicate locks, keep claimers apart.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import aiosqlite

from db.dialect import POSTGRES, SQLITE, Dialect, bind, numeric, to_dollar
from db.migrations import apply_migrations, refuse_newer_schema
from db.work import ForeignKey, Kind, Row, SchemaInfo, Statement, Work, WorkFunction

BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class Database:
    """What every db/ function takes. Open one with `Database.open`; the backend is chosen by the target."""

    dialect: ClassVar[Dialect]
    target: Path | str  # what Database.open was given: a SQLite path or a PostgreSQL URL

    @classmethod
    async def open(cls, target: Path | str, *, migrate: bool = True) -> Database:
        """A PostgreSQL URL connects to that server; anything else is a SQLite file path (created if needed).
        The schema is brought up to date unless `migrate` is False."""
        if is_postgres_url(target):
            return await PostgresDatabase.connect(str(target), migrate=migrate)
        return await SqliteDatabase.open_file(Path(target), migrate=migrate)

    @property
    def is_postgres(self) -> bool:
        return self.dialect is POSTGRES

    @property
    def integrity_error(self) -> type[Exception]:
        """What a violated constraint raises on this backend (sqlite3.IntegrityError or asyncpg's)."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def fetch_all(self, sql: str, parameters: Any = ()) -> list[Row]:
        raise NotImplementedError

    async def fetch_one(self, sql: str, parameters: Any = ()) -> Row | None:
        """The first row, for queries that return one (by key, an aggregate, LIMIT 1)."""
        raise NotImplementedError

    async def fetch_value(self, sql: str, parameters: Any = ()) -> Any:
        row = await self.fetch_one(sql, parameters)
        return None if row is None else row[0]

    async def execute(self, sql: str, parameters: Any = ()) -> int:
        """One write statement in its own transaction; the rows it changed."""
        raise NotImplementedError

    async def run_in_transaction(self, work: WorkFunction[T], *, locking: bool = False) -> T:
        raise NotImplementedError

    async def run_batched(self, work: WorkFunction[T]) -> T:
        raise NotImplementedError

    def transaction(self) -> Any:
        """`async with db.transaction() as conn: await conn.execute(sql, parameters)`: raw statements in one
        transaction, for tests and tools. Query modules use run_in_transaction."""
        raise NotImplementedError


# ---- SQLite ---------------------------------------------------------------------------------------------------

def _sqlite_schema(raw: sqlite3.Connection) -> SchemaInfo:
    def quote(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    tables = tuple(row[0] for row in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"))
    info = SchemaInfo(tables)
    for table in tables:
        columns = list(raw.execute(f"PRAGMA table_info({quote(table)})"))
        info.columns[table] = [row[1] for row in columns]
        info.primary[table] = tuple(row[1] for row in sorted(columns, key=lambda r: r[5]) if row[5] > 0)
        grouped: dict[int, list[tuple[str, str, str | None]]] = {}
        for row in raw.execute(f"PRAGMA foreign_key_list({quote(table)})"):
            # (id, seq, parent table, from column, to column, ...)
            grouped.setdefault(row[0], []).append((row[2], row[3], row[4]))
        info.foreign_keys[table] = [
            ForeignKey(parts[0][0], tuple(f for _, f, _ in parts),
                       tuple(to for _, _, to in parts if to) if all(to for _, _, to in parts) else ())
            for parts in grouped.values()]
    return info


_EXECUTE, _FETCH_ONE, _FETCH_VALUE, _FETCH_ALL, _EXECUTE_MANY, _SCHEMA = (
    Kind.EXECUTE, Kind.FETCH_ONE, Kind.FETCH_VALUE, Kind.FETCH_ALL, Kind.EXECUTE_MANY, Kind.SCHEMA)


def _run_on_sqlite(raw: sqlite3.Connection, work: Work[T]) -> T:
    """Drive a work synchronously on the raw connection, in aiosqlite's thread (db.work.run_sync, inlined:
    this loop runs for every statement of every answer)."""
    try:
        kind, sql, parameters = next(work)
        while True:
            try:
                if kind == _EXECUTE:
                    result: Any = raw.execute(sql, parameters).rowcount
                elif kind == _FETCH_ONE:
                    result = raw.execute(sql, parameters).fetchone()
                elif kind == _FETCH_VALUE:
                    row = raw.execute(sql, parameters).fetchone()
                    result = None if row is None else row[0]
                elif kind == _FETCH_ALL:
                    result = raw.execute(sql, parameters).fetchall()
                elif kind == _EXECUTE_MANY:
                    raw.executemany(sql, parameters)
                    result = None
                elif kind == _SCHEMA:
                    result = _sqlite_schema(raw)
                else:
                    raise ValueError(f"unknown statement kind {kind!r}")
            except Exception as error:  # the work sees the failure where it made the statement
                kind, sql, parameters = work.throw(error)
            else:
                kind, sql, parameters = work.send(result)
    except StopIteration as done:
        return done.value


class SqliteDatabase(Database):
    """One aiosqlite connection per process, tuned for a bot: WAL, foreign keys, a busy timeout.

    Writes hold a lock so concurrent handlers never interleave their statements inside one another's
    transaction on the shared connection.
    """

    dialect = SQLITE
    integrity_error = sqlite3.IntegrityError

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self.target: Path | str = path
        self._write_lock = asyncio.Lock()
        self._batch: list[tuple[WorkFunction[Any], asyncio.Future[Any]]] = []
        self._batch_writer: asyncio.Task[None] | None = None

    @classmethod
    async def open_file(cls, path: Path, *, migrate: bool = True) -> SqliteDatabase:
        """Open (creating the folder and file if needed) and bring the schema up to date."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        try:
            await connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # before anything writes (switching to WAL rewrites the header): a newer release's file stays as it was
            await refuse_newer_schema(connection)
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA synchronous=NORMAL")
            database = cls(connection, path)
            if migrate:
                await apply_migrations(connection)
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        if self._batch_writer is not None and not self._batch_writer.done():
            await self._batch_writer  # acknowledged writes are committed before the connection goes
        await self.connection.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error."""
        async with self._write_lock:
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            else:
                await self.connection.execute("COMMIT")

    async def _in_thread(self, function: Callable[[sqlite3.Connection], T]) -> T:
        # aiosqlite has no public "run this on the connection's thread"; `_execute` has been there unchanged
        # since 0.17 (the datasette pattern: one object owns the write connection and its thread)
        return await self.connection._execute(function, self.connection._conn)

    async def run_in_transaction(self, work: WorkFunction[T], *, locking: bool = False) -> T:
        """Run the work inside one BEGIN IMMEDIATE … COMMIT, in aiosqlite's thread.

        Why: a hot path such as recording an answer needs several statements; running them in one hop to
        the database thread instead of one await per statement is what lets one connection sustain
        thousands of answers a second. (`locking` matters to PostgreSQL only: here every writer is alone.)
        """

        def in_transaction(raw: sqlite3.Connection) -> T:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = _run_on_sqlite(raw, work())
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            return result

        async with self._write_lock:
            return await self._in_thread(in_transaction)

    async def execute(self, sql: str, parameters: Any = ()) -> int:
        def one(raw: sqlite3.Connection) -> int:
            raw.execute("BEGIN IMMEDIATE")
            try:
                count = raw.execute(sql, parameters).rowcount
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            return count

        async with self._write_lock:
            return await self._in_thread(one)

    async def run_batched(self, work: WorkFunction[T]) -> T:
        """Like run_in_transaction, but calls made while a batch is being written share the next transaction.

        Why: group commit. Under a burst (50 members clicking answers) one hop and one COMMIT serve every
        answer queued meanwhile, instead of one each. Each work runs inside its own SAVEPOINT, so one that
        raises is rolled back alone and its caller gets the exception; the others still commit. A caller
        is answered only after the COMMIT, so an acknowledged write is never lost.
        """
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._batch.append((work, future))
        if self._batch_writer is None or self._batch_writer.done():
            self._batch_writer = asyncio.create_task(self._write_batches())
        return await future

    async def _write_batches(self) -> None:
        while self._batch:
            batch, self._batch = self._batch, []

            def in_transaction(raw: sqlite3.Connection, works=tuple(work for work, _ in batch)) -> list:
                outcomes: list[tuple[bool, Any]] = []

                raw.execute("BEGIN IMMEDIATE")
                try:
                    for work in works:
                        raw.execute("SAVEPOINT batched_work")
                        try:
                            outcomes.append((True, _run_on_sqlite(raw, work())))
                        except Exception as error:
                            raw.execute("ROLLBACK TO batched_work")
                            outcomes.append((False, error))
                        raw.execute("RELEASE batched_work")
                except BaseException:
                    raw.execute("ROLLBACK")
                    raise
                raw.execute("COMMIT")
                return outcomes

            try:
                async with self._write_lock:
                    outcomes = await self._in_thread(in_transaction)
            except Exception as error:  # the transaction failed as a whole: every caller in it learns why
                outcomes = [(False, error)] * len(batch)
            for (ok, value), (_, future) in zip(outcomes, batch, strict=True):
                if future.done():  # the caller was cancelled; its write stands, like run_in_transaction's
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def fetch_all(self, sql: str, parameters: Any = ()) -> list[Row]:
        # one hop to the database thread instead of three (execute, fetchall, close): same rows, less waiting
        return list(await self.connection.execute_fetchall(sql, _sqlite_parameters(parameters)))

    async def fetch_one(self, sql: str, parameters: Any = ()) -> Row | None:
        """One hop to the database thread, as fetch_all: a cursor's execute, fetchone and close were three, and
        with hundreds of members clicking, the hops (a thread switch and a wake-up of the loop each), not
        SQLite, were the cost of a Next click (bench/interactions_bench.py)."""
        rows = await self.connection.execute_fetchall(sql, _sqlite_parameters(parameters))
        return next(iter(rows), None)


def _sqlite_parameters(parameters: Any) -> Any:
    return parameters if isinstance(parameters, dict) else tuple(parameters)


# ---- PostgreSQL -----------------------------------------------------------------------------------------------

RETRIES = 20

_PG_SCHEMA_SQL = {
    "tables": "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
              " AND table_type = 'BASE TABLE' ORDER BY table_name",
    "columns": "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()"
               " ORDER BY table_name, ordinal_position",
    # every primary and foreign key of the schema, columns in key order
    "keys": "SELECT c.contype::text AS contype, child.relname AS child, parent.relname AS parent,"
            " ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)"
            "       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,"
            " ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)"
            "       JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[]"
            "       AS parent_cols"
            " FROM pg_constraint c JOIN pg_class child ON child.oid = c.conrelid"
            " LEFT JOIN pg_class parent ON parent.oid = c.confrelid"
            " WHERE c.contype IN ('p', 'f') AND child.relnamespace = current_schema()::regnamespace ORDER BY c.oid",
}


async def _postgres_schema(connection: Any) -> SchemaInfo:
    tables = tuple(row[0] for row in await connection.fetch(_PG_SCHEMA_SQL["tables"]))
    info = SchemaInfo(tables, {t: [] for t in tables}, {t: () for t in tables}, {t: [] for t in tables})
    for row in await connection.fetch(_PG_SCHEMA_SQL["columns"]):
        if row[0] in info.columns:
            info.columns[row[0]].append(row[1])
    for row in await connection.fetch(_PG_SCHEMA_SQL["keys"]):
        if row["child"] not in info.columns:
            continue
        if row["contype"] == "p":
            info.primary[row["child"]] = tuple(row["cols"])
        else:
            info.foreign_keys[row["child"]].append(
                ForeignKey(row["parent"], tuple(row["cols"]), tuple(row["parent_cols"])))
    return info


def _row_count(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


async def _postgres_statement(connection: Any, statement: Statement) -> Any:
    kind, sql, parameters = statement
    if kind == Kind.SCHEMA:
        return await _postgres_schema(connection)
    translated = to_dollar(sql)
    if kind == Kind.EXECUTE_MANY:
        await connection.executemany(translated.sql, [bind(translated, p) for p in parameters])
        return None
    arguments = bind(translated, parameters)
    if kind == Kind.EXECUTE:
        return _row_count(await connection.execute(translated.sql, *arguments))
    if kind == Kind.FETCH_ALL:
        return await connection.fetch(translated.sql, *arguments)
    if kind == Kind.FETCH_ONE:
        return await connection.fetchrow(translated.sql, *arguments)
    if kind == Kind.FETCH_VALUE:
        return await connection.fetchval(translated.sql, *arguments)
    raise ValueError(f"unknown statement kind {kind}")


async def _run_async(connection: Any, work: Any) -> Any:
    """Drive a work with one await per statement (the async twin of db.work.run_sync)."""
    try:
        statement = next(work)
        while True:
            try:
                result = await _postgres_statement(connection, statement)
            except Exception as error:
                statement = work.throw(error)
            else:
                statement = work.send(result)
    except StopIteration as done:
        return done.value


class _PostgresExecutor:
    """What `transaction()` yields on PostgreSQL: `execute`/`executemany`/`fetch_*` with `?` placeholders."""

    def __init__(self, connection: Any) -> None:
        self.raw = connection

    async def execute(self, sql: str, parameters: Any = ()) -> Any:
        translated = to_dollar(sql)
        return _Result(_row_count(await self.raw.execute(translated.sql, *bind(translated, parameters))))

    async def executemany(self, sql: str, rows: Iterable[Any]) -> None:
        translated = to_dollar(sql)
        await self.raw.executemany(translated.sql, [bind(translated, p) for p in rows])

    async def fetch_all(self, sql: str, parameters: Any = ()) -> list[Row]:
        translated = to_dollar(sql)
        return await self.raw.fetch(translated.sql, *bind(translated, parameters))


class _Result:
    def __init__(self, rowcount: int) -> None:
        self.rowcount = rowcount


async def _keep_session(connection: Any) -> None:
    """On release to the pool: nothing to reset. The bot sets no session state (no SET, LISTEN, cursor or
    session-level advisory lock), and asyncpg's default reset is one more round trip per transaction."""


async def _init_connection(connection: Any) -> None:
    await connection.set_type_codec("numeric", schema="pg_catalog", encoder=str, decoder=numeric, format="text")


class PostgresDatabase(Database):
    """An asyncpg pool. Several processes may share the database (see the module docstring on isolation)."""

    dialect = POSTGRES

    def __init__(self, pool: Any, url: str) -> None:
        self.pool = pool
        self.url = url
        self.target: Path | str = url

    @property
    def integrity_error(self) -> type[Exception]:
        import asyncpg

        return asyncpg.IntegrityConstraintViolationError

    @classmethod
    async def connect(cls, url: str, *, migrate: bool = True, min_size: int = 1,
                      max_size: int = 10) -> PostgresDatabase:
        import asyncpg  # only a PostgreSQL deployment needs it loaded

        pool = await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, init=_init_connection,
                                         reset=_keep_session, statement_cache_size=1024)
        database = cls(pool, url)
        try:
            if migrate:
                await database.migrate()
        except BaseException:
            await pool.close()
            raise
        return database

    async def migrate(self) -> None:
        from db.migrations import postgres as migrations  # pg-schema's runner and files

        async with self.pool.acquire() as connection:
            await migrations.apply_migrations(connection)

    async def close(self) -> None:
        await self.pool.close()

    async def fetch_all(self, sql: str, parameters: Any = ()) -> list[Row]:
        translated = to_dollar(sql)
        return await self.pool.fetch(translated.sql, *bind(translated, parameters))

    async def fetch_one(self, sql: str, parameters: Any = ()) -> Row | None:
        translated = to_dollar(sql)
        return await self.pool.fetchrow(translated.sql, *bind(translated, parameters))

    async def fetch_value(self, sql: str, parameters: Any = ()) -> Any:
        translated = to_dollar(sql)
        return await self.pool.fetchval(translated.sql, *bind(translated, parameters))

    async def execute(self, sql: str, parameters: Any = ()) -> int:
        # one statement is atomic on its own: no need for SERIALIZABLE and retries
        translated = to_dollar(sql)
        return _row_count(await self.pool.execute(translated.sql, *bind(translated, parameters)))

    async def run_in_transaction(self, work: WorkFunction[T], *, locking: bool = False) -> T:
        import asyncpg

        isolation = "read_committed" if locking else "serializable"
        for attempt in range(RETRIES):
            try:
                async with self.pool.acquire() as connection, connection.transaction(isolation=isolation):
                    return await _run_async(connection, work())
            except (asyncpg.SerializationError, asyncpg.DeadlockDetectedError):
                if attempt == RETRIES - 1:
                    raise
                await asyncio.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # let the winner commit
        raise AssertionError("unreachable")

    async def run_batched(self, work: WorkFunction[T]) -> T:
        # the answer path: 50 members clicking at once made SERIALIZABLE abort a quarter of the transactions
        # (predicate locks on small index pages); these works keep themselves apart with row locks instead
        return await self.run_in_transaction(work, locking=True)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_PostgresExecutor]:
        async with self.pool.acquire() as connection, connection.transaction():
            yield _PostgresExecutor(connection)
