"""The embed of /group progress: the cohort's activity, passes, accuracy by module and exams soon."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from cogs.ui.embeds import BRAND, fit_lines
from services.progress import GROUP_ACTIVE_DAYS, GROUP_EXAM_HORIZON_DAYS
from study.editions import Lens
from study.progress import percent

if TYPE_CHECKING:
    from services.progress import GroupReport
    from study.syllabus import Syllabus


def _code(syllabus: Syllabus | Lens, key: str) -> str:
    module = syllabus.module(key)
    if module is None and isinstance(syllabus, Lens):
        return syllabus.module_name(key)  # "CPIM 8 exam"
    return module.code if module else key


MORE = "… and {n} more (see /group export)"


def group_embed(report: GroupReport, syllabus: Syllabus | Lens) -> discord.Embed:
    passed = ", ".join(f"{_code(syllabus, m)}: {n}" for m, n in sorted(report.passed.items())) or "none recorded yet"
    embed = discord.Embed(
        title="The group's progress", colour=BRAND,
        description=(f"Members active in the last {GROUP_ACTIVE_DAYS} days: **{report.active_this_week}** "
                     f"(of {report.members_with_answers} who ever answered)\nModules passed: {passed}"))
    lines = []
    for tally in report.modules:
        accuracy = tally.right / tally.answered if tally.answered else None
        recent = tally.right_recent / tally.answered_recent if tally.answered_recent else None
        lines.append(f"**{_code(syllabus, tally.module)}**: {percent(accuracy)} of {tally.answered} "
                     f"answers (last 30 days: {percent(recent)})")
    embed.add_field(name="Group accuracy by module", value=fit_lines(lines, more=MORE), inline=False)
    # a mention renders as the member's name in Discord, cached or not (mentions ping nobody: allowed_mentions)
    exams = [f"{exam.on.isoformat()} · {_code(syllabus, exam.module)} · <@{user}>"
             for user, exam in report.exams_soon]
    embed.add_field(name=f"Exams in the next {GROUP_EXAM_HORIZON_DAYS} days",
                    value=fit_lines(exams, more=MORE) or "None booked.", inline=False)
    embed.set_image(url="attachment://group.png")
    return embed
