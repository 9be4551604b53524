"""A token bucket that keeps bulk sends under Discord's global limit instead of learning it from 429s.

Every 429 is a wasted request, and Discord bans bots that collect too many invalid requests, so the
dispatcher's bursts (10,000 reminders due in one second) are paced below 50 requests/s up front. The limit is
per bot, not per process: with several processes each takes its shards' part of it (budget_for).
"""

from __future__ import annotations

import asyncio
import collections
import time
from dataclasses import dataclass

from scheduling.shards import DISCORD_GLOBAL_PER_SECOND

HEADROOM_PER_SECOND = DISCORD_GLOBAL_PER_SECOND - 8  # what the whole bot sends at most in any second
REMINDERS_PER_SECOND = 40                             # of which reminder DMs, for the whole bot
REMINDER_BURST = 2


class RequestPacer:
    def __init__(self, per_second: float, burst: int | None = None) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.per_second = per_second
        self.capacity = float(burst if burst is not None else max(1, int(per_second)))
        self._tokens = self.capacity
        self._updated = time.monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self, cost: float = 1.0) -> None:
        """Wait until `cost` requests may be made without going over the rate."""
        async with self._lock:
            while True:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.per_second)
                self._updated = now
                if self._tokens >= cost:
                    self._tokens -= cost
                    return
                await asyncio.sleep((cost - self._tokens) / self.per_second)


class RequestWindow:
    """At most `limit` requests in any one second: the cap a process puts on all its REST requests.

    Why a window and not only the bucket above: Discord counts requests per rolling second, and a bucket lets
    its burst through on top of its rate; a window admits exactly what the limit says. Waiters go first come,
    first served.
    """

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self._sent: collections.deque[float] = collections.deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = time.monotonic()
                while self._sent and self._sent[0] <= now - 1.0:
                    self._sent.popleft()
                if len(self._sent) < self.limit:
                    self._sent.append(now)
                    return
                await asyncio.sleep(self._sent[0] + 1.0 - now)


@dataclass(frozen=True, slots=True)
class Budget:
    """One process's part of the bot's global limit, and of that, what reminder DMs may use."""

    requests_per_second: int   # every REST request of the process (RequestWindow)
    reminders_per_second: float  # reminder sends (RequestPacer), leaving room for commands and daily posts
    reminder_burst: int


def budget_for(share: float) -> Budget:
    """The budget of a process that runs `share` of the bot's shards (shards.ShardPlan.share).

    The whole bot keeps 8 of Discord's 50 requests/s as a margin for the network bunching requests up (they are
    counted when they arrive: two processes sending 44/s together were counted at 48 in one second by the
    simulator), and reminders get 40 of the 42, as a single process always had; a process takes its shards'
    part of each, so the processes' sum never exceeds 42 however the shards are spread.
    """
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    total = max(1, int(HEADROOM_PER_SECOND * share))
    burst = max(1, round(REMINDER_BURST * share))
    reminders = max(0.5, min(REMINDERS_PER_SECOND * share, total - burst))
    return Budget(total, reminders, burst)
