"""Daily question records: each guild's schedule, the posts, members' answers, and the figures built on them.

Two guarantees live here, in SQL rather than in memory:
- one scheduled post per guild and local day: `claim_post` is an INSERT that the partial UNIQUE index
  `daily_posts_one_per_day` refuses the second time, whatever restarts or races happen;
- one answer per member and post: `record_answer` inserts under the primary key (post_id, user_id) in the
  same transaction that writes the quiz records (answers, the member's card, topic_stats), so a double click
  changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from db import work as q
from db.connection import Database
from db.quiz import write_answer_records
from db.timestamps import from_ts, to_ts
from db.work import Row, Work
from study.daily import DailyAnswer, MemberTally, ModuleTally
from study.srs import Card

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DailySettings:
    guild_id: int
    channel_id: int
    hour: int
    minute: int
    timezone: str
    days: tuple[int, ...]
    modules: tuple[str, ...]          # rotation order; empty: every module in syllabus order
    rotation: str                     # 'order' or 'weakest'
    reveal_after_hours: int
    explain_at_once: bool
    repeat_window_days: int
    weekly_summary: bool
    paused: bool
    active_since: dt.datetime
    updated_by: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class Post:
    id: int
    guild_id: int
    kind: str
    local_day: dt.date
    day_number: int
    channel_id: int
    message_id: int | None
    state: str
    question_id: str
    module: str
    topic: str
    answer_index: int
    choice_count: int
    posted_at: dt.datetime
    reveal_at: dt.datetime
    revealed_at: dt.datetime | None


@dataclass(frozen=True)
class PlannedQuestion:
    question_id: str
    module: str
    topic: str
    answer_index: int
    choice_count: int


@dataclass(frozen=True)
class DailyAnswerOutcome:
    first: bool                   # False: the member had answered already (chosen is their first answer)
    closed: bool                  # True: the post was revealed or never sent; nothing was recorded
    chosen: int
    correct: bool
    count: int                    # answers to the post so far
    card: Card | None = None


def _settings(row: Row) -> DailySettings:
    return DailySettings(
        guild_id=row["guild_id"], channel_id=row["channel_id"], hour=row["hour"], minute=row["minute"],
        timezone=row["timezone"], days=tuple(_DAY_NAMES.index(d) for d in row["days"].split(",") if d),
        modules=tuple(m for m in row["modules"].split(",") if m), rotation=row["rotation"],
        reveal_after_hours=row["reveal_after_hours"], explain_at_once=bool(row["explain_at_once"]),
        repeat_window_days=row["repeat_window_days"], weekly_summary=bool(row["weekly_summary"]),
        paused=bool(row["paused"]), active_since=from_ts(row["active_since"]), updated_by=row["updated_by"],
        updated_at=from_ts(row["updated_at"]),
    )


def _post(row: Row) -> Post:
    return Post(
        id=row["id"], guild_id=row["guild_id"], kind=row["kind"], local_day=dt.date.fromisoformat(row["local_day"]),
        day_number=row["day_number"], channel_id=row["channel_id"], message_id=row["message_id"],
        state=row["state"], question_id=row["question_id"], module=row["module"], topic=row["topic"],
        answer_index=row["answer_index"], choice_count=row["choice_count"], posted_at=from_ts(row["posted_at"]),
        reveal_at=from_ts(row["reveal_at"]), revealed_at=from_ts(row["revealed_at"]),
    )


# ---- settings -------------------------------------------------------------------------------------------------

async def save_settings(db: Database, settings: DailySettings) -> None:
    """Create or replace a guild's schedule (setup). It starts active from settings.active_since."""
    days = ",".join(_DAY_NAMES[d] for d in sorted(set(settings.days)))
    await db.execute(
            "INSERT INTO daily_settings (guild_id, channel_id, hour, minute, timezone, days, modules, rotation,"
            " reveal_after_hours, explain_at_once, repeat_window_days, weekly_summary, paused, active_since,"
            " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, hour = excluded.hour,"
            " minute = excluded.minute, timezone = excluded.timezone, days = excluded.days,"
            " modules = excluded.modules, rotation = excluded.rotation,"
            " reveal_after_hours = excluded.reveal_after_hours, explain_at_once = excluded.explain_at_once,"
            " repeat_window_days = excluded.repeat_window_days, weekly_summary = excluded.weekly_summary,"
            " paused = excluded.paused, active_since = excluded.active_since, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (settings.guild_id, settings.channel_id, settings.hour, settings.minute, settings.timezone, days,
             ",".join(settings.modules), settings.rotation, settings.reveal_after_hours, int(settings.explain_at_once),
             settings.repeat_window_days, int(settings.weekly_summary), int(settings.paused),
             to_ts(settings.active_since), settings.updated_by, to_ts(settings.updated_at)),
    )


