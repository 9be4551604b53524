"""The one source of "now" for everything that depends on time, so tests can move time forward.

A clock also sleeps: `sleep_until(when, wake)` returns when the clock reaches `when` (None: never) or when
the `wake` event is set, whichever comes first. SystemClock uses the event loop's timer; ManualClock only
moves when a test or benchmark calls advance() or set(), which wakes its sleepers.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant as an aware UTC datetime."""
        ...

    async def sleep_until(self, when: dt.datetime | None, wake: asyncio.Event | None = None) -> None:
        """Return once now() ≥ when (never if None) or as soon as `wake` is set (at once if already set)."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def sleep_until(self, when: dt.datetime | None, wake: asyncio.Event | None = None) -> None:
        delay = None if when is None else max(0.0, (when - self.now()).total_seconds())
        event = wake if wake is not None else asyncio.Event()  # a private event is never set: a plain sleep
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=delay)


class ManualClock:
    """A clock that stands still until advance() or set(); both wake every sleeper to re-check its deadline."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware start instant")
        self._now = start.astimezone(dt.UTC)
        self._moved: asyncio.Event | None = None

    def now(self) -> dt.datetime:
        return self._now

    def set(self, instant: dt.datetime) -> None:
        self._now = instant.astimezone(dt.UTC)
        if self._moved is not None:
            self._moved.set()
            self._moved = None

    def advance(self, delta: dt.timedelta) -> None:
        self.set(self._now + delta)

    async def sleep_until(self, when: dt.datetime | None, wake: asyncio.Event | None = None) -> None:
        while when is None or self._now < when:
            if wake is not None and wake.is_set():
                return
            if self._moved is None:
                self._moved = asyncio.Event()
            waits = [asyncio.ensure_future(self._moved.wait())]
            if wake is not None:
                waits.append(asyncio.ensure_future(wake.wait()))
            try:
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waits:
                    waiter.cancel()
