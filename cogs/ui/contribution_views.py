"""Forms, embeds and persistent buttons for questions written by members and their review queue.

The review buttons (cogs/ui/buttons.py) carry the submission id: the queue lives in SQLite, so a review
message from before a restart still works (a submission another reviewer already handled is refused).
The forms are restart-proof too (cogs/ui/modals.py): their custom id says what they are for, and cogs/forms.py
hands every submission to the cog from its id and typed values, so a form filled in across a restart arrives.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from cogs.ui.buttons import PersistentButton
from cogs.ui.embeds import BRAND, fit_lines
from cogs.ui.modals import PersistentModal, reason_input
from study.contributions import MAX_PENDING, Draft
from study.questions import LETTERS

if TYPE_CHECKING:
    from db.contributions import Submission
    from study.editions import Editions

STATE_ICON = {"pending": "⏳ waiting for review", "approved": "✅ approved", "rejected": "❌ rejected"}


def credit_line(author_id: int | None) -> str:
    """Under a member's question wherever it is asked (a mention shows their name and pings no one)."""
    return f"\n-# ✍️ Written by <@{author_id}>" if author_id else ""


class DraftModal(PersistentModal):
    """Stem, choices (one per line), right letter, explanation, difficulty: a modal holds five inputs."""

    stem: discord.ui.TextInput[DraftModal]
    choices: discord.ui.TextInput[DraftModal]
    answer: discord.ui.TextInput[DraftModal]
    explanation: discord.ui.TextInput[DraftModal]
    difficulty: discord.ui.TextInput[DraftModal]

    def __init__(self, *, title: str, custom_id: str, draft: Draft | None = None) -> None:
        super().__init__(title=title, custom_id=custom_id)
        self.stem = discord.ui.TextInput(label="Question", style=discord.TextStyle.paragraph, custom_id="stem",
                                         max_length=1000, default=draft.stem if draft else None,
                                         placeholder="What does the member have to answer?")
        self.choices = discord.ui.TextInput(label="The four choices, one per line", custom_id="choices",
                                            style=discord.TextStyle.paragraph, max_length=500,
                                            default=draft.choices if draft else None,
                                            placeholder="First choice\nSecond choice\nThird choice\nFourth choice")
        self.answer = discord.ui.TextInput(label="Right answer (letter A-D)", custom_id="answer", max_length=1,
                                           default=draft.answer if draft else None, placeholder="A")
        self.explanation = discord.ui.TextInput(label="Why it is right (and the trap wrong)", custom_id="explanation",
                                                style=discord.TextStyle.paragraph, max_length=1500,
                                                default=draft.explanation if draft else None)
        self.difficulty = discord.ui.TextInput(label="Difficulty: easy, medium or hard", custom_id="difficulty",
                                               required=False, max_length=6,
                                               default=draft.difficulty if draft else "medium")
        for item in (self.stem, self.choices, self.answer, self.explanation, self.difficulty):
            self.add_item(item)

    @staticmethod
    def inputs(values: dict[str, str]) -> tuple[Any, ...]:
        return (draft_from(values),)


class ContributeModal(DraftModal, template=r"contribute:(?P<module>[a-z0-9-]+):(?P<topic>[a-z0-9-]+)"):
    cog, handler = "Contributions", "on_contribute_submit"

    def __init__(self, module: str, topic: str, heading: str) -> None:
        super().__init__(title=f"New question: {heading}"[:45], custom_id=f"contribute:{module}:{topic}"[:100])


class EditModal(DraftModal, template=r"qreview-edit:(?P<submission>\d+)"):
    cog, handler = "Contributions", "on_edit_submit"
    ints = ("submission",)

    def __init__(self, submission: Submission) -> None:
        draft = Draft(stem=submission.stem, choices="\n".join(submission.choices),
                      answer=LETTERS[submission.answer_index], explanation=submission.explanation,
                      difficulty=submission.difficulty)
        super().__init__(title=f"Edit submission #{submission.id}", custom_id=f"qreview-edit:{submission.id}",
                         draft=draft)


class RejectModal(PersistentModal, template=r"qreview-reject:(?P<submission>\d+)"):
    cog, handler = "Contributions", "on_reject_submit"
    ints = ("submission",)
    inputs = staticmethod(reason_input)

    reason: discord.ui.TextInput = discord.ui.TextInput(
        label="Why? (sent to the author)", style=discord.TextStyle.paragraph, min_length=5, max_length=500,
        custom_id="reason", placeholder="e.g. two choices could both be right; say which one the syllabus means")

    def __init__(self, submission_id: int) -> None:
        super().__init__(title=f"Reject submission #{submission_id}", custom_id=f"qreview-reject:{submission_id}")


