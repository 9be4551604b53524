"""Autocomplete callbacks shared by every command that asks for a module or a time zone."""

from __future__ import annotations

import discord
from discord import app_commands

from cogs.checks import services_of
from study.syllabus import Syllabus
from study.timezones import canonical_zones, zone_aliases

_ZONES = canonical_zones()  # IANA zone names only: no localtime, posix/…, right/…, Factory
_ALIASES = sorted(zone_aliases().items())


async def _syllabus(interaction: discord.Interaction) -> Syllabus:
    """The syllabus of the edition the server follows (the default edition's in a DM)."""
    edition = await services_of(interaction).editions.edition_for(interaction.guild_id)
    return edition.syllabus


async def module_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    syllabus = await _syllabus(interaction)
    return [app_commands.Choice(name=module.label[:100], value=module.key) for module in syllabus.search(current)]


async def topic_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Topics of the module already chosen in the same command, or of every module."""
    syllabus = await _syllabus(interaction)
    chosen = getattr(interaction.namespace, "module", None)
    modules = [found] if chosen and (found := syllabus.module(chosen)) else list(syllabus.modules)
    wanted = current.strip().lower()
    choices = []
    for module in modules:
        for topic in module.topics:
            if wanted in topic.key or wanted in topic.name.lower():
                choices.append(app_commands.Choice(name=f"{module.code} · {topic.name}"[:100], value=topic.key))
    return choices[:25]


async def timezone_autocomplete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Canonical IANA zones only. An older name a member types (Oslo, Calcutta, US/Eastern) offers the zone it
    stands for, labelled with what they typed."""
    wanted = current.strip().lower().replace(" ", "_")
    if not wanted:
        return [app_commands.Choice(name=zone, value=zone)
                for zone in ("Etc/UTC", "Europe/London", "America/New_York", "Asia/Singapore")]
    choices = [app_commands.Choice(name=zone, value=zone) for zone in _ZONES if wanted in zone.lower()][:25]
    offered = {choice.value for choice in choices}
    for alias, zone in _ALIASES:
        if len(choices) >= 25:
            break
        if wanted in alias.lower() and zone not in offered:
            choices.append(app_commands.Choice(name=f"{zone} (was {alias})"[:100], value=zone))
            offered.add(zone)
    return choices
