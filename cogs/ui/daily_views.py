"""Embeds and persistent buttons for the daily question, its reveal, streaks, leaderboards and the weekly summary.

Buttons (cogs/ui/buttons.py) carry what they need in their custom id (`daily:<post>:<choice>`,
`daily-lb:<period>:<module>:<page>`): the state is in SQLite, so they keep working after a restart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord

from cogs.ui.buttons import PersistentButton
from cogs.ui.contribution_views import credit_line
from cogs.ui.embeds import BRAND
from cogs.ui.quiz_views import RIGHT, WRONG
from study.daily import FREEZE_EVERY, FREEZES_HELD_MAX, describe_days, find_member, format_time
from study.questions import LETTERS, Question

if TYPE_CHECKING:
    from db.daily import DailySettings, Post
    from services.daily import AnswerResult, Archive, ArchiveEntry, Leaderboard, Reveal, SeasonEnd, WeeklySummary
    from study.editions import Lens
    from study.seasons import Champions
    from study.syllabus import Syllabus

PERIOD_TITLES = {"week": "this week", "month": "this month", "season": "this season", "all": "all time"}
# Discord refuses a message whose embed (title, description, field names and values, footer) exceeds 6000
# characters in total, and a field value over 1024.
EMBED_TOTAL = 6000
FIELD_VALUE = 1024
NAME_LENGTH = 32  # Discord's own limit for display names
REFERENCE_LENGTH = 300
# The explanation is what a reveal is for: the question text gives way before the explanation shrinks below this.
MIN_EXPLANATION = 400


def _fit(text: str, limit: int) -> str:
    """Text cut to `limit` characters, with … to show it was cut."""
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + "…"


def who(user_id: int, names: Mapping[int, str] | None) -> str:
    """A member's display name for an embed (escaped, trimmed), or the mention when it is unknown."""
    name = (names or {}).get(user_id)
    return discord.utils.escape_markdown(_fit(name, NAME_LENGTH)) if name else f"<@{user_id}>"


def _stamp(instant: dt.datetime, style: str = "t") -> str:
    return f"<t:{int(instant.timestamp())}:{style}>"


class DailyAnswerButton(PersistentButton, template=r"daily:(?P<post>\d+):(?P<choice>\d)"):
    cog, handler = "Daily", "on_answer"
    ints = ("post", "choice")

    def __init__(self, post_id: int, choice: int) -> None:
        super().__init__(discord.ui.Button(label=LETTERS[choice], style=discord.ButtonStyle.secondary,
                                           custom_id=f"daily:{post_id}:{choice}"))


class LeaderboardPageButton(PersistentButton,
                            template=r"daily-lb:(?P<period>week|month|season|all):(?P<module>[a-z0-9_-]+):(?P<page>\d+)"):
    cog, handler = "Daily", "on_leaderboard_page"
    ints = ("page",)
    optional = ("module",)

    def __init__(self, period: str, module: str | None, page: int, *, label: str = "", disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label or "·", style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"daily-lb:{period}:{module or 'any'}:{page}"))


class ArchivePageButton(PersistentButton,
                        template=r"daily-arc:(?P<days>\d{1,3}):(?P<module>[a-z0-9_-]+):(?P<page>\d{1,4})"):
    cog, handler = "Daily", "on_archive_page"
    ints = ("days", "page")
    optional = ("module",)

    def __init__(self, days: int, module: str | None, page: int, *, label: str = "", disabled: bool = False) -> None:
        super().__init__(discord.ui.Button(label=label or "·", style=discord.ButtonStyle.secondary, disabled=disabled,
                                           custom_id=f"daily-arc:{days}:{module or 'any'}:{page}"))


DYNAMIC_ITEMS = (DailyAnswerButton, LeaderboardPageButton, ArchivePageButton)


# ---- the post -------------------------------------------------------------------------------------------------

def _label(question: Question, syllabus: Syllabus | Lens) -> str:
    """Module and topic under the server's edition when `syllabus` is a study.editions.Lens."""
    place = getattr(syllabus, "place", None)
    module_key, topic_key = place(question) if place else (question.module, question.topic)
    module = syllabus.module(module_key)
    topic = module.topic(topic_key) if module else None
    return f"{module.code} · {topic.name}" if module and topic else module_key


