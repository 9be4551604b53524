"""One task asleep until the next thing due: the base of the reminder dispatcher and the daily scheduler.

A loop reads what is due from the database, does it, and sleeps on the clock until the next due instant, at
most `max_sleep` (a bounded sleep re-checks now and then, in case the machine slept through a timer), or until
wake() (something earlier may have been added). It keeps nothing in memory between turns, so a restart, a
new reminder or a new schedule changes the plan at once.

A subclass writes one turn:

- `_turn()` does what is due now and returns when something is due next: None when nothing is scheduled
  (sleep `max_sleep`), an instant not after now when there is more to do at once (no sleep);
- `_turn_failed()` is called when a turn raised, with the exception being handled: log it and return the
  instant to try again (the default: in `max_sleep`);
- optionally `_prepare()` (before the task starts, e.g. settling what a previous run left in flight),
  `_quiet()` (work of its own still under way, so not idle), `_finish_turn()` and `_stopped()` (stop()).

Lifecycle: start() → wake()… → stop(). The loop holds no lock and no claim of its own: what it promises
(sent once, posted once a day) is the database's, through claims a second loop would see.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import time

from scheduling.clock import Clock

log = logging.getLogger(__name__)


class SleepingLoop:
    #: the asyncio task's name, for logs and task dumps
    task_name = "loop"
    #: how often wait_idle() looks, in real seconds
    idle_poll_seconds = 0.005

    def __init__(self, clock: Clock, *, max_sleep: dt.timedelta) -> None:
        self._clock = clock
        self._max_sleep = max_sleep
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._sleeping = False
        self.sleep_target: dt.datetime | None = None  # the instant the loop sleeps until, while it sleeps
        self.next_due: dt.datetime | None = None      # what the last turn said is due next (None: nothing)

    # ---- what a subclass writes -----------------------------------------------------------------------------

    async def _turn(self) -> dt.datetime | None:
        """Do what is due now; return when something is due next (see the module docstring)."""
        raise NotImplementedError

    async def _turn_failed(self) -> dt.datetime | None:
        """A turn raised (the exception is being handled): log it, return when to try again."""
        log.exception("%s turn failed; trying again in %s", self.task_name, self._max_sleep)
        return self._clock.now() + self._max_sleep

    async def _prepare(self) -> None:
        """Before the task starts."""

    def _quiet(self) -> bool:
        """No work of the subclass's own is under way (sends, records): part of is_idle()."""
        return True

    async def _finish_turn(self, task: asyncio.Task[None], grace_seconds: float) -> None:
        """stop(): let the turn under way end, up to `grace_seconds`, then cancel it."""
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, grace_seconds)

    async def _stopped(self, grace_seconds: float) -> None:
        """stop(), once the loop has ended: finish the subclass's own work."""

    # ---- lifecycle ------------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Prepare and start the loop; returns without waiting for its first turn."""
        if self._task is not None:
            raise RuntimeError(f"the {self.task_name} is already running")
        await self._prepare()
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self.task_name)

    def wake(self) -> None:
        """Take a turn now (something may be due earlier than the loop sleeps until)."""
        self._wake.set()

    async def stop(self, grace_seconds: float = 10.0) -> None:
        """Take no new turn, let the one under way finish (see _finish_turn), then _stopped(). Safe to call
        twice, before start(), or after the loop died (that is logged, not raised)."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            try:
                await self._finish_turn(task, grace_seconds)
            except Exception:  # the loop had died of a bug: said here, so the bot still stops cleanly
                log.exception("the %s had stopped on an error", self.task_name)
        await self._stopped(grace_seconds)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def is_idle(self) -> bool:
        """Asleep until a future instant, not woken, with no work of its own under way."""
        return (self._sleeping and not self._wake.is_set() and self._quiet()
                and (self.sleep_target is None or self._clock.now() < self.sleep_target))

    async def wait_idle(self, limit_seconds: float = 30.0) -> None:
        """For tests, benchmarks and the sandbox's clock: return once the loop has done everything due at the
        clock's current time (idle twice in a row across a yield, so a wake() or clock move just made is seen)."""
        deadline = time.monotonic() + limit_seconds
        while True:
            if self.is_idle():
                await asyncio.sleep(0)
                if self.is_idle():
                    return
            if self._task is not None and self._task.done():
                self._task.result()
                raise RuntimeError(f"the {self.task_name} has stopped")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the {self.task_name} did not become idle")
            await asyncio.sleep(self.idle_poll_seconds)

    # ---- the loop -------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                self.next_due = await self._turn()
            except Exception:
                self.next_due = await self._turn_failed()
            if self._stopping:
                break
            now = self._clock.now()
            if self.next_due is not None and self.next_due <= now:
                await asyncio.sleep(0)  # more to do at once; let the rest of the bot run between turns
                continue
            ceiling = now + self._max_sleep
            self.sleep_target = ceiling if self.next_due is None else min(self.next_due, ceiling)
            self._sleeping = True
            try:
                await self._clock.sleep_until(self.sleep_target, self._wake)
            finally:
                self._sleeping = False
