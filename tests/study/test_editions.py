"""The edition model: where a question belongs under each edition, the crosswalk, weights and the checks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from study.content import load_content
from study.editions import (
    EDITION_8,
    EDITION_2017,
    coverage_problems,
    crosswalk_problems,
    family_problems,
    load_editions,
    quotas,
    tag_problems,
    weight_problems,
    weighted_pick,
)
from study.generators import FAMILIES
from study.questions import Question

ROOT = Path(__file__).resolve().parents[2]
EDITIONS = load_editions(ROOT / "content" / "editions")


def question(qid: str = "dsp-x-001", module: str = "dsp", topic: str = "lot-sizing",
             cpim8: tuple[str, str] | None = ("inventory", "lot-sizing-methods")) -> Question:
    return Question(id=qid, module=module, topic=topic, difficulty="easy", stem="?", choices=("a", "b"),
                    answer_index=0, explanation="because",
                    cpim8_module=cpim8[0] if cpim8 else None, cpim8_topic=cpim8[1] if cpim8 else None)


def test_both_editions_ship_with_their_format_weights_and_fees():
    old, new = EDITIONS.get(EDITION_2017), EDITIONS.get(EDITION_8)
    assert [m.code for m in old.modules] == ["BSCM", "MPR", "DSP", "ECO", "SMR"] and not old.single_exam
    assert [m.key for m in new.modules] == ["strategy", "sop", "demand", "supply", "schedules", "inventory",
                                            "distribution", "quality-tech"]
    assert new.single_exam and (new.exam.questions, new.exam.scored, new.exam.minutes) == (150, 130, 210)
    assert (new.exam.score_min, new.exam.score_max, new.exam.pass_score) == (200, 350, 300)
    assert new.exam.att_months == 6 and not new.exam.prerequisite and not new.exam.membership_required
    assert (new.exam.maintenance_points, new.exam.maintenance_years, new.exam.fellowship) == (75, 5, "CPIM-F")
    assert list(new.weights.modules.values()) == [22, 10, 9, 16, 12, 14, 3, 14]
    assert "Stand-in" in new.weights.label
    assert new.fees.current == () and new.fees.scope == "one exam" and new.fees.history
    assert old.exam.questions_for("bscm") == 105 and old.exam.questions_for("mpr") == 75
    assert all(f.source and f.confidence for f in new.exam.facts)


def test_a_question_is_placed_by_its_own_tag_or_else_by_the_crosswalk():
    tagged = question(cpim8=("quality-tech", "technology-and-data"))
    assert EDITIONS.place(tagged, EDITION_2017) == ("dsp", "lot-sizing")
    assert EDITIONS.place(tagged, EDITION_8) == ("quality-tech", "technology-and-data")
    untagged = question(cpim8=None)  # a server's own imported question has no CPIM 8 tag
    assert EDITIONS.place(untagged, EDITION_8) == EDITIONS.crosswalk.primary("dsp", "lot-sizing")
    assert EDITIONS.place_keys("dsp", "lot-sizing", EDITION_8) == ("inventory", "lot-sizing-methods")
    assert EDITIONS.place_keys("supply", "capacity-management", EDITION_8) == ("supply", "capacity-management")


def test_stored_keys_name_their_edition_and_keep_their_name_after_a_switch():
    assert EDITIONS.edition_of_module("dsp").key == EDITION_2017
    assert EDITIONS.edition_of_module("supply").key == EDITION_8
    assert EDITIONS.edition_of_module("cpim-8").key == EDITION_8  # the single exam's booking key
    assert EDITIONS.edition_of_module("nope") is None
    assert EDITIONS.module_name("dsp") == "DSP"
    assert EDITIONS.module_name("supply") == "M4: Supply"
    assert EDITIONS.module_name("cpim-8") == "CPIM 8 exam"


def test_generator_families_fall_back_to_the_crosswalk_until_they_carry_tags():
    family = FAMILIES["eoq"]
    bare = type("Bare", (), {"name": "x", "module": family.module, "topic": family.topic})()
    assert EDITIONS.place_family(bare, EDITION_8) == EDITIONS.crosswalk.primary(family.module, family.topic)
    assert family_problems(FAMILIES.values(), EDITIONS) == []
    wrong = type("Wrong", (), {"name": "bad", "module": "dsp", "topic": "lot-sizing",
                               "cpim8_module": "inventory", "cpim8_topic": "nope"})()
    assert family_problems([wrong], EDITIONS) == ["generator bad: inventory/nope is not a CPIM 8 topic"]


def test_a_missing_or_unknown_cpim8_tag_names_file_line_and_id():
    problems = tag_problems([question("dsp-a-001", cpim8=None), question("dsp-a-002", cpim8=("inventory", "eoq"))],
                            EDITIONS, {"dsp-a-001": ("dsp.yaml", 12), "dsp-a-002": ("dsp.yaml", 30)})
    assert problems[0].startswith("dsp.yaml:12: dsp-a-001: no CPIM 8 tag")
    assert "the crosswalk suggests inventory/lot-sizing-methods" in problems[0]
    assert problems[1].startswith("dsp.yaml:30: dsp-a-002: cpim8 topic 'eoq' is not a topic of M6")


def test_every_topic_of_each_edition_needs_five_questions():
    bank = [question(f"q{i}") for i in range(5)]
    problems = coverage_problems(bank, EDITIONS)
    assert not any("dsp/lot-sizing " in p or "inventory/lot-sizing-methods " in p for p in problems)
    assert "cpim-2017/syllabus.toml: topic dsp/mrp-logic has 0 question(s), fewer than 5" in problems
    assert "cpim-8/syllabus.toml: topic supply/capacity-management has 0 question(s), fewer than 5" in problems
    four = coverage_problems(bank[:4], EDITIONS)
    assert "cpim-8/syllabus.toml: topic inventory/lot-sizing-methods has 4 question(s), fewer than 5" in four


def test_the_crosswalk_must_list_every_2017_topic_exactly_once():
    crosswalk = EDITIONS.crosswalk
    assert crosswalk_problems(crosswalk, EDITIONS.get(EDITION_2017).syllabus,
                              EDITIONS.get(EDITION_8).syllabus) == []
    first, second = crosswalk.entries[0], crosswalk.entries[1]
    doubled = dataclasses.replace(crosswalk, entries=(first, first, *crosswalk.entries[2:]))
    problems = crosswalk_problems(doubled, EDITIONS.get(EDITION_2017).syllabus, EDITIONS.get(EDITION_8).syllabus)
    assert any("listed again" in p for p in problems)
    assert f"crosswalk.toml: 2017 topic {second.legacy_module}/{second.legacy_topic} is missing" in problems


def test_weights_must_cover_the_modules_and_sum_to_100():
    syllabus = EDITIONS.get(EDITION_8).syllabus
    assert weight_problems(dict(EDITIONS.get(EDITION_8).weights.modules), syllabus, "w") == []
    bad = {**EDITIONS.get(EDITION_8).weights.modules, "distribution": 5, "dsp": 0}
    del bad["sop"]
    problems = weight_problems(bad, syllabus, "w")
    assert "w: 'dsp' is not a module of this edition (known: demand, distribution, inventory, quality-tech, " \
           "schedules, sop, strategy, supply)" in problems
    assert "w: no weight for sop" in problems and "w: weights sum to 92, not 100" in problems


@pytest.mark.parametrize("total", [150, 40, 20, 8, 1])
def test_quotas_follow_the_weights_and_add_up(total):
    weights = EDITIONS.get(EDITION_8).weights.modules
    split = quotas(weights, total)
    assert sum(split.values()) == total
    for key, value in split.items():
        assert abs(value - total * weights[key] / 100) < 1
    assert quotas(weights, 150)["strategy"] == 33 and quotas(weights, 150)["distribution"] in (4, 5)


def test_weighted_pick_spreads_like_the_weights():
    weights = {"a": 75, "b": 25, "c": 0}
    picks = [weighted_pick(weights, i / 1000) for i in range(1000)]
    assert picks.count("a") == 750 and picks.count("b") == 250 and "c" not in picks


def test_the_shipped_bank_is_tagged_in_both_editions_and_covers_every_topic():
    content = load_content(ROOT / "content")
    questions = list(content.bank.questions.values())
    assert tag_problems(questions, content.editions, content.sites) == []
    assert coverage_problems(questions, content.editions) == []


def test_the_daily_rotation_by_weight_gives_each_module_its_share():
    from study.daily import weighted_next

    weights = EDITIONS.get(EDITION_8).weights.modules
    posted: dict[str, int] = {}
    for _ in range(200):
        key = weighted_next(weights, posted)
        posted[key] = posted.get(key, 0) + 1
    for key, weight in weights.items():
        assert abs(posted.get(key, 0) - 2 * weight) <= 1, key