async def get_settings(db: Database, guild_id: int) -> DailySettings | None:
    row = await db.fetch_one("SELECT * FROM daily_settings WHERE guild_id = ?", (guild_id,))
    return _settings(row) if row else None


async def active_settings(db: Database) -> list[DailySettings]:
    """Every guild whose daily question is set up and not paused."""
    return [_settings(row) for row in await db.fetch_all("SELECT * FROM daily_settings WHERE paused = 0")]


async def set_paused(db: Database, guild_id: int, paused: bool, user_id: int, now: dt.datetime) -> bool:
    """Pause or resume; False if it already was. Resuming moves active_since, so the days paused are not owed."""
    sql = "UPDATE daily_settings SET paused = ?, updated_by = ?, updated_at = ?"
    parameters: list[object] = [int(paused), user_id, to_ts(now)]
    if not paused:
        sql += ", active_since = ?"
        parameters.append(to_ts(now))
    return await db.execute(sql + " WHERE guild_id = ? AND paused = ?", (*parameters, guild_id, int(not paused))) > 0


# ---- posts ----------------------------------------------------------------------------------------------------

class QuestionRecentlyPosted(Exception):
    """The question was posted in the guild since `repeat_since`: a post claimed meanwhile (a /daily now racing
    the scheduled post) took it after the caller chose it. Choose again."""


async def claim_post(db: Database, *, guild_id: int, kind: str, local_day: dt.date, channel_id: int,
                     question: PlannedQuestion, now: dt.datetime, reveal_at: dt.datetime,
                     repeat_since: dt.datetime | None = None) -> Post | None:
    """Reserve a post before it is sent (its id goes into the buttons). None: today's scheduled post exists.

    With `repeat_since`, the no-repeat rule is checked again inside the claim's transaction, so two claims
    racing (each having chosen from the same list of recent questions) never take the same question: the
    second raises QuestionRecentlyPosted."""

    def work() -> Work[int | None]:
        if repeat_since is not None and (yield q.fetch_one(
                "SELECT 1 FROM daily_posts WHERE guild_id = ? AND question_id = ? AND posted_at >= ?",
                (guild_id, question.question_id, to_ts(repeat_since)))):
            raise QuestionRecentlyPosted(question.question_id)
        number = (yield q.fetch_value("SELECT COUNT(*) FROM daily_posts WHERE guild_id = ? AND state != 'failed'",
                                           (guild_id,))) + 1
        # a second scheduled post of the day conflicts with daily_posts_one_per_day: no row, no id
        return (yield q.fetch_value(
            "INSERT INTO daily_posts (guild_id, kind, local_day, day_number, channel_id, question_id, module,"
            " topic, answer_index, choice_count, posted_at, reveal_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING RETURNING id",
            (guild_id, kind, local_day.isoformat(), number, channel_id, question.question_id, question.module,
             question.topic, question.answer_index, question.choice_count, to_ts(now), to_ts(reveal_at)),
        ))

    post_id = await db.run_in_transaction(work)
    return None if post_id is None else await get_post(db, post_id)


async def unsent_posts(db: Database) -> list[Post]:
    """Posts claimed but never recorded as sent (Discord failed for a while, or the bot stopped between the claim
    and the send, or between the send and mark_sent), oldest first."""
    return [_post(row) for row in await db.fetch_all(
        "SELECT * FROM daily_posts WHERE state = 'claimed' ORDER BY posted_at, id")]


