"""Which of the bot's Discord shards this process runs, and what follows from it.

Discord splits a bot's guilds into shards: guild g belongs to shard (g >> 22) % shard_count, and every event of
that guild (its interactions included) arrives on that shard's gateway session; DMs arrive on shard 0. Several
processes may run disjoint sets of shards against one database. What each process does alone follows from its
plan:

- the daily post of a guild is made by the process that owns the guild's shard (`owns`);
- Discord's global limit of 50 requests/s is per bot, not per process: a process spends `share` of it, its
  shards' part of the whole, so processes that together run every shard once never exceed it, however many;
- the reminder claims it takes carry its `owner` name, so a process restarted with the same shards takes its
  own unfinished claims back at once, while another process's wait for their lease to run out.

A plan without ids runs every shard here (one process: today's default), with the shard count given or asked
from Discord (GET /gateway/bot) at connect time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Discord allows a bot 50 requests/s (interaction responses apart); one process may run at most 1,000 shards here
DISCORD_GLOBAL_PER_SECOND = 50
MAX_SHARD_COUNT = 1000


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (guild_id >> 22) % shard_count


@dataclass(frozen=True, slots=True)
class ShardPlan:
    ids: tuple[int, ...] | None = None  # None: every shard, in this process
    count: int | None = None            # None: as many as Discord recommends (only with ids None)

    @property
    def runs_everything(self) -> bool:
        return self.ids is None

    def owns(self, guild_id: int | None) -> bool:
        """Whether this process runs the shard of `guild_id` (None: a DM, which arrives on shard 0)."""
        if self.ids is None or self.count is None:
            return True
        return shard_of(guild_id or 0, self.count) in self.ids

    @property
    def share(self) -> float:
        """The part of the bot's shards this process runs (1.0 when it runs every shard)."""
        if self.ids is None or self.count is None:
            return 1.0
        return len(self.ids) / self.count

    @property
    def owner(self) -> str:
        """The name this process's reminder claims carry: the same after a restart with the same shards."""
        if self.ids is None:
            return "all shards" if self.count is None else f"shards 0-{self.count - 1}/{self.count}"
        return f"shards {_ranges(self.ids)}/{self.count}"

    def describe(self) -> str:
        """For the log: which shards run here."""
        if self.ids is None:
            return ("every shard (as many as Discord recommends)" if self.count is None
                    else f"all {self.count} shards")
        return f"shard{'s' if len(self.ids) > 1 else ''} {_ranges(self.ids)} of {self.count}"


def _ranges(ids: tuple[int, ...]) -> str:
    parts: list[str] = []
    start = previous = ids[0]
    for shard in [*ids[1:], None]:
        if shard is not None and shard == previous + 1:
            previous = shard
            continue
        parts.append(str(start) if start == previous else f"{start}-{previous}")
        if shard is not None:
            start = previous = shard
    return ",".join(parts)


class ShardPlanError(ValueError):
    """A --shards/--shard-count value that cannot work, with a one-line reason for the command line."""


_PART = re.compile(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?")


def parse_shard_plan(shards: str | None, shard_count: int | None) -> ShardPlan:
    """`--shards 0-3 --shard-count 8` → shards 0, 1, 2, 3 of 8. `--shard-count 8` alone: all 8 here; neither: all
    shards, as many as Discord recommends. Lists like `0,2,4-5` are accepted."""
    if shard_count is not None and not 1 <= shard_count <= MAX_SHARD_COUNT:
        raise ShardPlanError(f"--shard-count: a number from 1 to {MAX_SHARD_COUNT}, the total number of shards "
                             f"of all the bot's processes (got {shard_count})")
    if shards is None:
        return ShardPlan(None, shard_count)
    if shard_count is None:
        raise ShardPlanError("--shards needs --shard-count, the total number of shards of all the bot's processes "
                             "(e.g. --shards 0-3 --shard-count 8)")
    ids: list[int] = []
    for part in shards.split(","):
        match = _PART.fullmatch(part)
        if match is None:
            raise ShardPlanError(f"--shards: {shards!r} is not a shard list such as 0-3 or 0,2,4-5")
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise ShardPlanError(f"--shards: the range {part.strip()} runs backwards (write {last}-{first})")
        ids.extend(range(first, last + 1))
    outside = sorted({i for i in ids if i >= shard_count})
    if outside:
        raise ShardPlanError(f"--shards: shard {outside[0]} does not exist with --shard-count {shard_count} "
                             f"(shards are numbered 0 to {shard_count - 1})")
    if len(set(ids)) != len(ids):
        twice = next(i for i in ids if ids.count(i) > 1)
        raise ShardPlanError(f"--shards: shard {twice} is listed twice")
    return ShardPlan(tuple(sorted(ids)), shard_count)
