"""Every form (modal) submission, answered from its custom id (cogs/ui/modals.py), so that a form a member filled
in across a restart still arrives: its id finds the form class, the class names the cog and handler, and the
handler gets the id's parts and the typed values. Guarded as a click is (cogs/ui/buttons.py): "restarting" while
the bot stops, one short answer for any error. A form from an earlier release, whose id no form of this one has,
is answered with what the member typed, so nothing they wrote is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from cogs.errors import answer_component_error, send_ephemeral
from cogs.lifecycle import answer_restarting, is_stopping
from cogs.ui.buttons import handler_of
from cogs.ui.modals import form_for, modal_values

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)
STALE_FORM = ("This form is from an earlier version of the bot, so nothing was saved. "
              "Open it again from its command or button.")
TYPED = "Here is what you typed:"


class Forms(commands.Cog):
    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        data: Mapping[str, Any] = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        values = modal_values(data)
        found = form_for(custom_id)
        if found is None:
            log.info("a form %r, which no form of this release has; answered with its values", custom_id)
            typed = "\n".join(f"> {value}" for value in values.values() if value)
            await send_ephemeral(interaction, f"{STALE_FORM} {TYPED}\n{typed}" if typed else STALE_FORM)
            return
        if is_stopping(self.bot):
            await answer_restarting(interaction)
            return
        form, match = found
        try:
            handler = handler_of(interaction, form.cog, form.handler)
            await handler(interaction, *form.ids(match), *form.inputs(values))
        except Exception as error:
            await answer_component_error(interaction, error)


async def setup(bot: StudyBot) -> None:
    await bot.add_cog(Forms(bot))
