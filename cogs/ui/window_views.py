"""The /window list embed: the chapter's open and upcoming exam windows, and whether the member joined each."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import discord

from cogs.ui.embeds import BRAND
from cogs.ui.limits import fit_embed

if TYPE_CHECKING:
    from services.windows import WindowListing
    from study.syllabus import Syllabus

MAX_FIELDS = 25  # Discord's limit per embed


def windows_embed(listing: WindowListing, mine: Collection[int], syllabus: Syllabus, closed: str) -> discord.Embed:
    """One field per window shown (`mine`: the ids the member joined); `closed` says how many closed ones are left
    out, or is empty."""
    embed = discord.Embed(title="Exam windows", colour=BRAND)
    for window in listing.shown[:MAX_FIELDS]:
        codes = ", ".join(module.code for m in window.modules if (module := syllabus.module(m)))
        joined = " · ✅ you're in" if window.id in mine else ""
        embed.add_field(name=f"{window.name}{joined}",
                        value=f"{window.starts_on:%d %b} – {window.ends_on:%d %b %Y} · {codes or 'all'} · "
                              f"{window.members} member(s)", inline=False)
    more = len(listing.shown) - MAX_FIELDS
    footer = ([f"and {more} more"] if more > 0 else []) + ([closed] if closed else [])
    if footer:
        embed.set_footer(text=" · ".join(footer))
    return fit_embed(embed)
