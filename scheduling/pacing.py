"""A token bucket that keeps bulk sends under Discord's global limit instead of learning it from 429s.

Every 429 is a wasted request, and Discord bans bots that collect too many invalid requests, so the
dispatcher's bursts (10,000 reminders due in one second) are paced below 50 requests/s up front.
"""

from __future__ import annotations

import asyncio
import time


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