async def scheduled_post_exists(db: Database, guild_id: int, local_day: dt.date) -> bool:
    return bool(await db.fetch_value(
        "SELECT 1 FROM daily_posts WHERE guild_id = ? AND kind = 'scheduled' AND local_day = ?",
        (guild_id, local_day.isoformat())))


async def mark_sent(db: Database, post_id: int, message_id: int) -> bool:
    """Record the message of a claimed post and open it for answers; False if it was not claimed any more."""
    return await db.execute("UPDATE daily_posts SET message_id = ?, state = 'open' WHERE id = ? AND state = 'claimed'",
                            (message_id, post_id)) > 0


async def mark_failed(db: Database, post_id: int, error: str) -> None:
    """Discord refused the message for good (no access, no channel), or it could not be sent within the grace
    window: the day's claim stays (never posted twice), the post never opens."""
    await db.execute("UPDATE daily_posts SET state = 'failed', error = ? WHERE id = ? AND state = 'claimed'",
                     (error[:500], post_id))


async def mark_revealed(db: Database, post_id: int, now: dt.datetime) -> bool:
    """Close a post for answers; False if it was not open (already revealed by another path)."""
    return await db.execute(
        "UPDATE daily_posts SET state = 'revealed', revealed_at = ? WHERE id = ? AND state = 'open'",
        (to_ts(now), post_id)) > 0


async def get_post(db: Database, post_id: int) -> Post | None:
    row = await db.fetch_one("SELECT * FROM daily_posts WHERE id = ?", (post_id,))
    return _post(row) if row else None


async def open_posts(db: Database, *, guild_id: int | None = None, due_by: dt.datetime | None = None) -> list[Post]:
    """Open posts (sent, not revealed), oldest first; of one guild, or due for reveal by an instant."""
    sql = "SELECT * FROM daily_posts WHERE state = 'open'"
    parameters: list[object] = []
    if guild_id is not None:
        sql += " AND guild_id = ?"
        parameters.append(guild_id)
    if due_by is not None:
        sql += " AND reveal_at <= ?"
        parameters.append(to_ts(due_by))
    return [_post(row) for row in await db.fetch_all(sql + " ORDER BY reveal_at, id", parameters)]


async def next_reveal_at(db: Database) -> dt.datetime | None:
    return from_ts(await db.fetch_value("SELECT MIN(reveal_at) FROM daily_posts WHERE state = 'open'"))


async def latest_post(db: Database, guild_id: int) -> Post | None:
    row = await db.fetch_one(
        "SELECT * FROM daily_posts WHERE guild_id = ? AND state != 'failed' ORDER BY posted_at DESC, id DESC LIMIT 1",
        (guild_id,))
    return _post(row) if row else None


async def recent_question_ids(db: Database, guild_id: int, since: dt.datetime) -> set[str]:
    rows = await db.fetch_all("SELECT question_id FROM daily_posts WHERE guild_id = ? AND posted_at >= ?",
                              (guild_id, to_ts(since)))
    return {row[0] for row in rows}


async def group_module_tallies(db: Database, guild_id: int) -> list[ModuleTally]:
    """The whole group's answers by module, from every quiz, exam and daily answer (topic_stats)."""
    rows = await db.fetch_all(
        "SELECT module, SUM(answered), SUM(right_count) FROM topic_stats WHERE guild_id = ? GROUP BY module",
        (guild_id,))
    return [ModuleTally(row[0], row[1], row[2]) for row in rows]


# ---- answers --------------------------------------------------------------------------------------------------

