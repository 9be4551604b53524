"""Facts about the CPIM certification, each with its as-of date and source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from study.content_errors import ContentError, read_toml, require


@dataclass(frozen=True)
class Fact:
    topic: str
    text: str
    as_of: dt.date
    source: str
    era: str | None = None

    @property
    def is_historical(self) -> bool:
        """True for facts about the 2017 five-module exam that do not describe today's exam."""
        return self.era == "2017"


@dataclass(frozen=True)
class CertificationFacts:
    name: str
    long_name_2017: str
    long_name_current: str
    current_format: str
    current_format_as_of: dt.date
    current_format_source: str
    confirm_prices_at: str
    facts: tuple[Fact, ...]


def parse_facts(table: dict, where: str = "cpim.toml") -> CertificationFacts:
    problems: list[str] = []
    cert = table.get("certification")
    if not isinstance(cert, dict):
        raise ContentError([f"{where}: table [certification] is missing"])
    here = f"{where} [certification]"
    values = {key: require(cert, key, str, here, problems)
              for key in ("name", "long_name_2017", "long_name_current", "current_format",
                          "current_format_source", "confirm_prices_at")}
    as_of = require(cert, "current_format_as_of", dt.date, here, problems)
    facts: list[Fact] = []
    for index, raw in enumerate(table.get("facts", []), start=1):
        f_here = f"{where} fact #{index}"
        topic = require(raw, "topic", str, f_here, problems)
        text = require(raw, "text", str, f_here, problems)
        fact_date = require(raw, "as_of", dt.date, f_here, problems)
        source = require(raw, "source", str, f_here, problems)
        if topic and text and fact_date and source:
            facts.append(Fact(topic, text, fact_date, source, raw.get("era")))
    if not facts:
        problems.append(f"{where}: no [[facts]] defined")
    if problems:
        raise ContentError(problems)
    return CertificationFacts(current_format_as_of=as_of, facts=tuple(facts), **values)


def load_facts(path: Path) -> CertificationFacts:
    return parse_facts(read_toml(path), path.name)
