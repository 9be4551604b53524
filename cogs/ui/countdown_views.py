"""/countdown's embed and the organizers' pinned countdown board."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import discord

from cogs.ui.embeds import BRAND, fit_lines
from services.countdown import BoardFigures
from services.exams import Countdown
from study.countdown import days_phrase
from study.editions import Edition

SHARING_ON = "on"
SHARING_OFF = "off"
TURN_OFF_HINT = "An organizer can turn it off with `/countdown-board off`."
REPLACED_NOTE = ("The countdown message was deleted, so I posted it again here. If it is deleted again, I stop "
                 "updating it. " + TURN_OFF_HINT)
STOPPED_NOTE = ("🛑 The exam countdown message was deleted again, so I stopped updating it. An organizer can start "
                "it again with `/countdown-board post`.")


def _day(day: dt.date) -> str:
    return f"{day:%a %d %b %Y}"


def countdown_embed(result: Countdown, edition: Edition, module_name: Callable[[str], str],
                    board: str) -> discord.Embed:
    """The member's own countdown; `board` says whether they are on the organizers' pinned countdown."""
    embed = discord.Embed(title="⏳ Your countdown", colour=BRAND)
    exams = [f"**{module_name(item.exam.module)}** {_day(item.exam.exam_date)} · "
             f"{days_phrase(item.exam.exam_date, result.today)}" for item in result.exams]
    embed.add_field(name="Exam", value="\n".join(exams)[:1024] or "No exam date set: add yours with /exam set.",
                    inline=False)
    windows = [f"**{w.name}** closes {_day(w.ends_on)} · {days_phrase(w.ends_on, result.today)}"
               for w in result.windows]
    embed.add_field(name="Exam window", value="\n".join(windows)[:1024] or
                    "You joined no open exam window: see /window list.", inline=False)
    if result.att_until is not None:
        att = (f"Valid until {_day(result.att_until)} · {days_phrase(result.att_until, result.today)} "
               f"({edition.name}: {result.att_months} months)")
        late = [item.exam for item in result.exams if item.exam.exam_date > result.att_until]
        if late:
            att += "\n⚠️ Your exam date is after your ATT ends: reschedule it or ask ASCM about an extension."
    elif result.att_months is not None:
        att = (f"{edition.name}: an ATT is valid {result.att_months} months. Give `att_received` (the day you "
               f"received it) to count it down; it is not stored.")
    else:
        att = f"The {edition.name} data states no ATT validity."
    embed.add_field(name="Authorization to Test", value=att[:1024], inline=False)
    embed.add_field(name="Group countdown", value=board[:1024], inline=False)
    return embed


def sharing_line(shared: bool, channel_id: int | None) -> str:
    where = f" in <#{channel_id}>" if channel_id else ""
    if shared:
        return (f"Your exam dates are listed on the organizers' pinned countdown{where}. "
                "`/countdown-sharing off` takes them off.")
    return (f"You are not listed on the organizers' pinned countdown{where} (the default). "
            "`/countdown-sharing on` lists your exam dates there.")


def board_embed(figures: BoardFigures, post_time: dt.time, module_name: Callable[[str], str],
                names: dict[int, str]) -> discord.Embed:
    """The pinned board: opted-in members' upcoming exams, the chapter's windows, when it was updated."""
    embed = discord.Embed(title="⏳ Exam countdown", colour=BRAND)
    def who(user_id: int) -> str:  # a member who left (or could not be looked up in time): a mention, never a ping
        return discord.utils.escape_markdown(names[user_id]) if names.get(user_id) else f"<@{user_id}>"

    lines = [f"**{_day(line.exam.on)}** · {days_phrase(line.exam.on, figures.today)} · {who(line.exam.user_id)} "
             f"({module_name(line.exam.module)})" for line in figures.lines]
    if figures.more:
        lines.append(f"…and {figures.more} more")
    embed.description = fit_lines(lines, 4000) if lines else (
        "No upcoming exams on the board yet. Set yours with `/exam set` and list it here with "
        "`/countdown-sharing on`.")
    windows = []
    for window in figures.windows:
        if window.starts_on > figures.today:
            windows.append(f"**{window.name}** opens {_day(window.starts_on)} · "
                           f"{days_phrase(window.starts_on, figures.today)}")
        else:
            windows.append(f"**{window.name}** closes {_day(window.ends_on)} · "
                           f"{days_phrase(window.ends_on, figures.today)}")
    if windows:
        embed.add_field(name="Exam windows", value=fit_lines(windows), inline=False)
    embed.set_footer(text=f"Updated {_day(figures.today)} · every morning at {post_time:%H:%M} "
                          f"({figures.timezone}) · only members who opted in (/countdown-sharing on)")
    return embed


def board_status(channel_id: int, message_url: str, post_time: dt.time, timezone: str,
                 next_edit: dt.datetime | None, edited_at: dt.datetime | None, last_error: str | None,
                 replaced: bool, sharing: int) -> str:
    lines = [f"📌 The countdown is pinned in <#{channel_id}> ({message_url}).",
             f"Edited every morning at {post_time:%H:%M} ({timezone})"
             + (f"; next edit <t:{int(next_edit.timestamp())}:f>." if next_edit else "."),
             f"Members listed on it (opted in): {sharing}."]
    if edited_at:
        lines.append(f"Last edit: <t:{int(edited_at.timestamp())}:f>.")
    if replaced:
        lines.append("Its message was deleted once and posted again; if it is deleted again, I stop updating it.")
    if last_error:
        lines.append(f"⚠️ The last edit failed: {last_error}")
    return "\n".join(lines)
