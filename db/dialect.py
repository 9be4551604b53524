"""Where SQLite and PostgreSQL differ, one place per concern. Query modules write portable SQL and take
only these fragments from `db.dialect`; nothing else in the code knows which backend runs.

Portable by construction (no fragment needed, write it this way in both):
- upserts: `INSERT … ON CONFLICT (key) DO UPDATE SET c = excluded.c`, and the table's own value qualified
  (`topic_stats.answered + 1`: PostgreSQL refuses the bare name as ambiguous); insert-if-absent is
  `ON CONFLICT DO NOTHING` (never `INSERT OR IGNORE` / `OR REPLACE`); new ids come from `RETURNING id`
  (never lastrowid); a conflict is a row count of 0, never a caught IntegrityError.
- booleans are INTEGER 0/1 columns in both; a condition is counted as `SUM(CASE WHEN … THEN 1 ELSE 0 END)`
  (PostgreSQL has no SUM over a boolean, nor boolean arithmetic).
- time is whole unix seconds (or ms) in BIGINT columns; arithmetic on them is integer arithmetic in both
  (`answered_at / 86400` is the UTC day). Dates are ISO text. No strftime, no date functions.
- case-insensitive equality is `LOWER(a) = LOWER(?)`.

What the PostgreSQL schema must keep for that (pg-schema's migrations): every INTEGER column as BIGINT
(Discord ids, ms), INTEGER PRIMARY KEY as an identity BIGINT, 0/1 flags as integers (not BOOLEAN), dates,
ISO instants and JSON as TEXT (or jsonb for JSON: read as text either way), text compared byte-wise
(C collation) so ORDER BY on ids sorts as in SQLite.

Here, per concern:
- placeholders: `?`, `?NNN` and `:name` become `$n` for asyncpg (`to_dollar`, cached);
- JSON: a field of a JSON column compared to a value (`json_eq`), a value in a JSON array parameter
  (`in_json_ints`, `in_json_texts`), an aggregate into a JSON array (`json_array_agg`);
- row locking: `claim_rows` is the clause that makes concurrent claimers skip each other's rows
  (PostgreSQL `FOR UPDATE SKIP LOCKED`), `lock_rows` the one that keeps rows read for a read-modify-write
  (`FOR UPDATE`); SQLite needs neither: a write transaction holds the whole database;
- numbers: PostgreSQL's SUM over BIGINT is NUMERIC; it is read back as int (float if fractional), as in SQLite;
- schema introspection (db.members): `sqlite_master` and PRAGMAs, or the PostgreSQL catalog
  (in db.connection's two backends, behind `db.work.schema()`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _checked(key: str) -> str:
    if not _KEY.match(key):
        raise ValueError(f"not a plain JSON key: {key!r}")
    return key


def json_value(value: Any) -> str:
    """The parameter to compare with json_eq's placeholder: the value as JSON text, the same for both."""
    return json.dumps(value)


def json_list(values: Iterable[Any]) -> str:
    """The parameter for in_json_ints / in_json_texts."""
    return json.dumps(list(values))


@dataclass(frozen=True)
class Dialect:
    name: str

    def json_eq(self, column: str, key: str) -> str:
        """`column`'s JSON field `key` equals the JSON value given by one placeholder (pass json_value(v))."""
        raise NotImplementedError

    def in_json_ints(self, expression: str) -> str:
        """`expression` is one of the integers of a JSON array given by one placeholder (pass json_list(v))."""
        raise NotImplementedError

    def in_json_texts(self, expression: str) -> str:
        """`expression` is one of the strings of a JSON array given by one placeholder (pass json_list(v))."""
        raise NotImplementedError

    def json_array_agg(self, expression: str) -> str:
        """An aggregate: the group's values of `expression` as JSON array text."""
        raise NotImplementedError

    @property
    def lock_rows(self) -> str:
        """Appended to a SELECT: the rows it reads stay this transaction's until it ends, for a read-modify-write
        outside SERIALIZABLE (PostgreSQL `FOR UPDATE`; SQLite needs none: a writer holds the whole database)."""
        raise NotImplementedError

    @property
    def claim_rows(self) -> str:
        """Appended to a `SELECT … FOR …`-able query choosing rows to claim: concurrent claimers (other
        processes) skip the rows one of them holds instead of waiting or taking them twice."""
        raise NotImplementedError


