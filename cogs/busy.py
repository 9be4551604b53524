"""Shedding load: when the bot is behind, the excess gets a short "busy, try again" at once.

Discord gives an interaction 3 seconds to be acknowledged; after that the member sees "This interaction
failed" and the bot's answer is refused. When more arrives than the bot can handle, the queue grows and every
member waits longer, until all are late. So each interaction is checked as it starts: how long ago Discord
created it (the snowflake's timestamp) beyond the smallest such delay of the last minutes (which absorbs a
clock difference between Discord and this machine). More than `BUSY_AFTER` seconds behind, and the member is
answered with one ephemeral line and nothing is done: no answer recorded, no chart drawn. The busy answer
costs a fraction of the work it replaces, so the queue drains and the deadline holds.

The costly interactions (/quiz, answers, Next, /progress) also take one of `SLOTS` places to work: the rest wait
for a place without using CPU, and get the busy line if none frees in time. Without that bound, work admitted
early queued behind everyone else's at the database thread and was late anyway. Work admitted that still runs
long is acknowledged first (`in_time`), so its answer arrives as an edit or follow-up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import discord
from discord import app_commands
from discord.http import MultipartParameters
from discord.webhook.async_ import async_context

BUSY_AFTER = 1.0  # seconds behind; a busy answer must still reach Discord before its 3 s deadline, on a starved CPU too
SLOTS = 32  # interactions worked on at once; the others wait (without CPU) for a place, or get "busy"
DEFER_AFTER = 2.0  # seconds after Discord created it: work not done by then is acknowledged first (deferred)
FLOOR_MINUTES = 10
log = logging.getLogger(__name__)
BUSY = "⏳ I'm busy right now, so I did nothing with that: please try again in a few seconds."
T = TypeVar("T")


class LoadShedder:
    def __init__(self, busy_after: float = BUSY_AFTER, clock: Callable[[], float] = time.time,
                 slots: int = SLOTS) -> None:
        self.busy_after = busy_after
        self.clock = clock
        self._floors: dict[int, float] = {}  # minute → smallest delay seen in it
        self.shed = 0
        self.slots = slots
        self._slots: asyncio.Semaphore | None = None

    def delay(self, interaction: discord.Interaction) -> float:
        """Seconds between Discord creating the interaction and now, beyond the usual delay."""
        return self.delay_of(interaction.id)

    def delay_of(self, snowflake: int) -> float:
        now = self.clock()
        seen = now - (((snowflake >> 22) + discord.utils.DISCORD_EPOCH) / 1000)
        minute = int(now // 60)
        if seen < self._floors.get(minute, float("inf")):
            self._floors[minute] = seen
            for old in [m for m in self._floors if m <= minute - FLOOR_MINUTES]:
                del self._floors[old]
        return seen - min(self._floors.values())

    def behind(self, interaction: discord.Interaction) -> bool:
        if self.delay(interaction) > self.busy_after:
            self.shed += 1
            return True
        return False

    @contextlib.asynccontextmanager
    async def slot(self, interaction: discord.Interaction) -> AsyncIterator[bool]:
        """Admission: True once one of `slots` places to work is free, False (answer busy, do nothing) if none
        frees before the interaction is `busy_after` late. Waiting here costs no CPU, and the work admitted
        finds short queues (the database thread's above all), so it finishes well inside the deadline."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.slots)
        remaining = self.busy_after - self.delay(interaction)
        admitted = remaining > 0
        if admitted and not self._slots.locked():
            await self._slots.acquire()  # free: no timer, no task
        elif admitted:
            try:
                await asyncio.wait_for(self._slots.acquire(), remaining)
            except TimeoutError:
                admitted = False
        if not admitted:
            self.shed += 1
            yield False
            return
        try:
            yield True
        finally:
            self._slots.release()


def _shedder(interaction: discord.Interaction) -> LoadShedder | None:
    return getattr(interaction.client, "shedder", None)


async def answer_busy(interaction: discord.Interaction) -> None:
    await interaction.response.send_message(BUSY, ephemeral=True)


class Busy(app_commands.CheckFailure):
    """Raised by the tree's check: the error handler answers with the busy line (no traceback)."""

    def __init__(self) -> None:
        super().__init__(BUSY)


class StudyTree(app_commands.CommandTree):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        shedder = _shedder(interaction)
        if (interaction.type is discord.InteractionType.application_command and shedder is not None
                and shedder.behind(interaction)):
            raise Busy
        return True


def sheds(interaction: discord.Interaction) -> bool:
    """Whether a click whose work is worth shedding (quiz answers, Next) should get the busy line instead: the
    bot is behind. Buttons ask this through `shed = True` on their class (cogs/ui/buttons.py)."""
    shedder = _shedder(interaction)
    return shedder is not None and shedder.behind(interaction)


async def in_time(interaction: discord.Interaction, work: Awaitable[T], *, budget: float | None = None) -> T:
    """`work`'s result; if it is not ready `budget` seconds after Discord created the interaction (a long
    queue for the database, a starved CPU), the interaction is acknowledged first (deferred, ephemeral for a
    command) so the answer that follows is not refused. Reply with `send` or `edit` below, which know.

    A timer, not a task per click: the click path pays for a deferral only when one is needed. The timer's
    callback runs on the loop, so either it started the deferral (awaited here before anything is sent) or
    it is cancelled: the bot never sends two acknowledgements."""
    budget = DEFER_AFTER if budget is None else budget
    shedder = _shedder(interaction)
    late = shedder.delay(interaction) if shedder is not None else 0.0
    loop = asyncio.get_running_loop()
    deferral: list[asyncio.Task[None]] = []

    def defer() -> None:
        if not interaction.response.is_done():
            deferral.append(loop.create_task(_defer(interaction)))

    timer = loop.call_later(max(budget - late, 0.0), defer)
    try:
        return await work
    finally:
        timer.cancel()
        if deferral:
            await deferral[0]


async def _defer(interaction: discord.Interaction) -> None:
    if interaction.type is discord.InteractionType.component:
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=True, thinking=True)


