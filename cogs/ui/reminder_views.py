"""Buttons on reminder DMs: snooze, and start a quiz on the reminder's module. Persistent (cogs/ui/buttons.py)."""

from __future__ import annotations

import discord

from cogs.ui.buttons import PersistentButton

SNOOZE_LABELS = {"10m": "Snooze 10 min", "1h": "Snooze 1 h", "tomorrow": "Tomorrow"}


class SnoozeButton(PersistentButton, template=r"snooze:(?P<reminder>\d+):(?P<choice>10m|1h|tomorrow)"):
    cog, handler = "Reminders", "on_snooze"
    ints = ("reminder",)

    def __init__(self, reminder_id: int, choice: str) -> None:
        super().__init__(discord.ui.Button(label=SNOOZE_LABELS[choice], style=discord.ButtonStyle.secondary,
                                           custom_id=f"snooze:{reminder_id}:{choice}"))


class StartQuizButton(PersistentButton, template=r"startquiz:(?P<guild>\d+):(?P<module>[a-z]*)"):
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
