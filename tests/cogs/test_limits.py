"""The one place that cuts what the bot sends to Discord's limits."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.errors import describe_error
from cogs.ui import limits

text = st.text(min_size=0, max_size=9000)


@given(text, st.integers(min_value=1, max_value=6000))
@settings(max_examples=200, deadline=None)
def test_clip_never_exceeds_the_limit_and_keeps_short_text(value: str, limit: int):
    clipped = limits.clip(value, limit)
    assert len(clipped) <= limit
    if len(value) <= limit:
        assert clipped == value
    else:
        assert clipped.endswith(limits.ELLIPSIS)


@given(title=text, description=text, footer=text,
       fields=st.lists(st.tuples(text, text, st.booleans()), max_size=30))
@settings(max_examples=50, deadline=None)
def test_a_fitted_embed_fits_every_discord_limit(title, description, footer, fields):
    embed = discord.Embed(title=title or None, description=description or None)
    if footer:
        embed.set_footer(text=footer)
    for name, value, inline in fields:
        embed.add_field(name=name, value=value, inline=inline)
    fitted = limits.fit_embed(embed)
    assert len(fitted) <= limits.EMBED_TOTAL
    assert len(fitted.title or "") <= limits.TITLE and len(fitted.description or "") <= limits.DESCRIPTION
    assert len(fitted.fields) <= limits.FIELDS
    for field in fitted.fields:
        assert 0 < len(field.name) <= limits.FIELD_NAME and 0 < len(field.value) <= limits.FIELD_VALUE


def test_an_option_value_repeated_in_an_error_is_cut_to_one_short_line():
    error = discord.app_commands.TransformerError("x" * 5000 + "\n@everyone", discord.AppCommandOptionType.string,
                                                  discord.app_commands.Transformer())
    message, internal = describe_error(error)
    assert not internal and len(message) < 200 and "\n" not in message
