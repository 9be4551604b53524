import datetime as dt

import pytest

from study.errors import UserInputError
from study.timeparse import (
    DEFAULT_TIME_OF_DAY,
    parse_days,
    parse_time_of_day,
    parse_when,
    read_when,
    validate_timezone,
)

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 24, 10, 0, tzinfo=UTC)  # Wednesday, 11:00 in Berlin (CET)


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow 7pm", dt.datetime(2027, 3, 25, 18, 0, tzinfo=UTC)),
    ("in 2 hours", dt.datetime(2027, 3, 24, 12, 0, tzinfo=UTC)),
    ("in 90 minutes", dt.datetime(2027, 3, 24, 11, 30, tzinfo=UTC)),
    ("2027-04-01 18:00", dt.datetime(2027, 4, 1, 16, 0, tzinfo=UTC)),  # CEST by then
    ("friday 18:00", dt.datetime(2027, 3, 26, 17, 0, tzinfo=UTC)),
    ("monday 9:00", dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),  # after the DST change: 09:00 CEST
])
def test_parse_when_reads_local_wall_time(text, expected):
    assert parse_when(text, "Europe/Berlin", NOW) == expected


def test_in_n_hours_is_elapsed_time_across_the_dst_change():
    before = dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 01:30 CET, the gap is at 02:00
    assert parse_when("in 2 hours", "Europe/Berlin", before) == before + dt.timedelta(hours=2)


def test_same_text_in_another_zone():
    assert parse_when("tomorrow 7pm", "America/New_York", NOW) == dt.datetime(2027, 3, 25, 23, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "words"), [
    ("banana", "could not read 'banana'"),
    ("", "Tell me when"),
    ("2027-03-01 18:00", "already past"),
    ("yesterday", "already past"),
    ("in 2 years", "more than a year"),
    ("2029-01-01 10:00", "more than a year"),
])
def test_parse_when_refuses_with_a_friendly_message(text, words):
    with pytest.raises(UserInputError) as caught:
        parse_when(text, "Europe/Berlin", NOW)
    assert words in str(caught.value)


def test_parse_when_refuses_a_bad_zone_by_name():
    with pytest.raises(UserInputError, match="'Mars/Olympus'"):
        parse_when("tomorrow", "Mars/Olympus", NOW)


@pytest.mark.parametrize(("text", "expected"), [
    ("19:30", dt.time(19, 30)), ("7pm", dt.time(19)), ("7:15am", dt.time(7, 15)), ("12am", dt.time(0)),
    ("12pm", dt.time(12)), ("0:00", dt.time(0)), (" 08 ", dt.time(8)),
])
def test_time_of_day(text, expected):
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize("text", ["24:00", "19:60", "13pm", "noonish", "", "7.30"])
def test_time_of_day_refused(text):
    with pytest.raises(UserInputError, match="is not a time of day"):
        parse_time_of_day(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("daily", set(range(7))), ("weekdays", {0, 1, 2, 3, 4}), ("weekends", {5, 6}), ("mon-fri", {0, 1, 2, 3, 4}),
    ("mon,wed,fri", {0, 2, 4}), ("Sat Sun", {5, 6}), ("fri-mon", {4, 5, 6, 0}), ("tuesday, thursday", {1, 3}),
])
def test_days(text, expected):
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize("text", ["", "someday", "mon-xyz", "mon,funday"])
def test_days_refused_naming_the_input(text):
    with pytest.raises(UserInputError, match=f"'{text}' is not a set of days"):
        parse_days(text)


def test_validate_timezone():
    assert validate_timezone("Europe/Berlin") == "Europe/Berlin"
    assert validate_timezone(" UTC ") == "UTC"
    for bad in ["Berlin", "", "../etc/passwd", "Europe/Nowhere"]:
        with pytest.raises(UserInputError, match="is not a time zone I know"):
            validate_timezone(bad)


@pytest.mark.parametrize(("text", "expected"), [
    ("tomorrow", dt.datetime(2027, 3, 25, 8, 0, tzinfo=UTC)),      # 09:00 CET, not 11:00 (the current time)
    ("next monday", dt.datetime(2027, 3, 29, 7, 0, tzinfo=UTC)),   # 09:00 CEST, not midnight
    ("friday", dt.datetime(2027, 3, 26, 8, 0, tzinfo=UTC)),
    ("2027-04-01", dt.datetime(2027, 4, 1, 7, 0, tzinfo=UTC)),
])
def test_a_day_without_a_time_means_nine_in_the_morning_and_says_so(text, expected):
    when = read_when(text, "Europe/Berlin", NOW)
    assert when.at == expected and when.assumed_time == DEFAULT_TIME_OF_DAY == dt.time(9, 0)
    assert parse_when(text, "Europe/Berlin", NOW) == expected


@pytest.mark.parametrize("text", ["tomorrow 7pm", "tomorrow noon", "in 3 days", "in 2 hours", "friday 18:00",
                                  "tomorrow morning"])
def test_a_time_of_day_or_a_relative_time_is_not_replaced(text):
    assert read_when(text, "Europe/Berlin", NOW).assumed_time is None


def test_in_days_keeps_the_time_of_day():
    assert parse_when("in 3 days", "Europe/Berlin", NOW) == dt.datetime(2027, 3, 27, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["tomorrow 7", "tomorrow at 7", "friday 6", "at 8"])
def test_a_bare_hour_is_refused_as_ambiguous(text):
    with pytest.raises(UserInputError) as caught:
        parse_when(text, "Europe/Berlin", NOW)
    assert f"In '{text}', is the hour in the morning or the evening?" in str(caught.value)
    assert "07:00 or 19:00" in str(caught.value)
