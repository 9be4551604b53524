"""Loading and validating question files, and the bank they make.

Every problem is reported as `file:line: id: why`, so an editor can jump to it. YAML is read with the
safe loader only; the JSON Schema in content/questions/schema.json is the first check, the syllabus
and Discord's display limits the second.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from study.content_errors import ContentError, utf8_problem
from study.questions import LETTERS, MAX_CHOICE, MAX_EXPLANATION, MAX_STEM, Question
from study.syllabus import Syllabus
from study.yaml_input import compose_yaml, load_yaml

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "content" / "questions" / "schema.json"


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@dataclass
class QuestionBank:
    questions: dict[str, Question] = field(default_factory=dict)

    def add_all(self, questions: Iterable[Question]) -> None:
        for question in questions:
            self.questions[question.id] = question

    def get(self, question_id: str) -> Question | None:
        return self.questions.get(question_id)

    def for_module(self, module: str | None = None, topic: str | None = None) -> list[Question]:
        return [q for q in self.questions.values()
                if (module is None or q.module == module) and (topic is None or q.topic == topic)]

    def counts_by_module(self) -> Counter[str]:
        return Counter(q.module for q in self.questions.values())

    def counts_by_topic(self) -> Counter[tuple[str, str]]:
        return Counter((q.module, q.topic) for q in self.questions.values())

    def __len__(self) -> int:
        return len(self.questions)


def _item_lines(text: str) -> list[int]:
    """The 1-based line where each entry of `questions:` starts (best effort; load_yaml accepted the text)."""
    try:
        root = compose_yaml(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key_node, value_node in root.value:
        if key_node.value == "questions" and isinstance(value_node, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value_node.value]
    return []


def _one_line(value: object, limit: int = 80) -> str:
    """An id as shown in a problem line: as written if it is plain, else quoted with its escapes (a newline in
    an id must not split the line), and never longer than limit."""
    text = value if isinstance(value, str) else repr(value)
    if not text.isprintable():
        text = repr(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _schema_path_index(error: jsonschema.ValidationError) -> int | None:
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        return path[1]
    return None


def parse_question_text(text: str, source: str, syllabus: Syllabus,
                        known_ids: set[str] | frozenset[str] = frozenset(),
                        sites: dict[str, tuple[str, int]] | None = None) -> list[Question]:
    """Parse one question document (a module file or an import); raise ContentError listing every problem.

    `sites`, if given, receives each question's (file, line) for later cross-checks (the CPIM 8 tags)."""
    data = load_yaml(text, source)
    lines = _item_lines(text)

    def where(index: int | None, question_id: object = None) -> str:
        line = f":{lines[index]}" if index is not None and index < len(lines) else ""
        ident = f": {_one_line(question_id)}" if question_id else ""
        return f"{source}{line}{ident}"

    problems: list[str] = []
    validator = jsonschema.Draft202012Validator(_schema())
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        index = _schema_path_index(error)
        question_id = None
        if index is not None and isinstance(data, dict):
            item = data["questions"][index]
            question_id = item.get("id") if isinstance(item, dict) else None
        field_path = ".".join(str(part) for part in list(error.absolute_path)[2:]) or "question"
        location = field_path if index is not None else "/".join(map(str, error.absolute_path)) or "file"
        problems.append(f"{where(index, question_id)}: {location}: {error.message}")
    if problems:
        raise ContentError(problems)

    module = syllabus.module(data["module"])
    if module is None or module.key != data["module"]:
        raise ContentError([f"{source}: unknown module '{data['module']}' "
                            f"(known: {', '.join(m.key for m in syllabus.modules)})"])
    questions: list[Question] = []
    seen: set[str] = set()
    for index, raw in enumerate(data["questions"]):
        here = where(index, raw["id"])
        if raw["id"] in seen or raw["id"] in known_ids:
            problems.append(f"{here}: duplicate id '{raw['id']}'")
        seen.add(raw["id"])
        if module.topic(raw["topic"]) is None:
            problems.append(f"{here}: topic '{raw['topic']}' is not a topic of {module.code} "
                            f"(known: {', '.join(t.key for t in module.topics)})")
        choices = [choice.strip() for choice in raw["choices"]]
        folded = [choice.casefold() for choice in choices]
        if len(set(folded)) != len(folded):
            problems.append(f"{here}: two choices are the same")
        answer_index = LETTERS.index(raw["answer"])
        if answer_index >= len(choices):
            problems.append(f"{here}: answer {raw['answer']} but only {len(choices)} choices")
        for label, text_value, limit in (("stem", raw["stem"], MAX_STEM),
                                         ("explanation", raw["explanation"], MAX_EXPLANATION)):
            if len(text_value.strip()) > limit:
                problems.append(f"{here}: {label} is longer than {limit} characters")
        if any(len(choice) > MAX_CHOICE for choice in choices):
            problems.append(f"{here}: a choice is longer than {MAX_CHOICE} characters (Discord button limit)")
        if sites is not None and index < len(lines):
            sites[raw["id"]] = (source, lines[index])
        questions.append(Question(
            id=raw["id"], module=module.key, topic=raw["topic"], difficulty=raw["difficulty"],
            stem=raw["stem"].strip(), choices=tuple(choices), answer_index=answer_index,
            explanation=raw["explanation"].strip(), reference=raw.get("reference"),
            cpim8_module=raw.get("cpim8", {}).get("module"), cpim8_topic=raw.get("cpim8", {}).get("topic"),
        ))
    if problems:
        raise ContentError(problems)
    return questions


def load_question_files(directory: Path, syllabus: Syllabus,
                        sites: dict[str, tuple[str, int]] | None = None) -> QuestionBank:
    """Load every content/questions/*.yaml; collect the problems of all files before raising."""
    bank = QuestionBank()
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(utf8_problem(data, error, path.name))
            continue
        try:
            bank.add_all(parse_question_text(text, path.name, syllabus, frozenset(bank.questions), sites))
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return bank
