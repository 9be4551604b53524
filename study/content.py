"""Everything under content/ loaded and cross-checked in one go."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from study.content_errors import ContentError
from study.facts import CertificationFacts, load_facts
from study.fees import FeeEntry, load_fees
from study.question_bank import QuestionBank, load_question_files
from study.syllabus import Syllabus, load_syllabus


@dataclass(frozen=True)
class Content:
    syllabus: Syllabus
    fees: tuple[FeeEntry, ...]
    facts: CertificationFacts
    bank: QuestionBank
    directory: Path


def load_content(directory: Path) -> Content:
    """Load and validate all content files; ContentError lists every problem found."""
    problems: list[str] = []
    syllabus = fees = facts = None
    try:
        syllabus = load_syllabus(directory / "syllabus.toml")
    except ContentError as error:
        problems.extend(error.problems)
    try:
        fees = load_fees(directory / "fees.toml")
    except ContentError as error:
        problems.extend(error.problems)
    try:
        facts = load_facts(directory / "cpim.toml")
    except ContentError as error:
        problems.extend(error.problems)
    bank = QuestionBank()
    if syllabus is not None:
        try:
            bank = load_question_files(directory / "questions", syllabus)
        except ContentError as error:
            problems.extend(error.problems)
    if problems or syllabus is None or fees is None or facts is None:
        raise ContentError(problems)
    return Content(syllabus, tuple(fees), facts, bank, directory)
