"""The one base of every button the bot sends: restart-proof, and every click answered, even on an error.

A button's custom id carries everything its click needs (`daily:<post>:<choice>`), so a button keeps working
after a restart: the state is in SQLite, not in a view kept in memory. A subclass states three things, and
builds its `discord.ui.Button` in its own constructor:

    class DailyAnswerButton(PersistentButton, template=r"daily:(?P<post>\\d+):(?P<choice>\\d)"):
        cog, handler = "Daily", "on_answer"    # Daily.on_answer(interaction, post, choice)
        ints = ("post", "choice")              # groups passed as int; `optional`: a key or None; others: str

On a click, the base
- parses the id: the template's named groups, in their order, as int (`ints`), as a key or None where the id
  says `any` or nothing (`optional`), or as the text;
- refuses politely before any work: "restarting" once the bot is stopping (cogs.lifecycle), and "busy" when
  the bot is behind if the subclass sets `shed = True` (cogs.busy: quiz answers and Next);
- finds its handler, `bot.get_cog(cog).<handler>(interaction, *values)`, and runs it guarded: whatever it
  raises, the member gets one short ephemeral answer (a `UserInputError`'s own text, otherwise "something went
  wrong" with a reference id) as the response or, after a deferral ("thinking…"), as the follow-up, and the
  error is logged once, by cogs/errors.py. discord.py itself would only log it and leave the member with
  "This interaction failed" or a "thinking…" that never ends.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Self, TypeVar

import discord
from discord.ext import commands

from cogs.busy import answer_busy, sheds
from cogs.errors import answer_component_error
from cogs.lifecycle import answer_restarting, is_stopping

log = logging.getLogger(__name__)
T = TypeVar("T")


def handler_of(interaction: discord.Interaction, cog: str, handler: str) -> Callable[..., Awaitable[None]]:
    """The click handler `handler` of the loaded cog `cog`; RuntimeError if that cog is not loaded."""
    client = interaction.client
    found = client.get_cog(cog) if isinstance(client, commands.Bot) else None
    if found is None:
        raise RuntimeError(f"the {cog} cog that handles this click is not loaded")
    return getattr(found, handler)


def is_button_id(custom_id: str) -> bool:
    """Whether a button of this release has this custom id (every one derives from PersistentButton)."""
    return any(button.__discord_ui_compiled_template__.fullmatch(custom_id)
               for button in subclasses_of(PersistentButton))


def subclasses_of(base: type[T]) -> list[type[T]]:
    """Every class deriving from `base`, at any depth: the buttons (or forms) of this release."""
    found: list[type[T]] = []
    for sub in base.__subclasses__():
        found += [sub, *subclasses_of(sub)]
    return found


class PersistentButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?!)"):
    """See the module docstring. `values` are the parsed groups of the custom id, in the template's order."""

    cog: ClassVar[str]
    handler: ClassVar[str]
    ints: ClassVar[tuple[str, ...]] = ()
    optional: ClassVar[tuple[str, ...]] = ()
    shed: ClassVar[bool] = False

    def __init__(self, button: discord.ui.Button) -> None:
        super().__init__(button)
        self.values: tuple[Any, ...] = self.parse(self.template.fullmatch(self.custom_id))

    @classmethod
    def parse(cls, match: re.Match[str] | None) -> tuple[Any, ...]:
        if match is None:
            return ()
        groups = match.re.groupindex  # name → number
        return tuple(cls._value(name, match[name]) for name in sorted(groups, key=groups.__getitem__))

    @classmethod
    def _value(cls, name: str, text: str) -> Any:
        if name in cls.ints:
            return int(text)
        if name in cls.optional:
            return None if text in ("", "any") else text
        return text

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> Self:
        """The clicked button as it is on the message (label, style), with its parsed values; never raises (a
        failure here would leave the click unanswered), since the template already matched a button's id."""
        assert isinstance(item, discord.ui.Button)  # our templates match only the ids of our buttons
        button = cls.__new__(cls)
        PersistentButton.__init__(button, item)
        return button

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        try:
            if is_stopping(interaction.client):
                await answer_restarting(interaction)
                return False
            if self.shed and sheds(interaction):
                await answer_busy(interaction)
                return False
        except Exception as error:
            await answer_component_error(interaction, error)
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await handler_of(interaction, self.cog, self.handler)(interaction, *self.values)
        except Exception as error:
            await answer_component_error(interaction, error)
