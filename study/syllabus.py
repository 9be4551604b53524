"""The CPIM syllabus as data: modules, their topics, and where that structure comes from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from study.content_errors import ContentError, read_toml, require
from study.errors import UserInputError


@dataclass(frozen=True)
class Topic:
    key: str
    name: str
    covers: str


@dataclass(frozen=True)
class Module:
    key: str
    code: str
    name: str
    summary: str
    topics: tuple[Topic, ...]

    def topic(self, key: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.key == key), None)

    @property
    def label(self) -> str:
        return f"{self.code}: {self.name}"


@dataclass(frozen=True)
class Syllabus:
    modules: tuple[Module, ...]
    source_title: str
    source_url: str
    as_of: dt.date
    note: str

    def module(self, key: str) -> Module | None:
        """Find a module by key, code or full name, case-insensitively."""
        wanted = key.strip().lower()
        for module in self.modules:
            if wanted in (module.key, module.code.lower(), module.name.lower()):
                return module
        return None

    def search(self, text: str, limit: int = 25) -> list[Module]:
        """Modules whose key, code or name contains the text: what autocomplete offers."""
        wanted = text.strip().lower()
        hits = [m for m in self.modules
                if not wanted or wanted in m.key or wanted in m.code.lower() or wanted in m.name.lower()]
        return hits[:limit]

    def topic_count(self) -> int:
        return sum(len(module.topics) for module in self.modules)


def require_module(syllabus: Syllabus, text: str, also: Callable[[str], Module | None] | None = None) -> Module:
    """The module a member named (key, code or full name, any case) in `syllabus`, else what `also` finds for
    the stripped, lower-cased text (e.g. `Lens.module`: a stored key of the other edition). Anything else is the
    one error every command gives for an unknown module, listing the syllabus' codes."""
    found = syllabus.module(text)
    if found is None and also is not None:
        found = also(text.strip().lower())
    if found is None:
        raise UserInputError(f"I don't know a module called '{text}'. "
                             f"Pick one of: {', '.join(m.code for m in syllabus.modules)}.")
    return found


def parse_syllabus(table: dict, where: str = "syllabus.toml") -> Syllabus:
    problems: list[str] = []
    source = table.get("source")
    if not isinstance(source, dict):
        problems.append(f"{where}: table [source] is missing")
        source = {}
    title = require(source, "title", str, f"{where} [source]", problems)
    url = require(source, "url", str, f"{where} [source]", problems)
    as_of = require(source, "as_of", dt.date, f"{where} [source]", problems)
    note = source.get("note", "")
    modules: list[Module] = []
    raw_modules = table.get("modules")
    if not isinstance(raw_modules, list) or not raw_modules:
        problems.append(f"{where}: no [[modules]] defined")
        raw_modules = []
    seen_modules: set[str] = set()
    for index, raw in enumerate(raw_modules, start=1):
        here = f"{where} module #{index}"
        key = require(raw, "key", str, here, problems)
        if key:
            here = f"{where} module '{key}'"
            if key in seen_modules:
                problems.append(f"{here}: duplicate module key")
            seen_modules.add(key)
        code = require(raw, "code", str, here, problems)
        name = require(raw, "name", str, here, problems)
        summary = require(raw, "summary", str, here, problems)
        topics: list[Topic] = []
        seen_topics: set[str] = set()
        for t_index, raw_topic in enumerate(raw.get("topics", []), start=1):
            t_here = f"{here} topic #{t_index}"
            t_key = require(raw_topic, "key", str, t_here, problems)
            t_name = require(raw_topic, "name", str, t_here, problems)
            covers = raw_topic.get("covers", "")
            if t_key in seen_topics:
                problems.append(f"{here}: duplicate topic key '{t_key}'")
            seen_topics.add(t_key)
            if t_key and t_name:
                topics.append(Topic(t_key, t_name, covers))
        if not topics:
            problems.append(f"{here}: has no topics")
        if key and code and name and summary:
            modules.append(Module(key, code, name, summary, tuple(topics)))
    if problems:
        raise ContentError(problems)
    return Syllabus(tuple(modules), title, url, as_of, note)


def load_syllabus(path: Path) -> Syllabus:
    return parse_syllabus(read_toml(path), path.name)
