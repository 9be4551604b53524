"""Buttons on reminder DMs (snooze, and start a quiz on the reminder's module; persistent, cogs/ui/buttons.py), and
the /remind list embed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from cogs.ui.buttons import PersistentButton
from cogs.ui.embeds import BRAND
from cogs.ui.limits import fit_embed
from cogs.ui.times import local_time
from services.reminders import ReminderState
from study.recurrence import WeeklySchedule

if TYPE_CHECKING:
    from db.reminders import Reminder
    from services.reminders import NudgeSummary

MAX_FIELDS = 25  # Discord's limit per embed
MAX_NUDGE_LINES = 10

SNOOZE_LABELS = {"10m": "Snooze 10 min", "1h": "Snooze 1 h", "tomorrow": "Tomorrow"}


class SnoozeButton(PersistentButton, template=r"snooze:(?P<reminder>\d+):(?P<choice>10m|1h|tomorrow)"):
    cog, handler = "Reminders", "on_snooze"
    ints = ("reminder",)

    def __init__(self, reminder_id: int, choice: str) -> None:
        super().__init__(discord.ui.Button(label=SNOOZE_LABELS[choice], style=discord.ButtonStyle.secondary,
                                           custom_id=f"snooze:{reminder_id}:{choice}"))


class StartQuizButton(PersistentButton, template=r"startquiz:(?P<guild>\d+):(?P<module>[a-z0-9_-]*)"):
    """A quiz on the reminder's module, in the server the reminder belongs to (a DM has no server)."""

    cog, handler = "Quiz", "start_from_button"
    ints = ("guild",)
    optional = ("module",)

    def __init__(self, guild_id: int, module: str | None, label: str) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary,
                                           custom_id=f"startquiz:{guild_id}:{module or ''}"))


DYNAMIC_ITEMS = (SnoozeButton, StartQuizButton)


def reminder_view(reminder_id: int, guild_id: int, module: str | None, module_code: str | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    label = f"Start a {module_code} quiz" if module_code else "Start a quiz"
    view.add_item(StartQuizButton(guild_id, module, label))
    for choice in SNOOZE_LABELS:
        view.add_item(SnoozeButton(reminder_id, choice))
    return view


def reminders_embed(own: Sequence[Reminder], nudges: Sequence[NudgeSummary]) -> discord.Embed:
    """/remind list: one line per exam or window with its nudges, then one field per own reminder."""
    embed = discord.Embed(title="Your reminders", colour=BRAND)
    if nudges:
        lines = [f"🎯 {n.label}: {n.count} nudge{'s' if n.count != 1 else ''}, next "
                 f"{local_time(n.next_at, n.timezone)}" for n in nudges[:MAX_NUDGE_LINES]]
        if len(nudges) > MAX_NUDGE_LINES:
            lines.append(f"…and {len(nudges) - MAX_NUDGE_LINES} more")
        heading = "**Exam and window nudges** (change with /exam nudges, /window leave)"
        embed.description = "\n".join([heading, *lines])
    shown = own if len(own) <= MAX_FIELDS else own[:MAX_FIELDS - 1]
    for row in shown:
        if row.recurrence:
            what = "Study " + WeeklySchedule.from_json(row.recurrence).describe()
        else:
            what = row.text[:80] or "Reminder"  # Discord refuses an empty field value
        paused = " · ⏸ paused (DMs closed)" if row.state == ReminderState.PAUSED else ""
        embed.add_field(name=f"#{row.id} · next {local_time(row.due_at, row.timezone)}", value=what + paused,
                        inline=False)
    if len(own) > len(shown):
        embed.add_field(name=f"…and {len(own) - len(shown)} more", value="Cancel some with /remind cancel.",
                        inline=False)
    return fit_embed(embed)
