"""A study plan: questions per day per module until each exam, and what to study this week.

Pure: the caller passes mastery figures, exam dates and today. The arithmetic, in words a member can check:

- A module is ready when TARGET_MASTERY of its questions are known. Each question still to learn takes about
  ANSWERS_TO_LEARN answers (a right answer moves a card up one box; a known card sits in box 4), and every
  card due for review is one more answer.
- With an exam date, that work is spread over the days before the exam (today included, exam day not):
  per day = ceil(work / days left). Exam tomorrow means one day left: no new material, only a capped review
  of what is due plus ten weak-topic questions (at most CRAM_CAP). Exam today: nothing to add, good luck.
- With no exam date, the plan paces the same work at a suggested number of questions a day and says
  how many weeks that takes.
- Two exams: each module keeps its own target until its own exam; the week's focus goes to the nearest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TARGET_MASTERY = 0.8
ANSWERS_TO_LEARN = 3
DEFAULT_PACE = 20  # questions a day suggested when no exam is booked
CRAM_CAP = 40  # the most we suggest on the day before an exam
MAX_PER_DAY = 150  # above this the plan says so rather than pretending it is doable


@dataclass(frozen=True)
class ExamDate:
    module: str
    on: dt.date


@dataclass(frozen=True)
class ModuleStatus:
    module: str
    bank_size: int
    known: int
    due: int = 0

    @property
    def mastery(self) -> float:
        return min(self.known / self.bank_size, 1.0) if self.bank_size else 0.0

    def to_learn(self, target: float = TARGET_MASTERY) -> int:
        return max(math.ceil(target * self.bank_size) - self.known, 0)

    def work(self, target: float = TARGET_MASTERY) -> int:
        """Answers still needed to reach the target: new learning plus what is due now."""
        return self.to_learn(target) * ANSWERS_TO_LEARN + self.due


@dataclass(frozen=True)
class ModuleTarget:
    module: str
    exam_on: dt.date | None
    days_left: int | None  # days to study before the exam (today included); None without an exam
    work: int  # answers still needed to reach the mastery target
    per_day: int  # suggested questions a day from today
    mastery: float
    note: str  # "exam tomorrow", "exam today", "on track", "too much for the time left", ...


@dataclass(frozen=True)
class WeekItem:
    module: str
    questions: int  # questions suggested this week
    topics: tuple[str, ...]  # the weakest topics to start with
    why: str


@dataclass(frozen=True)
class StudyPlan:
    today: dt.date
    targets: tuple[ModuleTarget, ...]  # modules with an upcoming exam first, by date; then the rest
    this_week: tuple[WeekItem, ...]
    paced: bool  # True when no exam is booked and the plan is a suggested pace toward mastery
    weeks_to_mastery: int | None  # paced plans: weeks at DEFAULT_PACE to reach the target everywhere
    passed: tuple[str, ...]
    later: tuple[str, ...]  # modules with no exam while other exams are booked: after those

    @property
    def per_day(self) -> int:
        return sum(t.per_day for t in self.targets)

    def target(self, module: str) -> ModuleTarget | None:
        return next((t for t in self.targets if t.module == module), None)


def next_exams(exams: Iterable[ExamDate], today: dt.date, skip: Iterable[str] = ()) -> dict[str, dt.date]:
    """Each module's nearest exam on or after today; past exams and skipped (passed) modules are ignored."""
    skipped = set(skip)
    nearest: dict[str, dt.date] = {}
    for exam in exams:
        if exam.on >= today and exam.module not in skipped and (exam.module not in nearest
                                                                 or exam.on < nearest[exam.module]):
            nearest[exam.module] = exam.on
    return nearest


def _exam_target(status: ModuleStatus, exam_on: dt.date, today: dt.date) -> ModuleTarget:
    days_left = (exam_on - today).days
    work = status.work()
    if days_left == 0:
        return ModuleTarget(status.module, exam_on, 0, work, 0, status.mastery, "exam today: good luck")
    if days_left == 1:
        per_day = min(status.due + 10, CRAM_CAP) if work else min(status.due, CRAM_CAP)
        return ModuleTarget(status.module, exam_on, 1, work, per_day, status.mastery,
                            "exam tomorrow: a light review of due cards and weak topics, then rest")
    per_day = math.ceil(work / days_left) if work else 0
    if work == 0:
        note = "target reached: keep reviewing what falls due"
    elif per_day > MAX_PER_DAY:
        note = f"more than {MAX_PER_DAY} a day: focus on the weakest topics"
        per_day = MAX_PER_DAY
    else:
        note = "on track if you keep this pace"
    return ModuleTarget(status.module, exam_on, days_left, work, per_day, status.mastery, note)


def plan_study(statuses: Sequence[ModuleStatus], exams: Iterable[ExamDate], today: dt.date, *,
               passed: Iterable[str] = (), weak_topics: Mapping[str, Sequence[str]] | None = None,
               pace: int = DEFAULT_PACE) -> StudyPlan:
    """The plan for `today`. `statuses` in syllabus order; `weak_topics` names each module's weakest topics."""
    passed_set = set(passed)
    weak_topics = weak_topics or {}
    open_modules = [s for s in statuses if s.module not in passed_set]
    nearest = next_exams(exams, today, skip=passed_set)
    week_end = today + dt.timedelta(days=7)

    if nearest:
        with_exam = sorted((s for s in open_modules if s.module in nearest),
                           key=lambda s: (nearest[s.module], s.module))
        targets = tuple(_exam_target(s, nearest[s.module], today) for s in with_exam)
        later = tuple(s.module for s in open_modules if s.module not in nearest)
        exam_week: list[WeekItem] = []
        for target in targets:
            exam_on = nearest[target.module]  # the target's exam_on, as a date rather than Optional
            days_this_week = min(target.days_left or 0, 7)
            questions = target.per_day * days_this_week if target.days_left and target.days_left > 1 else target.per_day
            if exam_on < week_end:
                why = f"exam on {exam_on.isoformat()}"
            else:
                why = f"steady work toward the exam on {exam_on.isoformat()}"
            if questions or target.days_left:
                exam_week.append(WeekItem(target.module, questions, tuple(weak_topics.get(target.module, ())[:3]),
                                          why))
        return StudyPlan(today, targets, tuple(exam_week), False, None, tuple(sorted(passed_set)), later)

    # No exam booked: a pace toward mastery, the least mastered module first.
    learning = [s for s in open_modules if s.work() > 0]
    total_work = sum(s.work() for s in learning)
    order = sorted(learning, key=lambda s: (s.mastery, s.module))
    paced: list[ModuleTarget] = []
    left = pace
    for status in order:
        # the daily pace goes to the least mastered module first, spilling over when it needs less than that
        share = min(left, status.work())
        if status.to_learn() == 0:
            note = "target reached: review what falls due"
        elif share:
            note = "focus this week" if status is order[0] else "also today"
        else:
            note = "after the modules above"
        paced.append(ModuleTarget(status.module, None, None, status.work(), share, status.mastery, note))
        left -= share
    paced += [ModuleTarget(s.module, None, None, 0, 0, s.mastery, "target reached: review what falls due")
                for s in open_modules if s.work() == 0]
    week = tuple(WeekItem(t.module, t.per_day * 7, tuple(weak_topics.get(t.module, ())[:3]),
                          f"lowest mastery ({round(t.mastery * 100)}%)") for t in paced if t.per_day)
    weeks = math.ceil(total_work / (pace * 7)) if total_work and pace > 0 else 0
    return StudyPlan(today, tuple(paced), week, True, weeks, tuple(sorted(passed_set)), ())
