from cogs.ui.embeds import EMBED_TOTAL_LIMIT, help_embed


def test_help_stays_within_discords_embed_limit_and_keeps_every_command():
    sections = {f"Feature {s}": [(f"command{s}-{c} sub", "a long description " * 6) for c in range(12)]
                for s in range(6)}
    embed = help_embed(sections)
    assert len(embed) <= EMBED_TOTAL_LIMIT
    text = "\n".join(field.value for field in embed.fields)
    assert all(f"`/command{s}-{c} sub`" in text for s in range(6) for c in range(12))


def test_short_help_keeps_descriptions():
    embed = help_embed({"Quizzes": [("quiz", "Practice questions")]})
    assert embed.fields[0].value == "`/quiz`: Practice questions"
