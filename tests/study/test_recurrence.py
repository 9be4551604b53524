import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from study.recurrence import WeeklySchedule, exam_nudges, local_instant, next_occurrence, next_occurrence_json

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


def local(instant):
    return instant.astimezone(BERLIN)


def test_weekly_1930_stays_at_local_time_across_both_berlin_dst_changes():
    sunday_1930 = WeeklySchedule(dt.time(19, 30), frozenset({6}))
    at = dt.datetime(2027, 3, 14, 12, tzinfo=UTC)
    seen = []
    for _ in range(40):  # March 2027 to December 2027: both changes
        at = next_occurrence(sunday_1930, "Europe/Berlin", at)
        seen.append(at)
    assert all(local(s).time() == dt.time(19, 30) and local(s).weekday() == 6 for s in seen)
    by_date = {local(s).date(): s for s in seen}
    assert by_date[dt.date(2027, 3, 21)].hour == 18  # CET, UTC+1
    assert by_date[dt.date(2027, 3, 28)].hour == 17  # the DST day itself: CEST, UTC+2
    assert by_date[dt.date(2027, 10, 24)].hour == 17
    assert by_date[dt.date(2027, 10, 31)].hour == 18  # back to CET on the day of the change
    assert [b - a for a, b in itertools.pairwise(seen)].count(dt.timedelta(days=7)) == len(seen) - 3


def test_spring_gap_moves_forward_and_autumn_fold_takes_the_first():
    gap = local_instant(dt.date(2027, 3, 28), dt.time(2, 30), BERLIN)
    assert local(gap).strftime("%H:%M %Z") == "03:30 CEST"
    fold = local_instant(dt.date(2027, 10, 31), dt.time(2, 30), BERLIN)
    assert fold == dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first of the two
    schedule = WeeklySchedule(dt.time(2, 30), frozenset(range(7)))
    assert next_occurrence(schedule, "Europe/Berlin", dt.datetime(2027, 3, 27, 12, tzinfo=UTC)) == gap
    assert next_occurrence(schedule, "Europe/Berlin", dt.datetime(2027, 10, 30, 12, tzinfo=UTC)) == fold
    # after the first 02:30 of the fold, the next is the following day, not the repeated hour
    assert next_occurrence(schedule, "Europe/Berlin", fold) == dt.datetime(2027, 11, 1, 1, 30, tzinfo=UTC)


def test_weekday_sets_and_json_round_trip():
    weekdays = WeeklySchedule(dt.time(7, 0), frozenset(range(5)))
    assert WeeklySchedule.from_json(weekdays.to_json()) == weekdays
    assert weekdays.to_json() == '{"time":"07:00","days":[0,1,2,3,4]}'
    friday_evening = dt.datetime(2027, 1, 8, 18, tzinfo=UTC)  # a Friday
    assert next_occurrence_json(weekdays.to_json(), "UTC", friday_evening) == dt.datetime(2027, 1, 11, 7, tzinfo=UTC)
    assert weekdays.describe() == "on weekdays at 07:00"
    with pytest.raises(ValueError):
        WeeklySchedule(dt.time(7), frozenset())
    with pytest.raises(ValueError):
        next_occurrence(weekdays, "UTC", dt.datetime(2027, 1, 1))


zones = st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"])


@given(
    zone=zones,
    days=st.frozensets(st.integers(0, 6), min_size=1),
    hour=st.integers(0, 23), minute=st.integers(0, 59),
    after=st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_next_occurrence_is_after_on_a_chosen_day_and_nothing_is_skipped(zone, days, hour, minute, after):
    schedule = WeeklySchedule(dt.time(hour, minute), days)
    nxt = next_occurrence(schedule, zone, after)
    assert after < nxt <= after + dt.timedelta(days=8)
    assert nxt.astimezone(ZoneInfo(zone)).weekday() in days
    # no valid occurrence lies strictly between `after` and `nxt`
    start = after.astimezone(ZoneInfo(zone)).date()
    for offset in range(9):
        day = start + dt.timedelta(days=offset)
        if day.weekday() in days:
            candidate = local_instant(day, schedule.time, ZoneInfo(zone))
            assert not (after < candidate < nxt)


def test_exam_nudges_default_offsets_and_only_future_ones():
    now = dt.datetime(2027, 5, 1, 12, tzinfo=UTC)
    exam = dt.date(2027, 5, 20)
    nudges = exam_nudges(exam, "Europe/Berlin", now)
    assert [n.days_before for n in nudges] == [14, 7, 3, 1, 0]  # 30 days before is already past
    assert all(local(n.at).time() == dt.time(8, 0) for n in nudges)
    assert local(nudges[-1].at).date() == exam
    assert nudges == sorted(nudges, key=lambda n: n.at)


def test_exam_nudge_for_an_early_exam_comes_an_hour_before():
    now = dt.datetime(2027, 5, 1, tzinfo=UTC)
    nudges = exam_nudges(dt.date(2027, 5, 20), "UTC", now, exam_time=dt.time(7, 30), offsets=(1, 0))
    assert [n.at for n in nudges] == [dt.datetime(2027, 5, 19, 8, tzinfo=UTC),
                                      dt.datetime(2027, 5, 20, 6, 30, tzinfo=UTC)]
    assert exam_nudges(dt.date(2027, 4, 1), "UTC", now) == []
