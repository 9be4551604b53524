"""Progress figures from tallies: accuracy, mastery, streak, the per-day series, weakest topics."""

from __future__ import annotations

import datetime as dt

from study.progress import (
    AnswerTally,
    CardTally,
    build_progress,
    daily_series,
    percent,
    recent_since,
    streak,
)
from study.selection import TopicScore

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def day(offset: int) -> dt.date:
    return TODAY - dt.timedelta(days=offset)


def test_streak_counts_back_from_today_or_yesterday():
    assert streak([], TODAY) == 0
    assert streak([day(0), day(1), day(2), day(4)], TODAY) == 3
    # not studied yet today: yesterday's run still counts
    assert streak([day(1), day(2)], TODAY) == 2
    # a gap of a full day breaks it
    assert streak([day(2), day(3)], TODAY) == 0


def test_daily_series_has_thirty_days_ending_today_with_zeros():
    series = daily_series({day(0): 4, day(29): 2, day(30): 99}, TODAY)
    assert len(series) == 30
    assert series[0] == (day(29), 2) and series[-1] == (day(0), 4)
    assert sum(count for _, count in series) == 6  # day 30 is outside the window


def test_build_progress_combines_tallies_in_syllabus_order():
    progress = build_progress(
        module_order=["bscm", "smr", "mpr"],
        bank_sizes={"bscm": 10, "smr": 4, "mpr": 8},
        answers=[AnswerTally("smr", 8, 6, 4, 1), AnswerTally("bscm", 3, 3, 0, 0)],
        cards=[CardTally("smr", known=2, due=3), CardTally("mpr", known=0, due=1)],
        topics=[TopicScore("smr", "a", 5, 1), TopicScore("smr", "b", 3, 3), TopicScore("bscm", "c", 2, 0),
                TopicScore("bscm", "d", 3, 2), TopicScore("mpr", "e", 4, 1)],
        study_days=[day(0), day(1)],
        per_day={day(0): 5},
        last_studied=NOW - dt.timedelta(hours=2),
        now=NOW,
    )
    assert [m.module for m in progress.modules] == ["bscm", "smr", "mpr"]
    smr = progress.module("smr")
    assert (smr.answered, smr.accuracy, smr.accuracy_recent) == (8, 0.75, 0.25)
    assert (smr.mastery, smr.reviews_due) == (0.5, 3)
    mpr = progress.module("mpr")
    assert mpr.accuracy is None and mpr.mastery == 0.0 and mpr.reviews_due == 1
    assert progress.module("bscm").accuracy_recent is None
    assert (progress.answered, progress.right, progress.reviews_due) == (11, 9, 4)
    # fewer than 3 answers never counts as a weakness; lowest accuracy first
    assert [(w.module, w.topic) for w in progress.weakest] == [("smr", "a"), ("mpr", "e"), ("bscm", "d")]
    assert progress.streak_days == 2
    assert progress.per_day[-1] == (TODAY, 5)


def test_mastery_is_capped_and_zero_without_a_bank():
    progress = build_progress(module_order=["eco"], bank_sizes={"eco": 2}, answers=[],
                              cards=[CardTally("eco", 5, 0), CardTally("gone", 3, 0)], topics=[],
                              study_days=[], per_day={}, last_studied=None, now=NOW)
    assert progress.module("eco").mastery == 1.0
    assert progress.module("gone").mastery == 0.0  # a module outside the syllabus comes last, unmeasured
    assert progress.accuracy is None and progress.last_studied is None


def test_percent_and_recent_window():
    assert percent(None) == "—" and percent(2 / 3) == "67%" and percent(1.0) == "100%"
    assert recent_since(NOW) == NOW - dt.timedelta(days=30)
