"""Scores of a finished quiz or practice exam: overall, by module and by topic, and what to review."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from study.questions import Question


@dataclass
class Tally:
    right: int = 0
    answered: int = 0
    asked: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.asked) if self.asked else 0


@dataclass(frozen=True)
class AnsweredItem:
    question: Question
    chosen: int | None  # None: not answered (time ran out, session expired)

    @property
    def correct(self) -> bool:
        return self.chosen is not None and self.chosen == self.question.answer_index


@dataclass
class Summary:
    overall: Tally = field(default_factory=Tally)
    by_module: dict[str, Tally] = field(default_factory=dict)
    by_topic: dict[tuple[str, str], Tally] = field(default_factory=dict)
    to_review: list[Question] = field(default_factory=list)

    @property
    def unanswered(self) -> int:
        return self.overall.asked - self.overall.answered


def summarize(items: Iterable[AnsweredItem],
              place: Callable[[Question], tuple[str, str]] | None = None) -> Summary:
    """Unanswered items count as asked and not right: a mock exam scores them as wrong, like the real one.

    `place` gives a question's module and topic under the edition the report is for (default: its 2017 tags)."""
    summary = Summary()
    for item in items:
        question = item.question
        module, topic = place(question) if place is not None else (question.module, question.topic)
        for tally in (summary.overall,
                      summary.by_module.setdefault(module, Tally()),
                      summary.by_topic.setdefault((module, topic), Tally())):
            tally.asked += 1
            tally.answered += item.chosen is not None
            tally.right += item.correct
        if not item.correct:
            summary.to_review.append(question)
    return summary


def weakest_first(by_topic: dict[tuple[str, str], Tally]) -> list[tuple[tuple[str, str], Tally]]:
    return sorted(by_topic.items(), key=lambda pair: (pair[1].percent, -pair[1].asked, pair[0]))
