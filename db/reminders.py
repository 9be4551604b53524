"""Reminders, their delivered occurrences and members' DM channels. The rows are the only source of truth.

Life of a row: `pending` → (claim_due) `in_flight` → one of
  delivered → `sent` (one-shot) or `pending` at the next occurrence (recurring), plus a reminder_deliveries row;
  retry     → `pending` at retry_at, attempts + 1;
  missed    → `missed` (one-shot) or `pending` at the next occurrence, missed_count + n;
  DMs closed→ `paused` (with every other pending DM reminder of that user) until reopen_dms();
  gone      → `cancelled`; given up → `failed`.
A member may cancel at any time (`cancelled`); snooze moves a row's occurrence and makes it `pending` again.

Several processes (one per group of Discord shards) share the table. A claim names its process (`claimant`,
the same name after a restart with the same shards) and holds until `lease_until`, which the claimant renews
while it lives (renew_leases). A row whose lease ran out is taken over by the next claim_due of another process
with its occurrence unchanged (so the same nonce), or finalized there if its occurrence was already delivered;
a process's own rows are settled by recover_in_flight when it starts, without waiting for the lease.

Guarantees:
- claim_due is one transaction (BEGIN IMMEDIATE: one writer at a time across processes): a row is handed out by
  at most one claim until it is recorded, recovered or its lease runs out.
- An occurrence is delivered at most once as far as the database can know: record_delivered inserts
  (reminder_id, occurrence) into reminder_deliveries (UNIQUE) in the same transaction that finishes the row,
  and recover_in_flight finalizes, never requeues, an in-flight row whose occurrence has that row. The only
  window for a duplicate is a crash between Discord accepting a message and that commit.
- Every outcome update only touches rows still `in_flight`, so a cancel during a send wins.
- All instants are aware datetimes at the API and unix seconds UTC in the table.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from db import work as q
from db.connection import Database
from db.dialect import Dialect, json_list, json_value
from db.timestamps import from_ts, to_ts
from db.work import Row, Work
from study.errors import UserInputError
from study.recurrence import next_occurrence_json


class ReminderKind(StrEnum):
    """What a reminder row is; the value is what the `kind` column stores."""

    ONCE = "once"                  # /remind me
    STUDY = "study"                # /remind study, weekly
    EXAM_NUDGE = "exam_nudge"      # days before an exam (payload exam_id)
    WINDOW_NUDGE = "window_nudge"  # before a joined window closes (payload window_id)
    OTHER = "other"                # the server's window announcement in a channel (payload window_id)


class ReminderState(StrEnum):
    """Where a row is in its life (see the module's docstring); the value is what the `state` column stores."""

    PENDING = "pending"
    IN_FLIGHT = "in_flight"
    SENT = "sent"
    MISSED = "missed"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FAILED = "failed"


MAX_ACTIVE = 25
ACTIVE_STATES = (ReminderState.PENDING, ReminderState.IN_FLIGHT, ReminderState.PAUSED)
KINDS = tuple(ReminderKind)
# The member's own reminders, the ones the cap counts: exam and window nudges are made by the bot in batches.
OWN_KINDS = (ReminderKind.ONCE, ReminderKind.STUDY)
_OWN_SQL = "(" + ", ".join(f"'{kind}'" for kind in OWN_KINDS) + ")"            # ('once', 'study')
_ACTIVE_SQL = "(" + ", ".join(f"'{state}'" for state in ACTIVE_STATES) + ")"  # ('pending', 'in_flight', 'paused')
# Rows that belong to the server rather than to a member (window announcements in a channel). No member has
# id 0, so these never show up in a member's list, cap, cancel, /mydata or /forgetme.
SERVER_USER_ID = 0
# The claimant's name of a process that runs every shard (scheduling.shards.ShardPlan().owner)
DEFAULT_OWNER = "all shards"
DEFAULT_LEASE = dt.timedelta(seconds=60)
# Rows claimed by a release before leases have no claimant: they were a single process's, which ran every shard.
_CLAIMANT = f"COALESCE(r.claimant, '{DEFAULT_OWNER}')"
_EXPIRED = f"{_CLAIMANT} != ? AND COALESCE(r.lease_until, 0) < ?"


class TooManyRemindersError(UserInputError):
    """The member already has the maximum number of active reminders in this guild."""




@dataclass(frozen=True, slots=True)
class MissedNotice:
    """A one-shot reminder that was missed while the bot was down, to be mentioned in the member's next DM."""

    id: int
    text: str
    occurrence_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    guild_id: int
    user_id: int
    kind: ReminderKind
    text: str
    payload: dict[str, Any]
    module: str | None
    channel_id: int | None
    due_at: dt.datetime
    occurrence_at: dt.datetime
    timezone: str
    recurrence: str | None
    state: ReminderState
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    missed_count: int
    missed: tuple[MissedNotice, ...] = field(default=())

    @property
    def is_dm(self) -> bool:
        return self.channel_id is None

    @property
    def total_missed(self) -> int:
        """Missed occurrences to mention in this delivery: this reminder's own plus the member's missed one-shots."""
        return self.missed_count + len(self.missed)


def _reminder(row: Any, missed: tuple[MissedNotice, ...] = ()) -> Reminder:
    return Reminder(
        id=row["id"], guild_id=row["guild_id"], user_id=row["user_id"], kind=ReminderKind(row["kind"]),
        text=row["text"],
        payload={} if row["payload"] == "{}" else json.loads(row["payload"]), module=row["module"],
        channel_id=row["channel_id"],
        due_at=from_ts(row["due_at"]), occurrence_at=from_ts(row["occurrence_at"]), timezone=row["timezone"],
        recurrence=row["recurrence"], state=ReminderState(row["state"]), attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=from_ts(row["created_at"]), sent_at=from_ts(row["sent_at"]), missed_count=row["missed_count"],
        missed=missed,
    )


# ---- members' side: add, list, cancel, snooze ---------------------------------------------------------------

async def add(db: Database, *, guild_id: int, user_id: int, kind: ReminderKind | str, text: str, due_at: dt.datetime,
              now: dt.datetime, timezone: str = "UTC", recurrence: str | None = None,
              payload: dict[str, Any] | None = None, module: str | None = None, channel_id: int | None = None,
              cap: int | None = MAX_ACTIVE) -> Reminder:
    """Store a pending reminder first due at `due_at`; raises TooManyRemindersError past `cap` active ones.

    The cap counts the member's own (OWN_KINDS) pending, in-flight and paused reminders in this guild, so
    exam and window nudges never use a member's slots (pass cap=None for system-made rows). `recurrence` is
    WeeklySchedule.to_json(); `due_at` is its first occurrence. Call dispatcher.wake() afterwards so an
    earlier timer is noticed.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown reminder kind {kind!r}")

    def work() -> Work[Row]:
        if cap is not None:
            count = yield q.fetch_value(
                f"SELECT COUNT(*) FROM reminders WHERE guild_id = ? AND user_id = ? AND state IN {_ACTIVE_SQL}"
                f" AND kind IN {_OWN_SQL}",
                (guild_id, user_id),
            )
            if count >= cap:
                raise TooManyRemindersError(
                    f"You already have {count} active reminders here, the most allowed is {cap}. "
                    "Cancel one with /remind cancel first."
                )
        return (yield from _insert(NewReminder(kind, text, due_at, timezone, recurrence, payload or {}, module,
                                               channel_id), guild_id, user_id, now))

    return _reminder(await db.run_in_transaction(work))


@dataclass(frozen=True, slots=True)
class NewReminder:
    """A row to insert with replace_by_payload (system-made, so no cap)."""

    kind: ReminderKind | str
    text: str
    due_at: dt.datetime
    timezone: str = "UTC"
    recurrence: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    module: str | None = None
    channel_id: int | None = None


def _insert(new: NewReminder, guild_id: int, user_id: int, now: dt.datetime) -> Work[Row]:
    if new.kind not in KINDS:
        raise ValueError(f"unknown reminder kind {new.kind!r}")
    due = to_ts(new.due_at)
    row = yield q.fetch_one(
        "INSERT INTO reminders (guild_id, user_id, kind, text, payload, module, channel_id, due_at,"
        " occurrence_at, timezone, recurrence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING *",
        (guild_id, user_id, ReminderKind(new.kind).value, new.text, json.dumps(new.payload), new.module,
         new.channel_id, due, due, new.timezone, new.recurrence, to_ts(now)),
    )
    assert row is not None
    return row


async def replace_by_payload(db: Database, *, guild_id: int, user_id: int, key: str, value: int | str,
                             new: Sequence[NewReminder], now: dt.datetime) -> list[Reminder]:
    """Cancel the member's active rows whose payload has key = value and add `new`, in one transaction.

    Why one transaction: an exam's nudges are replaced when its date or the member's nudge days change; a
    crash or a concurrent send between a cancel and the inserts must leave either the old series or the new.
    """
    def work() -> Work[list[Row]]:
        yield from cancel_by_payload(db.dialect, guild_id=guild_id, user_id=user_id, key=key, value=value)
        rows = []
        for item in new:
            rows.append((yield from _insert(item, guild_id, user_id, now)))
        return rows

    return [_reminder(row) for row in await db.run_in_transaction(work)]


def cancel_by_payload(dialect: Dialect, *, guild_id: int, user_id: int | None, key: str,
                      value: int | str) -> Work[int]:
    """Cancel the active rows (pending, paused, and in flight) whose payload has key = value, inside the caller's
    transaction (`yield from` it in a work); user_id None means every member's and the server's rows.

    The one way the bot's own series end: an exam's nudges when it is moved or cancelled (key "exam_id"), a
    window's DMs when a member leaves it or it is removed (key "window_id"). A row being sent right now is
    cancelled too: the sender reads the row before it sends and drops a cancelled one, and every outcome
    update only touches rows still in flight, so the cancel wins. Returns how many rows were cancelled.
    """
    sql = (f"UPDATE reminders SET state = 'cancelled', claimed_at = NULL WHERE guild_id = ?"
           f" AND state IN {_ACTIVE_SQL} AND {dialect.json_eq('payload', key)}")
    parameters: list[object] = [guild_id, json_value(value)]
    if user_id is not None:
        sql += " AND user_id = ?"
        parameters.append(user_id)
    return (yield q.execute(sql, parameters))


async def get(db: Database, reminder_id: int) -> Reminder | None:
    row = await db.fetch_one("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
    return None if row is None else _reminder(row)


async def list_active(db: Database, guild_id: int, user_id: int) -> list[Reminder]:
    """The member's pending, in-flight and paused reminders in this guild, soonest first."""
    rows = await db.fetch_all(
        f"SELECT * FROM reminders WHERE guild_id = ? AND user_id = ? AND state IN {_ACTIVE_SQL}"
        " ORDER BY due_at, id",
        (guild_id, user_id),
    )
    return [_reminder(row) for row in rows]


async def cancel(db: Database, guild_id: int, user_id: int, reminder_id: int) -> bool:
    """Cancel the member's own active reminder; False if it is not theirs, not in this guild or not active."""
    return await db.execute(
        f"UPDATE reminders SET state = 'cancelled', claimed_at = NULL WHERE id = ? AND guild_id = ?"
        f" AND user_id = ? AND state IN {_ACTIVE_SQL}",
        (reminder_id, guild_id, user_id),
    ) > 0


async def snooze(db: Database, guild_id: int, user_id: int, reminder_id: int, new_due: dt.datetime) -> bool:
    """Move the member's own reminder's current occurrence to `new_due` and make it pending again.

    Works on pending, sent, missed, failed and paused rows (a delivered one-shot comes back once more);
    False for another member's row, a cancelled one, or one being sent right now. Call dispatcher.wake().
    """
    due = to_ts(new_due)
    return await db.execute(
        "UPDATE reminders SET state = 'pending', due_at = ?, occurrence_at = ?, attempts = 0,"
        " last_error = NULL, claimed_at = NULL WHERE id = ? AND guild_id = ? AND user_id = ?"
        " AND state IN ('pending', 'sent', 'missed', 'failed', 'paused')",
        (due, due, reminder_id, guild_id, user_id),
    ) > 0


SNOOZE_CANCELLED = "cancelled"   # snooze_copy refused: the reminder is no longer active
SNOOZE_SENDING = "sending"       # snooze_copy refused: the copy is being sent right now


async def snooze_copy(db: Database, source: Reminder, new_due: dt.datetime,
                      now: dt.datetime) -> Reminder | str:
    """Snooze one occurrence of a recurring reminder as a one-off copy, keeping the schedule.

    There is at most one copy per (reminder, occurrence): a second click moves the existing copy (and brings
    it back if it was already sent) instead of adding another DM. The occurrence is the last one delivered (the
    DM whose button was clicked), else the current one. Refuses a cancelled reminder (SNOOZE_CANCELLED)
    and a copy being sent right now (SNOOZE_SENDING). One transaction, so two clicks cannot both insert.
    """
    due = to_ts(new_due)
    copy_of = (f"{db.dialect.json_eq('payload', 'snoozed_from')}"
               f" AND {db.dialect.json_eq('payload', 'snoozed_occurrence')}")

    def work() -> Work[Row | str]:
        current = yield q.fetch_one(
            "SELECT state, (SELECT MAX(due_at) FROM reminder_deliveries WHERE reminder_id = r.id) AS last"
            " FROM reminders r WHERE id = ?", (source.id,),
        )
        if current is None or current["state"] not in ACTIVE_STATES:
            return SNOOZE_CANCELLED
        occurrence = current["last"] if current["last"] is not None else to_ts(source.occurrence_at)
        copy = yield q.fetch_one(
            f"SELECT id, state FROM reminders WHERE guild_id = ? AND user_id = ? AND {copy_of}",
            (source.guild_id, source.user_id, json_value(source.id), json_value(occurrence)),
        )
        if copy is not None:
            if copy["state"] == "in_flight":
                return SNOOZE_SENDING
            row = yield q.fetch_one(
                "UPDATE reminders SET state = 'pending', due_at = ?1, occurrence_at = ?1, attempts = 0,"
                " last_error = NULL, claimed_at = NULL WHERE id = ?2 RETURNING *", (due, copy["id"]),
            )
            assert row is not None
            return row
        return (yield from _insert(NewReminder(
            ReminderKind.ONCE, source.text or "your study session", new_due, source.timezone, None,
            {"snoozed_from": source.id, "snoozed_occurrence": occurrence}, source.module, source.channel_id,
        ), source.guild_id, source.user_id, now))

    found = await db.run_in_transaction(work)
    return found if isinstance(found, str) else _reminder(found)


# ---- the dispatcher's side ----------------------------------------------------------------------------------

async def next_due_at(db: Database, owner: str = DEFAULT_OWNER) -> dt.datetime | None:
    """The earliest due_at of any pending reminder, or the earliest end of another process's lease (a row it may
    have to take over), whichever is first; None if there is neither. Two index probes."""
    return from_ts(await db.fetch_value(
        "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM reminders WHERE state = 'pending'"
        " UNION ALL SELECT MIN(COALESCE(r.lease_until, 0)) FROM reminders r"
        f" WHERE r.state = 'in_flight' AND {_CLAIMANT} != ?) AS soonest", (owner,)))


async def claim_due(db: Database, now: dt.datetime, limit: int, *, owner: str = DEFAULT_OWNER,
                    lease: dt.timedelta = DEFAULT_LEASE) -> list[Reminder]:
    """Atomically move up to `limit` due rows to in_flight for `owner` until now + lease and return them, earliest
    first: rows another process claimed and whose lease ran out (taken over as they are, the same occurrence),
    then pending rows with due_at ≤ now. A taken-over row whose occurrence was already delivered is finalized
    instead (as recover_in_flight does), never handed out.

    Each DM reminder carries the member's unmentioned missed one-shot reminders in this guild (`missed`),
    attached to only one reminder per member per claim.
    """
    stamp, until = to_ts(now), to_ts(now + lease)
    of_users = db.dialect.in_json_ints("user_id")
    # claimers in other processes skip the rows this one holds (PostgreSQL), so none is claimed twice
    # (a materialized CTE: PostgreSQL may evaluate a LIMIT subquery inside IN more than once)
    lock = db.dialect.claim_rows
    take_over = ("WITH expired AS MATERIALIZED (SELECT r.id FROM reminders r WHERE r.state = 'in_flight'"
                 f" AND {_EXPIRED} ORDER BY r.due_at LIMIT ?{lock})"
                 " UPDATE reminders SET claimant = ?, lease_until = ?, claimed_at = ?"
                 " WHERE id IN (SELECT id FROM expired) AND state = 'in_flight' RETURNING *")
    claim = ("WITH due AS MATERIALIZED (SELECT id FROM reminders WHERE state = 'pending' AND due_at <= ?"
             f" ORDER BY due_at LIMIT ?{lock})"
             " UPDATE reminders SET state = 'in_flight', claimed_at = ?, claimant = ?, lease_until = ?"
             " WHERE id IN (SELECT id FROM due) AND state = 'pending' RETURNING *")

    def work() -> Work[tuple[list[Row], dict[tuple[int, int], list[MissedNotice]]]]:
        # another process's claims whose lease ran out: finalized if delivered, else taken over as they are
        yield from _finalize_delivered(_EXPIRED, (owner, stamp), stamp, lock)
        rows = list((yield q.fetch_all(take_over, (owner, stamp, limit, owner, until, stamp))))
        if len(rows) < limit:
            rows += list((yield q.fetch_all(claim, (stamp, limit - len(rows), stamp, owner, until))))
        notices: dict[tuple[int, int], list[MissedNotice]] = {}
        users = sorted({row["user_id"] for row in rows if row["channel_id"] is None})
        if users:
            for n in (yield q.fetch_all(
                    "SELECT id, guild_id, user_id, text, occurrence_at FROM reminders"
                    f" WHERE state = 'missed' AND missed_count > 0 AND {of_users} ORDER BY occurrence_at, id",
                    (json_list(users),))):
                notices.setdefault((n["guild_id"], n["user_id"]), []).append(
                    MissedNotice(n["id"], n["text"], from_ts(n["occurrence_at"]))
                )
        return rows, notices

    rows, notices = await db.run_in_transaction(work, locking=True)
    if not rows:
        return []
    rows.sort(key=lambda r: (r["due_at"], r["id"]))
    claimed = []
    for row in rows:
        key = (row["guild_id"], row["user_id"])
        missed = tuple(notices.pop(key, ())) if row["channel_id"] is None else ()
        claimed.append(_reminder(row, missed))
    return claimed


@dataclass(frozen=True, slots=True)
class Delivered:
    """The sender delivered `occurrence_at`; next_due_at is the next occurrence (None for a one-shot)."""

    reminder_id: int
    occurrence_at: dt.datetime
    next_due_at: dt.datetime | None
    missed_ids: tuple[int, ...] = ()  # the MissedNotice ids this delivery mentioned


@dataclass(frozen=True, slots=True)
class Failed:
    """The send failed; try again at retry_at, or give up the reminder (state failed) if retry_at is None."""

    reminder_id: int
    error: str
    retry_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class Missed:
    """`count` occurrences up to `occurrence_at` were not sent; next_due_at None ends a one-shot as missed."""

    reminder_id: int
    occurrence_at: dt.datetime
    next_due_at: dt.datetime | None
    count: int = 1
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DmsClosed:
    """Discord refused a DM to this user (50007): pause every DM reminder of theirs."""

    reminder_id: int
    user_id: int
    error: str = "the member does not accept DMs (Discord error 50007)"


@dataclass(frozen=True, slots=True)
class Gone:
    """The member, guild or channel no longer exists: cancel the reminder."""

    reminder_id: int
    error: str


Outcome = Delivered | Failed | Missed | DmsClosed | Gone


async def record_outcomes(db: Database, outcomes: Sequence[Outcome], now: dt.datetime) -> None:
    """Record a batch of outcomes of claimed rows in one transaction (the dispatcher's fast path).

    Only rows still in_flight change state; reminder_deliveries rows are inserted regardless, since the
    message did go out.
    """
    if not outcomes:
        return
    stamp = to_ts(now)
    delivered = [o for o in outcomes if isinstance(o, Delivered)]
    failed = [o for o in outcomes if isinstance(o, Failed)]
    missed = [o for o in outcomes if isinstance(o, Missed)]
    closed = [o for o in outcomes if isinstance(o, DmsClosed)]
    gone = [o for o in outcomes if isinstance(o, Gone)]

    def work() -> Work[None]:
        if delivered:
            yield q.execute_many(
                "INSERT INTO reminder_deliveries (reminder_id, due_at, delivered_at) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [(o.reminder_id, to_ts(o.occurrence_at), stamp) for o in delivered],
            )
            yield q.execute_many(
                "UPDATE reminders SET state = CASE WHEN CAST(?1 AS BIGINT) IS NULL THEN 'sent' ELSE 'pending' END,"
                " due_at = COALESCE(?1, due_at), occurrence_at = COALESCE(?1, occurrence_at), attempts = 0,"
                " last_error = NULL, claimed_at = NULL, sent_at = ?2, missed_count = 0"
                " WHERE id = ?3 AND state = 'in_flight'",
                [(None if o.next_due_at is None else to_ts(o.next_due_at), stamp, o.reminder_id)
                 for o in delivered],
            )
            mentioned = [i for o in delivered for i in o.missed_ids]
            if mentioned:
                yield q.execute_many(
                    "UPDATE reminders SET missed_count = 0 WHERE id = ? AND state = 'missed'",
                    [(i,) for i in mentioned],
                )
        if failed:
            yield q.execute_many(
                "UPDATE reminders SET state = CASE WHEN CAST(?1 AS BIGINT) IS NULL THEN 'failed' ELSE 'pending' END,"
                " due_at = COALESCE(?1, due_at), attempts = attempts + 1, last_error = ?2, claimed_at = NULL"
                " WHERE id = ?3 AND state = 'in_flight'",
                [(None if o.retry_at is None else to_ts(o.retry_at), o.error[:500], o.reminder_id) for o in failed],
            )
        if missed:
            yield q.execute_many(
                "UPDATE reminders SET state = CASE WHEN CAST(?1 AS BIGINT) IS NULL THEN 'missed' ELSE 'pending' END,"
                " due_at = COALESCE(?1, due_at), occurrence_at = COALESCE(?1, occurrence_at), attempts = 0,"
                " last_error = COALESCE(?4, last_error), claimed_at = NULL, missed_count = missed_count + ?2"
                " WHERE id = ?3 AND state = 'in_flight'",
                [(None if o.next_due_at is None else to_ts(o.next_due_at), o.count, o.reminder_id, o.error)
                 for o in missed],
            )
        for o in closed:
            yield from _pause_dms(o.user_id, stamp, o.reminder_id, o.error)
        if gone:
            yield q.execute_many(
                "UPDATE reminders SET state = 'cancelled', last_error = ?, claimed_at = NULL"
                " WHERE id = ? AND state = 'in_flight'",
                [(o.error[:500], o.reminder_id) for o in gone],
            )

    await db.run_in_transaction(work)


async def record_delivered(db: Database, reminder_id: int, occurrence_at: dt.datetime,
                           next_due_at: dt.datetime | None, now: dt.datetime,
                           missed_ids: Iterable[int] = ()) -> None:
    """Record one delivered occurrence (see record_outcomes and the module's guarantees)."""
    await record_outcomes(db, [Delivered(reminder_id, occurrence_at, next_due_at, tuple(missed_ids))], now)


async def record_failed(db: Database, reminder_id: int, error: str, retry_at: dt.datetime | None,
                        now: dt.datetime) -> None:
    """A failed send: pending again at retry_at with attempts + 1, or `failed` for good if retry_at is None."""
    await record_outcomes(db, [Failed(reminder_id, error, retry_at)], now)


async def record_missed(db: Database, reminder_id: int, occurrence_at: dt.datetime,
                        next_due_at: dt.datetime | None, now: dt.datetime, count: int = 1) -> None:
    """Occurrences that were too late to send: counted in missed_count, mentioned in the member's next DM."""
    await record_outcomes(db, [Missed(reminder_id, occurrence_at, next_due_at, count)], now)


async def was_delivered(db: Database, reminder_id: int, occurrence_at: dt.datetime) -> bool:
    return await db.fetch_value(
        "SELECT 1 FROM reminder_deliveries WHERE reminder_id = ? AND due_at = ?", (reminder_id, to_ts(occurrence_at))
    ) is not None


@dataclass(frozen=True, slots=True)
class Recovery:
    requeued: int
    finalized: int


def _finalize_delivered(where: str, parameters: tuple[Any, ...], stamp: int, lock: str = "") -> Work[int]:
    """Finish the in-flight rows matching `where` whose occurrence is in reminder_deliveries (they were sent):
    one-shot → sent, recurring → pending at its next occurrence. Returns how many."""
    done = yield q.fetch_all(
        "SELECT r.id, r.occurrence_at, r.timezone, r.recurrence FROM reminders r JOIN reminder_deliveries d"
        f" ON d.reminder_id = r.id AND d.due_at = r.occurrence_at WHERE r.state = 'in_flight' AND {where}{lock}",
        parameters,
    )
    for row in done:
        nxt = None
        if row["recurrence"]:
            nxt = to_ts(next_occurrence_json(row["recurrence"], row["timezone"], from_ts(row["occurrence_at"])))
        yield q.execute(
            "UPDATE reminders SET state = CASE WHEN CAST(?1 AS BIGINT) IS NULL THEN 'sent' ELSE 'pending' END,"
            " due_at = COALESCE(?1, due_at), occurrence_at = COALESCE(?1, occurrence_at), attempts = 0,"
            " claimed_at = NULL, claimant = NULL, lease_until = NULL, sent_at = COALESCE(sent_at, ?2),"
            " missed_count = 0 WHERE id = ?3 AND state = 'in_flight'",  # once, however many processes look
            (nxt, stamp, row["id"]),
        )
    return len(done)


async def renew_leases(db: Database, owner: str, until: dt.datetime) -> int:
    """The claimant is alive: its in-flight rows stay its own until `until`. Returns how many rows it holds."""
    return await db.execute(
        "UPDATE reminders SET lease_until = ? WHERE state = 'in_flight' AND claimant = ?", (to_ts(until), owner))


async def recover_in_flight(db: Database, now: dt.datetime, owner: str = DEFAULT_OWNER) -> Recovery:
    """At start: settle the rows `owner` (this process, under the name of its shards) left in flight when it
    crashed or stopped mid-send. Other processes' rows are theirs until their lease runs out (claim_due).

    A row whose occurrence is in reminder_deliveries was sent: it is finalized (one-shot → sent, recurring →
    pending at its next occurrence), never resent. Every other in-flight row goes back to pending with its
    due_at unchanged; the dispatcher then applies the grace window to it like to any overdue row. Reads only
    the in-flight rows (partial index), so it costs nothing at a million pending rows.
    """
    stamp = to_ts(now)

    def work() -> Work[Recovery]:
        finalized = yield from _finalize_delivered(f"{_CLAIMANT} = ?", (owner,), stamp)
        requeued = yield q.execute(
            "UPDATE reminders AS r SET state = 'pending', claimed_at = NULL, claimant = NULL, lease_until = NULL"
            f" WHERE r.state = 'in_flight' AND {_CLAIMANT} = ?", (owner,),
        )
        return Recovery(requeued=requeued, finalized=finalized)

    return await db.run_in_transaction(work)


async def release_claims(db: Database, reminder_ids: Sequence[int], owner: str = DEFAULT_OWNER) -> int:
    """Put rows `owner` claimed but never handed to the sender (the bot is stopping) back to pending, due as
    before (unless another process took them over meanwhile)."""
    of_ids = db.dialect.in_json_ints("r.id")
    return await db.execute(
        "UPDATE reminders AS r SET state = 'pending', claimed_at = NULL, claimant = NULL, lease_until = NULL"
        f" WHERE {of_ids} AND r.state = 'in_flight' AND {_CLAIMANT} = ?",
        (json_list(reminder_ids), owner))


# ---- DM channels and closed DMs -----------------------------------------------------------------------------

async def get_dm_channel(db: Database, user_id: int) -> int | None:
    """The stored DM channel id for a user, so a DM costs one request (None: create it and set_dm_channel)."""
    return await db.fetch_value("SELECT channel_id FROM dm_channels WHERE user_id = ?", (user_id,))


async def set_dm_channel(db: Database, user_id: int, channel_id: int, now: dt.datetime) -> None:
    await db.execute(
        "INSERT INTO dm_channels (user_id, channel_id, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET channel_id = excluded.channel_id, updated_at = excluded.updated_at",
        (user_id, channel_id, to_ts(now)),
    )


def _pause_dms(user_id: int, stamp: int, reminder_id: int | None, error: str) -> Work[int]:
    yield q.execute(
        "INSERT INTO dm_channels (user_id, dms_closed_at, closed_notice_pending, updated_at) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (user_id) DO UPDATE SET dms_closed_at = excluded.dms_closed_at, closed_notice_pending = 1,"
        " updated_at = excluded.updated_at",
        (user_id, stamp, stamp),
    )
    return (yield q.execute(
        "UPDATE reminders SET state = 'paused', claimed_at = NULL, last_error = ? WHERE user_id = ?"
        " AND channel_id IS NULL AND (state = 'pending' OR (state = 'in_flight' AND id = ?))",
        (error, user_id, reminder_id),
    ))


async def pause_dms(db: Database, user_id: int, now: dt.datetime, reminder_id: int | None = None) -> int:
    """Mark the user's DMs closed and pause their pending DM reminders (and `reminder_id` if in flight).

    Returns how many reminders were paused. Channel reminders are not affected. Sets closed_notice_pending so
    the bot can tell the member once (take_closed_notice) the next time they use a command.
    """
    return await db.run_in_transaction(
        lambda: _pause_dms(user_id, to_ts(now), reminder_id, DmsClosed(0, user_id).error))


async def reopen_dms(db: Database, user_id: int, now: dt.datetime) -> int:
    """The member opened their DMs again: clear the flag and make their paused reminders pending again.

    Returns how many were resumed; overdue ones then go through the grace window (sent late or counted
    missed). Call dispatcher.wake() afterwards.
    """
    def work() -> Work[int]:
        yield q.execute(
            "UPDATE dm_channels SET dms_closed_at = NULL, closed_notice_pending = 0, updated_at = ?"
            " WHERE user_id = ?",
            (to_ts(now), user_id),
        )
        return (yield q.execute(
            "UPDATE reminders SET state = 'pending', last_error = NULL WHERE user_id = ? AND state = 'paused'",
            (user_id,),
        ))

    return await db.run_in_transaction(work)


async def dms_closed(db: Database, user_id: int) -> bool:
    return bool(await db.fetch_value(
        "SELECT dms_closed_at IS NOT NULL FROM dm_channels WHERE user_id = ?", (user_id,)
    ))


async def take_closed_notice(db: Database, user_id: int) -> bool:
    """True once after DMs were found closed: the bot should tell the member their DM reminders are paused."""
    return await db.execute(
        "UPDATE dm_channels SET closed_notice_pending = 0 WHERE user_id = ? AND closed_notice_pending = 1",
        (user_id,),
    ) > 0
