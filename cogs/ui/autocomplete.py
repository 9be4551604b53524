"""Autocomplete callbacks shared by every command that asks for a module or a time zone."""

from __future__ import annotations

import zoneinfo

import discord
from discord import app_commands

_ZONES = sorted(zoneinfo.available_timezones())


async def _syllabus(interaction: discord.Interaction):
    """The syllabus of the edition the server follows."""
    edition = await interaction.client.editions.edition_for(interaction.guild_id)  # type: ignore[attr-defined]
    return edition.syllabus


async def module_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    syllabus = await _syllabus(interaction)
    return [app_commands.Choice(name=module.label[:100], value=module.key) for module in syllabus.search(current)]


async def topic_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Topics of the module already chosen in the same command, or of every module."""
    syllabus = await _syllabus(interaction)
    chosen = getattr(interaction.namespace, "module", None)
    modules = [syllabus.module(chosen)] if chosen and syllabus.module(chosen) else list(syllabus.modules)
    wanted = current.strip().lower()
    choices = []
    for module in modules:
        for topic in module.topics:
            if wanted in topic.key or wanted in topic.name.lower():
                choices.append(app_commands.Choice(name=f"{module.code} · {topic.name}"[:100], value=topic.key))
    return choices[:25]


async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    wanted = current.strip().lower().replace(" ", "_")
    hits = [zone for zone in _ZONES if wanted in zone.lower()] if wanted else ["UTC", "Europe/London",
                                                                               "America/New_York", "Asia/Singapore"]
    return [app_commands.Choice(name=zone, value=zone) for zone in hits[:25]]
