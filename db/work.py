"""Transactions as plain generators: one body per query function, run by either backend.

A unit of work is a function that, called with no arguments, returns a generator. The generator *yields*
statements and *receives* their results; it never touches a connection (sans-IO):

    def claim(post_id: int, user_id: int) -> Work[bool]:
        inserted = yield q.execute("INSERT INTO t (a, b) VALUES (?, ?) ON CONFLICT DO NOTHING", (post_id, user_id))
        return inserted > 0

    await db.run_in_transaction(lambda: claim(1, 2))

Why: SQLite's speed comes from running a whole transaction in one hop to aiosqlite's thread (and many
answers in one group commit), which needs a *synchronous* callback; asyncpg needs an *await* per statement.
A generator serves both: the SQLite backend drives it synchronously inside its thread, the PostgreSQL
backend drives it with an await per statement. The query module writes its SQL and logic once.

Rules for a work:
- It is called again from the start if PostgreSQL reports a serialization failure, so it has no effect but
  its statements (build messages, call Discord and the like after the transaction).
- A statement that fails raises inside the work (so try/finally works), but on PostgreSQL the transaction
  is then aborted: never catch a database error and go on. Write `ON CONFLICT DO NOTHING` and check the
  row count instead of catching a unique violation.
- SQL uses `?` (or `?NNN`, or `:name` with a dict); the backend translates. Write portable SQL; where the
  dialects truly differ, take the fragment from `db.dialect` (`db.dialect.json_eq(...)`, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Row(Protocol):
    """A result row: sqlite3.Row and asyncpg.Record both index by position and by column name."""

    def __getitem__(self, key: int | str, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...
    def keys(self) -> Any: ...


Parameters = Sequence[Any] | Mapping[str, Any]


class Kind:
    """What a statement asks for (plain strings, not an Enum: an Enum's hash is Python code, and the hot path
    looks a kind up several times per answer)."""

    EXECUTE = "execute"        # -> rows changed (int)
    EXECUTE_MANY = "many"      # -> None
    FETCH_ALL = "all"          # -> list[Row]
    FETCH_ONE = "one"          # -> Row | None
    FETCH_VALUE = "value"      # -> first column of the first row, or None
    SCHEMA = "schema"          # -> SchemaInfo of the database's own tables


# (kind, sql, parameters): a plain tuple, built several times per answer on the hot path (a NamedTuple's
# constructor is Python code and cost a microsecond a statement)
Statement = tuple[str, str, Any]


Work = Generator[Statement, Any, T]
WorkFunction = Callable[[], Work[T]]


# The statements: each builds the tuple a work yields; the backend sends back the result in brackets.

def execute(sql: str, parameters: Parameters = ()) -> Statement:
    """`count = yield q.execute(...)`: run a statement; (the rows it inserted, updated or deleted)."""
    return (Kind.EXECUTE, sql, parameters)


def execute_many(sql: str, rows: Iterable[Parameters]) -> Statement:
    """`yield q.execute_many(...)`: run a statement once per parameter row; (None: asyncpg gives no count)."""
    return (Kind.EXECUTE_MANY, sql, list(rows))


def fetch_all(sql: str, parameters: Parameters = ()) -> Statement:
    """`rows = yield q.fetch_all(...)`; (list[Row])."""
    return (Kind.FETCH_ALL, sql, parameters)


def fetch_one(sql: str, parameters: Parameters = ()) -> Statement:
    """`row = yield q.fetch_one(...)`; (the first Row, or None)."""
    return (Kind.FETCH_ONE, sql, parameters)


def fetch_value(sql: str, parameters: Parameters = ()) -> Statement:
    """`value = yield q.fetch_value(...)`; (the first column of the first row, or None)."""
    return (Kind.FETCH_VALUE, sql, parameters)


def schema() -> Statement:
    """`info = yield q.schema()`: the schema (SQLite: sqlite_master and PRAGMAs; PostgreSQL: the catalog);
    (SchemaInfo)."""
    return (Kind.SCHEMA, "", ())


def single(statement: Statement) -> Work[Any]:
    """A work of one statement: `await db.run_in_transaction(lambda: q.single(q.fetch_one(...)))`."""
    return (yield statement)


@dataclass(frozen=True)
class ForeignKey:
    parent: str
    columns: tuple[str, ...]
    parent_columns: tuple[str, ...]  # empty: the parent's primary key


@dataclass(frozen=True)
class SchemaInfo:
    """The database's own tables (sorted), their columns in order, primary keys and foreign keys."""

    tables: tuple[str, ...]
    columns: dict[str, list[str]] = field(default_factory=dict)
    primary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    foreign_keys: dict[str, list[ForeignKey]] = field(default_factory=dict)


def run_sync(work: Work[T], run: Callable[[Statement], Any]) -> T:
    """Drive a work synchronously: `run` executes each statement (in SQLite's thread)."""
    try:
        statement = next(work)
        while True:
            try:
                result = run(statement)
            except Exception as error:  # the work sees the failure where it made the statement
                statement = work.throw(error)
            else:
                statement = work.send(result)
    except StopIteration as done:
        return done.value
