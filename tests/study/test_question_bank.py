from pathlib import Path

import pytest

from study.content_errors import ContentError
from study.question_bank import parse_question_text
from study.syllabus import load_syllabus

SYLLABUS = load_syllabus(Path(__file__).resolve().parents[2] / "content" / "editions" / "cpim-2017" / "syllabus.toml")

GOOD = """\
module: dsp
questions:
  - id: dsp-test-001
    topic: lot-sizing
    difficulty: easy
    stem: Which lot-sizing rule orders exactly the net requirement of each period?
    choices: [Lot-for-lot, Fixed order quantity, Period order quantity, Economic order quantity]
    answer: A
    explanation: Lot-for-lot orders each period's net requirement, so no remnant is carried.
  - id: dsp-test-002
    topic: mrp-logic
    difficulty: medium
    stem: What does MRP do to a gross requirement before it plans an order for it?
    choices: [Nets it against on hand and scheduled receipts, Doubles it for safety]
    answer: A
    explanation: Gross requirements are netted against what is available before planning orders.
"""


def test_a_good_file_becomes_questions():
    questions = parse_question_text(GOOD, "dsp.yaml", SYLLABUS)
    assert [q.id for q in questions] == ["dsp-test-001", "dsp-test-002"]
    assert questions[0].correct_choice == "Lot-for-lot"
    assert questions[1].answer_letter == "A"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("topic: mrp-logic", "topic: forecasting"),
         "dsp.yaml:10: dsp-test-002: topic 'forecasting' is not a topic of DSP"),
        (("id: dsp-test-002", "id: dsp-test-001"), "dsp.yaml:10: dsp-test-001: duplicate id 'dsp-test-001'"),
        (("Doubles it for safety", "nets it against on hand and scheduled receipts"),
         "dsp.yaml:10: dsp-test-002: two choices are the same"),
        (("    answer: A\n    explanation: Gross", "    answer: C\n    explanation: Gross"),
         "dsp.yaml:10: dsp-test-002: answer C but only 2 choices"),
        (("difficulty: easy", "difficulty: trivial"), "dsp.yaml:3: dsp-test-001: difficulty: 'trivial' is not one of"),
        (("Lot-for-lot,", "'" + "x" * 81 + "',"), "dsp.yaml:3: dsp-test-001: choices.0: "),
        (("module: dsp", "module: xyz"), "dsp.yaml: unknown module 'xyz'"),
        (("    answer: A\n    explanation: Lot", "    explanation: Lot"),
         "dsp.yaml:3: dsp-test-001: question: 'answer' is a required property"),
    ],
)
def test_each_problem_names_file_line_and_id(change, expected):
    old, new = change
    assert old in GOOD
    with pytest.raises(ContentError) as raised:
        parse_question_text(GOOD.replace(old, new, 1), "dsp.yaml", SYLLABUS)
    assert any(problem.startswith(expected) for problem in raised.value.problems), raised.value.problems


def test_unsafe_yaml_is_refused():
    with pytest.raises(ContentError, match="not valid YAML"):
        parse_question_text("module: !!python/object/apply:os.system ['echo hi']\n", "evil.yaml", SYLLABUS)


def test_broken_yaml_names_the_line():
    with pytest.raises(ContentError, match=r"dsp.yaml:4: not valid YAML"):
        parse_question_text("module: dsp\nquestions:\n  - id: [\n", "dsp.yaml", SYLLABUS)
