"""Embeds and persistent buttons for live quiz nights.

Buttons (cogs/ui/buttons.py) carry the game, the question's position and the choice: the game is in SQLite,
so a button from before a restart is answered from the database (or told the question is closed). A
question's message is edited to its reveal, with every button disabled, as soon as it closes, and on a
restart any question left showing buttons is closed the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import discord

from cogs.ui.buttons import PersistentButton
from cogs.ui.contribution_views import credit_line
from cogs.ui.embeds import BRAND, fit_lines
from study.live import MAX_POINTS, MIN_RIGHT_POINTS, Standing
from study.questions import LETTERS

if TYPE_CHECKING:
    from services.live import Current, Final, Reveal
    from study.editions import Editions
    from study.questions import Question

RIGHT = discord.Colour.from_rgb(46, 160, 67)
RULES = (f"One answer each: your first click counts and cannot be changed. A right answer scores "
         f"{MIN_RIGHT_POINTS} to {MAX_POINTS} points, more the faster you are.")
ENDINGS = {"finished": "That was the last question.", "stopped": "Stopped early by <@{by}>.",
           "closed": "Closed: the bot was offline when this question's time ran out, so the game ended there."}


class LiveAnswerButton(PersistentButton, template=r"live:(?P<game>\d+):(?P<position>\d+):(?P<choice>\d)"):
    cog, handler = "LiveQuiz", "on_answer"
    ints = ("game", "position", "choice")

    def __init__(self, game_id: int, position: int, choice: int) -> None:
        super().__init__(discord.ui.Button(label=LETTERS[choice], style=discord.ButtonStyle.secondary,
                                           custom_id=f"live:{game_id}:{position}:{choice}"))


class LiveStopButton(PersistentButton, template=r"live-stop:(?P<game>\d+)"):
    cog, handler = "LiveQuiz", "on_stop"
    ints = ("game",)

    def __init__(self, game_id: int) -> None:
        super().__init__(discord.ui.Button(label="Stop the game", style=discord.ButtonStyle.danger,
                                           custom_id=f"live-stop:{game_id}"))


DYNAMIC_ITEMS = (LiveAnswerButton, LiveStopButton)


def _stamp(deadline: dt.datetime | None) -> str:
    return f"<t:{int(deadline.timestamp())}:R>" if deadline else "soon"


def _where(editions: Editions, question, edition: str) -> str:
    module_key, topic_key = editions.place(question, edition)
    module = editions.get(edition).syllabus.module(module_key)
    topic = module.topic(topic_key) if module else None
    return f"{module.code} · {topic.name}" if module and topic else topic_key


def question_message(current: Current, deadline: dt.datetime | None,
                     editions: Editions) -> tuple[discord.Embed, discord.ui.View]:
    game, question = current.game, current.question
    choices = "\n".join(f"**{LETTERS[i]}.** {choice}" for i, choice in enumerate(question.choices))
    body = f"{question.stem}\n\n{choices}{credit_line(question.author_id)}\n\n⏳ Time is up {_stamp(deadline)}."
    embed = discord.Embed(title=f"Live quiz: question {current.item.position + 1} of {game.size}",
                          description=body[:4096], colour=BRAND)
    embed.set_footer(text=f"{_where(editions, question, game.edition)} · {RULES}")
    view = discord.ui.View(timeout=None)
    for index in range(len(question.choices)):
        view.add_item(LiveAnswerButton(game.id, current.item.position, index))
    view.add_item(LiveStopButton(game.id))
    return embed, view


def board_lines(board: list[Standing], limit: int = 10) -> list[str]:
    medals = {1: "🥇", 2: "🥈", 3: "🥉"}
    return [f"{medals.get(s.rank, f'{s.rank}.')} <@{s.user_id}>: **{s.points}** points ({s.right}/{s.answered} right)"
            for s in board[:limit]]


def reveal_message(reveal: Reveal, question: Question, editions: Editions) -> tuple[discord.Embed, discord.ui.View]:
    """The closed question (reveal.question when the bank still has it): counts per choice, the right one and
    why, and the board; buttons disabled."""
    game = reveal.game
    lines = []
    for index, choice in enumerate(question.choices):
        mark = "✅" if index == question.answer_index else "▫️"
        count = reveal.counts[index] if index < len(reveal.counts) else 0
        lines.append(f"{mark} **{LETTERS[index]}.** {choice}: **{count}**")
    body = (f"{question.stem}\n\n" + "\n".join(lines) + credit_line(question.author_id) +
            f"\n\n**Answer: {question.answer_letter}.** {question.explanation}")
    embed = discord.Embed(title=f"Live quiz: question {reveal.item.position + 1} of {game.size}, time is up",
                          description=body[:4096], colour=RIGHT)
    answered = f"{reveal.answered} answer{'s' if reveal.answered != 1 else ''}"
    embed.add_field(name=f"Scoreboard ({answered} to this question)",
                    value=fit_lines(board_lines(reveal.board)) or "Nobody has answered yet.", inline=False)
    embed.set_footer(text=_where(editions, question, game.edition))
    view = discord.ui.View(timeout=None)
    for index in range(len(question.choices)):
        button = LiveAnswerButton(game.id, reveal.item.position, index)
        button.item.disabled = True
        if index == question.answer_index:
            button.item.style = discord.ButtonStyle.success
        view.add_item(button)
    return embed, view


def final_embed(final: Final, editions: Editions) -> discord.Embed:
    game = final.game
    ending = ENDINGS.get(game.state, "").format(by=game.stopped_by)
    embed = discord.Embed(title="Live quiz: final board", colour=BRAND,
                          description=f"{ending}\n{final.asked} of {game.size} questions asked. Everyone's answers "
                                      f"now count in their own /quiz reviews and /progress.")
    embed.add_field(name="Final board", value=fit_lines(board_lines(final.board, 20)) or "Nobody answered.",
                    inline=False)
    syllabus = editions.get(game.edition).syllabus
    topics = []
    for tally in final.topics:
        module = syllabus.module(tally.module)
        topic = module.topic(tally.topic) if module else None
        name = f"{module.code} · {topic.name}" if module and topic else tally.topic
        topics.append(f"{name}: {tally.right}/{tally.answered} right ({tally.percent}%)")
    embed.add_field(name="The group by topic (weakest first)", value=fit_lines(topics) or "—", inline=False)
    return embed