class _Sqlite(Dialect):
    def json_eq(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{_checked(key)}') = json_extract(?, '$')"

    def in_json_ints(self, expression: str) -> str:
        return f"{expression} IN (SELECT value FROM json_each(?))"

    def in_json_texts(self, expression: str) -> str:
        return f"{expression} IN (SELECT value FROM json_each(?))"

    def json_array_agg(self, expression: str) -> str:
        return f"json_group_array({expression})"

    @property
    def lock_rows(self) -> str:
        return ""

    @property
    def claim_rows(self) -> str:
        return ""  # BEGIN IMMEDIATE: one writer at a time holds the whole file


class _Postgres(Dialect):
    def json_eq(self, column: str, key: str) -> str:
        return f"(({column})::jsonb -> '{_checked(key)}') = (?)::jsonb"

    def in_json_ints(self, expression: str) -> str:
        return f"{expression} IN (SELECT jsonb_array_elements_text((?)::jsonb)::bigint)"

    def in_json_texts(self, expression: str) -> str:
        return f"{expression} IN (SELECT jsonb_array_elements_text((?)::jsonb))"

    def json_array_agg(self, expression: str) -> str:
        return f"json_agg({expression})::text"

    @property
    def lock_rows(self) -> str:
        return " FOR UPDATE"

    @property
    def claim_rows(self) -> str:
        return " FOR UPDATE SKIP LOCKED"


SQLITE: Dialect = _Sqlite("sqlite")
POSTGRES: Dialect = _Postgres("postgresql")


# ---- placeholders -------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Translated:
    sql: str
    names: tuple[str, ...] | None  # named parameters in $n order; None: positional


@lru_cache(maxsize=4096)
def to_dollar(sql: str) -> Translated:
    """`?` (in order), `?NNN` and `:name` placeholders as PostgreSQL's `$n`, outside quotes and comments.

    `::type` casts are left alone. A statement uses one style; mixing `?` with `?NNN` or `:name` is refused.
    """
    out: list[str] = []
    names: list[str] = []
    styles: set[str] = set()
    position = 0
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in ("'", '"'):
            end = i + 1
            while end < n:
                if sql[end] == c:
                    if end + 1 < n and sql[end + 1] == c:  # doubled quote inside
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
        elif c == "-" and sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end])
            i = end
        elif c == "/" and sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end])
            i = end
        elif c == "?":
            j = i + 1
            while j < n and sql[j].isdigit():
                j += 1
            if j > i + 1:
                styles.add("numbered")
                out.append("$" + sql[i + 1:j])
            else:
                styles.add("positional")
                position += 1
                out.append(f"${position}")
            i = j
        elif c == ":" and i + 1 < n and sql[i + 1] == ":":
            out.append("::")
            i += 2
        elif c == ":" and i + 1 < n and (sql[i + 1].isalpha() or sql[i + 1] == "_") and (
                i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
            j = i + 1
            while j < n and (sql[j].isalnum() or sql[j] == "_"):
                j += 1
            name = sql[i + 1:j]
            styles.add("named")
            if name not in names:
                names.append(name)
            out.append(f"${names.index(name) + 1}")
            i = j
        else:
            out.append(c)
            i += 1
    if len(styles) > 1:
        raise ValueError(f"mixed placeholder styles {sorted(styles)} in: {sql}")
    return Translated("".join(out), tuple(names) if "named" in styles else None)


def bind(translated: Translated, parameters: Any) -> list[Any]:
    """The argument list for a translated statement."""
    if translated.names is not None:
        if not isinstance(parameters, Mapping):
            raise TypeError("a statement with :name placeholders takes a mapping")
        return [parameters[name] for name in translated.names]
    if isinstance(parameters, Mapping):
        raise TypeError("a statement with ? placeholders takes a sequence")
    return list(parameters)


def numeric(text: str) -> int | float:
    """PostgreSQL NUMERIC (SUM over BIGINT, AVG) read as SQLite gives it: int for a whole sum, else float."""
    return int(text) if text.lstrip("-").isdigit() else float(text)
