import datetime as dt
import random

import pytest

from study import daily
from study.daily import DailyAnswer, MemberTally, ModuleTally
from study.errors import UserInputError
from study.questions import Question

D = dt.date


def q(qid: str) -> Question:
    return Question(qid, "dsp", "t", "easy", "stem", ("a", "b", "c", "d"), 1, "because")


@pytest.mark.parametrize(("text", "expected"), [("08:00", (8, 0)), ("7:05", (7, 5)), ("23:59", (23, 59)),
                                                ("19.30", (19, 30))])
def test_parse_time(text, expected):
    assert daily.parse_time(text) == expected


@pytest.mark.parametrize(("text", "message"), [("25:00", "not a time of day"), ("08:60", "not a time of day"),
                                               ("eight", "not a time"), ("", "not a time")])
def test_parse_time_refuses(text, message):
    with pytest.raises(UserInputError, match=message):
        daily.parse_time(text)


def test_parse_timezone():
    assert daily.parse_timezone(" Europe/Berlin ") == "Europe/Berlin"
    for bad in ("Mars/Base", "", "/etc/passwd", "Europe/"):
        with pytest.raises(UserInputError, match="I don't know the time zone"):
            daily.parse_timezone(bad)


def test_days_are_parsed_by_timeparse_alone_and_described():
    # one parser for days across the bot (study.timeparse, shared with /remind study); the old three-letter
    # reading here took 'monkey' for Monday
    assert not hasattr(daily, "parse_days")
    assert daily.cron_days((4, 0, 2)) == "mon,wed,fri"
    assert daily.describe_days((0, 1, 2, 3, 4)) == "Monday to Friday"
    assert daily.describe_days(range(7)) == "every day"
    assert daily.describe_days((1, 3)) == "Tue, Thu"


def test_rotation_wraps_and_starts_at_the_first():
    order = ["dsp", "mpr", "smr"]
    assert daily.next_in_rotation(order, None) == "dsp"
    assert daily.next_in_rotation(order, "dsp") == "mpr"
    assert daily.next_in_rotation(order, "smr") == "dsp"
    assert daily.next_in_rotation(order, "eco") == "dsp"  # a module dropped from the order
    assert daily.module_order("mpr", order) == ["mpr", "smr", "dsp"]


def test_weakest_module_needs_enough_answers_and_falls_back_to_rotation():
    order = ["dsp", "mpr", "smr"]
    few = [ModuleTally("mpr", 4, 0)]
    assert daily.weakest_module(few, order, "dsp") == "mpr"  # by rotation, not judged yet
    tallies = [ModuleTally("dsp", 10, 9), ModuleTally("mpr", 10, 4), ModuleTally("smr", 5, 2),
               ModuleTally("eco", 50, 0)]  # eco is not in this guild's order
    assert daily.weakest_module(tallies, order, "mpr") == "smr"  # 40 % each: the less practised one
    tallies = [ModuleTally("dsp", 10, 9), ModuleTally("mpr", 10, 3), ModuleTally("smr", 5, 2)]
    assert daily.weakest_module(tallies, order, "mpr") == "mpr"  # 30 % < 40 %, even if it was asked last


def test_pick_fresh_avoids_recent_questions():
    pool = [q("a"), q("b"), q("c")]
    rng = random.Random(1)
    assert {daily.pick_fresh(pool, {"a", "b"}, rng).id for _ in range(10)} == {"c"}
    assert daily.pick_fresh(pool, {"a", "b", "c"}, rng) is None
    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert daily.repeat_cutoff(now, 60) == dt.datetime(2026, 11, 2, tzinfo=dt.UTC)


def test_streak_counts_consecutive_post_days_answered():
    posts = [D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3), D(2026, 12, 4)]
    streak = daily.compute_streak(posts, [D(2026, 11, 30), D(2026, 12, 1), D(2026, 12, 3), D(2026, 12, 4)])
    assert (streak.current, streak.best, streak.answered) == (2, 2, 4)
    assert daily.compute_streak(posts, posts) == daily.Streak(5, 5, 5)
    assert daily.compute_streak([], []) == daily.Streak(0, 0, 0)


