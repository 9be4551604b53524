"""The pinned countdown's rules: who is listed, which exams, in what order, when it is edited, and what a deleted
message leads to."""

import datetime as dt

from study.countdown import (
    BOARD_LINES,
    BOARD_TIME,
    AfterDeletion,
    BoardExam,
    after_deletion,
    board_lines,
    board_schedule,
)
from study.recurrence import next_occurrence

TODAY = dt.date(2026, 11, 25)


def test_only_opted_in_members_and_exams_from_today_soonest_first():
    exams = [BoardExam(1, "cpim8", dt.date(2026, 12, 10)), BoardExam(2, "cpim8", dt.date(2026, 12, 5)),
             BoardExam(3, "cpim8", dt.date(2026, 11, 30)), BoardExam(1, "dsp", TODAY),
             BoardExam(2, "mpr", dt.date(2026, 11, 24))]
    lines, more = board_lines(exams, {1, 2}, TODAY)
    assert [(line.exam.user_id, line.exam.module, line.days) for line in lines] == [
        (1, "dsp", 0), (2, "cpim8", 10), (1, "cpim8", 15)]  # member 3 never opted in; yesterday's exam is gone
    assert more == 0
    assert board_lines(exams, set(), TODAY) == ([], 0)  # the default is out: nobody is listed


def test_a_long_board_keeps_the_soonest_and_counts_the_rest():
    exams = [BoardExam(n, "cpim8", TODAY + dt.timedelta(days=n)) for n in range(BOARD_LINES + 3)]
    lines, more = board_lines(exams, set(range(100)), TODAY)
    assert len(lines) == BOARD_LINES and lines[0].days == 0 and more == 3


def test_edited_every_morning_at_seven_local_across_daylight_saving():
    schedule = board_schedule()
    assert schedule.time == BOARD_TIME == dt.time(7, 0) and len(schedule.days) == 7
    before_change = dt.datetime(2027, 3, 27, 7, 0, tzinfo=dt.UTC)  # Berlin switches to summer time on 28 March
    assert next_occurrence(schedule, "Europe/Berlin", before_change) == dt.datetime(2027, 3, 28, 5, 0, tzinfo=dt.UTC)
    assert board_schedule(dt.time(18, 30, 15)).time == dt.time(18, 30)


def test_a_deleted_message_is_posted_again_once_then_the_board_stops():
    assert after_deletion(replaced_before=False) is AfterDeletion.REPOST
    assert after_deletion(replaced_before=True) is AfterDeletion.STOP
