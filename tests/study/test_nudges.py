import datetime as dt

import pytest

from study.errors import UserInputError
from study.nudges import (
    MAX_DAILY,
    MIN_DAILY,
    NudgeFacts,
    exam_countdown,
    nudge_text,
    parse_exam_date,
    parse_offsets,
    suggested_daily,
)
from study.recurrence import DEFAULT_NUDGE_DAYS

TODAY = dt.date(2027, 3, 1)


def test_exam_date_today_to_two_years_ahead():
    assert parse_exam_date(" 2027-03-01 ", TODAY) == TODAY
    assert parse_exam_date("2029-02-28", TODAY) == dt.date(2029, 2, 28)


@pytest.mark.parametrize(("text", "words"), [
    ("01/03/2027", "'01/03/2027' is not a date; use YYYY-MM-DD"),
    ("", "is not a date"),
    ("2027-02-28", "2027-02-28 is in the past"),
    ("2029-03-05", "more than two years ahead"),
])
def test_exam_date_refused(text, words):
    with pytest.raises(UserInputError) as caught:
        parse_exam_date(text, TODAY)
    assert words in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("default", DEFAULT_NUDGE_DAYS), ("Reset", DEFAULT_NUDGE_DAYS), ("off", ()), ("none", ()),
    ("1,7, 30", (30, 7, 1)), ("7 7 0", (7, 0)),
])
def test_offsets(text, expected):
    assert parse_offsets(text) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("soon", "'soon' is not a list of days"),
    ("400", "between 0 (the exam morning) and 365"),
    ("-1", "between 0"),
    (",", "between 0"),
    ("1,2,3,4,5,6,7,8,9,10,11", "At most 10 nudges"),
])
def test_offsets_refused(text, words):
    with pytest.raises(UserInputError) as caught:
        parse_offsets(text)
    assert words in str(caught.value)


def test_suggested_daily_stays_within_bounds():
    assert suggested_daily(300, 10) == 30
    assert suggested_daily(301, 10) == 31  # rounds up: the rest must fit in the days left
    assert suggested_daily(3, 30) == MIN_DAILY
    assert suggested_daily(10_000, 2) == MAX_DAILY
    assert suggested_daily(100, 0) == MIN_DAILY  # the exam day itself


def facts(days_left: int, weak: tuple[str, ...] = ()) -> NudgeFacts:
    return NudgeFacts("DSP", "Detailed Scheduling and Planning", dt.date(2027, 3, 31), days_left, weak, 4, 120)


def test_nudge_text_days_ahead_with_weak_topics_and_pace():
    text = nudge_text(facts(30, ("Lot sizing", "MRP logic")))
    assert text.splitlines() == [
        "⏳ **30 days** to your **DSP** exam (Detailed Scheduling and Planning) on Wed 31 Mar 2027.",
        "Weakest topics: Lot sizing, MRP logic.",
        "Reviews due: 4.",
        "Suggested pace: **5 questions a day** in DSP.",
    ]


def test_nudge_text_one_day_and_exam_morning():
    one = nudge_text(facts(1))
    assert one.startswith("⏳ **1 day** to your **DSP** exam") and "No weak topics yet" in one
    assert "Suggested pace: **60 questions a day**" in one
    morning = nudge_text(facts(0, ("Lot sizing",)))
    assert morning.startswith("🍀 Today is your **DSP** exam") and "Suggested pace" not in morning


@pytest.mark.parametrize(("exam", "expected"), [
    (dt.date(2027, 3, 13), "in 12 days"), (dt.date(2027, 3, 2), "tomorrow"), (TODAY, "today"),
    (dt.date(2027, 2, 26), "passed"),
])
def test_exam_countdown_never_says_in_minus_days(exam, expected):
    assert exam_countdown(exam, TODAY) == expected