def test_days_without_a_post_do_not_break_a_streak():
    # Friday and the next Monday are consecutive posts of a Monday-to-Friday schedule
    posts = [D(2026, 12, 4), D(2026, 12, 7)]
    assert daily.compute_streak(posts, posts).current == 2


def test_an_open_post_does_not_break_the_streak_but_a_closed_one_does():
    posts = [D(2026, 12, 1), D(2026, 12, 2), D(2026, 12, 3)]
    answered = posts[:2]
    assert daily.compute_streak(posts, answered, open_days=[D(2026, 12, 3)]).current == 2
    assert daily.compute_streak(posts, answered).current == 0
    assert daily.compute_streak(posts, answered).best == 2


def test_ranking_by_right_then_accuracy_with_shared_places():
    tallies = [MemberTally(1, 4, 3), MemberTally(2, 5, 4), MemberTally(3, 5, 3), MemberTally(4, 6, 4),
               MemberTally(5, 2, 0)]
    ranked = daily.rank_members(tallies)
    assert [(r.rank, r.tally.user_id) for r in ranked] == [(1, 2), (2, 4), (3, 1), (4, 3), (5, 5)]
    tie = daily.rank_members([MemberTally(9, 6, 4), MemberTally(8, 6, 4), MemberTally(7, 3, 1)])
    assert [(r.rank, r.tally.user_id) for r in tie] == [(1, 8), (1, 9), (3, 7)]
    assert daily.find_member(ranked, 3).rank == 4 and daily.find_member(ranked, 99) is None


def test_equal_accuracy_is_compared_exactly():
    ranked = daily.rank_members([MemberTally(1, 3, 2), MemberTally(2, 3, 2)])
    assert [r.rank for r in ranked] == [1, 1]
    assert MemberTally(1, 3, 2).percent == 67


def test_periods_start_on_monday_and_the_first():
    wednesday = D(2026, 12, 2)
    assert daily.period_start("week", wednesday) == D(2026, 11, 30)
    assert daily.period_start("month", wednesday) == D(2026, 12, 1)
    assert daily.period_start("all", wednesday) is None
    assert daily.previous_week(wednesday) == (D(2026, 11, 23), D(2026, 11, 29))
    with pytest.raises(UserInputError):
        daily.period_start("year", wednesday)


def test_pages_are_clamped():
    ranked = daily.rank_members([MemberTally(i, 1, 1) for i in range(23)])
    rows, page, pages = daily.page_of(ranked, 5, 10)
    assert (len(rows), page, pages) == (3, 2, 3)
    assert daily.page_of([], 0, 10) == ([], 0, 1)


def test_reveal_figures_share_and_first_three_right():
    t = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    answers = [DailyAnswer(10, 1, t), DailyAnswer(11, 0, t), DailyAnswer(12, 1, t + dt.timedelta(seconds=5)),
               DailyAnswer(13, 1, t), DailyAnswer(14, 1, t + dt.timedelta(seconds=1))]
    figures = daily.reveal_figures(answers, 1, 4)
    assert (figures.total, figures.correct, figures.percent) == (5, 4, 80)
    assert figures.by_choice == (1, 4, 0, 0)
    assert figures.first_correct == (10, 13, 14)  # same second: in the order recorded
    empty = daily.reveal_figures([], 2, 4)
    assert (empty.total, empty.percent, empty.first_correct) == (0, 0, ())


def test_local_day_follows_the_zone():
    late = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    assert daily.local_day(late, "Europe/Berlin") == D(2026, 12, 2)
    assert daily.local_day(late, "America/New_York") == D(2026, 12, 1)


