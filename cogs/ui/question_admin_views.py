"""Embeds for /questions: the flagged questions an admin reviews."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from cogs.ui.embeds import BRAND
from cogs.ui.limits import FIELD_VALUE, clip, fit_embed

if TYPE_CHECKING:
    from db.question_admin import FlagSummary
    from study.questions import Question


def flagged_embed(flags: Sequence[tuple[FlagSummary, Question | None]]) -> discord.Embed:
    """Most flagged first, each with the start of its stem and up to three reasons."""
    embed = discord.Embed(title="Flagged questions", colour=BRAND,
                          description="See one in full with `/questions show`, retire it with "
                                      "`/questions retire`, bring it back with `/questions restore`.")
    shown = 0
    for flag, question in flags:
        stem = question.stem.replace("\n", " ")[:120] if question else "(no longer in the bank)"
        reasons = "\n".join(f"• {reason[:80]}{'…' if len(reason) > 80 else ''}" for reason in flag.reasons[:3])
        state = " · retired" if flag.retired else ""
        value = clip(f"{stem}\n{reasons}", FIELD_VALUE)
        name = f"{flag.question_id} · {flag.count} flag(s){state}"
        # stay well inside Discord's 6,000 characters per embed and 25 fields
        if shown == 20 or len(embed) + len(name) + len(value) > 5600:
            break
        embed.add_field(name=name, value=value, inline=False)
        shown += 1
    if shown < len(flags):
        embed.set_footer(text=f"…and {len(flags) - shown} more flagged question(s)")
    return fit_embed(embed)
