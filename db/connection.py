"""One aiosqlite connection per process, tuned for a bot: WAL, foreign keys, a busy timeout.

Writes go through `transaction()`, which holds a lock so concurrent handlers never interleave their
statements inside one another's transaction on the shared connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from db.migrations import apply_migrations, refuse_newer_schema

BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


class Database:
    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._write_lock = asyncio.Lock()
        self._batch: list[tuple[Callable[[sqlite3.Connection], Any], asyncio.Future[Any]]] = []
        self._batch_writer: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, path: Path, *, migrate: bool = True) -> Database:
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

    async def run_in_transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` with the raw connection inside one BEGIN IMMEDIATE … COMMIT, in aiosqlite's thread.

        Why: a hot path such as recording an answer needs several statements; running them in one hop to
        the database thread instead of one await per statement is what lets one connection sustain
        thousands of answers a second. aiosqlite has no public API for this, so this uses its
        `_execute`, which it has offered unchanged since 0.17.
        """

        def in_transaction(raw: sqlite3.Connection) -> T:
            raw.execute("BEGIN IMMEDIATE")
            try:
                result = work(raw)
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            return result

        async with self._write_lock:
            return await self.connection._execute(in_transaction, self.connection._conn)

    async def run_batched(self, work: Callable[[sqlite3.Connection], T]) -> T:
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
                            outcomes.append((True, work(raw)))
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
                    outcomes = await self.connection._execute(in_transaction, self.connection._conn)
            except Exception as error:  # the transaction failed as a whole: every caller in it learns why
                outcomes = [(False, error)] * len(batch)
            for (ok, value), (_, future) in zip(outcomes, batch, strict=True):
                if future.done():  # the caller was cancelled; its write stands, like run_in_transaction's
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    async def fetch_all(self, sql: str, parameters: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        # one hop to the database thread instead of three (execute, fetchall, close): same rows, less waiting
        return list(await self.connection.execute_fetchall(sql, tuple(parameters)))

    async def fetch_one(self, sql: str, parameters: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """The first row, for queries that return one (by key, an aggregate, LIMIT 1).

        One hop to the database thread, as fetch_all: a cursor's execute, fetchone and close were three, and
        with hundreds of members clicking, the hops (a thread switch and a wake-up of the loop each), not
        SQLite, were the cost of a Next click (bench/interactions_bench.py)."""
        rows = await self.connection.execute_fetchall(sql, tuple(parameters))
        return next(iter(rows), None)

    async def fetch_value(self, sql: str, parameters: Iterable[Any] = ()) -> Any:
        row = await self.fetch_one(sql, parameters)
        return None if row is None else row[0]