def test_a_claimed_post_may_still_be_sent_within_grace_on_the_same_local_day():
    grace = dt.timedelta(hours=6)
    claimed = dt.datetime(2026, 12, 1, 7, tzinfo=dt.UTC)  # 08:00 in Berlin
    day = D(2026, 12, 1)
    assert daily.may_still_send(claimed, day, "Europe/Berlin", claimed, grace)
    assert daily.may_still_send(claimed, day, "Europe/Berlin", claimed + grace, grace)
    assert not daily.may_still_send(claimed, day, "Europe/Berlin", claimed + grace + dt.timedelta(seconds=1), grace)
    # 22:30 in New York: at 01:00 the next local day it is yesterday's question, though within 6 hours
    night = dt.datetime(2026, 12, 2, 3, 30, tzinfo=dt.UTC)
    assert daily.may_still_send(night, day, "America/New_York", night + dt.timedelta(hours=1), grace)
    assert not daily.may_still_send(night, day, "America/New_York", night + dt.timedelta(hours=2, minutes=31), grace)


# ---- streak freezes -------------------------------------------------------------------------------------------

def _days(count: int, start: dt.date = dt.date(2026, 11, 2)) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range(count)]


def test_seven_days_in_a_row_earn_one_freeze_and_six_none():
    days = _days(7)
    assert daily.streak_with_freezes(days[:6], days[:6]).freezes_held == 0
    streak = daily.streak_with_freezes(days, days)
    assert (streak.current, streak.freezes_held, streak.freezes_used) == (7, 1, 0)


def test_a_missed_post_uses_a_freeze_instead_of_breaking_the_streak():
    days = _days(9)
    answered = days[:7] + days[8:]
    streak = daily.streak_with_freezes(days, answered)
    assert (streak.current, streak.best, streak.freezes_held, streak.freezes_used) == (8, 8, 0, 1)
    assert streak.frozen_days == (days[7],)


def test_without_a_freeze_a_miss_breaks_the_streak():
    days = _days(8)
    streak = daily.streak_with_freezes(days, days[:6] + days[7:])
    assert (streak.current, streak.best, streak.freezes_used) == (1, 6, 0)


def test_at_most_two_freezes_are_held_and_two_misses_in_a_row_use_both():
    days = _days(24)
    assert daily.streak_with_freezes(days[:21], days[:21]).freezes_held == 2  # three weeks earn three, two are kept
    answered = days[:21] + days[23:]
    streak = daily.streak_with_freezes(days, answered)
    assert (streak.current, streak.freezes_held, streak.freezes_used) == (22, 0, 2)
    days = _days(25)
    streak = daily.streak_with_freezes(days, days[:21] + days[24:])  # a third miss: nothing left to save it
    assert (streak.current, streak.best, streak.freezes_used) == (1, 21, 2)


def test_a_frozen_day_does_not_count_towards_the_next_freeze_and_a_break_resets_the_count():
    days = _days(15)
    # 7 answered (freeze), 1 missed (freeze used), 6 answered: 6 towards the next freeze, none yet
    streak = daily.streak_with_freezes(days[:14], days[:7] + days[8:14])
    assert (streak.freezes_held, streak.freezes_used, streak.current) == (0, 1, 13)
    streak = daily.streak_with_freezes(days, days[:7] + days[8:])
    assert streak.freezes_held == 1


def test_an_open_post_not_answered_yet_neither_breaks_nor_uses_a_freeze():
    days = _days(8)
    streak = daily.streak_with_freezes(days, days[:7], open_days=[days[7]])
    assert (streak.current, streak.freezes_held, streak.freezes_used) == (7, 1, 0)


def test_days_without_a_post_are_not_misses_and_no_freeze_is_used_without_a_streak():
    weekdays = [d for d in _days(14) if d.weekday() < 5]
    streak = daily.streak_with_freezes(weekdays, weekdays)
    assert (streak.current, streak.freezes_used, streak.freezes_held) == (10, 0, 1)
    assert daily.streak_with_freezes(weekdays[:3], []).freezes_used == 0
