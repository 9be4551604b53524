"""Live quiz night rules: scoring by speed, the answer counts after a question, the board, the group's topics.

One answer per member per question: the first click counts and cannot be changed (the same rule as the
daily question), so a member's points are fixed the moment they click. A right answer scores between
MAX_POINTS (at once) and MIN_RIGHT_POINTS (at the last moment), in proportion to the time left; a wrong
answer or none scores 0. Ties on points are broken by right answers, then by the total time taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MIN_QUESTIONS, MAX_QUESTIONS, DEFAULT_QUESTIONS = 1, 20, 10
MIN_SECONDS, MAX_SECONDS, DEFAULT_SECONDS = 10, 120, 30
MAX_POINTS = 1000
MIN_RIGHT_POINTS = 500
# A quarter of a game's questions are calculations drawn from the generator families in scope (one per family),
# so a quiz night also drills the numbers; a game of 1 to 3 questions asks written ones only.
CALCULATION_SHARE = 0.25
# A game whose question ran out more than this long before the bot came back is closed, not resumed:
# the people who were playing have gone.
RESUME_GRACE_MS = 5 * 60 * 1000


def calculation_count(questions: int, families: int, written: int) -> int:
    """How many of a game's `questions` are generated calculations: a quarter (rounded down), at most one per
    family in scope, and more only when the written pool (`written` questions) is too small to fill the rest."""
    share = min(int(questions * CALCULATION_SHARE), families)
    return min(max(share, questions - written), families)


def points(correct: bool, answered_ms: int, opened_ms: int, deadline_ms: int) -> int:
    """Points for one answer: 0 if wrong or late; right answers from MIN_RIGHT_POINTS up to MAX_POINTS by speed."""
    if not correct or answered_ms > deadline_ms:
        return 0
    window = max(deadline_ms - opened_ms, 1)
    left = min(max(deadline_ms - answered_ms, 0), window)
    return MIN_RIGHT_POINTS + round((MAX_POINTS - MIN_RIGHT_POINTS) * left / window)


@dataclass(frozen=True)
class LiveAnswer:
    position: int
    user_id: int
    choice: int
    correct: bool
    points: int
    taken_ms: int  # from the question opening to the click


@dataclass(frozen=True)
class Standing:
    rank: int
    user_id: int
    points: int
    right: int
    answered: int


def choice_counts(answers: Iterable[LiveAnswer], choices: int) -> list[int]:
    counts = [0] * choices
    for answer in answers:
        if 0 <= answer.choice < choices:
            counts[answer.choice] += 1
    return counts


def scoreboard(answers: Iterable[LiveAnswer]) -> list[Standing]:
    """Everyone who answered, best first; equal points and right answers and time share a rank."""
    totals: dict[int, list[int]] = {}
    for answer in answers:
        total = totals.setdefault(answer.user_id, [0, 0, 0, 0])
        total[0] += answer.points
        total[1] += int(answer.correct)
        total[2] += 1
        total[3] += answer.taken_ms
    ordered = sorted(totals.items(), key=lambda item: (-item[1][0], -item[1][1], item[1][3], item[0]))
    board: list[Standing] = []
    for index, (user_id, (score, right, answered, taken)) in enumerate(ordered):
        previous = ordered[index - 1][1] if index else None
        same = previous is not None and (previous[0], previous[1], previous[3]) == (score, right, taken)
        rank = board[-1].rank if same else index + 1
        board.append(Standing(rank, user_id, score, right, answered))
    return board


@dataclass(frozen=True)
class TopicTally:
    module: str
    topic: str
    right: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0


def topic_summary(answers: Iterable[tuple[str, str, bool]]) -> list[TopicTally]:
    """The group's answers by (module, topic), weakest first: what to study together next."""
    tallies: dict[tuple[str, str], list[int]] = {}
    for module, topic, correct in answers:
        tally = tallies.setdefault((module, topic), [0, 0])
        tally[0] += int(correct)
        tally[1] += 1
    result = [TopicTally(module, topic, right, answered) for (module, topic), (right, answered) in tallies.items()]
    return sorted(result, key=lambda t: (t.right / t.answered, -t.answered, t.module, t.topic))


def resume_or_close(now_ms: int, deadline_ms: int | None) -> str:
    """After a restart: 'resume' a game whose open question ran out at most RESUME_GRACE_MS ago, else 'close'."""
    if deadline_ms is None or now_ms - deadline_ms <= RESUME_GRACE_MS:
        return "resume"
    return "close"