def _record_daily_answer(post_id: int, user_id: int, chosen: int, item_key: str, message_id: int | None,
                         now: dt.datetime) -> Work[DailyAnswerOutcome]:
    row = yield q.fetch_one("SELECT guild_id, state, question_id, module, topic, answer_index FROM daily_posts"
                                 " WHERE id = ?", (post_id,))
    if row is None:
        return DailyAnswerOutcome(first=False, closed=True, chosen=-1, correct=False, count=0)
    guild_id, state, question_id, module, topic, answer_index = row

    def count() -> Work[int]:
        return (yield q.fetch_value("SELECT COUNT(*) FROM daily_answers WHERE post_id = ?", (post_id,)))

    earlier = yield q.fetch_one("SELECT choice, correct FROM daily_answers WHERE post_id = ? AND user_id = ?",
                                     (post_id, user_id))
    if earlier is not None:
        return DailyAnswerOutcome(first=False, closed=False, chosen=earlier[0], correct=bool(earlier[1]),
                                  count=(yield from count()))
    if state == "claimed" and message_id is not None:
        # the bot stopped between sending the post and recording its message: the click tells us which it is
        yield q.execute("UPDATE daily_posts SET message_id = ?, state = 'open' WHERE id = ? AND state = 'claimed'",
                             (message_id, post_id))
        state = "open"
    if state != "open":
        return DailyAnswerOutcome(first=False, closed=True, chosen=-1, correct=False, count=(yield from count()))
    correct = chosen == answer_index
    seq = yield q.fetch_value("SELECT COALESCE(MAX(seq), 0) + 1 FROM daily_answers WHERE post_id = ?",
                                   (post_id,))
    yield q.execute("INSERT INTO daily_answers (post_id, user_id, choice, correct, answered_at, seq)"
                         " VALUES (?, ?, ?, ?, ?, ?)", (post_id, user_id, chosen, int(correct), to_ts(now), seq))
    # The same records a /quiz answer writes, so the daily question feeds spaced repetition, weakest-topic
    # modes and progress like any other answer.
    card = yield from write_answer_records(guild_id=guild_id, user_id=user_id, question_id=question_id,
                                           item_key=item_key, module=module, topic=topic, correct=correct,
                                           source="daily", session_id=None, now=now)
    return DailyAnswerOutcome(first=True, closed=False, chosen=chosen, correct=correct, count=seq, card=card)


async def record_answer(db: Database, post_id: int, user_id: int, chosen: int, *, item_key: str,
                        message_id: int | None, now: dt.datetime) -> DailyAnswerOutcome:
    """Record a member's first answer to an open post with its quiz records, all in one transaction."""
    return await db.run_in_transaction(
        lambda: _record_daily_answer(post_id, user_id, chosen, item_key, message_id, now))


async def answer_count(db: Database, post_id: int) -> int:
    return await db.fetch_value("SELECT COUNT(*) FROM daily_answers WHERE post_id = ?", (post_id,))


async def post_answers(db: Database, post_id: int) -> list[DailyAnswer]:
    rows = await db.fetch_all("SELECT user_id, choice, answered_at FROM daily_answers WHERE post_id = ? ORDER BY seq",
                              (post_id,))
    return [DailyAnswer(row[0], row[1], from_ts(row[2])) for row in rows]


# ---- the archive ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ArchivedPost:
    post: Post
    answered: int
    right: int
    my_choice: int | None          # the asking member's answer, None if they did not answer


async def archived_posts(db: Database, guild_id: int, user_id: int, since: dt.date) -> list[ArchivedPost]:
    """Revealed posts of a guild from a local day on, newest first, with the group's figures and one member's
    answer. Open posts are left out on purpose: their answer is not public yet."""
    rows = await db.fetch_all(
        "SELECT p.*, (SELECT COUNT(*) FROM daily_answers a WHERE a.post_id = p.id) AS n_answered,"
        " (SELECT COALESCE(SUM(a.correct), 0) FROM daily_answers a WHERE a.post_id = p.id) AS n_right,"
        " (SELECT a.choice FROM daily_answers a WHERE a.post_id = p.id AND a.user_id = ?) AS my_choice"
        " FROM daily_posts p WHERE p.guild_id = ? AND p.state = 'revealed' AND p.local_day >= ?"
        " ORDER BY p.local_day DESC, p.posted_at DESC, p.id DESC", (user_id, guild_id, since.isoformat()))
    return [ArchivedPost(_post(row), row["n_answered"], row["n_right"], row["my_choice"]) for row in rows]


# ---- streaks and leaderboards ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class StreakHistory:
    post_days: list[dt.date]
    answered_days: list[dt.date]
    open_days: list[dt.date]


