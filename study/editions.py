"""Syllabus editions: the 2017 five-module CPIM and today's single-exam CPIM 8, side by side.

One question bank serves every edition. A question carries its 2017 module and topic (`module`, `topic`)
and its CPIM 8 module and topic (`cpim8_module`, `cpim8_topic`); `Editions.place` is the one place that
says where a question belongs under an edition. Records stored before or after a switch (answers, cards,
topic tallies, exams, passed modules) keep the keys they were written with; `Editions.place_keys` maps a
stored 2017 (module, topic) into another edition through the crosswalk. Module and topic keys of the
editions never collide, so a stored key names its edition unambiguously (`Editions.edition_of_module`).

Invariants (checked by `validate`): every 2017 topic appears in the crosswalk exactly once and maps to a
real CPIM 8 topic; each edition's module weights name its modules and sum to 100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from study.content_errors import ContentError, read_toml, require
from study.fees import FeeEntry, parse_fees
from study.questions import Question
from study.syllabus import Module, Syllabus, load_syllabus

EDITION_2017 = "cpim-2017"
EDITION_8 = "cpim-8"
EDITION_ORDER = (EDITION_2017, EDITION_8)
MIN_TOPIC_QUESTIONS = 5


@dataclass(frozen=True)
class FormatFact:
    """One dated fact about an edition's exam, with where it comes from and how sure it is."""

    item: str
    text: str
    as_of: dt.date
    source: str
    confidence: str


@dataclass(frozen=True)
class ExamFormat:
    """The numbers the bot works with, beside the facts that state them with their sources."""

    single_exam: bool  # one exam for the whole certification (CPIM 8); else one exam per module (2017)
    questions: int  # per exam
    scored: int
    minutes: int
    score_min: int
    score_max: int
    pass_score: int
    att_months: int | None
    prerequisite: bool
    membership_required: bool
    maintenance_points: int | None
    maintenance_years: int
    fellowship: str
    module_questions: Mapping[str, int] = field(default_factory=dict)  # per-module exams that differ
    facts: tuple[FormatFact, ...] = ()

    def questions_for(self, module: str | None) -> int:
        return self.module_questions.get(module or "", self.questions)


@dataclass(frozen=True)
class Weights:
    """Percent per module; `label` says what they are (for CPIM 8: a stand-in, not ASCM's figures)."""

    modules: Mapping[str, int]
    label: str
    source: str
    confidence: str

    def share(self, module: str) -> float:
        total = sum(self.modules.values())
        return self.modules.get(module, 0) / total if total else 0.0


@dataclass(frozen=True)
class FeeTable:
    """Shipped fee entries: `current` may be empty (no price could be confirmed); `history` is for context."""

    current: tuple[FeeEntry, ...]
    history: tuple[FeeEntry, ...]
    scope: str  # "per module exam" or "one exam"
    look_up_at: str
    note: str


@dataclass(frozen=True)
class Edition:
    key: str
    name: str  # "CPIM 8.0"
    long_name: str
    summary: str
    status: str  # current | retired
    as_of: dt.date
    source: str
    syllabus: Syllabus
    exam: ExamFormat
    weights: Weights
    fees: FeeTable

    @property
    def modules(self) -> tuple[Module, ...]:
        return self.syllabus.modules

    @property
    def single_exam(self) -> bool:
        return self.exam.single_exam

    @property
    def is_current(self) -> bool:
        return self.status == "current"

    @property
    def exam_key(self) -> str:
        """What an exam booking or a pass is stored under for a single-exam edition: the edition's key."""
        return self.key


@dataclass(frozen=True)
class CrosswalkEntry:
    legacy_module: str
    legacy_topic: str
    cpim8_module: str
    cpim8_topic: str
    also: tuple[str, ...] = ()
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Crosswalk:
    entries: tuple[CrosswalkEntry, ...]
    title: str
    as_of: dt.date
    confidence: str
    note: str

    def primary(self, module: str, topic: str) -> tuple[str, str] | None:
        for entry in self.entries:
            if entry.legacy_module == module and entry.legacy_topic == topic:
                return entry.cpim8_module, entry.cpim8_topic
        return None


