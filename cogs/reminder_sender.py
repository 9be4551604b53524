"""Delivers due reminders through Discord for the dispatcher: one request per DM, errors sorted for retry."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import discord

from cogs.ui.limits import fit_content
from cogs.ui.reminder_views import reminder_view
from scheduling.dispatcher import DeliveryOutcome
from scheduling.pacing import RequestPacer
from services.countdown import is_board_reminder
from services.reminders import ReminderKind, ReminderState
from study.nudges import nudge_text

if TYPE_CHECKING:
    from app.factory import StudyBot
    from db.reminders import Reminder

log = logging.getLogger(__name__)
CANNOT_DM = 50007
UNKNOWN_CHANNEL = 10003


@runtime_checkable
class BoardDelivery(Protocol):
    """The countdown board cog (cogs/countdown.py), by shape: discord.py loads each extension as a fresh module,
    so a class imported here would not be the loaded cog's class."""

    async def deliver_board(self, reminder: Reminder, pacer: RequestPacer) -> DeliveryOutcome: ...


class DiscordSender:
    def __init__(self, bot: StudyBot, pacer: RequestPacer | None = None) -> None:
        self.bot = bot
        # Discord allows 50 requests/s per bot; reminders keep a margin for commands and daily posts, and a process
        # running part of the shards takes that part of it (scheduling.pacing.budget_for)
        self.pacer = pacer or RequestPacer(bot.budget.reminders_per_second, burst=bot.budget.reminder_burst)

    async def _dm_channel(self, user_id: int) -> discord.abc.Messageable:
        """The stored DM channel (no request), or one created once and stored."""
        channel_id = await self.bot.services.reminders.dm_channel(user_id)
        if not channel_id:
            await self.pacer.acquire()
            channel = await self.bot.create_dm(discord.Object(id=user_id))
            await self.bot.services.reminders.remember_dm_channel(user_id, channel.id, self.bot.clock.now())
            return channel
        return self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def _content(self, reminder: Reminder) -> tuple[str, discord.ui.View | None]:
        editions = self.bot.content.editions
        key = reminder.module
        owner = editions.edition_of_module(key) if key else None
        # a reminder keeps the module it was booked for, shown under that module's own edition's name
        module = owner.syllabus.module(key) if owner is not None and key else None
        code = module.code if module else (editions.module_name(key) if owner is not None and key else None)
        if reminder.kind == ReminderKind.EXAM_NUDGE:
            exam_date = dt.date.fromisoformat(reminder.payload["exam_date"])
            if key is None:  # every exam nudge is stored with its exam's key
                raise ValueError(f"exam nudge {reminder.id} has no module")
            facts = await self.bot.services.exams.nudge_facts(reminder.guild_id, reminder.user_id, key,
                                                              exam_date, self.bot.clock.now(), reminder.timezone)
            text = nudge_text(facts)
        elif reminder.kind == ReminderKind.STUDY:
            scope = f" for **{code}** ({module.name})" if module else ""
            text = f"📚 Study time{scope}! A short quiz keeps your reviews on schedule."
        elif reminder.kind == ReminderKind.WINDOW_NUDGE:
            text = (f"🗓️ The exam window **{reminder.payload.get('name', '')}** closes in "
                    f"{reminder.payload.get('days_left', '?')} days ({reminder.payload.get('ends_on', '')}). "
                    f"Book your exam if you have not yet.")
        elif reminder.payload.get("announce") == "opening":
            window = reminder.payload.get("window_id")
            found = await self.bot.services.windows.window(reminder.guild_id, window) if window is not None else None
            if found is None:
                return "", None
            text = (f"📣 The exam window **{found.name}** is open: {found.starts_on:%d %b} to "
                    f"{found.ends_on:%d %b %Y}. Join it with `/window join` to get a reminder before it closes.")
            return text, None
        else:
            text = f"⏰ Reminder: {reminder.text}"
        if reminder.total_missed:
            text += (f"\n-# While I was offline you missed {reminder.total_missed} reminder"
                     f"{'s' if reminder.total_missed != 1 else ''}"
                     + (": " + "; ".join(m.text for m in reminder.missed[:3] if m.text) if reminder.missed else "")
                     + ".")
        return fit_content(text), reminder_view(reminder.id, reminder.guild_id, reminder.module, code)

    async def deliver(self, reminder: Reminder) -> DeliveryOutcome:
        # A member may cancel or /forgetme after the dispatcher claimed the row: the row decides, not the claim.
        current = await self.bot.services.reminders.get(reminder.id)
        if current is None or current.state != ReminderState.IN_FLIGHT:
            return DeliveryOutcome.gone("cancelled or deleted before it was sent")
        if is_board_reminder(reminder.payload):  # the organizers' pinned countdown: edited, not sent
            board = self.bot.get_cog("CountdownBoard")
            if not isinstance(board, BoardDelivery):
                return DeliveryOutcome.retry_later("the countdown board is not loaded yet")
            return await board.deliver_board(reminder, self.pacer)
        text, view = await self._content(reminder)
        if not text:
            return DeliveryOutcome.gone("the exam window no longer exists")
        try:
            if reminder.channel_id is None:  # reminder.is_dm, spelled so that the type checker sees it
                channel = await self._dm_channel(reminder.user_id)
            else:
                channel = self.bot.get_partial_messageable(reminder.channel_id)
            # The nonce is fixed per occurrence and discord.py sends it with enforce_nonce: if a crash came
            # between Discord accepting the message and our commit, the resend after restart returns the
            # first message instead of posting a second one.
            nonce = f"r{reminder.id}.{int(reminder.occurrence_at.timestamp())}"
            await self.pacer.acquire()
            if view:
                await channel.send(text, view=view, nonce=nonce)
            else:
                await channel.send(text, nonce=nonce)
        except discord.Forbidden as error:
            if error.code == CANNOT_DM:
                return DeliveryOutcome.dms_closed()
            return DeliveryOutcome.gone(f"missing access: {error.text}")
        except discord.NotFound as error:
            if error.code == UNKNOWN_CHANNEL and reminder.is_dm:
                await self.bot.services.reminders.remember_dm_channel(reminder.user_id, 0, self.bot.clock.now())
                return DeliveryOutcome.retry_later("the stored DM channel is gone")
            return DeliveryOutcome.gone(f"not found: {error.text}")
        except discord.HTTPException as error:
            retry = dt.timedelta(seconds=float(error.response.headers.get("Retry-After", 0) or 0) or 30)
            return DeliveryOutcome.retry_later(f"HTTP {error.status}: {error.text}", retry)
        except (OSError, TimeoutError) as error:
            return DeliveryOutcome.retry_later(f"network: {error}")
        return DeliveryOutcome.delivered()