def _stem_block(question: Question) -> str:
    choices = "\n".join(f"**{LETTERS[i]}.** {choice}" for i, choice in enumerate(question.choices))
    text = f"{question.stem}\n\n{choices}"
    text = text if len(text) <= 3000 else text[:2999] + "…"
    return text + credit_line(question.author_id)


def _count_line(count: int) -> str:
    return "No answers yet: be the first!" if count == 0 else f"{count} answer{'s' if count != 1 else ''} so far"


def post_embed(post: Post, question: Question, syllabus: Syllabus | Lens, count: int) -> discord.Embed:
    embed = discord.Embed(title=f"Daily question · Day {post.day_number}", colour=BRAND,
                          description=_stem_block(question))
    embed.add_field(name="Module", value=_label(question, syllabus), inline=True)
    embed.add_field(name="Answers", value=_count_line(count), inline=True)
    embed.add_field(name="Reveal", value=f"{_stamp(post.reveal_at, 'f')} ({_stamp(post.reveal_at, 'R')})",
                    inline=True)
    embed.set_footer(text="Your first click counts; only you see whether you were right.")
    return embed


def post_view(post: Post, question: Question) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for index in range(len(question.choices)):
        view.add_item(DailyAnswerButton(post.id, index))
    return view


def reveal_message(reveal: Reveal, syllabus: Syllabus | Lens,
                   names: Mapping[int, str] | None = None) -> tuple[discord.Embed, discord.ui.View]:
    post, question, figures = reveal.post, reveal.question, reveal.figures
    embed = discord.Embed(title=f"Daily question · Day {post.day_number} · revealed", colour=RIGHT,
                          description=_stem_block(question))
    embed.add_field(name="Module", value=_label(question, syllabus), inline=False)
    answer = f"**{question.answer_letter}.** {question.correct_choice}"
    embed.add_field(name="Answer", value=_fit(answer, FIELD_VALUE), inline=False)
    spread = " · ".join(f"{LETTERS[i]}: {n}" for i, n in enumerate(figures.by_choice))
    group = (f"{figures.correct} of {figures.total} right ({figures.percent}%)\n{spread}" if figures.total
             else "Nobody answered this one.")
    embed.add_field(name="How the group did", value=_fit(group, FIELD_VALUE), inline=False)
    first = ", ".join(who(user_id, names) for user_id in figures.first_correct) or "Nobody this time."
    embed.add_field(name="First right", value=_fit(first, FIELD_VALUE), inline=False)
    if question.reference:
        embed.set_footer(text=_fit(f"Read more: {question.reference}", REFERENCE_LENGTH))
    # The explanation takes what the 6000-character total leaves, up to a field's 1024; a long question text is
    # cut first so the explanation keeps at least MIN_EXPLANATION.
    why = "Why"
    room = EMBED_TOTAL - len(embed) - len(why)
    if room < min(MIN_EXPLANATION, len(question.explanation)):
        embed.description = _fit(embed.description or "", len(embed.description or "") - (MIN_EXPLANATION - room))
        room = MIN_EXPLANATION
    embed.insert_field_at(3, name=why, value=_fit(question.explanation, min(FIELD_VALUE, room)) or "—",
                          inline=False)
    view = discord.ui.View(timeout=None)
    for index in range(len(question.choices)):
        button = DailyAnswerButton(post.id, index)
        button.item.disabled = True
        if index == question.answer_index:
            button.item.style = discord.ButtonStyle.success
        view.add_item(button)
    return embed, view


def feedback_embed(result: AnswerResult) -> discord.Embed:
    question, outcome, post = result.question, result.outcome, result.post
    if outcome.correct:
        text = f"✅ Right! You chose **{LETTERS[outcome.chosen]}**."
    elif result.explain_at_once:
        text = (f"❌ Not this time: you chose **{LETTERS[outcome.chosen]}**, the answer is "
                f"**{question.answer_letter}. {question.correct_choice}**")
    else:
        text = f"❌ Not this time: you chose **{LETTERS[outcome.chosen]}**."
    if result.explain_at_once:
        text += f"\n\n**Why:** {question.explanation}"
    else:
        text += f"\n\nThe answer and the explanation are revealed {_stamp(post.reveal_at, 'R')}."
    if len(text) > 4096:
        text = text[:4095] + "…"
    return discord.Embed(title=f"Daily question · Day {post.day_number}", description=text,
                         colour=RIGHT if outcome.correct else WRONG)


