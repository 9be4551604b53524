"""A multiple-choice question, whether written by hand or produced by a calculation generator."""

from __future__ import annotations

from dataclasses import dataclass, field

DIFFICULTIES = ("easy", "medium", "hard")
LETTERS = "ABCDE"
MAX_STEM = 1000
MAX_CHOICE = 80
MAX_EXPLANATION = 1500
MIN_CHOICES = 2
MAX_CHOICES = 5


@dataclass(frozen=True)
class Question:
    id: str
    module: str
    topic: str
    difficulty: str
    stem: str
    choices: tuple[str, ...]
    answer_index: int
    explanation: str
    reference: str | None = None
    # For generated questions: the family and seed that reproduce it exactly, and its inputs.
    family: str | None = None
    seed: int | None = None
    parameters: dict[str, object] = field(default_factory=dict, compare=False, hash=False)
    # The same question's place in today's outline (CPIM 8), beside its 2017 `module` and `topic`.
    cpim8_module: str | None = None
    cpim8_topic: str | None = None
    # A question a member wrote and a lead approved: the author, credited under the question.
    author_id: int | None = field(default=None, compare=False)

    @property
    def answer_letter(self) -> str:
        return LETTERS[self.answer_index]

    @property
    def correct_choice(self) -> str:
        return self.choices[self.answer_index]

    @property
    def is_generated(self) -> bool:
        return self.family is not None
