"""The durable reminder dispatcher: one task asleep until the earliest due reminder in the database.

The database is the only source of truth; the dispatcher keeps no reminder in memory beyond the batch it is
sending. Its loop:

1. claim up to `batch` due rows in one transaction (pending → in_flight, db.reminders.claim_due);
2. an occurrence later than `grace` is not sent but recorded missed (a recurring reminder moves on to its
   next occurrence and counts every occurrence it skipped; the count is mentioned in the member's next DM);
3. every other row is handed to the Sender, at most `concurrency` at once. With `hold_until_recorded` (as
   the bot runs it) a send keeps its place until its outcome is committed, so at most `concurrency`
   messages are ever sent but not recorded, which is what a crash can leave to be sent twice once Discord
   has forgotten the nonce (the bot's default concurrency is 1); without it a place frees as soon as the
   Sender returns, which hands a burst over faster;
4. each outcome is recorded as soon as its send returns, by a recorder task (db.reminders.record_outcomes;
   outcomes that arrive while one commit is under way share the next one, with no waiting): delivered → the
   occurrence is logged in reminder_deliveries and a recurring reminder gets its next occurrence in the
   member's time zone (study.recurrence); retry → pending again after an exponential backoff, at most
   `max_attempts` sends per occurrence; DMs closed → that member's DM reminders are paused; gone → cancelled;
5. when nothing is due it sleeps until the next due_at (at most `max_sleep`), or until wake() (the loop itself,
   start, wake, stop and wait_idle, is scheduling.loop.SleepingLoop, shared with the daily scheduler).

start() settles rows a previous run left in flight (db.reminders.recover_in_flight: already delivered →
finalized, never resent; the rest → pending, then subject to the grace window) and starts the loop; it
reads only the in-flight rows, so it is fast at any table size. A Sender that raises or hangs (past
`send_timeout`) counts as a retry and is logged; nothing a Sender does stops the loop.

Several processes, one dispatcher each, share the table. Each claims under its `owner` name (its shards) with a
`lease`, renewed every third of it while the process lives, so a claimed row is handed out by one process only.
When a process dies, its claims run out and the next claim of another process takes them over with their
occurrence, hence their nonce, unchanged: a DM the dead process had sent is returned by Discord instead of
posted again (if Discord still remembers the nonce), one it had recorded is finalized, never resent. The sleep
therefore also ends when another process's lease runs out. start() settles only this owner's rows; a process
restarted under the same name takes its claims back at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import logging
import time
from dataclasses import dataclass
from typing import Protocol

from db import reminders as store
from db.connection import Database
from db.reminders import Reminder
from scheduling.clock import Clock
from scheduling.loop import SleepingLoop
from study.recurrence import next_occurrence_json

log = logging.getLogger(__name__)


class DeliveryStatus(enum.Enum):
    DELIVERED = "delivered"
    RETRY_LATER = "retry_later"
    DMS_CLOSED = "dms_closed"
    GONE = "gone"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What a Sender reports for one reminder. Build it with the class methods."""

    status: DeliveryStatus
    error: str | None = None
    retry_after: dt.timedelta | None = None

    @classmethod
    def delivered(cls) -> DeliveryOutcome:
        return cls(DeliveryStatus.DELIVERED)

    @classmethod
    def retry_later(cls, error: str, retry_after: dt.timedelta | None = None) -> DeliveryOutcome:
        """A transient failure (5xx, 429 after discord.py's own retries, a timeout). retry_after overrides
        the dispatcher's backoff, e.g. with Discord's Retry-After."""
        return cls(DeliveryStatus.RETRY_LATER, error, retry_after)

    @classmethod
    def dms_closed(cls, error: str = "the member does not accept DMs (Discord error 50007)") -> DeliveryOutcome:
        return cls(DeliveryStatus.DMS_CLOSED, error)

    @classmethod
    def gone(cls, error: str) -> DeliveryOutcome:
        """The member left, or the guild or channel no longer exists: the reminder is cancelled."""
        return cls(DeliveryStatus.GONE, error)


class Sender(Protocol):
    async def deliver(self, reminder: Reminder) -> DeliveryOutcome:
        """Send one reminder (DM when reminder.is_dm, using db.reminders.get_dm_channel / set_dm_channel so a
        DM costs one request). Mention reminder.total_missed missed occurrences when it is above zero. Must
        not record anything itself: the dispatcher records the outcome."""
        ...


