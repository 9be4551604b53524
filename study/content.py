"""Everything under content/ loaded and cross-checked in one go.

content/editions/<edition>/ holds each syllabus edition (syllabus, exam format, fees; the 2017 one also the
/cpim facts), content/editions/crosswalk.toml maps the 2017 topics to CPIM 8, and content/questions/ is the
one bank both editions share: every question carries its 2017 and its CPIM 8 module and topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from study.content_errors import ContentError
from study.editions import (
    EDITION_2017,
    Edition,
    Editions,
    coverage_problems,
    load_editions,
    tag_problems,
)
from study.facts import CertificationFacts, load_facts
from study.fees import FeeEntry
from study.question_bank import QuestionBank, load_question_files
from study.syllabus import Syllabus


@dataclass(frozen=True)
class Content:
    editions: Editions
    facts: CertificationFacts
    bank: QuestionBank
    directory: Path
    sites: dict[str, tuple[str, int]] = field(default_factory=dict, compare=False)

    @property
    def syllabus(self) -> Syllabus:
        """The 2017 syllabus: the structure question files are written against (file-level `module:`)."""
        return self.editions.get(EDITION_2017).syllabus

    @property
    def fees(self) -> tuple[FeeEntry, ...]:
        """The 2017 per-module fee entries shipped with the bot."""
        return self.editions.get(EDITION_2017).fees.current

    def edition(self, key: str) -> Edition:
        return self.editions.get(key)


def load_content(directory: Path) -> Content:
    """Load and validate all content files; ContentError lists every problem found."""
    problems: list[str] = []
    editions = facts = None
    try:
        editions = load_editions(directory / "editions")
    except ContentError as error:
        problems.extend(error.problems)
    try:
        facts = load_facts(directory / "editions" / EDITION_2017 / "cpim.toml")
    except ContentError as error:
        problems.extend(error.problems)
    bank = QuestionBank()
    sites: dict[str, tuple[str, int]] = {}
    if editions is not None:
        try:
            bank = load_question_files(directory / "questions", editions.get(EDITION_2017).syllabus, sites)
        except ContentError as error:
            problems.extend(error.problems)
        else:
            questions = list(bank.questions.values())
            problems.extend(tag_problems(questions, editions, sites))
            problems.extend(coverage_problems(questions, editions))
    if problems or editions is None or facts is None:
        raise ContentError(problems)
    return Content(editions, facts, bank, directory, sites)
