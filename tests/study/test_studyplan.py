"""The study planner: no exam, one exam, two exams, an exam tomorrow or today, passed modules."""

from __future__ import annotations

import datetime as dt

from study.studyplan import (
    ANSWERS_TO_LEARN,
    CRAM_CAP,
    DEFAULT_PACE,
    MAX_PER_DAY,
    ExamDate,
    ModuleStatus,
    next_exams,
    plan_study,
)

TODAY = dt.date(2026, 11, 25)
STATUSES = [
    ModuleStatus("bscm", bank_size=100, known=40, due=5),  # 80 - 40 = 40 to learn → 120 + 5 = 125 answers
    ModuleStatus("smr", bank_size=50, known=0, due=0),  # 40 to learn → 120
    ModuleStatus("mpr", bank_size=10, known=9, due=2),  # target reached: 2 due
]


def on(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


def test_work_is_questions_to_learn_times_answers_plus_due():
    assert STATUSES[0].to_learn() == 40 and STATUSES[0].work() == 40 * ANSWERS_TO_LEARN + 5
    assert STATUSES[2].to_learn() == 0 and STATUSES[2].work() == 2


def test_no_exam_paces_toward_mastery_least_mastered_first():
    plan = plan_study(STATUSES, [], TODAY, weak_topics={"smr": ["Demand", "Supply", "S&OP", "Extra"]})
    assert plan.paced and not plan.later
    assert plan.per_day == DEFAULT_PACE
    first = plan.targets[0]
    assert (first.module, first.per_day, first.exam_on) == ("smr", DEFAULT_PACE, None)
    assert plan.target("bscm").per_day == 0 and plan.target("bscm").note == "after the modules above"
    assert plan.target("mpr").note.startswith("target reached")
    # (120 + 125 + 2) answers at 20 a day = 12.35 days → 2 weeks
    assert plan.weeks_to_mastery == 2
    assert [(w.module, w.questions, w.topics) for w in plan.this_week] == [
        ("smr", DEFAULT_PACE * 7, ("Demand", "Supply", "S&OP"))]


def test_no_exam_spills_the_pace_over_when_a_module_needs_little():
    plan = plan_study([ModuleStatus("a", 10, 7, due=1), ModuleStatus("b", 10, 8, due=30)], [], TODAY, pace=20)
    # a: 1 to learn → 3 + 1 = 4 a day; b: 30 due, mastery 80% so it comes second and gets the other 16
    assert [(t.module, t.per_day) for t in plan.targets] == [("a", 4), ("b", 16)]


def test_one_exam_spreads_the_work_over_the_days_left():
    plan = plan_study(STATUSES, [ExamDate("bscm", on(25))], TODAY)
    assert not plan.paced
    bscm = plan.target("bscm")
    assert (bscm.days_left, bscm.work, bscm.per_day) == (25, 125, 5)
    assert plan.per_day == 5 and plan.later == ("smr", "mpr")
    [week] = plan.this_week
    assert (week.module, week.questions) == ("bscm", 35)
    assert "steady work toward the exam on" in week.why


def test_two_exams_each_keep_their_own_target_and_the_nearest_comes_first():
    exams = [ExamDate("smr", on(60)), ExamDate("bscm", on(10)), ExamDate("smr", on(90))]
    plan = plan_study(STATUSES, exams, TODAY)
    assert [t.module for t in plan.targets] == ["bscm", "smr"]
    assert plan.target("bscm").per_day == 13  # ceil(125 / 10)
    assert plan.target("smr").exam_on == on(60) and plan.target("smr").per_day == 2  # ceil(120 / 60)
    assert plan.per_day == 15
    assert [w.module for w in plan.this_week] == ["bscm", "smr"]
    assert plan.this_week[0].questions == 13 * 7


def test_exam_tomorrow_is_a_capped_review_not_a_cram():
    plan = plan_study(STATUSES, [ExamDate("smr", on(1)), ExamDate("bscm", on(1))], TODAY)
    smr, bscm = plan.target("smr"), plan.target("bscm")
    assert smr.days_left == 1 and smr.per_day == 10 and "exam tomorrow" in smr.note
    assert bscm.per_day == 15 <= CRAM_CAP  # 5 due + 10
    assert {w.module: w.questions for w in plan.this_week} == {"bscm": 15, "smr": 10}


def test_exam_today_adds_nothing_and_past_exams_are_ignored():
    plan = plan_study(STATUSES, [ExamDate("smr", TODAY), ExamDate("bscm", on(-3))], TODAY)
    assert [t.module for t in plan.targets] == ["smr"]
    assert plan.target("smr").per_day == 0 and plan.target("smr").note.startswith("exam today")
    assert plan.this_week == ()
    assert plan.later == ("bscm", "mpr")


def test_passed_modules_leave_the_plan_even_with_an_exam_date():
    plan = plan_study(STATUSES, [ExamDate("bscm", on(20))], TODAY, passed=["bscm"])
    assert plan.paced and plan.passed == ("bscm",)
    assert "bscm" not in [t.module for t in plan.targets]
    everything = plan_study(STATUSES, [], TODAY, passed=["bscm", "smr", "mpr"])
    assert everything.targets == () and everything.per_day == 0


def test_an_impossible_load_is_capped_and_said():
    plan = plan_study([ModuleStatus("smr", 1000, 0)], [ExamDate("smr", on(3))], TODAY)
    target = plan.target("smr")
    assert target.per_day == MAX_PER_DAY and f"more than {MAX_PER_DAY} a day" in target.note


def test_next_exams_keeps_each_modules_nearest_upcoming_date():
    exams = [ExamDate("a", on(5)), ExamDate("a", on(2)), ExamDate("b", on(-1)), ExamDate("c", on(4))]
    assert next_exams(exams, TODAY, skip=["c"]) == {"a": on(2)}
