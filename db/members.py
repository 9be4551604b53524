"""A member's own data in one guild: export it all, or delete it all.

Which tables hold member data is read from the schema at run time, not listed here, so a table added by a
later migration is covered without touching this file. The rules:

- A table with a user_id column holds member data if its rows belong to a guild: it has a guild_id column
  (answers, cards, reminders...), or a foreign-key chain leads to a table that has one (daily_answers →
  daily_posts). Its member rows are "user_id = the member, and the row's guild is this guild".
- A table without user_id whose foreign key points at member rows holds that member's rows too
  (session_items → quiz_sessions, reminder_deliveries → reminders).
- A table with user_id but no way to a guild (dm_channels: one DM channel per user, shared by every guild) is
  the member's data across servers: exported, not deleted by one guild's /forgetme.
- Columns named *_by (imported_by, retired_by, added_by, created_by, updated_by) in a guild's tables name the
  member as the author of a guild record: exported as "records you authored", never deleted, because they are
  the server's own records (its questions, fees, windows, settings), not the member's study data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from db import work as q
from db.connection import Database
from db.work import ForeignKey, SchemaInfo, Work

# A relation is a SQL predicate over one table with the named parameters :guild and :user.
Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class MemberTable:
    table: str
    where: str  # rows of the member (or, for authored/across-server tables, the rows naming them)
    depth: int  # foreign-key hops in `where`; deeper tables are deleted first, before the rows they hang from


@dataclass(frozen=True)
class MemberTables:
    member: tuple[MemberTable, ...]  # deleted by /forgetme, exported by /mydata
    authored: tuple[MemberTable, ...]  # guild records whose *_by column names the member: exported only
    across_servers: tuple[MemberTable, ...]  # keyed by user only: exported only


@dataclass
class MemberExport:
    tables: dict[str, Rows] = field(default_factory=dict)
    authored: dict[str, Rows] = field(default_factory=dict)
    across_servers: dict[str, Rows] = field(default_factory=dict)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Schema:
    """Columns and foreign keys of every table, and the relations derived from them (memoised)."""

    def __init__(self, info: SchemaInfo) -> None:
        self.tables = list(info.tables)
        self.columns = info.columns
        self.keys: dict[str, list[ForeignKey]] = {}
        for table in self.tables:
            keys = []
            for key in info.foreign_keys.get(table, []):
                if key.parent not in self.columns:
                    continue
                # a key without target columns references the parent's primary key (or, in SQLite, rowid)
                parent_columns = key.parent_columns or info.primary.get(key.parent) or ("rowid",)
                keys.append(ForeignKey(key.parent, key.columns, parent_columns))
            self.keys[table] = keys
        self._guild: dict[str, tuple[str, int] | None] = {}
        self._member: dict[str, tuple[str, int] | None] = {}

    def _through(self, key: ForeignKey, where: str) -> str:
        columns = ", ".join(_quote(c) for c in key.columns)
        parents = ", ".join(_quote(c) for c in key.parent_columns)
        return f"({columns}) IN (SELECT {parents} FROM {_quote(key.parent)} WHERE {where})"

    def guild_relation(self, table: str, seen: frozenset[str] = frozenset()) -> tuple[str, int] | None:
        """(predicate for "this row belongs to :guild", foreign-key hops), or None if no way to a guild."""
        if table in self._guild:
            return self._guild[table]
        found: tuple[str, int] | None = None
        if "guild_id" in self.columns[table]:
            found = ('"guild_id" = :guild', 0)
        else:
            for key in self.keys[table]:
                if key.parent in seen or key.parent == table:
                    continue
                parent = self.guild_relation(key.parent, seen | {table})
                if parent is not None:
                    found = (self._through(key, parent[0]), parent[1] + 1)
                    break
        if not seen:  # only memoise answers not cut short by the cycle guard
            self._guild[table] = found
        return found

    def member_relation(self, table: str, seen: frozenset[str] = frozenset()) -> tuple[str, int] | None:
        """(predicate for "this row is :user's in :guild", foreign-key hops), or None if not member data."""
        if table in self._member:
            return self._member[table]
        found: tuple[str, int] | None = None
        if "user_id" in self.columns[table]:
            guild = self.guild_relation(table)
            if guild is not None:
                found = (f'"user_id" = :user AND {guild[0]}', guild[1])
        else:
            for key in self.keys[table]:
                if key.parent in seen or key.parent == table:
                    continue
                parent = self.member_relation(key.parent, seen | {table})
                if parent is not None:
                    found = (self._through(key, parent[0]), parent[1] + 1)
                    break
        if not seen:
            self._member[table] = found
        return found


def _member_tables() -> Work[MemberTables]:
    schema = _Schema((yield q.schema()))
    member, authored, across = [], [], []
    for table in schema.tables:
        relation = schema.member_relation(table)
        if relation is not None:
            member.append(MemberTable(table, relation[0], relation[1]))
        elif "user_id" in schema.columns[table] and schema.guild_relation(table) is None:
            across.append(MemberTable(table, '"user_id" = :user', 0))
        authors = [c for c in schema.columns[table] if c.endswith("_by")]
        guild = schema.guild_relation(table)
        if authors and guild is not None:
            named = " OR ".join(f"{_quote(c)} = :user" for c in authors)
            authored.append(MemberTable(table, f"({named}) AND {guild[0]}", guild[1]))
    return MemberTables(tuple(member), tuple(authored), tuple(across))


async def member_tables(db: Database) -> MemberTables:
    return await db.run_in_transaction(_member_tables)


def _rows(found: MemberTable, parameters: dict[str, int]) -> Work[Rows]:
    rows = yield q.fetch_all(f"SELECT * FROM {_quote(found.table)} WHERE {found.where}", parameters)
    return [dict(row) for row in rows]


def _export(guild_id: int, user_id: int) -> Work[MemberExport]:
    found = yield from _member_tables()
    parameters = {"guild": guild_id, "user": user_id}
    export = MemberExport()
    for t in found.member:
        export.tables[t.table] = yield from _rows(t, parameters)
    for t in found.authored:
        rows = yield from _rows(t, parameters)
        if rows:
            export.authored[t.table] = rows
    for t in found.across_servers:
        export.across_servers[t.table] = yield from _rows(t, parameters)
    return export


async def export_member(db: Database, guild_id: int, user_id: int) -> MemberExport:
    """Every row about the member in this guild by table (empty tables included, so the list is complete),
    the guild records they authored, and their rows kept across servers.

    Read inside one transaction so the export is a consistent snapshot.
    """
    return await db.run_in_transaction(lambda: _export(guild_id, user_id))


def _delete(guild_id: int, user_id: int) -> Work[dict[str, int]]:
    found = yield from _member_tables()
    parameters = {"guild": guild_id, "user": user_id}
    counts: dict[str, int] = {}
    # deepest first: a child's rows are found through its parent's rows, so they go before them; this also
    # counts them right whether or not the key cascades
    for table in sorted(found.member, key=lambda t: -t.depth):
        counts[table.table] = yield q.execute(f"DELETE FROM {_quote(table.table)} WHERE {table.where}",
                                                   parameters)
    return counts


async def delete_member(db: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """Delete every row of the member in this guild in one transaction; rows deleted per table (zeros included).

    Records they authored for the guild and rows kept across servers stay (see the module docstring).
    Pending reminders go with their rows, so the dispatcher, which only ever sends rows it claims from the
    table, never sends them; an in-flight send's outcome updates nothing once its row is gone.
    """
    return await db.run_in_transaction(lambda: _delete(guild_id, user_id))
