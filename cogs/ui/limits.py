"""Discord's size limits for what the bot sends, and the one place text is cut to fit them.

Discord refuses a whole message (400, 50035) when one part is too long: the member then sees nothing at all.
Everything the bot sends that can carry member or admin text (an error that repeats an option, a list of
reminders, a window name) goes through `fit_content` or `fit_embed` last, so it always arrives, cut with an
ellipsis where it had to be. Options that are short by nature also declare `max_length`, so Discord stops
an overlong value before it reaches the bot (`app_commands.Range[str, 1, N]`).
"""

from __future__ import annotations

from typing import overload

import discord
from discord import app_commands

CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELD_NAME = 256
FIELD_VALUE = 1024
FIELDS = 25
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
ELLIPSIS = "…"


def clip(text: str, limit: int) -> str:
    """text if it fits in limit characters, else its start and an ellipsis (limit characters in all)."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def excerpt(value: str, limit: int = 60) -> str:
    """A member's value as repeated inside a sentence: one line, short enough to leave room for the rest."""
    return clip(" ".join(str(value).split()), limit)


@overload
def fit_content(text: str) -> str: ...
@overload
def fit_content(text: None) -> None: ...
def fit_content(text: str | None) -> str | None:
    return None if text is None else clip(text, CONTENT)


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """The embed cut in place to every per-part limit and to 6,000 characters in all (fields go first, from
    the end, then the description is shortened); returned for chaining."""
    if embed.title:
        embed.title = clip(embed.title, TITLE)
    if embed.description:
        embed.description = clip(embed.description, DESCRIPTION)
    if embed.footer.text:
        embed.set_footer(text=clip(embed.footer.text, FOOTER), icon_url=embed.footer.icon_url)
    if embed.author.name:
        embed.set_author(name=clip(embed.author.name, AUTHOR), url=embed.author.url, icon_url=embed.author.icon_url)
    fields = embed.fields
    embed.clear_fields()
    for field in fields[:FIELDS]:
        embed.add_field(name=clip(field.name or "—", FIELD_NAME) or "—", value=clip(field.value or "—", FIELD_VALUE),
                        inline=bool(field.inline))
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL and embed.description:
        embed.description = clip(embed.description, max(len(embed.description) - (len(embed) - EMBED_TOTAL), 1))
    return embed



# String options that are short by nature: Discord stops a longer value before it reaches the bot.
DateText = app_commands.Range[str, 1, 32]  # YYYY-MM-DD, HH:MM, 7pm
WhenText = app_commands.Range[str, 1, 100]  # "tomorrow 7pm", "in 2 hours"
DaysText = app_commands.Range[str, 1, 100]  # "mon-fri", "30,14,7,3,1,0"
ZoneText = app_commands.Range[str, 1, 64]  # the longest IANA name has 32 characters
KeyText = app_commands.Range[str, 1, 100]  # a module, topic or question id
ModulesText = app_commands.Range[str, 1, 200]  # "bscm,mpr" or "all"
WindowName = app_commands.Range[str, 1, 60]  # services.windows refuses longer names
ReminderText = app_commands.Range[str, 1, 500]  # services.reminders keeps 500 characters
SourceText = app_commands.Range[str, 1, 300]  # a URL or document title, kept to 300 characters
CurrencyText = app_commands.Range[str, 1, 8]  # a three-letter code
