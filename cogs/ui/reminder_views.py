"""Buttons on reminder DMs: snooze, and start a quiz on the reminder's module. Persistent (DynamicItem)."""

from __future__ import annotations

import re

import discord

from cogs.lifecycle import StudyButton

SNOOZE_LABELS = {"10m": "Snooze 10 min", "1h": "Snooze 1 h", "tomorrow": "Tomorrow"}


class SnoozeButton(StudyButton,
                   template=r"snooze:(?P<reminder>\d+):(?P<choice>10m|1h|tomorrow)"):
    def __init__(self, reminder_id: int, choice: str) -> None:
        super().__init__(discord.ui.Button(label=SNOOZE_LABELS[choice], style=discord.ButtonStyle.secondary,
                                           custom_id=f"snooze:{reminder_id}:{choice}"))
        self.reminder_id, self.choice = reminder_id, choice

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> SnoozeButton:
        return cls(int(match["reminder"]), match["choice"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.client.get_cog("Reminders").on_snooze(interaction, self.reminder_id, self.choice)


class StartQuizButton(StudyButton,
                      template=r"startquiz:(?P<guild>\d+):(?P<module>[a-z]*)"):
    def __init__(self, guild_id: int, module: str | None, label: str) -> None:
        super().__init__(discord.ui.Button(label=label, style=discord.ButtonStyle.primary,
                                           custom_id=f"startquiz:{guild_id}:{module or ''}"))
        self.guild_id, self.module = guild_id, module or None

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str]) -> StartQuizButton:
        return cls(int(match["guild"]), match["module"], item.label or "Start a quiz")

    async def callback(self, interaction: discord.Interaction) -> None:
        await interaction.client.get_cog("Quiz").start_from_button(interaction, self.guild_id, self.module)


DYNAMIC_ITEMS = (SnoozeButton, StartQuizButton)


def reminder_view(reminder_id: int, guild_id: int, module: str | None, module_code: str | None) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    label = f"Start a {module_code} quiz" if module_code else "Start a quiz"
    view.add_item(StartQuizButton(guild_id, module, label))
    for choice in SNOOZE_LABELS:
        view.add_item(SnoozeButton(reminder_id, choice))
    return view