# ---- settings -------------------------------------------------------------------------------------------------

def settings_embed(settings: DailySettings, syllabus: Syllabus | Lens, next_post: dt.datetime | None,
                   last_day: int | None) -> discord.Embed:
    state = "⏸️ Paused" if settings.paused else "▶️ Active"
    embed = discord.Embed(title="Daily question", colour=BRAND, description=state)
    embed.add_field(name="Channel", value=f"<#{settings.channel_id}>", inline=True)
    embed.add_field(name="Time", value=f"{format_time(settings.hour, settings.minute)} {settings.timezone}",
                    inline=True)
    embed.add_field(name="Days", value=describe_days(settings.days), inline=True)
    codes = [module.code if (module := syllabus.module(key)) else key for key in settings.modules]
    modules = ", ".join(codes) if codes else "all modules"
    modules = f"the group's weakest of {modules}" if settings.rotation == "weakest" else f"{modules}, in turn"
    embed.add_field(name="Modules", value=modules, inline=False)
    embed.add_field(name="Reveal", value=f"{settings.reveal_after_hours} h after the post (or at the next post)",
                    inline=True)
    embed.add_field(name="Explanation", value="with the feedback" if settings.explain_at_once else "at the reveal",
                    inline=True)
    embed.add_field(name="No repeats within", value=f"{settings.repeat_window_days} days", inline=True)
    embed.add_field(name="Weekly summary", value="on" if settings.weekly_summary else "off", inline=True)
    if next_post is not None and not settings.paused:
        embed.add_field(name="Next post", value=f"{_stamp(next_post, 'F')} ({_stamp(next_post, 'R')})", inline=False)
    if last_day is not None:
        embed.set_footer(text=f"Posts so far: {last_day}")
    return embed


# ---- leaderboards ---------------------------------------------------------------------------------------------

def _tally_text(right: int, answered: int, percent: int) -> str:
    return f"{right} right of {answered} ({percent}%)"


def leaderboard_message(board: Leaderboard, page: int, pages: int, rows: list, caller_id: int,
                        syllabus: Syllabus | Lens, names: Mapping[int, str] | None = None,
                        ) -> tuple[discord.Embed, discord.ui.View]:
    title = f"Daily leaderboard · {PERIOD_TITLES[board.period]}"
    if board.season is not None:
        title += f" ({board.season.label})"
    if board.module:
        module = syllabus.module(board.module)
        title += f" · {module.code if module else board.module}"
    lines = [f"**{row.rank}.** {who(row.tally.user_id, names)} · "
             f"{_tally_text(row.tally.right, row.tally.answered, row.tally.percent)}" for row in rows]
    embed = discord.Embed(title=title, colour=BRAND,
                          description="\n".join(lines) or "No daily answers in this period yet.")
    mine = find_member(board.ranked, caller_id)
    embed.add_field(name="Your place",
                    value=(f"#{mine.rank} of {len(board.ranked)} · "
                           f"{_tally_text(mine.tally.right, mine.tally.answered, mine.tally.percent)}" if mine
                           else "You have no daily answers in this period yet."), inline=False)
    embed.set_footer(text=f"Page {page + 1} of {pages} · most right answers first, accuracy breaks ties")
    view = discord.ui.View(timeout=None)
    view.add_item(LeaderboardPageButton(board.period, board.module, max(page - 1, 0), label="◀ Previous",
                                        disabled=page == 0))
    view.add_item(LeaderboardPageButton(board.period, board.module, page + 1, label="Next ▶",
                                        disabled=page >= pages - 1))
    return embed, view


# ---- the archive ----------------------------------------------------------------------------------------------

ARCHIVE_STEM = 300


