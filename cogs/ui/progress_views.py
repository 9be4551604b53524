"""Embeds and persistent buttons for /progress, /passed, /studyplan and /forgetme."""

from __future__ import annotations

import datetime as dt

import discord

from cogs.ui.buttons import PersistentButton
from cogs.ui.embeds import BRAND, WARNING, fit_lines
from study.editions import Lens
from study.progress import Progress, percent
from study.studyplan import ANSWERS_TO_LEARN, DEFAULT_PACE, TARGET_MASTERY, StudyPlan
from study.syllabus import Syllabus

TABLE_LABELS = {
    "answers": "answers", "cards": "review cards", "topic_stats": "topic tallies", "quiz_sessions": "quiz sessions",
    "session_items": "session questions", "reminders": "reminders", "reminder_deliveries": "reminder deliveries",
    "passed_modules": "passed modules", "progress_sharing": "sharing choice", "question_flags": "question flags",
    "daily_answers": "daily question answers", "exams": "exam dates", "member_settings": "settings",
    "window_members": "exam windows joined", "question_submissions": "questions you wrote",
    "live_answers": "live quiz answers",
}


def _when(instant: dt.datetime | None) -> str:
    return "never" if instant is None else f"<t:{int(instant.timestamp())}:R>"


def passed_line(lens: Lens, passed: dict[str, dt.date], bold: bool = True) -> str:
    """"2 of 5 modules passed" (one exam per module), or whether the one exam is passed (CPIM 8); passes
    recorded under the other edition are named, never dropped."""
    edition = lens.edition
    if edition.single_exam:
        key = edition.exam_key
        line = (f"**{edition.name} exam passed** {passed[key].isoformat()} 🎓" if key in passed
                else f"{edition.name} exam: not passed yet")
    else:
        own = [m for m in edition.modules if m.key in passed]
        line = f"**{len(own)} of {len(edition.modules)}** modules passed"
    if not bold:
        line = line.replace("**", "")
    others = [lens.module_name(key) for key in passed
              if key != edition.exam_key and edition.syllabus.module(key) is None]
    if others:
        line += f" (also recorded: {', '.join(others)})"
    return line


def passed_list_embed(lens: Lens, passed: dict[str, dt.date]) -> discord.Embed:
    """/passed list: the edition's exam or modules, ticked where passed, and passes under the other edition."""
    edition = lens.edition
    if edition.single_exam:
        key = edition.exam_key
        lines = [f"{'✅' if key in passed else '⬜'} **{edition.name} exam** (one exam, all "
                 f"{len(edition.modules)} modules)" + (f" · passed {passed[key].isoformat()}" if key in passed
                                                       else "")]
    else:
        lines = [f"{'✅' if m.key in passed else '⬜'} **{m.code}** {m.name}"
                 + (f" · passed {passed[m.key].isoformat()}" if m.key in passed else "") for m in edition.modules]
    others = [f"✅ {lens.module_name(k)} · passed {d.isoformat()}" for k, d in passed.items()
              if k != edition.exam_key and edition.syllabus.module(k) is None]
    if others:
        lines += ["", "Also recorded (another edition):", *others]
    return discord.Embed(title=passed_line(lens, passed).replace("**", ""), description="\n".join(lines),
                         colour=BRAND)


def progress_embed(progress: Progress, name: str, syllabus: Syllabus | Lens, passed: dict[str, dt.date],
                   lens: Lens | None = None) -> discord.Embed:
    streak = f"{progress.streak_days} day{'s' if progress.streak_days != 1 else ''}"
    total = len(syllabus.modules)
    passes = passed_line(lens, passed) if lens is not None else f"**{len(passed)} of {total}** modules passed"
    lines = [
        f"**{progress.answered}** answers · **{percent(progress.accuracy)}** right overall",
        f"Streak: **{streak}** · last studied {_when(progress.last_studied)}",
        f"Reviews due now: **{progress.reviews_due}** · {passes}",
    ]
    if lens is not None and lens.edition.single_exam:
        lines.append(f"-# By the modules of {lens.edition.name}, the server's edition")
    embed = discord.Embed(title=f"Progress: {name}", description="\n".join(lines), colour=BRAND)
    for figures in progress.modules:
        module = syllabus.module(figures.module)
        label = module.label if module else figures.module
        if figures.module in passed:
            label += f" ✅ passed {passed[figures.module].isoformat()}"
        embed.add_field(
            name=label[:256],
            value=(f"Answered {figures.answered} · accuracy {percent(figures.accuracy)} "
                   f"(last 30 days: {percent(figures.accuracy_recent)})\n"
                   f"Mastery {percent(figures.mastery)} ({figures.known} of {figures.bank_size} questions known)"
                   f" · {figures.reviews_due} review{'s' if figures.reviews_due != 1 else ''} due"),
            inline=False,
        )
    if progress.weakest:
        weak = []
        for score in progress.weakest:
            module = syllabus.module(score.module)
            topic = module.topic(score.topic) if module else None
            code = module.code if module else score.module
            weak.append(f"{code} · {topic.name if topic else score.topic}: {percent(score.accuracy)} "
                        f"of {score.answered}")
        embed.add_field(name="Weakest topics", value="\n".join(weak), inline=False)
    else:
        embed.add_field(name="Weakest topics", value="Answer at least 3 questions in a topic to see it here.",
                        inline=False)
    embed.set_image(url="attachment://progress.png")
    embed.set_footer(text="Mastery: questions whose review card reached box 4 (survived a week's wait). Days are UTC.")
    return embed