@dataclass
class DispatcherStats:
    claimed: int = 0
    handed: int = 0          # deliver() calls
    delivered: int = 0
    retried: int = 0
    failed: int = 0          # gave up after max_attempts (one-shot) or sender errors counted as retries
    missed: int = 0          # occurrences recorded missed (beyond grace, or recurring ones given up)
    paused: int = 0          # DMs-closed outcomes
    gone: int = 0
    sender_errors: int = 0   # deliver() raised or timed out
    record_errors: int = 0
    recovered_requeued: int = 0
    recovered_finalized: int = 0
    max_lag_seconds: float = 0.0  # worst due → handed-to-sender delay seen


class ReminderDispatcher(SleepingLoop):
    task_name = "reminder-dispatcher"
    idle_poll_seconds = 0.001

    def __init__(self, db: Database, clock: Clock, sender: Sender, *, grace: dt.timedelta = dt.timedelta(hours=6),
                 batch: int = 500, concurrency: int = 50, max_attempts: int = 5,
                 retry_base: dt.timedelta = dt.timedelta(seconds=30),
                 retry_cap: dt.timedelta = dt.timedelta(minutes=15),
                 send_timeout: float = 60.0, max_sleep: dt.timedelta = dt.timedelta(minutes=5),
                 hold_until_recorded: bool = False, owner: str = store.DEFAULT_OWNER,
                 lease: dt.timedelta = store.DEFAULT_LEASE) -> None:
        super().__init__(clock, max_sleep=max_sleep)
        self._db = db
        self.owner = owner
        self.lease = lease
        self._lease_task: asyncio.Task[None] | None = None
        self._sender = sender
        self.grace = grace
        self._batch = batch
        self._max_attempts = max_attempts
        self._retry_base = retry_base
        self._retry_cap = retry_cap
        self._send_timeout = send_timeout
        self._semaphore = asyncio.Semaphore(concurrency)
        self._hold_until_recorded = hold_until_recorded
        # each outcome with the future its send task awaits: resolved once the outcome is committed
        self._queue: asyncio.Queue[tuple[store.Outcome, asyncio.Future[None]]] = asyncio.Queue()
        self._sends: dict[asyncio.Task[None], float] = {}  # send task → monotonic start
        self._timed_out: set[asyncio.Task[None]] = set()
        self._watchdog_task: asyncio.Task[None] | None = None
        self._recorder_task: asyncio.Task[None] | None = None
        self._recording = False
        self._unhanded: list[int] = []  # claimed, then not handed to the sender because stop() was called
        self.stats = DispatcherStats()

    # ---- lifecycle (start, wake, stop, wait_idle: scheduling.loop) -------------------------------------------

    async def _prepare(self) -> None:
        """start(): recover rows left in flight by a previous run, then start the recorder and the watchdog."""
        recovery = await store.recover_in_flight(self._db, self._clock.now(), self.owner)
        self.stats.recovered_requeued += recovery.requeued
        self.stats.recovered_finalized += recovery.finalized
        if recovery.requeued or recovery.finalized:
            log.info("reminders left in flight: %d requeued, %d already delivered and finalized",
                     recovery.requeued, recovery.finalized)
        self._recorder_task = asyncio.create_task(self._record_loop(), name="reminder-recorder")
        self._watchdog_task = asyncio.create_task(self._watchdog(), name="reminder-send-watchdog")
        self._lease_task = asyncio.create_task(self._renew_leases(), name="reminder-leases")

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop claiming, let sends in progress finish (up to `grace_seconds`) and record their outcomes, and put
        the rows claimed but never handed to the sender back to pending.

        Sends still running after `grace_seconds` are cancelled; their rows stay in flight (whether Discord got
        them is unknown) and the next start() settles them.
        """
        await super().stop(grace_seconds)

    async def _finish_turn(self, task: asyncio.Task[None], grace_seconds: float) -> None:
        # Not bounded: a turn only claims and hands over (each send runs in a task of its own, bounded below),
        # and it stops handing over at once, noting the rows it claimed but did not hand (_unhanded).
        await task

    async def _stopped(self, grace_seconds: float) -> None:
        if self._sends:
            _, late = await asyncio.wait(set(self._sends), timeout=grace_seconds)
            for task in late:
                task.cancel()
            if late:
                await asyncio.wait(late)
        if self._watchdog_task is not None:
            self._watchdog_task.cancel()
            await asyncio.gather(self._watchdog_task, return_exceptions=True)
            self._watchdog_task = None
        if self._recorder_task is not None:
            await self._queue.join()
            self._recorder_task.cancel()
            await asyncio.gather(self._recorder_task, return_exceptions=True)
            self._recorder_task = None
        if self._unhanded:
            await store.release_claims(self._db, self._unhanded, self.owner)
            self._unhanded = []
        if self._lease_task is not None:  # last: the rows still in flight stay ours until the end
            self._lease_task.cancel()
            await asyncio.gather(self._lease_task, return_exceptions=True)
            self._lease_task = None

    def _quiet(self) -> bool:
        """No send in progress and no outcome waiting to be recorded."""
        return not self._sends and self._queue.empty() and not self._recording

    # ---- the loop --------------------------------------------------------------------------------------------

    async def _turn(self) -> dt.datetime | None:
        claimed = await self._claim()
        if claimed:
            await self._drain(claimed)
            return self._clock.now()  # claim again at once: more may have fallen due meanwhile
        return await store.next_due_at(self._db, self.owner)

    async def _turn_failed(self) -> dt.datetime | None:
        log.exception("reminder dispatcher loop failed; trying again in a second")
        await asyncio.sleep(1)
        return self._clock.now()

    async def _claim(self) -> list[Reminder]:
        claimed = await store.claim_due(self._db, self._clock.now(), self._batch, owner=self.owner, lease=self.lease)
        self.stats.claimed += len(claimed)
        return claimed

    async def _drain(self, claimed: list[Reminder]) -> None:
        """Hand over a claimed batch; while batches come back full (a burst), claim the next one in the
        database thread while this one is handed over."""
        while claimed:
            ahead = asyncio.create_task(self._claim()) if len(claimed) >= self._batch else None
            for index, reminder in enumerate(claimed):
                if self._stopping:
                    self._unhanded.extend(r.id for r in claimed[index:])  # stop() puts them back to pending
                    break
                await self._dispatch(reminder)
            claimed = await ahead if ahead is not None else []

    async def _dispatch(self, reminder: Reminder) -> None:
        now = self._clock.now()
        if now - reminder.occurrence_at > self.grace:
            self._enqueue(self._missed(reminder, now))
            return
        await self._semaphore.acquire()
        task = asyncio.create_task(self._send(reminder))
        self._sends[task] = time.monotonic()
        task.add_done_callback(self._send_done)

    def _send_done(self, task: asyncio.Task[None]) -> None:
        self._sends.pop(task, None)
        self._timed_out.discard(task)

    async def _renew_leases(self) -> None:
        """Keep this process's claims its own while it lives: every third of the lease (real time), whatever the
        clock does, push their lease a whole lease past the clock's now."""
        every = max(0.05, self.lease.total_seconds() / 3)
        while True:
            await asyncio.sleep(every)
            try:
                await store.renew_leases(self._db, self.owner, self._clock.now() + self.lease)
            except Exception:  # a locked or busy database now and then: the next turn tries again
                log.exception("renewing the reminder leases of %s failed", self.owner)

    async def _watchdog(self) -> None:
        """Cancel sends running longer than send_timeout (cheaper than a timeout context per send)."""
        while True:
            await asyncio.sleep(max(0.05, self._send_timeout / 4))
            limit = time.monotonic() - self._send_timeout
            for task, started in list(self._sends.items()):
                if started < limit and task not in self._timed_out:
                    self._timed_out.add(task)
                    task.cancel()

    async def _send(self, reminder: Reminder) -> None:
        """Deliver one reminder and record the outcome (see the module docstring for hold_until_recorded)."""
        try:
            self.stats.handed += 1
            lag = (self._clock.now() - reminder.due_at).total_seconds()
            self.stats.max_lag_seconds = max(self.stats.max_lag_seconds, lag)
            try:
                try:
                    outcome = await self._sender.deliver(reminder)
                except asyncio.CancelledError:
                    if asyncio.current_task() not in self._timed_out:
                        raise  # stop(): the row stays in flight and the next start() requeues it
                    raise TimeoutError(f"no answer within {self._send_timeout:g} s") from None
                if not isinstance(outcome, DeliveryOutcome):
                    raise TypeError(f"Sender.deliver returned {outcome!r}, not a DeliveryOutcome")
            except Exception as error:  # never let a sender take the loop down
                self.stats.sender_errors += 1
                if isinstance(error, TimeoutError):  # Discord or the network stalled: expected now and then
                    log.warning("sending reminder %d timed out (%s); it will be retried", reminder.id, error)
                else:  # a bug in the sender
                    log.exception("sending reminder %d failed; it will be retried", reminder.id)
                outcome = DeliveryOutcome.retry_later(f"{type(error).__name__}: {error}")
            committed = self._enqueue(self._record_for(reminder, outcome))
            if self._hold_until_recorded:
                await committed
        finally:
            self._semaphore.release()

    def _next(self, reminder: Reminder, after: dt.datetime) -> dt.datetime | None:
        if not reminder.recurrence:
            return None
        return next_occurrence_json(reminder.recurrence, reminder.timezone, after)

    def _record_for(self, reminder: Reminder, outcome: DeliveryOutcome) -> store.Outcome:
        now = self._clock.now()
        status = outcome.status
        if status is DeliveryStatus.DELIVERED:
            self.stats.delivered += 1
            return store.Delivered(reminder.id, reminder.occurrence_at, self._next(reminder, reminder.occurrence_at),
                                   tuple(n.id for n in reminder.missed))
        if status is DeliveryStatus.DMS_CLOSED:
            self.stats.paused += 1
            return store.DmsClosed(reminder.id, reminder.user_id, outcome.error or "DMs closed")
        if status is DeliveryStatus.GONE:
            self.stats.gone += 1
            return store.Gone(reminder.id, outcome.error or "gone")
        error = outcome.error or "retry requested"
        if reminder.attempts + 1 >= self._max_attempts:
            log.warning("reminder %d failed %d times, giving up this occurrence: %s",
                        reminder.id, reminder.attempts + 1, error)
            if reminder.recurrence:
                self.stats.missed += 1
                return store.Missed(reminder.id, reminder.occurrence_at, self._missed(reminder, now).next_due_at,
                                    1, f"gave up after {reminder.attempts + 1} attempts: {error}")
            self.stats.failed += 1
            return store.Failed(reminder.id, error, None)
        self.stats.retried += 1
        delay = outcome.retry_after or min(self._retry_cap, self._retry_base * (2 ** reminder.attempts))
        log.warning("reminder %d not delivered (%s); retrying in %d s (attempt %d of %d)", reminder.id, error,
                    delay.total_seconds(), reminder.attempts + 1, self._max_attempts)
        return store.Failed(reminder.id, error, now + delay)

    def _missed(self, reminder: Reminder, now: dt.datetime) -> store.Missed:
        """Every occurrence older than the grace window is missed; the next one is the first within it."""
        cutoff = now - self.grace
        count, nxt = 1, self._next(reminder, reminder.occurrence_at)
        while nxt is not None and nxt < cutoff:
            if count >= 1000:  # down for years: stop counting, jump
                nxt = self._next(reminder, cutoff)
                break
            count, nxt = count + 1, self._next(reminder, nxt)
        self.stats.missed += count
        return store.Missed(reminder.id, reminder.occurrence_at, nxt, count)

    # ---- the recorder ----------------------------------------------------------------------------------------

    def _enqueue(self, outcome: store.Outcome) -> asyncio.Future[None]:
        """Queue an outcome for the recorder; the future resolves once it is committed (or given up)."""
        committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((outcome, committed))
        return committed

    async def _record_loop(self) -> None:
        while True:
            # Never wait for more: a DM that reached the member but is not yet recorded is one a crash would
            # send again (once Discord has forgotten its nonce), so each outcome is committed as soon as the
            # previous commit is done; only those that arrived meanwhile share a transaction.
            queued = [await self._queue.get()]
            while not self._queue.empty() and len(queued) < 5000:
                queued.append(self._queue.get_nowait())
            batch = [outcome for outcome, _ in queued]
            self._recording = True
            try:
                for attempt in range(5):
                    try:
                        await store.record_outcomes(self._db, batch, self._clock.now())
                        break
                    except Exception:
                        self.stats.record_errors += 1
                        log.exception("recording %d reminder outcomes failed (attempt %d)", len(batch), attempt + 1)
                        await asyncio.sleep(0.2 * 2 ** attempt)
                else:
                    log.error("gave up recording %d outcomes; those reminders stay in flight until the next start",
                              len(batch))
                if any(not isinstance(o, store.Gone | store.DmsClosed) for o in batch):
                    self._wake.set()  # a row may be pending again at a time earlier than the current timer
            finally:
                self._recording = False
                for _, committed in queued:
                    if not committed.done():
                        committed.set_result(None)
                    self._queue.task_done()