def archive_message(archive: Archive, page: int, pages: int, entries: list[ArchiveEntry],
                    syllabus: Syllabus | Lens) -> tuple[discord.Embed, discord.ui.View]:
    title = f"Daily archive · last {archive.days} day{'s' if archive.days != 1 else ''}"
    if archive.module:
        module = syllabus.module(archive.module)
        title += f" · {module.code if module else archive.module}"
    embed = discord.Embed(title=title, colour=BRAND,
                          description=None if entries else
                          "No revealed daily question in this range yet. A question still open is not shown "
                          "here until its answer is revealed.")
    for entry in entries:
        question, post = entry.question, entry.post
        if entry.my_choice is None:
            mine = "You did not answer it."
        elif entry.my_choice == question.answer_index:
            mine = f"You answered **{LETTERS[entry.my_choice]}**: right ✅"
        else:
            mine = f"You answered **{LETTERS[entry.my_choice]}**: not this time ❌"
        group = (f"{entry.answered} answered, {entry.percent}% right" if entry.answered else "Nobody answered it.")
        value = (f"{_fit(question.stem, ARCHIVE_STEM)}\n**Answer: {question.answer_letter}.** "
                 f"{_fit(question.correct_choice, 200)}\n{group} · {mine}")
        embed.add_field(name=_fit(f"Day {post.day_number} · {post.local_day:%a %d %b %Y} · "
                                  f"{_label(question, syllabus)}", 256),
                        value=_fit(value, FIELD_VALUE), inline=False)
    embed.set_footer(text=f"Page {page + 1} of {pages} · newest first · only questions already revealed")
    view = discord.ui.View(timeout=None)
    view.add_item(ArchivePageButton(archive.days, archive.module, max(page - 1, 0), label="◀ Newer",
                                    disabled=page == 0))
    view.add_item(ArchivePageButton(archive.days, archive.module, page + 1, label="Older ▶",
                                    disabled=page >= pages - 1))
    return embed, view


def season_end_embed(end: SeasonEnd, result: Champions, role_note: str,
                     names: Mapping[int, str] | None = None) -> discord.Embed:
    lines = [f"**{row.rank}.** {who(row.tally.user_id, names)} · "
             f"{_tally_text(row.tally.right, row.tally.answered, row.tally.percent)}" for row in end.ranked[:10]]
    embed = discord.Embed(title=f"🏆 Season over · {end.season.label} · final board", colour=BRAND,
                          description="\n".join(lines) or "No daily answers this season.")
    if result.winners:
        tie = " (a shared first place)" if len(result.winners) > 1 else ""
        champs = ", ".join(who(row.tally.user_id, names) for row in result.winners) + tie
    else:
        champs = "Nobody this season."
    embed.add_field(name="Champion" + ("s" if len(result.winners) > 1 else ""), value=_fit(champs, FIELD_VALUE),
                    inline=False)
    if result.departed:
        left = ", ".join(who(row.tally.user_id, names) for row in result.departed)
        embed.add_field(name="Placed first but left the server",
                        value=_fit(f"{left}: well played; the title goes to the best placed member still here.",
                                   FIELD_VALUE), inline=False)
    if role_note:
        embed.add_field(name="Champion role", value=_fit(role_note, FIELD_VALUE), inline=False)
    embed.set_footer(text=f"{end.season.start:%d %b %Y} – {end.season.end:%d %b %Y} · a new season starts today")
    return embed


def streak_text(current: int, best: int, answered: int, held: int = 0, used: int = 0) -> str:
    if answered == 0:
        return "You have not answered a daily question yet: the next one is your day 1. 🔥"
    return (f"🔥 Your daily streak: **{current}** in a row (best **{best}**). "
            f"You have answered {answered} daily question{'s' if answered != 1 else ''}.\n"
            f"🧊 Streak freezes: **{held}** held (of {FREEZES_HELD_MAX}), **{used}** used. "
            f"Every {FREEZE_EVERY} daily questions answered in a row earn one; a missed post uses one "
            f"instead of breaking your streak.")


def summary_embed(summary: WeeklySummary, syllabus: Syllabus | Lens,
                  names: Mapping[int, str] | None = None) -> discord.Embed:
    embed = discord.Embed(title=f"Last week in the daily question ({summary.week_start:%d %b} – "
                                f"{summary.week_end:%d %b})", colour=BRAND)
    lines = [f"**{row.rank}.** {who(row.tally.user_id, names)} · "
             f"{_tally_text(row.tally.right, row.tally.answered, row.tally.percent)}" for row in summary.top]
    embed.add_field(name="Top members", value=_fit("\n".join(lines), FIELD_VALUE) or "—", inline=False)
    module_lines = []
    for tally in summary.by_module:
        module = syllabus.module(tally.module)
        module_lines.append(f"{module.code if module else tally.module}: {tally.right}/{tally.answered} "
                            f"({round(100 * tally.accuracy)}%)")
    embed.add_field(name="Group accuracy by module", value="\n".join(module_lines)[:1024] or "—", inline=False)
    return embed
