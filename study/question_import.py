"""Reading a chapter's own question file (YAML in the bank's format, or CSV) for an all-or-nothing import.

Refused before parsing: files over MAX_IMPORT_BYTES, text that is not UTF-8, and any YAML beyond the
safe subset (the safe loader never builds Python objects). Every problem names the line and the id.
"""

from __future__ import annotations

import codecs
import csv
import io
import re

import yaml

from study.content_errors import ContentError, utf8_problem
from study.csv_cells import csv_safe, csv_unsafe
from study.question_bank import parse_question_text
from study.questions import LETTERS, Question
from study.syllabus import Syllabus

MAX_IMPORT_BYTES = 512 * 1024
CSV_COLUMNS = ("id", "module", "topic", "difficulty", "stem", "choice_a", "choice_b", "choice_c", "choice_d",
               "choice_e", "answer", "explanation", "reference")


def decode_upload(data: bytes, filename: str) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ContentError([f"{filename}: {len(data):,} bytes is over the {MAX_IMPORT_BYTES // 1024} KiB limit"])
    body = data.removeprefix(codecs.BOM_UTF8)  # a byte-order mark is fine (Excel writes one)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ContentError([utf8_problem(body, error, filename)]) from None


def _csv_to_documents(text: str, filename: str) -> dict[str, list[tuple[int, dict]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("id", "module", "topic", "difficulty", "stem", "choice_a", "choice_b", "answer",
                           "explanation") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    problems = []
    if missing:
        problems.append(f"{filename}:1: missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"{filename}:1: unknown column(s): {', '.join(unknown)} (known: {', '.join(CSV_COLUMNS)})")
    if problems:
        raise ContentError(problems)
    by_module: dict[str, list[tuple[int, dict]]] = {}
    for raw_row in reader:
        line = reader.line_num
        row = {key: csv_unsafe(value) if isinstance(value, str) else value for key, value in raw_row.items()}
        choices = [row.get(f"choice_{letter.lower()}") or "" for letter in LETTERS]
        item = {
            "id": (row.get("id") or "").strip(), "topic": (row.get("topic") or "").strip(),
            "difficulty": (row.get("difficulty") or "").strip(), "stem": row.get("stem") or "",
            "choices": [c for c in choices if c.strip()], "answer": (row.get("answer") or "").strip().upper(),
            "explanation": row.get("explanation") or "",
        }
        if (row.get("reference") or "").strip():
            item["reference"] = row["reference"].strip()
        by_module.setdefault((row.get("module") or "").strip(), []).append((line, item))
    return by_module


def parse_import(data: bytes, filename: str, syllabus: Syllabus, reserved_ids: frozenset[str]) -> list[Question]:
    """Questions from an uploaded file; ContentError lists every problem. reserved_ids: the shipped bank."""
    text = decode_upload(data, filename)
    lower = filename.lower()
    if lower.endswith((".yaml", ".yml")):
        return parse_question_text(text, filename, syllabus, reserved_ids)
    if not lower.endswith(".csv"):
        raise ContentError([f"{filename}: use a .yaml, .yml or .csv file"])
    questions: list[Question] = []
    problems: list[str] = []
    seen: set[str] = set(reserved_ids)
    for module, items in _csv_to_documents(text, filename).items():
        for line, item in items:
            document = yaml.safe_dump({"module": module, "questions": [item]}, allow_unicode=True)
            try:
                parsed = parse_question_text(document, filename, syllabus, frozenset(seen))
            except ContentError as error:
                # each row is checked as its own small document: report the CSV line instead of its line
                location = re.compile(rf"^{re.escape(filename)}(:\d+)?: ")
                problems.extend(location.sub(f"{filename}:{line}: ", problem, count=1) for problem in error.problems)
                continue
            seen.update(q.id for q in parsed)
            questions.extend(parsed)
    if problems:
        raise ContentError(problems)
    if not questions:
        raise ContentError([f"{filename}: no questions found"])
    return questions


def export_yaml(questions: list[Question]) -> dict[str, str]:
    """The questions in the bank's YAML format: one file text per module, keyed by module."""
    documents = {}
    modules = sorted({q.module for q in questions})
    for module in modules:
        items = []
        for q in (q for q in questions if q.module == module):
            item = {"id": q.id, "topic": q.topic, "difficulty": q.difficulty, "stem": q.stem,
                    "choices": list(q.choices), "answer": q.answer_letter, "explanation": q.explanation}
            if q.reference:
                item["reference"] = q.reference
            items.append(item)
        documents[module] = yaml.safe_dump({"module": module, "questions": items}, allow_unicode=True,
                                           sort_keys=False, width=110)
    return documents


def export_csv(questions: list[Question]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for q in questions:
        row: dict[str, object] = {"id": q.id, "module": q.module, "topic": q.topic, "difficulty": q.difficulty,
                                  "stem": q.stem, "answer": q.answer_letter, "explanation": q.explanation,
                                  "reference": q.reference or ""}
        for index, letter in enumerate(LETTERS):
            row[f"choice_{letter.lower()}"] = q.choices[index] if index < len(q.choices) else ""
        writer.writerow({column: csv_safe(cell) for column, cell in row.items()})
    return buffer.getvalue()
