"""Buttons from an earlier release: a message the bot posted months ago keeps its buttons, and a release that
changed or retired one of their ids would leave a member with Discord's bare "This interaction failed". Every
button of this release derives from cogs.ui.buttons.PersistentButton; a click on any other id is answered here
with what to do instead, and nothing else happens.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from cogs.errors import send_ephemeral
from cogs.ui.buttons import is_button_id

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)
STALE = ("This button is from an earlier version of the bot and no longer does anything. "
         "Run the command again for a fresh one; /help lists them.")


class StaleButtons(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.component:
            return
        data: Mapping[str, Any] = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        if is_button_id(custom_id):
            return
        log.info("a click on %r, which no button of this release has; answered as stale", custom_id)
        await send_ephemeral(interaction, STALE)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(StaleButtons(bot))