async def streak_history(db: Database, guild_id: int, user_id: int) -> StreakHistory:
    """The guild's days with a post members could answer, the member's answered days, and days still open."""
    posts = await db.fetch_all(
        "SELECT local_day, MAX(CASE WHEN state = 'open' THEN 1 ELSE 0 END) FROM daily_posts"
        " WHERE guild_id = ? AND state IN ('open', 'revealed')"
        " GROUP BY local_day", (guild_id,))
    answered = await db.fetch_all(
        "SELECT DISTINCT p.local_day FROM daily_answers a JOIN daily_posts p ON p.id = a.post_id"
        " WHERE p.guild_id = ? AND a.user_id = ?", (guild_id, user_id))
    return StreakHistory(
        post_days=[dt.date.fromisoformat(row[0]) for row in posts],
        answered_days=[dt.date.fromisoformat(row[0]) for row in answered],
        open_days=[dt.date.fromisoformat(row[0]) for row in posts if row[1]],
    )


async def member_tallies(db: Database, guild_id: int, *, since: dt.date | None = None, until: dt.date | None = None,
                         module: str | None = None) -> list[MemberTally]:
    """Answers and right answers per member over daily posts in a range of local days (and a module)."""
    sql = ("SELECT a.user_id, COUNT(*), SUM(a.correct) FROM daily_answers a JOIN daily_posts p ON p.id = a.post_id"
           " WHERE p.guild_id = ?")
    parameters: list[object] = [guild_id]
    if since is not None:
        sql += " AND p.local_day >= ?"
        parameters.append(since.isoformat())
    if until is not None:
        sql += " AND p.local_day <= ?"
        parameters.append(until.isoformat())
    if module is not None:
        sql += " AND p.module = ?"
        parameters.append(module)
    rows = await db.fetch_all(sql + " GROUP BY a.user_id", parameters)
    return [MemberTally(row[0], row[1], row[2]) for row in rows]


async def member_answers(db: Database, guild_id: int, *, since: dt.date | None = None) -> list[tuple[int, str, int]]:
    """Every daily answer since a local day: (user, question id, correct), to be grouped by another edition."""
    sql = ("SELECT a.user_id, p.question_id, a.correct FROM daily_answers a JOIN daily_posts p ON p.id = a.post_id"
           " WHERE p.guild_id = ?")
    parameters: list[object] = [guild_id]
    if since is not None:
        sql += " AND p.local_day >= ?"
        parameters.append(since.isoformat())
    return [(row[0], row[1], row[2]) for row in await db.fetch_all(sql, parameters)]


async def module_accuracy(db: Database, guild_id: int, since: dt.date, until: dt.date) -> list[ModuleTally]:
    """The group's daily answers by module over a range of local days."""
    rows = await db.fetch_all(
        "SELECT p.module, COUNT(*), SUM(a.correct) FROM daily_answers a JOIN daily_posts p ON p.id = a.post_id"
        " WHERE p.guild_id = ? AND p.local_day BETWEEN ? AND ? GROUP BY p.module ORDER BY p.module",
        (guild_id, since.isoformat(), until.isoformat()))
    return [ModuleTally(row[0], row[1], row[2]) for row in rows]


# ---- weekly summaries -----------------------------------------------------------------------------------------

async def claim_summary(db: Database, guild_id: int, week_start: dt.date, now: dt.datetime) -> bool:
    """Reserve the summary of a week; False if it was posted (or claimed) already."""
    return await db.execute(
        "INSERT INTO daily_summaries (guild_id, week_start, posted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (guild_id, week_start.isoformat(), to_ts(now))) > 0


async def release_summary(db: Database, guild_id: int, week_start: dt.date) -> None:
    """Give back a claimed summary that could not be sent, so the week's next post tries again."""
    await db.execute("DELETE FROM daily_summaries WHERE guild_id = ? AND week_start = ? AND message_id IS NULL",
                     (guild_id, week_start.isoformat()))


async def summary_posted(db: Database, guild_id: int, week_start: dt.date) -> bool:
    return bool(await db.fetch_value("SELECT 1 FROM daily_summaries WHERE guild_id = ? AND week_start = ?",
                                     (guild_id, week_start.isoformat())))


async def set_summary_message(db: Database, guild_id: int, week_start: dt.date, message_id: int) -> None:
    await db.execute("UPDATE daily_summaries SET message_id = ? WHERE guild_id = ? AND week_start = ?",
                     (message_id, guild_id, week_start.isoformat()))
