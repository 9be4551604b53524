"""Database.run_batched: concurrent writes share a transaction, yet each one fails or succeeds alone."""

import asyncio

import pytest

from db import work as q
from db.connection import Database


async def test_concurrent_batched_writes_commit_and_a_failing_one_is_rolled_back_alone(db: Database):
    await db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")

    def insert(n: int):
        def work() -> q.Work[int]:
            yield q.execute("INSERT INTO t (n) VALUES (?)", (n,))
            if n == 13:
                raise ValueError("unlucky")  # after its insert: the savepoint must undo it
            return n

        return work

    results = await asyncio.gather(*(db.run_batched(insert(n)) for n in range(30)), return_exceptions=True)
    assert next(r for r in results if isinstance(r, Exception)).args == ("unlucky",)
    assert [r for r in results if not isinstance(r, Exception)] == [n for n in range(30) if n != 13]
    with pytest.raises(db.integrity_error):  # a duplicate key fails its caller only
        await db.run_batched(insert(5))
    assert await db.fetch_value("SELECT COUNT(*) FROM t") == 29
    assert await db.fetch_value("SELECT COUNT(*) FROM t WHERE n = 13") == 0
    other = await Database.open(db.target, migrate=False)  # committed, not just visible on the connection
    try:
        assert await other.fetch_value("SELECT COUNT(*) FROM t") == 29
    finally:
        await other.close()
