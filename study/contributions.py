"""Questions written by members: the rules a submission follows before a lead reviews it.

A submission is checked exactly like an import (`parse_question_text`: the same JSON Schema, the same
syllabus and display-limit checks, the same error texts), only without a file name and line, since the
member typed it into a form. It is tagged in both editions: the member picks a module and topic of the
server's edition, and the other edition's place comes from the crosswalk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from study.content_errors import ContentError
from study.editions import EDITION_8, EDITION_2017, Editions
from study.errors import UserInputError
from study.question_bank import parse_question_text
from study.questions import Question
from study.syllabus import require_module

MAX_PENDING = 5  # pending submissions per member and server: enough to write a set, too few to flood a lead
SOURCE = "your question"
DRAFT_ID = "submission"  # validated under a stand-in id; an approved question gets question_id(submission id)
_LOCATION = re.compile(rf"^{re.escape(SOURCE)}(:\d+)?(: {DRAFT_ID})?: ")


@dataclass(frozen=True)
class Place:
    """A question's module and topic in both editions (2017 keys, CPIM 8 keys)."""

    module: str
    topic: str
    cpim8_module: str
    cpim8_topic: str


@dataclass(frozen=True)
class Draft:
    """What a member typed into the form, as typed."""

    stem: str
    choices: str  # one choice per line
    answer: str  # a letter
    explanation: str
    difficulty: str = "medium"


def question_id(submission_id: int) -> str:
    return f"contrib-{submission_id}"


def split_choices(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def place_in_both(editions: Editions, edition: str, module: str, topic: str) -> Place:
    """Module and topic keys picked in the server's edition, tagged in the other edition by the crosswalk.

    A CPIM 8 topic maps back to the first 2017 topic whose primary home it is, else to the first 2017 topic
    that lands in the same CPIM 8 module (the crosswalk is the project's own mapping, many-to-one)."""
    syllabus = editions.get(edition).syllabus
    found = require_module(syllabus, module)
    if found.topic(topic) is None:
        raise UserInputError(f"There is no topic '{topic}' in {found.code}; pick one from the list.")
    entries = editions.crosswalk.entries
    if edition == EDITION_8:
        entry = (next((e for e in entries if (e.cpim8_module, e.cpim8_topic) == (found.key, topic)), None)
                 or next((e for e in entries if e.cpim8_module == found.key), None)
                 or next((e for e in entries if found.key in e.also), None))
        if entry is None:
            raise UserInputError(f"{found.code} has no 2017 counterpart in the crosswalk yet; pick another module.")
        return Place(entry.legacy_module, entry.legacy_topic, found.key, topic)
    primary = editions.crosswalk.primary(found.key, topic)
    if primary is None:
        raise UserInputError(f"The topic '{topic}' has no CPIM 8 place in the crosswalk yet; pick another topic.")
    return Place(found.key, topic, *primary)


def validate(draft: Draft, place: Place, editions: Editions, reserved_ids: frozenset[str],
             *, ident: str = DRAFT_ID) -> Question:
    """The question the draft makes, checked as an import would check it; ContentError lists every problem
    (the import's texts, without the file and line a form does not have)."""
    item = {
        "id": ident, "topic": place.topic, "difficulty": draft.difficulty.strip().lower() or "medium",
        "stem": draft.stem, "choices": split_choices(draft.choices), "answer": draft.answer.strip().upper(),
        "explanation": draft.explanation, "cpim8": {"module": place.cpim8_module, "topic": place.cpim8_topic},
    }
    document = yaml.safe_dump({"module": place.module, "questions": [item]}, allow_unicode=True, sort_keys=False)
    syllabus = editions.get(EDITION_2017).syllabus
    try:
        [question] = parse_question_text(document, SOURCE, syllabus, reserved_ids - {ident})
    except ContentError as error:
        raise ContentError([_LOCATION.sub("", problem, count=1) for problem in error.problems]) from None
    return question


def can_submit(pending: int) -> None:
    if pending >= MAX_PENDING:
        raise UserInputError(f"You already have {pending} questions waiting for review (the limit is "
                             f"{MAX_PENDING}); you can send more once a lead has reviewed them. "
                             f"See them with /my-submissions.")
