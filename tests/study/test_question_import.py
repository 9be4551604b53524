"""A chapter's own question file: CSV or YAML, every problem with its line, all or nothing, round trips."""

import csv
import io
from pathlib import Path

import pytest

from study.content_errors import ContentError
from study.question_import import MAX_IMPORT_BYTES, export_csv, export_yaml, parse_import
from study.syllabus import load_syllabus

SYLLABUS = load_syllabus(Path(__file__).resolve().parents[2] / "content" / "editions" / "cpim-2017" / "syllabus.toml")
SHIPPED = frozenset({"dsp-lot-001"})
HEADER = ["id", "module", "topic", "difficulty", "stem", "choice_a", "choice_b", "choice_c", "answer", "explanation"]
ROW_ECO = ["ch-eco-001", "eco", "lean-pull", "easy", "Which signal pulls parts between cells?", "A kanban card",
           "A weekly MRP run", "A sales forecast", "A", "Pull systems replenish on a kanban signal."]
ROW_DSP = ["ch-dsp-001", "dsp", "lot-sizing", "medium", "Which rule orders exactly each period's net need?",
           "Lot-for-lot", "EOQ", "Period order quantity", "a", "Lot-for-lot orders each net requirement."]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def problems(data: bytes, filename: str = "bank.csv") -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_import(data, filename, SYLLABUS, SHIPPED)
    return caught.value.problems


def test_a_good_csv_becomes_questions():
    questions = parse_import(csv_bytes([ROW_ECO, ROW_DSP]), "bank.csv", SYLLABUS, SHIPPED)
    assert [(x.id, x.module, x.topic) for x in questions] == [("ch-eco-001", "eco", "lean-pull"),
                                                               ("ch-dsp-001", "dsp", "lot-sizing")]
    assert questions[1].correct_choice == "Lot-for-lot"  # the answer letter is case-insensitive
    assert questions[0].choices == ("A kanban card", "A weekly MRP run", "A sales forecast")


def test_row_errors_name_the_csv_line_and_id():
    multi_line = [*ROW_DSP[:4], "A stem over\ntwo lines?", *ROW_DSP[5:]]
    bad_topic = ["ch-eco-003", "eco", "no-such-topic", "easy", "A question with a bad topic tag?", "x", "y", "z",
                 "D", "explanation text"]
    duplicate = [*ROW_ECO]
    shipped = ["dsp-lot-001", *ROW_DSP[1:]]
    found = problems(csv_bytes([ROW_ECO, multi_line, bad_topic, duplicate, shipped]))
    # line 1 is the header; the multi-line row spans lines 3-4, so the bad row is on line 5
    assert "bank.csv:5: ch-eco-003: topic 'no-such-topic' is not a topic of ECO" in found[0]
    assert "bank.csv:5: ch-eco-003: answer D but only 3 choices" in found
    assert "bank.csv:6: ch-eco-001: duplicate id 'ch-eco-001'" in found
    assert "bank.csv:7: dsp-lot-001: duplicate id 'dsp-lot-001'" in found  # the shipped bank's ids are taken
    unknown_module = problems(csv_bytes([["x-1", "zzz", *ROW_ECO[2:]]]))
    assert unknown_module[0].startswith("bank.csv:2: unknown module 'zzz'")


def test_missing_and_unknown_columns_are_named():
    header = [c for c in HEADER if c != "answer"] + ["colour"]
    found = problems(csv_bytes([ROW_ECO[:8] + ROW_ECO[9:] + ["red"]], header))
    assert found == ["bank.csv:1: missing column(s): answer",
                     found[1]]
    assert found[1].startswith("bank.csv:1: unknown column(s): colour (known: id, module")


def test_too_big_non_utf8_wrong_extension_and_empty_files_are_refused():
    big = csv_bytes([ROW_ECO]) + b"#" * MAX_IMPORT_BYTES
    assert "KiB limit" in problems(big)[0]
    assert "not UTF-8 text" in problems("id,module\nq,é".encode("latin-1"))[0]
    assert problems(b"anything", "bank.xlsx") == ["bank.xlsx: use a .yaml, .yml or .csv file"]
    assert problems(csv_bytes([])) == ["bank.csv: no questions found"]
    # a BOM from Excel's "CSV UTF-8" is fine
    assert len(parse_import(b"\xef\xbb\xbf" + csv_bytes([ROW_ECO]), "bank.csv", SYLLABUS, SHIPPED)) == 1


YAML = """\
module: eco
questions:
  - id: ch-eco-010
    topic: lean-pull
    difficulty: easy
    stem: What does a supermarket hold between two cells?
    choices: [A small controlled stock, Finished goods only, Scrap]
    answer: A
    explanation: A supermarket is a small, controlled buffer replenished by pull.
  - id: ch-eco-011
    topic: nowhere
    difficulty: easy
    stem: Which topic tag does this question carry, if any at all?
    choices: [One, Two]
    answer: B
    explanation: The topic tag must be one of the module's topics in the syllabus.
"""


def test_yaml_import_names_file_line_and_id_and_refuses_unsafe_tags():
    found = problems(YAML.encode(), "eco.yaml")
    assert found == [found[0]] and found[0].startswith("eco.yaml:10: ch-eco-011: topic 'nowhere' is not a topic")
    good = YAML.split("  - id: ch-eco-011")[0]
    assert [x.id for x in parse_import(good.encode(), "eco.yml", SYLLABUS, SHIPPED)] == ["ch-eco-010"]
    evil = b"module: !!python/object/apply:os.system ['true']\nquestions: []\n"
    assert "not valid YAML" in problems(evil, "evil.yaml")[0]


def test_export_round_trips_through_csv_and_yaml():
    with_reference = csv_bytes([[*ROW_ECO, "APICS dictionary: kanban"]], [*HEADER, "reference"])
    questions = parse_import(csv_bytes([ROW_DSP]), "a.csv", SYLLABUS, SHIPPED) + parse_import(
        with_reference, "b.csv", SYLLABUS, SHIPPED)
    assert questions[1].reference == "APICS dictionary: kanban"
    again = parse_import(export_csv(questions).encode(), "export.csv", SYLLABUS, SHIPPED)
    assert again == questions
    documents = export_yaml(questions)
    assert sorted(documents) == ["dsp", "eco"]
    from_yaml = [x for module in sorted(documents)
                 for x in parse_import(documents[module].encode(), f"{module}.yaml", SYLLABUS, SHIPPED)]
    assert sorted(from_yaml, key=lambda x: x.id) == sorted(questions, key=lambda x: x.id)


def test_the_csv_export_escapes_formulas_like_group_export_and_imports_back_unchanged():
    row = ["ch-eco-009", "eco", "lean-pull", "easy", '=HYPERLINK("http://evil.example","Which signal pulls parts?")',
           "-5 units", "@SUM(A1:A2)", "+kanban", "A", "=1+1 is not the point; pull replenishes on a signal."]
    [question] = parse_import(csv_bytes([row]), "bank.csv", SYLLABUS, SHIPPED)
    exported = export_csv([question])
    cells = next(r for r in csv.DictReader(io.StringIO(exported)))
    assert cells["stem"].startswith("'=HYPERLINK(") and cells["choice_a"] == "'-5 units"
    assert cells["choice_b"] == "'@SUM(A1:A2)" and cells["choice_c"] == "'+kanban"
    assert cells["explanation"].startswith("'=1+1")
    assert all(not value.startswith(("=", "+", "-", "@")) for value in cells.values())
    [again] = parse_import(exported.encode(), "again.csv", SYLLABUS, SHIPPED)
    assert again == question
