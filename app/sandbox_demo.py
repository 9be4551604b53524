"""`python bot.py sandbox --demo`: a chapter three weeks in, written through the bot's own services.

Everything goes through the same service functions the commands call (quiz sessions answered question by
question, daily posts claimed, answered and revealed, exam dates, reminders, a window, passed modules), with
the time of each act passed in, so the figures /progress, /leaderboard, /group progress and /studyplan
show are the ones real use would have produced. The draws come from a fixed seed: every demo is the same.

The daily posts of the past weeks have no message in the simulator (it starts empty each run); they are
revealed here, so the bot never tries to edit them.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from app.factory import StudyBot
from scheduling.clock import Clock
from services.daily import ScheduleInput
from services.quiz import QuizService, SessionKind

if TYPE_CHECKING:
    from app.sandbox import SandboxWorld

DAYS = 21
TIMEZONE = "America/Chicago"
#: per member: (share of daily questions answered, share answered right, quiz sessions a week)
HABITS = {"olivia": (0.6, 0.8, 2), "ben": (0.9, 0.7, 4), "chen": (0.75, 0.55, 3), "dara": (0.4, 0.45, 1)}


async def seed_demo(bot: StudyBot, world: SandboxWorld, clock: Clock) -> str:
    guild_id = world.guild.id
    members = {user.name: user.id for user in world.members}
    organizer = members["olivia"]
    rng = random.Random(2026)
    now = clock.now()
    zone = ZoneInfo(TIMEZONE)
    services = bot.services
    quiz, daily, progress = services.quiz, services.daily, services.progress
    exams, reminders, windows = services.exams, services.reminders, services.windows

    # the members' time zones and the daily question, as /timezone set and /daily setup save them
    for user_id in members.values():
        await services.settings.set_timezone(guild_id, user_id, TIMEZONE, now - dt.timedelta(days=DAYS + 1))
    settings = daily.check_schedule(guild_id, organizer, ScheduleInput(
        channel_id=world.daily, time="08:00", timezone=TIMEZONE, reveal_after_hours=12,
        days="mon-fri", weekly_summary=True), now - dt.timedelta(days=DAYS + 1))
    await daily.save(settings)

    answers = posts = sessions = 0
    today = now.astimezone(zone).date()
    fake_message_id = 1 << 50
    for back in range(DAYS, 0, -1):
        day = today - dt.timedelta(days=back)
        posted = dt.datetime.combine(day, dt.time(8, 0), zone).astimezone(dt.UTC)
        if day.weekday() < 5:
            planned = await daily.plan_post(settings, kind="scheduled", now=posted, local_day=day)
            if planned is not None:
                fake_message_id += 1
                post = await daily.mark_sent(planned.post, fake_message_id)
                posts += 1
                for name, user_id in members.items():
                    share, right, _ = HABITS[name]
                    if rng.random() < share:
                        choice = _choice(rng, planned.question.answer_index, len(planned.question.choices), right)
                        at = posted + dt.timedelta(minutes=rng.randint(5, 600))
                        await daily.answer(post.id, guild_id, user_id, choice, message_id=None, now=at)
                        answers += 1
                await daily.reveal(post, posted + dt.timedelta(hours=12))
        for name, user_id in members.items():
            _, right, per_week = HABITS[name]
            if rng.random() < per_week / 7:
                at = dt.datetime.combine(day, dt.time(rng.randint(18, 21), rng.randint(0, 59)), zone)
                sessions += 1
                answers += await _quiz_session(quiz, guild_id, user_id, at.astimezone(dt.UTC), rng, right)

    # what lies ahead: exam dates, reminders, a window, and a module already passed
    exam_day = today + dt.timedelta(days=24)
    await exams.set_exam(guild_id, members["ben"], "mpr", exam_day.isoformat(), "09:00", now)
    await exams.set_exam(guild_id, members["chen"], "dsp", (today + dt.timedelta(days=45)).isoformat(), None, now)
    await exams.set_exam(guild_id, members["olivia"], "smr", (today + dt.timedelta(days=10)).isoformat(), None, now)
    await reminders.remind_study(guild_id, members["ben"], "19:30", "mon-fri", "mpr", now)
    await reminders.remind_study(guild_id, members["chen"], "07:00", "sat,sun", None, now)
    await reminders.remind_once(guild_id, members["dara"], "tomorrow 7pm", "Flashcards on master scheduling", now)
    start, end = today + dt.timedelta(days=5), today + dt.timedelta(days=60)
    await windows.add_window(guild_id, organizer, "Spring testing window", start.isoformat(), end.isoformat(),
                             "all", now)
    await windows.join_window(guild_id, members["chen"], "Spring testing window", now)
    await progress.mark_passed(guild_id, members["olivia"], "bscm", today - dt.timedelta(days=90), now)
    await progress.mark_passed(guild_id, members["olivia"], "mpr", today - dt.timedelta(days=40), now)
    await progress.mark_passed(guild_id, members["ben"], "bscm", today - dt.timedelta(days=30), now)
    services.dispatcher.wake()
    return (f"{DAYS} days of a chapter: {posts} daily posts, {sessions} quiz sessions, {answers} answers; "
            f"3 exam dates, 3 reminders, 1 exam window")


def _choice(rng: random.Random, answer: int, count: int, right: float) -> int:
    if rng.random() < right:
        return answer
    return rng.choice([i for i in range(count) if i != answer])


async def _quiz_session(quiz: QuizService, guild_id: int, user_id: int, at: dt.datetime, rng: random.Random,
                        right: float) -> int:
    count = rng.randint(4, 8)
    step = await quiz.start(guild_id, user_id, kind=SessionKind.QUIZ, module=None, topic=None,
                            count=count, mode="mixed", now=at)
    session_id = step.session.id
    for position in range(step.session.size):
        shown = step if position == 0 else await quiz.question_at(session_id, position, user_id)
        at += dt.timedelta(seconds=rng.randint(20, 90))
        choice = _choice(rng, shown.question.answer_index, len(shown.question.choices), right)
        await quiz.answer(session_id, position, choice, user_id, at)
    await quiz.finish(session_id, at)
    return int(step.session.size)
