"""The rules a member's question follows before review: both editions' tags, the import's checks, the cap."""

from __future__ import annotations

import pytest

from study.content_errors import ContentError
from study.contributions import MAX_PENDING, Draft, Place, can_submit, place_in_both, question_id, validate
from study.errors import UserInputError

DRAFT = Draft(stem="Which signal tells the upstream cell to make more parts?",
              choices="A kanban card\n\n  A weekly MRP run  \nThe sales forecast\nA purchase order\n",
              answer=" a ", explanation="Pull replenishes on a consumption signal: the kanban.", difficulty="")


def test_a_2017_pick_gets_its_cpim8_place_from_the_crosswalk(content):
    assert place_in_both(content.editions, "cpim-2017", "ECO", "lean-pull") == Place(
        "eco", "lean-pull", "schedules", "lean-execution")


def test_a_cpim8_pick_gets_a_2017_topic_whose_primary_home_it_is(content):
    place = place_in_both(content.editions, "cpim-8", "inventory", "inventory-basics")
    assert place == Place("bscm", "inventory-fundamentals", "inventory", "inventory-basics")
    entry = next(e for e in content.editions.crosswalk.entries if e.legacy_topic == place.topic)
    assert (entry.cpim8_module, entry.cpim8_topic) == ("inventory", "inventory-basics")


def test_every_topic_of_both_editions_can_be_written_for(content):
    for edition in content.editions:
        for module in edition.modules:
            for topic in module.topics:
                place = place_in_both(content.editions, edition.key, module.key, topic.key)
                assert content.editions.get("cpim-2017").syllabus.module(place.module).topic(place.topic)
                assert content.editions.get("cpim-8").syllabus.module(place.cpim8_module).topic(place.cpim8_topic)


def test_unknown_module_or_topic_is_refused_in_the_servers_edition(content):
    with pytest.raises(UserInputError, match="I don't know a module called 'eco'"):
        place_in_both(content.editions, "cpim-8", "eco", "lean-pull")
    with pytest.raises(UserInputError, match="There is no topic 'nope' in ECO"):
        place_in_both(content.editions, "cpim-2017", "eco", "nope")


def test_a_good_draft_is_trimmed_and_tagged_in_both_editions(content):
    place = Place("eco", "lean-pull", "schedules", "lean-execution")
    question = validate(DRAFT, place, content.editions, frozenset(content.bank.questions))
    assert question.choices == ("A kanban card", "A weekly MRP run", "The sales forecast", "A purchase order")
    assert (question.answer_index, question.difficulty) == (0, "medium")
    assert (question.cpim8_module, question.cpim8_topic) == ("schedules", "lean-execution")


def test_problems_use_the_imports_words_without_a_file_or_line(content):
    place = Place("eco", "lean-pull", "schedules", "lean-execution")
    bad = Draft(stem="Short", choices="Only one", answer="Q", explanation="Too short", difficulty="tough")
    with pytest.raises(ContentError) as raised:
        validate(bad, place, content.editions, frozenset())
    assert raised.value.problems == [
        "answer: 'Q' does not match '^[A-E]$'",
        "choices: ['Only one'] is too short",
        "difficulty: 'tough' is not one of ['easy', 'medium', 'hard']",
        "explanation: 'Too short' is too short",
        "stem: 'Short' is too short",
    ]


def test_the_cap_and_the_approved_id():
    can_submit(MAX_PENDING - 1)
    with pytest.raises(UserInputError, match=f"limit is {MAX_PENDING}"):
        can_submit(MAX_PENDING)
    assert question_id(12) == "contrib-12"