def draft_from(values: dict[str, str]) -> Draft:
    return Draft(stem=values.get("stem", ""), choices=values.get("choices", ""), answer=values.get("answer", ""),
                 explanation=values.get("explanation", ""), difficulty=values.get("difficulty") or "medium")


REVIEW_BUTTONS = {"approve": ("Approve", discord.ButtonStyle.success),
                  "edit": ("Edit", discord.ButtonStyle.secondary), "reject": ("Reject", discord.ButtonStyle.danger)}


class ReviewButton(PersistentButton, template=r"qreview:(?P<action>approve|edit|reject):(?P<submission>\d+)"):
    cog, handler = "Contributions", "on_review"
    ints = ("submission",)

    def __init__(self, action: str, submission_id: int) -> None:
        label, style = REVIEW_BUTTONS[action]
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"qreview:{action}:{submission_id}"))


DYNAMIC_ITEMS = (ReviewButton,)


def _place(editions: Editions, submission: Submission) -> str:
    legacy = editions.get("cpim-2017").syllabus.module(submission.place.module)
    current = editions.get("cpim-8").syllabus.module(submission.place.cpim8_module)

    def name(module, topic: str) -> str:
        found = module.topic(topic) if module else None
        return f"{module.code} · {found.name}" if module and found else topic

    return (f"CPIM 2017: {name(legacy, submission.place.topic)}\n"
            f"CPIM 8: {name(current, submission.place.cpim8_topic)}")


def submission_embed(submission: Submission, editions: Editions, *, title: str | None = None) -> discord.Embed:
    choices = "\n".join(f"**{LETTERS[i]}.** {choice}" for i, choice in enumerate(submission.choices))
    body = (f"{submission.stem}\n\n{choices}\n\n**Answer: {LETTERS[submission.answer_index]}**\n\n"
            f"**Why:** {submission.explanation}")
    embed = discord.Embed(title=title or f"Submission #{submission.id}", description=body[:4096], colour=BRAND)
    embed.add_field(name="Written by", value=f"<@{submission.user_id}>", inline=True)
    embed.add_field(name="Difficulty", value=submission.difficulty, inline=True)
    embed.add_field(name="Where it goes", value=_place(editions, submission), inline=False)
    return embed


def review_message(submission: Submission | None, waiting: int, editions: Editions,
                   note: str = "") -> tuple[str, discord.Embed | None, discord.ui.View | None]:
    """The queue's next submission with Approve / Edit / Reject, or a note that the queue is empty."""
    if submission is None:
        return (f"{note}\nThe review queue is empty. 🎉").strip(), None, None
    embed = submission_embed(submission, editions)
    embed.set_footer(text=f"{waiting} waiting for review, oldest first")
    view = discord.ui.View(timeout=None)
    for action in ("approve", "edit", "reject"):
        view.add_item(ReviewButton(action, submission.id))
    return note, embed, view


def my_submissions_embed(submissions: Sequence[Submission], editions: Editions) -> discord.Embed:
    pending = sum(1 for s in submissions if s.state == "pending")
    embed = discord.Embed(title="Your questions", colour=BRAND,
                          description=f"{pending} of at most {MAX_PENDING} waiting for review. "
                                      f"Write another with /contribute.")
    lines = []
    for submission in submissions:
        stem = submission.stem.replace("\n", " ")
        line = f"**#{submission.id}** {STATE_ICON[submission.state]}: {stem[:70]}{'…' if len(stem) > 70 else ''}"
        if submission.state == "approved" and submission.question_id:
            line += f" (`{submission.question_id}`)"
        if submission.state == "rejected" and submission.reason:
            line += f"\n  Reason: {submission.reason[:150]}"
        lines.append(line)
    embed.add_field(name="Newest first", value=fit_lines(lines) or "None yet.", inline=False)
    return embed


def problems_text(problems: Sequence[str], what: str) -> str:
    """The import's wording for a list of problems, one bullet each."""
    lines = "\n".join(f"• {problem}" for problem in problems[:15])
    more = f"\n…and {len(problems) - 15} more" if len(problems) > 15 else ""
    return f"{what}: {len(problems)} problem(s).\n{lines}{more}"[:2000]
