"""Which questions a session asks, by mode; calculation families never run out; weakest topics."""

import random

import pytest

from study.generated_ids import parse_generated_id
from study.questions import Question
from study.selection import (
    MIN_ANSWERS_FOR_WEAKNESS,
    FamilyRef,
    TopicScore,
    candidate_sample,
    plan_session,
    weakest_topics,
)


def q(qid: str, topic: str = "lot-sizing") -> Question:
    return Question(id=qid, module="dsp", topic=topic, difficulty="easy", stem=f"Stem {qid}?",
                    choices=("a", "b"), answer_index=0, explanation="Because.")


BANK = [q(f"dsp-{n}") for n in range(6)]
FAMILIES = [FamilyRef("eoq", "dsp", "lot-sizing"), FamilyRef("epq", "dsp", "lot-sizing")]


def plan(mode: str, count: int, *, due=(), seen=(), sample=BANK, families=FAMILIES, seed=1) -> list[str]:
    return plan_session(mode, count, due=list(due), sample=sample, seen=set(seen), families=families,
                        rng=random.Random(seed))


def generated(ids: list[str]) -> list[str]:
    return [parsed[0] for parsed in map(parse_generated_id, ids) if parsed]


def test_review_asks_only_due_cards_most_overdue_first():
    assert plan("review", 5, due=["dsp-3", "dsp-1"], seen=["dsp-3", "dsp-1", "dsp-2"]) == ["dsp-3", "dsp-1"]
    assert plan("review", 5) == []  # nothing due: nothing to review (the service says so)
    ids = plan("review", 5, due=["gen:eoq", "dsp-2"])
    assert generated(ids[:1]) == ["eoq"] and ids[1] == "dsp-2"  # a due family comes back as a fresh seed


def test_new_asks_unseen_questions_then_fresh_calculations():
    ids = plan("new", 4, due=["dsp-0"], seen=["dsp-0", "dsp-1", "dsp-2"])
    assert ids[:3] == ["dsp-3", "dsp-4", "dsp-5"]  # never a seen or due one
    assert generated(ids[3:]) in (["eoq"], ["epq"])


def test_generated_families_fill_when_the_bank_is_exhausted():
    ids = plan("new", 10, seen=[x.id for x in BANK])
    assert len(ids) == 10 and len(set(ids)) == 10
    assert set(generated(ids)) == {"eoq", "epq"} and len(generated(ids)) == 10
    # without families and nothing unseen, a new-mode session is empty
    assert plan("new", 3, seen=[x.id for x in BANK], families=[]) == []


def test_mixed_puts_due_first_then_new_with_some_calculation_practice():
    ids = plan("mixed", 6, due=["dsp-5"], seen=["dsp-5"])
    assert ids[0] == "dsp-5"
    rest = ids[1:]
    assert len(ids) == 6 and len(set(ids)) == 6
    assert len(generated(rest)) >= 1
    assert {x for x in rest if not x.startswith("gen:")} <= {"dsp-0", "dsp-1", "dsp-2", "dsp-3", "dsp-4"}


def test_mixed_practises_seen_questions_again_rather_than_stop_short():
    ids = plan("mixed", 6, seen=[x.id for x in BANK], families=[])
    assert sorted(ids) == sorted(x.id for x in BANK)


def test_weakest_takes_due_then_unseen_then_seen():
    ids = plan("weakest", 4, due=["dsp-4"], seen=["dsp-4", "dsp-0", "dsp-1", "dsp-2", "dsp-3"], families=[])
    assert ids == ["dsp-4", "dsp-5", "dsp-0", "dsp-1"]


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown mode"):
        plan("cram", 3)


def test_candidate_sample_is_a_subset_without_repeats():
    rng = random.Random(3)
    assert sorted(x.id for x in candidate_sample(BANK, rng, 20)) == sorted(x.id for x in BANK)
    picked = candidate_sample(BANK, rng, 3)
    assert len(picked) == 3 and len({x.id for x in picked}) == 3


def test_weakest_topics_lowest_accuracy_first_with_enough_answers():
    scores = [TopicScore("dsp", "lot-sizing", 10, 9), TopicScore("dsp", "mrp-logic", 4, 1),
              TopicScore("mpr", "forecasting", 8, 2), TopicScore("eco", "lean-pull", MIN_ANSWERS_FOR_WEAKNESS - 1, 0),
              TopicScore("smr", "x", 3, 3)]
    weakest = weakest_topics(scores)
    # 2/8 and 1/4 tie at 25 %: the less practised first; a topic with too few answers is not judged
    assert [(s.module, s.topic) for s in weakest] == [("dsp", "mrp-logic"), ("mpr", "forecasting"),
                                                      ("dsp", "lot-sizing")]
    assert weakest_topics(scores, limit=1)[0].accuracy == 0.25
    assert weakest_topics([TopicScore("dsp", "a", 2, 0)]) == []
