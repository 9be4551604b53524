"""Which questions a quiz session asks, by mode. Pure: the caller fetches due cards and seen items.

Modes:
- new: questions the member has never answered, then fresh generated calculations.
- review: only cards that are due, most overdue first.
- weakest: the member's weakest topics (lowest accuracy with enough answers): due, then unseen, then seen.
- mixed (default): due cards first, then new questions, with generated calculations mixed in.

Generated families never run out: when the written bank is exhausted, a new seed gives a new question.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from study.generated_ids import generated_id
from study.questions import Question
from study.srs import item_key

MODES = ("mixed", "new", "review", "weakest")
MIN_ANSWERS_FOR_WEAKNESS = 3
SEED_SPACE = 2**31 - 1


@dataclass(frozen=True)
class TopicScore:
    module: str
    topic: str
    answered: int
    right: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class FamilyRef:
    name: str
    module: str
    topic: str


def regroup_scores(scores: Iterable[TopicScore], place: Callable[[str, str], tuple[str, str]]) -> list[TopicScore]:
    """Topic scores stored under one edition's keys, summed under another's (`place` maps a stored pair)."""
    merged: dict[tuple[str, str], tuple[int, int]] = {}
    for score in scores:
        key = place(score.module, score.topic)
        answered, right = merged.get(key, (0, 0))
        merged[key] = (answered + score.answered, right + score.right)
    return [TopicScore(module, topic, answered, right) for (module, topic), (answered, right) in merged.items()]


def weakest_topics(scores: Iterable[TopicScore], limit: int = 3) -> list[TopicScore]:
    """Lowest accuracy first among topics with enough answers to judge; ties go to the less practised."""
    judged = [s for s in scores if s.answered >= MIN_ANSWERS_FOR_WEAKNESS]
    return sorted(judged, key=lambda s: (s.accuracy, s.answered, s.module, s.topic))[:limit]


def in_scope(module: str | None, topic: str | None, q_module: str, q_topic: str) -> bool:
    return (module is None or q_module == module) and (topic is None or q_topic == topic)


def candidate_sample(pool: Sequence[Question], rng: random.Random, size: int) -> list[Question]:
    """A random sample of the pool to check against the member's cards (cheaper than fetching them all)."""
    if len(pool) <= size:
        sample = list(pool)
        rng.shuffle(sample)
        return sample
    return rng.sample(list(pool), size)


def _fresh_generated(families: Sequence[FamilyRef], rng: random.Random, count: int,
                     avoid_families: set[str] | None = None) -> list[str]:
    if not families:
        return []
    preferred = [f for f in families if not avoid_families or f.name not in avoid_families] or list(families)
    picks: list[str] = []
    order = list(preferred)
    rng.shuffle(order)
    while len(picks) < count:
        for family in order:
            if len(picks) >= count:
                break
            picks.append(generated_id(family.name, rng.randrange(SEED_SPACE)))
    return picks


def plan_session(mode: str, count: int, *, due: Sequence[str], sample: Sequence[Question], seen: set[str],
                 families: Sequence[FamilyRef], rng: random.Random, generated_share: float = 0.25) -> list[str]:
    """The question ids of a session, in order.

    due: the member's due item keys in scope, most overdue first (bank ids or gen:<family>).
    sample: candidate bank questions in scope, already shuffled; seen: which of their item keys have a card.
    families: generator families in scope.
    """
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}")
    picks: list[str] = []
    used: set[str] = set()

    def take(question_id: str, key: str) -> None:
        if len(picks) < count and key not in used:
            picks.append(question_id)
            used.add(key)

    def take_due() -> None:
        for key in due:
            if key.startswith("gen:"):
                family = key.removeprefix("gen:")
                take(generated_id(family, rng.randrange(SEED_SPACE)), key)
            else:
                take(key, key)

    unseen = [q for q in sample if item_key(q.id, None) not in seen]
    seen_questions = [q for q in sample if item_key(q.id, None) in seen]

    if mode == "review":
        take_due()
        return picks
    if mode in ("mixed", "weakest"):
        take_due()
    if mode == "mixed" and families:
        # keep some calculation practice in every mixed session
        room = count - len(picks)
        generated = max(1, round(room * generated_share)) if room > 0 else 0
        new_bank = [q.id for q in unseen][: room - generated]
        fresh = _fresh_generated(families, rng, room - len(new_bank), avoid_families=None)
        mixed = new_bank + fresh
        rng.shuffle(mixed)
        for question_id in mixed:
            take(question_id, question_id)
    else:
        for question in unseen:
            take(question.id, question.id)
        if mode == "weakest":
            for question in seen_questions:
                take(question.id, question.id)
        for question_id in _fresh_generated(families, rng, count - len(picks)):
            take(question_id, question_id)
    if mode != "new":
        # the member has seen everything in scope: practise again rather than stop short
        for question in seen_questions:
            take(question.id, question.id)
    return picks