def plan_embed(plan: StudyPlan, syllabus: Syllabus | Lens) -> discord.Embed:
    def code(key: str) -> str:
        module = syllabus.module(key)
        return module.code if module else key

    target = round(TARGET_MASTERY * 100)
    if plan.paced:
        if not plan.targets:
            description = "Every module is passed. 🎓 Congratulations!"
        elif plan.weeks_to_mastery:
            description = (f"No exam date booked, so this is a pace toward {target}% mastery in every module: "
                           f"**{DEFAULT_PACE} questions a day**, about **{plan.weeks_to_mastery} "
                           f"week{'s' if plan.weeks_to_mastery != 1 else ''}** at that pace. "
                           "Book an exam date and the plan counts down to it.")
        else:
            description = f"No exam date booked, and every open module is at {target}% mastery: keep reviewing."
    else:
        description = (f"**{plan.per_day} questions a day** in all, to reach {target}% mastery before each exam "
                       f"(about {ANSWERS_TO_LEARN} answers per question still to learn, plus reviews due).")
    embed = discord.Embed(title="Your study plan", description=description, colour=BRAND)
    for t in plan.targets[:10]:
        if t.exam_on is not None and t.days_left is not None:  # an exam's target has both
            days = {0: "today", 1: "tomorrow"}.get(t.days_left, f"in {t.days_left} days")
            name = f"{code(t.module)} · exam {t.exam_on.isoformat()} ({days})"
        else:
            name = f"{code(t.module)} · no exam date"
        embed.add_field(name=name, value=(f"**{t.per_day}** a day · mastery {percent(t.mastery)} · "
                                          f"{t.work} answers to go\n{t.note}"), inline=False)
    if plan.this_week:
        lines = []
        for item in plan.this_week:
            topics = f": start with {', '.join(item.topics)}" if item.topics else ""
            lines.append(f"**{code(item.module)}**: {item.questions} questions ({item.why}){topics}")
        embed.add_field(name="This week", value=fit_lines(lines, more="… and {n} more"), inline=False)
    if plan.later:
        embed.add_field(name="After your exams", value=", ".join(code(m) for m in plan.later), inline=False)
    if plan.passed:
        embed.add_field(name="Passed", value=", ".join(code(m) for m in plan.passed), inline=False)
    embed.set_footer(text="Targets spread the work over the days before each exam, today included.")
    return embed


class ForgetButton(PersistentButton, template=r"forgetme:(?P<action>yes|no):(?P<user>\d+):(?P<until>\d+)"):
    """Confirm or keep. The custom id names the member and a deadline, so the button survives a restart
    and nobody else, and no stale message, can trigger a deletion."""

    cog, handler = "ProgressCog", "on_forget"
    ints = ("user", "until")

    def __init__(self, action: str, user_id: int, until: int) -> None:
        label, style = (("Delete my data", discord.ButtonStyle.danger) if action == "yes"
                        else ("Keep it", discord.ButtonStyle.secondary))
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=f"forgetme:{action}:{user_id}:{until}"))


DYNAMIC_ITEMS = (ForgetButton,)


def forget_prompt(user_id: int, until: int) -> tuple[discord.Embed, discord.ui.View]:
    """The question /forgetme asks, with its two buttons (valid until `until`, a Unix time)."""
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton("yes", user_id, until))
    view.add_item(ForgetButton("no", user_id, until))
    embed = discord.Embed(
        title="Delete your data in this server?", colour=WARNING,
        description=("This deletes your answers (daily questions included), review cards, quiz history, flags, "
                     "passed modules, reminders, exam dates, exam windows joined and settings in this server, "
                     "and cancels your scheduled messages. It cannot be undone. /mydata gives you a copy first."))
    return embed, view


def forgotten_text(counts: dict[str, int]) -> str:
    """What /forgetme deleted, by table."""
    deleted = [f"{TABLE_LABELS.get(table, table.replace('_', ' '))}: {n}"
               for table, n in sorted(counts.items()) if n]
    text = ("Done. Deleted: " + ", ".join(deleted) + "." if deleted
            else "Done. There was nothing stored about you in this server.")
    text += (" Your scheduled messages in this server are cancelled. Records you made for the server as an "
             "admin (imported or retired questions, fee entries, exam windows, settings) are kept: they are "
             "the server's records.")
    return text[:2000]
