"""Charts drawn off the event loop's core, with the last chart per member and day kept.

A chart is CPU work that holds the GIL: drawn in a thread of the bot's process, it still slows every other
member's click. `ChartRenderer` draws in a small process pool instead (started on the first chart, spawned
rather than forked because the bot's process has threads), and keeps, per key (guild, member, UTC day), the
inputs and the PNG of the last chart: asking again with nothing new draws nothing. The cache compares the
inputs themselves, so it never shows a stale chart; it only saves work when the figures did not change.

`backlog` (charts asked for and not yet drawn) lets the caller answer "busy" instead of queueing without end.
A pool whose worker died (BrokenProcessPool) is replaced once per call.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

CACHE_ENTRIES = 1024


class ChartRenderer:
    def __init__(self, processes: int = 1, cache_entries: int = CACHE_ENTRIES) -> None:
        """`processes=0` draws in a thread of this process (the command line and tests of charts alone)."""
        self.processes = processes
        self.cache_entries = cache_entries
        self._pool: ProcessPoolExecutor | None = None
        self._cache: OrderedDict[Hashable, tuple[tuple[object, ...], bytes]] = OrderedDict()
        self.backlog = 0
        self.drawn = 0
        self.reused = 0

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))
        return self._pool

    async def draw(self, key: Hashable | None, function: Callable[..., bytes], *args: object) -> bytes:
        """`function(*args)`, a module-level function returning PNG bytes, drawn off the event loop; reused
        when the last chart under `key` had the same inputs."""
        if key is not None:
            cached = self._cache.get(key)
            if cached is not None and cached[0] == args:
                self._cache.move_to_end(key)
                self.reused += 1
                return cached[1]
        self.backlog += 1
        try:
            png = await self._run(function, args)
        finally:
            self.backlog -= 1
        self.drawn += 1
        if key is not None:
            self._cache[key] = (args, png)
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_entries:
                self._cache.popitem(last=False)
        return png

    async def _run(self, function: Callable[..., bytes], args: tuple[object, ...]) -> bytes:
        if not self.processes:
            return await asyncio.to_thread(function, *args)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), function, *args)
        except BrokenProcessPool:  # a worker was killed (out of memory, an operator): start a new pool
            self.close()
            return await loop.run_in_executor(self._executor(), function, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
