"""Embeds and persistent buttons for quiz sessions and practice exams.

Buttons (cogs/ui/buttons.py) carry everything needed in their custom id (session, position, choice), so
they keep working after a restart: the state is in SQLite, not in the view.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

import discord

from cogs.ui.buttons import PersistentButton
from cogs.ui.contribution_views import credit_line
from cogs.ui.embeds import BRAND, fit_lines
from cogs.ui.limits import DESCRIPTION, FIELD_VALUE, clip
from cogs.ui.modals import PersistentModal, reason_input
from services.quiz import SessionKind
from study.questions import LETTERS, Question
from study.scoring import Summary, weakest_first

if TYPE_CHECKING:
    from db.quiz import Session
    from services.quiz import AnswerResult, Step

RIGHT = discord.Colour.from_rgb(46, 160, 67)
WRONG = discord.Colour.from_rgb(207, 34, 46)


class AnswerButton(PersistentButton, template=r"quiz:(?P<session>[0-9a-f]+):(?P<position>\d+):(?P<choice>\d)"):
    cog, handler, shed = "Quiz", "on_answer", True
    ints = ("position", "choice")
    prefix: ClassVar[str] = "quiz"  # and "exam" for the practice exam's answers

    def __init__(self, session_id: str, position: int, choice: int) -> None:
        super().__init__(discord.ui.Button(label=LETTERS[choice], style=discord.ButtonStyle.secondary,
                                           custom_id=f"{self.prefix}:{session_id}:{position}:{choice}"))


class ExamAnswerButton(AnswerButton, template=r"exam:(?P<session>[0-9a-f]+):(?P<position>\d+):(?P<choice>\d)"):
    cog, handler, shed, prefix = "Quiz", "on_exam_answer", True, "exam"


class NextButton(PersistentButton, template=r"quiz-next:(?P<session>[0-9a-f]+):(?P<position>\d+)"):
    cog, handler, shed = "Quiz", "on_next", True
    ints = ("position",)

    def __init__(self, session_id: str, position: int, *, last: bool = False) -> None:
        super().__init__(discord.ui.Button(label="See my score" if last else "Next question",
                                           style=discord.ButtonStyle.primary,
                                           custom_id=f"quiz-next:{session_id}:{position}"))


class FlagButton(PersistentButton, template=r"quiz-flag:(?P<session>[0-9a-f]+):(?P<position>\d+)"):
    cog, handler = "Quiz", "on_flag"
    ints = ("position",)

    def __init__(self, session_id: str, position: int) -> None:
        super().__init__(discord.ui.Button(label="Flag this question", style=discord.ButtonStyle.secondary,
                                           custom_id=f"quiz-flag:{session_id}:{position}"))


class ExamFinishButton(PersistentButton, template=r"exam-end:(?P<session>[0-9a-f]+)"):
    cog, handler = "Quiz", "on_exam_finish"

    def __init__(self, session_id: str) -> None:
        super().__init__(discord.ui.Button(label="Hand in now", style=discord.ButtonStyle.danger,
                                           custom_id=f"exam-end:{session_id}"))



DYNAMIC_ITEMS = (AnswerButton, ExamAnswerButton, NextButton, FlagButton, ExamFinishButton)


class FlagModal(PersistentModal, title="Flag this question",
                template=r"quiz-flag-modal:(?P<session>[0-9a-f]+):(?P<position>\d+)"):
    cog, handler = "Quiz", "on_flag_submit"
    ints = ("position",)
    inputs = staticmethod(reason_input)

    reason: discord.ui.TextInput = discord.ui.TextInput(
        label="What is wrong with it?", style=discord.TextStyle.paragraph, min_length=5, max_length=500,
        placeholder="e.g. the answer should be C because…", custom_id="reason",
    )

    def __init__(self, session_id: str, position: int) -> None:
        super().__init__(custom_id=f"quiz-flag-modal:{session_id}:{position}")


def _stem_block(question: Question) -> str:
    choices = "\n".join(f"**{LETTERS[i]}.** {choice}" for i, choice in enumerate(question.choices))
    return f"{question.stem}\n\n{choices}{credit_line(question.author_id)}"


def _topic_line(step: Step, lens) -> str:
    """The question's module and topic under the server's edition (`lens`: a study.editions.Lens)."""
    module_key, topic_key = lens.place(step.question)
    module = lens.module(module_key)
    topic = module.topic(topic_key) if module else None
    label = f"{module.code} · {topic.name}" if module and topic else module_key
    kind = "Calculation" if step.question.is_generated else step.question.difficulty.capitalize()
    return f"{label} · {kind}"


def question_message(step: Step, syllabus, *, now_remaining: str | None = None) -> tuple[discord.Embed,
                                                                                         discord.ui.View]:
    session = step.session
    exam = session.kind == SessionKind.EXAM
    title = f"{'Practice exam' if exam else 'Quiz'}: question {step.position + 1} of {session.size}"
    embed = discord.Embed(title=title, description=_stem_block(step.question), colour=BRAND)
    footer = _topic_line(step, syllabus)
    if now_remaining:
        footer += f" · {now_remaining} left"
    embed.set_footer(text=footer)
    view = discord.ui.View(timeout=None)
    for index in range(len(step.question.choices)):
        button_type = ExamAnswerButton if exam else AnswerButton
        view.add_item(button_type(session.id, step.position, index))
    if exam:
        view.add_item(ExamFinishButton(session.id))
    return embed, view


def feedback_message(result: AnswerResult, syllabus) -> tuple[discord.Embed, discord.ui.View]:
    step, outcome, question = result.step, result.outcome, result.step.question
    right = outcome.correct
    verdict = ("✅ Right!" if right
               else f"❌ Not quite: the answer is **{question.answer_letter}. {question.correct_choice}**")
    body = f"{_stem_block(question)}\n\n{verdict}\n\n**Why:** {question.explanation}"
    if question.reference:
        body += f"\n-# Read more: {question.reference}"
    if len(body) > 4096:
        body = body[:4093] + "…"
    embed = discord.Embed(title=f"Quiz: question {step.position + 1} of {step.session.size}", description=body,
                          colour=RIGHT if right else WRONG)
    footer = _topic_line(step, syllabus)
    if question.is_generated:
        footer += f" · id {question.id}"
    if outcome.card is not None:
        footer += f" · box {outcome.card.box} of 5"
    embed.set_footer(text=footer)
    view = discord.ui.View(timeout=None)
    for index in range(len(question.choices)):
        button = AnswerButton(step.session.id, step.position, index)
        button.item.disabled = True
        if index == question.answer_index:
            button.item.style = discord.ButtonStyle.success
        elif index == outcome.chosen:
            button.item.style = discord.ButtonStyle.danger
        view.add_item(button)
    view.add_item(NextButton(step.session.id, step.position, last=result.is_last))
    view.add_item(FlagButton(step.session.id, step.position))
    return embed, view


def summary_embed(title: str, summary: Summary, syllabus, *, note: str | None = None) -> discord.Embed:
    """`syllabus`: anything with .module(key), normally the server's Lens (the summary is placed with it)."""
    overall = summary.overall
    embed = discord.Embed(title=title, colour=BRAND,
                          description=f"**{overall.right} of {overall.asked}** right ({overall.percent}%)"
                                      + (f"\n{note}" if note else ""))
    if len(summary.by_module) > 1:
        lines = []
        for key, tally in summary.by_module.items():
            module = syllabus.module(key)
            lines.append(f"{module.code if module else key}: {tally.right}/{tally.asked} ({tally.percent}%)")
        embed.add_field(name="By module", value=fit_lines(lines), inline=False)
    lines = []
    for (module_key, topic_key), tally in weakest_first(summary.by_topic):
        module = syllabus.module(module_key)
        topic = module.topic(topic_key) if module else None
        name = f"{module.code} · {topic.name}" if module and topic else topic_key
        lines.append(f"{name}: {tally.right}/{tally.asked}")
    embed.add_field(name="By topic (weakest first)", value=fit_lines(lines) or "—", inline=False)
    if summary.to_review:
        review = []
        for question in summary.to_review:
            stem = question.stem.replace("\n", " ")
            review.append(f"• {stem[:90]}{'…' if len(stem) > 90 else ''} → **{question.answer_letter}**")
        embed.add_field(name="To review (they come back soon in /quiz)", value=fit_lines(review), inline=False)
    else:
        embed.add_field(name="To review", value="Nothing: every answer was right.", inline=False)
    return embed