async def send(interaction: discord.Interaction, **message: Any) -> None:
    """An ephemeral reply to a command, as the response or, after a deferral, as the follow-up."""
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=True, **message)
    else:
        await interaction.response.send_message(ephemeral=True, **message)


async def edit(interaction: discord.Interaction, **message: Any) -> None:
    """Edit the message whose button was clicked, as the response or, after a deferral, through the webhook."""
    if interaction.response.is_done():
        await interaction.edit_original_response(**message)
    else:
        await interaction.response.edit_message(**message)


def shed_at_the_gateway(bot: discord.Client) -> None:
    """Answer "busy" to a late interaction before discord.py builds anything for it.

    Under deep overload the busy line sent from a handler cost as much CPU as a bare bot's whole click
    (0.85 ms: the Interaction, its member and message, the view rebuilt from the message), so shedding could
    not keep up with twice the rate the bot handles. Here a late INTERACTION_CREATE is answered from its raw
    data (id, token, type) with the same callback discord.py sends (its webhook adapter, its HTTP session),
    and never parsed. discord.py offers no public hook this early: this replaces the entry of the gateway's
    parser table (`ConnectionState.parsers`, unchanged through 2.x; the version is pinned).
    """
    parsers = bot._connection.parsers
    parse = parsers["INTERACTION_CREATE"]

    def parse_interaction_create(data: dict[str, Any]) -> None:
        # the StudyBot's (app.factory, not importable here), read at each event: a test may swap it
        shedder: LoadShedder = bot.shedder  # type: ignore[attr-defined]
        if data.get("type") in (2, 3, 5) and shedder.delay_of(int(data["id"])) > shedder.busy_after:
            shedder.shed += 1
            asyncio.get_running_loop().create_task(_raw_busy(bot, data))
            return
        parse(data)

    parsers["INTERACTION_CREATE"] = parse_interaction_create


async def _raw_busy(bot: discord.Client, data: dict[str, Any]) -> None:
    payload = {"type": 4, "data": {"content": BUSY, "flags": discord.MessageFlags(ephemeral=True).value}}
    try:
        await async_context.get().create_interaction_response(
            # discord.py's own session, as discord.Interaction uses it: the client has no public accessor
            int(data["id"]), data["token"], session=bot.http._HTTPClient__session,  # type: ignore[attr-defined]
            params=MultipartParameters(payload=payload, multipart=None, files=None))
    except discord.HTTPException as error:
        log.warning("a busy answer was refused (%s): the interaction was already too late", error)