@dataclass(frozen=True)
class Editions:
    by_key: Mapping[str, Edition]
    crosswalk: Crosswalk

    def get(self, key: str) -> Edition:
        return self.by_key[key]

    def __iter__(self):  # editions in their fixed order
        return iter(self.by_key[key] for key in EDITION_ORDER if key in self.by_key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(edition.key for edition in self)

    def edition_of_module(self, module: str) -> Edition | None:
        """The edition a stored module key belongs to (keys never collide), or the single-exam key's edition."""
        for edition in self:
            if module == edition.exam_key and edition.single_exam:
                return edition
            if any(m.key == module for m in edition.modules):
                return edition
        return None

    def is_exam_key(self, module: str | None) -> bool:
        """True for the key an exam or pass of a whole single-exam edition is stored under ("cpim-8")."""
        return any(e.single_exam and e.exam_key == module for e in self)

    def place_keys(self, module: str, topic: str, edition: str) -> tuple[str, str]:
        """Where a stored (module, topic) counts under an edition: itself if it belongs there, else the
        crosswalk's primary home of that 2017 topic; unknown keys stay as they are."""
        if edition == EDITION_8 and self.edition_of_module(module) is self.by_key.get(EDITION_2017):
            found = self.crosswalk.primary(module, topic)
            if found:
                return found
        return module, topic

    def place(self, question: Question, edition: str) -> tuple[str, str]:
        """The one place a question is given its module and topic under an edition."""
        if edition == EDITION_8:
            if question.cpim8_module and question.cpim8_topic:
                return question.cpim8_module, question.cpim8_topic
            # a question without its own tag (a server's imported one) goes where the crosswalk puts its topic
            return self.place_keys(question.module, question.topic, EDITION_8)
        return question.module, question.topic

    def place_family(self, family: Any, edition: str) -> tuple[str, str]:
        """A generator family's place: its own CPIM 8 tags, or the crosswalk by its 2017 topic."""
        if edition == EDITION_8:
            own = getattr(family, "cpim8_module", None), getattr(family, "cpim8_topic", None)
            if own[0] and own[1]:
                return own[0], own[1]
        return self.place_keys(family.module, family.topic, edition)

    def module_name(self, module: str) -> str:
        """A stored module key as members know it ("DSP", "M4 Supply", "CPIM 8 exam") in whichever edition
        it belongs to: data booked under 2017 stays shown under its 2017 name after a switch."""
        edition = self.edition_of_module(module)
        if edition is None:
            return module
        if edition.single_exam and module == edition.exam_key:
            return f"{edition.name} exam"
        found = edition.syllabus.module(module)
        return found.code if found and edition.key == EDITION_2017 else (found.label if found else module)


# ---- loading --------------------------------------------------------------------------------------------


def _parse_facts(raw_facts: object, where: str, problems: list[str]) -> tuple[FormatFact, ...]:
    facts = []
    for index, raw in enumerate(raw_facts if isinstance(raw_facts, list) else [], start=1):
        here = f"{where} fact #{index}"
        values = [require(raw, key, str, here, problems) for key in ("item", "text", "source", "confidence")]
        as_of = require(raw, "as_of", dt.date, here, problems)
        if None not in values and as_of is not None:
            facts.append(FormatFact(values[0], values[1], as_of, values[2], values[3]))
    if not facts:
        problems.append(f"{where}: no [[facts]] defined")
    return tuple(facts)


def parse_exam(table: dict, syllabus: Syllabus, where: str = "exam.toml") -> tuple[dict[str, Any], ExamFormat,
                                                                                      Weights]:
    """An edition's exam.toml: [edition], [format], [[facts]] and [weights]."""
    problems: list[str] = []
    info = table.get("edition")
    if not isinstance(info, dict):
        raise ContentError([f"{where}: table [edition] is missing"])
    here = f"{where} [edition]"
    edition = {key: require(info, key, str, here, problems)
               for key in ("key", "name", "long_name", "summary", "status", "source")}
    edition["as_of"] = require(info, "as_of", dt.date, here, problems)
    if edition["status"] not in (None, "current", "retired"):
        problems.append(f"{here}: key 'status' must be 'current' or 'retired'")
    raw = table.get("format")
    if not isinstance(raw, dict):
        raise ContentError([*problems, f"{where}: table [format] is missing"])
    here = f"{where} [format]"
    ints = {key: require(raw, key, int, here, problems)
            for key in ("questions", "scored", "minutes", "score_min", "score_max", "pass_score",
                        "maintenance_years")}
    single = require(raw, "single_exam", bool, here, problems)
    prerequisite = require(raw, "prerequisite", bool, here, problems)
    membership = require(raw, "membership_required", bool, here, problems)
    fellowship = require(raw, "fellowship", str, here, problems)
    att = raw.get("att_months")
    points = raw.get("maintenance_points")
    module_questions = raw.get("module_questions", {})
    if not isinstance(module_questions, dict) or not all(isinstance(v, int) for v in module_questions.values()):
        problems.append(f"{here}: 'module_questions' must map module keys to whole numbers")
        module_questions = {}
    for key in module_questions:
        if syllabus.module(key) is None:
            problems.append(f"{here}: module_questions names an unknown module '{key}'")
    if None not in ints.values() and not (ints["score_min"] <= ints["pass_score"] <= ints["score_max"]):
        problems.append(f"{here}: pass_score must lie between score_min and score_max")
    if None not in ints.values() and ints["scored"] > ints["questions"]:
        problems.append(f"{here}: more scored questions than questions")
    facts = _parse_facts(table.get("facts"), where, problems)
    weights = parse_weights(table.get("weights"), syllabus, where, problems)
    if problems:
        raise ContentError(problems)
    exam = ExamFormat(
        single_exam=single, questions=ints["questions"], scored=ints["scored"], minutes=ints["minutes"],
        score_min=ints["score_min"], score_max=ints["score_max"], pass_score=ints["pass_score"],
        att_months=att if isinstance(att, int) else None, prerequisite=prerequisite,
        membership_required=membership, maintenance_points=points if isinstance(points, int) else None,
        maintenance_years=ints["maintenance_years"], fellowship=fellowship,
        module_questions=dict(module_questions), facts=facts,
    )
    return edition, exam, weights


def parse_weights(raw: object, syllabus: Syllabus, where: str, problems: list[str]) -> Weights:
    if not isinstance(raw, dict):
        problems.append(f"{where}: table [weights] is missing")
        return Weights({}, "", "", "")
    here = f"{where} [weights]"
    label = require(raw, "label", str, here, problems) or ""
    source = require(raw, "source", str, here, problems) or ""
    confidence = require(raw, "confidence", str, here, problems) or ""
    modules = raw.get("modules")
    if not isinstance(modules, dict):
        problems.append(f"{here}: table [weights.modules] is missing")
        return Weights({}, label, source, confidence)
    problems.extend(weight_problems(modules, syllabus, here))
    return Weights({k: v for k, v in modules.items() if isinstance(v, int)}, label, source, confidence)


def weight_problems(modules: Mapping[str, object], syllabus: Syllabus, where: str) -> list[str]:
    """Whole percents, one per module of the syllabus, summing to 100."""
    problems = []
    keys = {m.key for m in syllabus.modules}
    for key, value in modules.items():
        if key not in keys:
            problems.append(f"{where}: '{key}' is not a module of this edition (known: {', '.join(sorted(keys))})")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{where}: weight of '{key}' must be a whole percent, 0 or more")
    missing = keys - set(modules)
    if missing:
        problems.append(f"{where}: no weight for {', '.join(sorted(missing))}")
    total = sum(v for v in modules.values() if isinstance(v, int))
    if total != 100:
        problems.append(f"{where}: weights sum to {total}, not 100")
    return problems


def parse_fee_table(table: dict, where: str = "fees.toml") -> FeeTable:
    """[table] scope/look_up_at/note, optional [[entries]] in effect, optional [[history]] for context."""
    problems: list[str] = []
    info = table.get("table")
    if not isinstance(info, dict):
        raise ContentError([f"{where}: table [table] is missing"])
    scope = require(info, "scope", str, f"{where} [table]", problems)
    look_up_at = require(info, "look_up_at", str, f"{where} [table]", problems)
    note = info.get("note", "")
    current: list[FeeEntry] = []
    history: list[FeeEntry] = []
    for key, into in (("entries", current), ("history", history)):
        if table.get(key):
            try:
                into.extend(parse_fees({"entries": table[key]}, f"{where} [{key}]"))
            except ContentError as error:
                problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    return FeeTable(tuple(current), tuple(history), scope, look_up_at, note)


def parse_crosswalk(table: dict, text: str, where: str = "crosswalk.toml") -> Crosswalk:
    problems: list[str] = []
    source = table.get("source")
    if not isinstance(source, dict):
        raise ContentError([f"{where}: table [source] is missing"])
    title = require(source, "title", str, f"{where} [source]", problems)
    as_of = require(source, "as_of", dt.date, f"{where} [source]", problems)
    confidence = require(source, "confidence", str, f"{where} [source]", problems)
    lines = [number for number, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[map]]"]
    entries = []
    for index, raw in enumerate(table.get("map", []) or []):
        line = lines[index] if index < len(lines) else 0
        here = f"{where}:{line}"
        legacy_module, legacy_topic, cpim8_module, cpim8_topic = values = [
            require(raw, key, str, here, problems)
            for key in ("legacy_module", "legacy_topic", "cpim8_module", "cpim8_topic")]
        also = raw.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            problems.append(f"{here}: 'also' must be a list of CPIM 8 module keys")
            also = []
        if None not in values:
            entries.append(CrosswalkEntry(legacy_module, legacy_topic, cpim8_module, cpim8_topic, also=tuple(also),
                                          note=raw.get("note", ""), line=line))
    if not entries:
        problems.append(f"{where}: no [[map]] entries")
    if problems:
        raise ContentError(problems)
    return Crosswalk(tuple(entries), title, as_of, confidence, source.get("note", ""))


def crosswalk_problems(crosswalk: Crosswalk, legacy: Syllabus, current: Syllabus,
                       where: str = "crosswalk.toml") -> list[str]:
    """Every 2017 topic exactly once, each pointing at a real CPIM 8 module and topic."""
    problems = []
    seen: dict[tuple[str, str], int] = {}
    for entry in crosswalk.entries:
        here = f"{where}:{entry.line}: {entry.legacy_module}/{entry.legacy_topic}"
        module = legacy.module(entry.legacy_module)
        if module is None or module.key != entry.legacy_module or module.topic(entry.legacy_topic) is None:
            problems.append(f"{here}: not a 2017 topic")
        key = (entry.legacy_module, entry.legacy_topic)
        if key in seen:
            problems.append(f"{here}: listed again (first at line {seen[key]})")
        seen.setdefault(key, entry.line)
        target = current.module(entry.cpim8_module)
        if target is None or target.key != entry.cpim8_module or target.topic(entry.cpim8_topic) is None:
            problems.append(f"{here}: {entry.cpim8_module}/{entry.cpim8_topic} is not a CPIM 8 topic")
        for other in entry.also:
            found = current.module(other)
            if found is None or found.key != other:
                problems.append(f"{here}: also names an unknown CPIM 8 module '{other}'")
    for module in legacy.modules:
        for topic in module.topics:
            if (module.key, topic.key) not in seen:
                problems.append(f"{where}: 2017 topic {module.key}/{topic.key} is missing")
    return problems


def load_edition(directory: Path, *, key: str) -> Edition:
    """content/editions/<key>/: syllabus.toml, exam.toml, fees.toml."""
    problems: list[str] = []
    syllabus = None
    try:
        syllabus = load_syllabus(directory / "syllabus.toml")
    except ContentError as error:
        problems.extend(f"{key}/{p}" for p in error.problems)
    fees = None
    try:
        fees = parse_fee_table(read_toml(directory / "fees.toml"), "fees.toml")
    except ContentError as error:
        problems.extend(f"{key}/{p}" for p in error.problems)
    info = exam = weights = None
    if syllabus is not None:
        try:
            info, exam, weights = parse_exam(read_toml(directory / "exam.toml"), syllabus)
        except ContentError as error:
            problems.extend(f"{key}/{p}" for p in error.problems)
    if info is not None and info["key"] != key:
        problems.append(f"{key}/exam.toml [edition]: key '{info['key']}' differs from the folder name '{key}'")
    if problems or syllabus is None or fees is None or exam is None or weights is None or info is None:
        raise ContentError(problems)
    return Edition(key=key, name=info["name"], long_name=info["long_name"], summary=info["summary"],
                   status=info["status"], as_of=info["as_of"], source=info["source"], syllabus=syllabus,
                   exam=exam, weights=weights, fees=fees)


def load_editions(directory: Path) -> Editions:
    """content/editions/: both editions and the crosswalk, cross-checked."""
    problems: list[str] = []
    found: dict[str, Edition] = {}
    for key in EDITION_ORDER:
        try:
            found[key] = load_edition(directory / key, key=key)
        except ContentError as error:
            problems.extend(error.problems)
    crosswalk = None
    path = directory / "crosswalk.toml"
    try:
        crosswalk = parse_crosswalk(read_toml(path), path.read_text(encoding="utf-8"), path.name)
    except ContentError as error:
        problems.extend(error.problems)
    if crosswalk is not None and len(found) == len(EDITION_ORDER):
        problems.extend(crosswalk_problems(crosswalk, found[EDITION_2017].syllabus, found[EDITION_8].syllabus))
    if problems or crosswalk is None:
        raise ContentError(problems)
    keys: dict[str, str] = {}
    for edition in found.values():
        for module in edition.modules:
            for name in (module.key, *(t.key for t in module.topics)):
                if name in keys and keys[name] != edition.key:
                    problems.append(f"{edition.key}/syllabus.toml: key '{name}' is also used by {keys[name]}")
                keys.setdefault(name, edition.key)
    if problems:
        raise ContentError(problems)
    return Editions(found, crosswalk)


# ---- checking the bank against both editions ------------------------------------------------------------


def tag_problems(questions: Iterable[Question], editions: Editions,
                 sites: Mapping[str, tuple[str, int]]) -> list[str]:
    """Every question tagged in both editions with known keys; `sites` gives each id's (file, line)."""
    problems = []
    current = editions.get(EDITION_8).syllabus
    for question in questions:
        site = sites.get(question.id)
        where = f"{site[0]}:{site[1]}: {question.id}" if site else question.id
        if not question.cpim8_module or not question.cpim8_topic:
            suggested = "/".join(editions.place_keys(question.module, question.topic, EDITION_8))
            problems.append(f"{where}: no CPIM 8 tag (add `cpim8: {{module: ..., topic: ...}}`; "
                            f"the crosswalk suggests {suggested})")
            continue
        module = current.module(question.cpim8_module)
        if module is None or module.key != question.cpim8_module:
            problems.append(f"{where}: cpim8 module '{question.cpim8_module}' is not a CPIM 8 module "
                            f"(known: {', '.join(m.key for m in current.modules)})")
        elif module.topic(question.cpim8_topic) is None:
            problems.append(f"{where}: cpim8 topic '{question.cpim8_topic}' is not a topic of {module.code} "
                            f"(known: {', '.join(t.key for t in module.topics)})")
    return problems


def coverage_problems(questions: Sequence[Question], editions: Editions,
                      minimum: int = MIN_TOPIC_QUESTIONS) -> list[str]:
    """Each topic of each edition has at least `minimum` written questions."""
    problems = []
    for edition in editions:
        counts: dict[tuple[str, str], int] = {}
        for question in questions:
            place = editions.place(question, edition.key)
            counts[place] = counts.get(place, 0) + 1
        for module in edition.modules:
            for topic in module.topics:
                count = counts.get((module.key, topic.key), 0)
                if count < minimum:
                    problems.append(f"{edition.key}/syllabus.toml: topic {module.key}/{topic.key} has "
                                    f"{count} question(s), fewer than {minimum}")
    return problems


def family_problems(families: Iterable[Any], editions: Editions) -> list[str]:
    """Each generator family belongs to a topic of each edition."""
    problems = []
    for family in families:
        for edition in editions:
            module_key, topic_key = editions.place_family(family, edition.key)
            module = edition.syllabus.module(module_key)
            if module is None or module.key != module_key or module.topic(topic_key) is None:
                problems.append(f"generator {family.name}: {module_key}/{topic_key} is not a {edition.name} topic")
    return problems


# ---- weighting --------------------------------------------------------------------------------------------


def quotas(weights: Mapping[str, int | float], total: int) -> dict[str, int]:
    """Split `total` items over modules in proportion to their weights (largest remainder, ties in order)."""
    positive = {key: float(value) for key, value in weights.items() if value > 0}
    whole = sum(positive.values())
    if total <= 0 or not whole:
        return {key: 0 for key in weights}
    exact = {key: total * value / whole for key, value in positive.items()}
    result = {key: int(value) for key, value in exact.items()}
    order = sorted(exact, key=lambda key: -(exact[key] - result[key]))
    for key in order[: total - sum(result.values())]:
        result[key] += 1
    return {key: result.get(key, 0) for key in weights}


def weighted_pick(weights: Mapping[str, int | float], unit: float) -> str | None:
    """The module a number in [0, 1) falls on when modules take their weight's share of the line."""
    total = sum(value for value in weights.values() if value > 0)
    if not total:
        return None
    point = unit * total
    for key, value in weights.items():
        if value <= 0:
            continue
        if point < value:
            return key
        point -= value
    return next(key for key, value in reversed(list(weights.items())) if value > 0)


def group_by_place(items: Iterable[tuple[str, str, int, int]], editions: Editions,
                   edition: str) -> dict[str, tuple[int, int]]:
    """(stored module, stored topic, answered, right) rows summed per module of an edition."""
    totals: dict[str, tuple[int, int]] = {}
    for module, topic, answered, right in items:
        key = editions.place_keys(module, topic, edition)[0]
        seen, correct = totals.get(key, (0, 0))
        totals[key] = (seen + answered, correct + right)
    return totals


Placer = Callable[[Question], tuple[str, str]]


@dataclass(frozen=True)
class Lens:
    """The bank and the stored records seen through one edition: what every screen renders with.

    `module(key)` finds a module of this edition first, then of the edition a stored key belongs to, so a
    session, exam or pass recorded under the other edition still shows its own name."""

    editions: Editions
    edition: Edition

    @property
    def key(self) -> str:
        return self.edition.key

    @property
    def modules(self) -> tuple[Module, ...]:
        return self.edition.modules

    def place(self, question: Question) -> tuple[str, str]:
        return self.editions.place(question, self.edition.key)

    def place_keys(self, module: str, topic: str) -> tuple[str, str]:
        return self.editions.place_keys(module, topic, self.edition.key)

    def module(self, key: str) -> Module | None:
        found = self.edition.syllabus.module(key)
        if found is not None:
            return found
        owner = self.editions.edition_of_module(key)
        return owner.syllabus.module(key) if owner is not None else None

    def module_name(self, key: str) -> str:
        return self.editions.module_name(key)

    def topic_name(self, module: str, topic: str) -> str:
        found = self.module(module)
        named = found.topic(topic) if found else None
        return named.name if named else topic


def weighted_modules(weights: Mapping[str, int | float], count: int, draw: Callable[[], float]) -> dict[str, int]:
    """How many of `count` questions each module gets when each question's module is drawn by weight."""
    result = {key: 0 for key in weights}
    for _ in range(count):
        key = weighted_pick(weights, draw())
        if key is not None:
            result[key] += 1
    return result