def question_detail_embed(question: Question) -> discord.Embed:
    """Everything about one question for an admin: what members saw, the answer, the why, the inputs."""
    body = f"{_stem_block(question)}\n\n**Answer: {question.answer_letter}. {question.correct_choice}**\n\n" \
           f"**Why:** {question.explanation}"
    embed = discord.Embed(title=f"Question {question.id}", description=clip(body, DESCRIPTION), colour=BRAND)
    embed.add_field(name="Module · topic · difficulty",
                    value=f"{question.module} · {question.topic} · {question.difficulty}", inline=False)
    cpim8 = (f"{question.cpim8_module} · {question.cpim8_topic}" if question.cpim8_module
             else "no tag of its own: placed by the crosswalk from its 2017 topic")
    embed.add_field(name="CPIM 8 module · topic", value=cpim8, inline=False)
    if question.reference:
        embed.add_field(name="Reference", value=clip(question.reference, FIELD_VALUE), inline=False)
    if question.is_generated:
        inputs = ", ".join(f"{key}={value}" for key, value in question.parameters.items())
        embed.add_field(name=f"Generated by {question.family} with seed {question.seed}",
                        value=clip(inputs, FIELD_VALUE) or "—", inline=False)
    return embed


def exam_history_embed(history: Sequence[tuple[Session, Summary]], syllabus) -> discord.Embed:
    """/practice-exam history: each exam's score and its two weakest topics, under the server's edition
    (`syllabus`: a study.editions.Lens)."""
    embed = discord.Embed(title="Your practice exams", colour=BRAND)
    for session, summary in history:
        module = syllabus.module(session.module) if session.module else None
        scope = module.code if module else "All modules"
        worst = weakest_first(summary.by_topic)[:2]
        weak = ", ".join(syllabus.module(m).topic(t).name for (m, t), _ in worst
                         if syllabus.module(m) and syllabus.module(m).topic(t))
        embed.add_field(
            name=f"{session.started_at:%d %b %Y %H:%M} UTC · {scope}",
            value=f"{summary.overall.right}/{summary.overall.asked} ({summary.overall.percent}%)"
                  + (f" · weakest: {weak}" if weak else ""),
            inline=False,
        )
    return embed
