"""CPIM exam fees: dated entries, the one in effect on a day, and what a certification path costs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from study.content_errors import ContentError, read_toml, require
from study.errors import UserInputError

MAX_FEE = 100_000


class FeeInputError(UserInputError):
    """A fee entry a person typed that cannot be accepted; str() says why in plain words."""


@dataclass(frozen=True)
class FeeEntry:
    effective: dt.date
    member: int
    non_member: int
    currency: str = "USD"
    scope: str = "per module exam"
    source: str = ""
    confidence: str = "unverified"
    note: str = ""
    added_by_guild: bool = False
    bundle: int | None = None  # learning system + exam, if the entry gives one (CPIM 8)

    def fee(self, membership: str) -> int:
        return self.member if membership == "member" else self.non_member

    @property
    def saving_per_module(self) -> int:
        return self.non_member - self.member


@dataclass(frozen=True)
class PathCost:
    """What the modules still to pass cost under one fee entry."""

    entry: FeeEntry
    modules_total: int
    modules_remaining: int

    @property
    def member_total(self) -> int:
        return self.entry.member * self.modules_remaining

    @property
    def non_member_total(self) -> int:
        return self.entry.non_member * self.modules_remaining

    @property
    def member_saving(self) -> int:
        return self.non_member_total - self.member_total


def validate_fee_input(member: int, non_member: int, effective: dt.date, today: dt.date,
                       currency: str = "USD") -> None:
    """Refuse fee entries that are surely typos: negative, absurd, member dearer, far future."""
    if member <= 0 or non_member <= 0:
        raise FeeInputError("Fees must be positive whole amounts.")
    if member > MAX_FEE or non_member > MAX_FEE:
        raise FeeInputError(f"Fees above {MAX_FEE:,} per module look like a typo; nothing was saved.")
    if member > non_member:
        raise FeeInputError("The member fee cannot be higher than the non-member fee.")
    if effective.year < 1973:
        raise FeeInputError("CPIM did not exist before 1973; check the effective date.")
    if effective > today + dt.timedelta(days=366 * 2):
        raise FeeInputError("The effective date is more than two years ahead; check it.")
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise FeeInputError("The currency must be a three-letter code such as USD.")


def parse_date(text: str) -> dt.date:
    """Parse YYYY-MM-DD strictly; anything else is a FeeInputError with an example."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise FeeInputError(f"'{text}' is not a date; use YYYY-MM-DD, e.g. 2027-01-01.") from None


def entry_in_effect(entries: list[FeeEntry], on: dt.date) -> FeeEntry | None:
    """The entry with the latest effective date on or before the day; a guild's own entry wins ties."""
    current = [entry for entry in entries if entry.effective <= on]
    if not current:
        return None
    return max(current, key=lambda entry: (entry.effective, entry.added_by_guild))


def path_cost(entry: FeeEntry, modules_total: int, modules_passed: int = 0) -> PathCost:
    remaining = max(modules_total - modules_passed, 0)
    return PathCost(entry, modules_total, remaining)


def parse_fees(table: dict, where: str = "fees.toml") -> list[FeeEntry]:
    problems: list[str] = []
    entries: list[FeeEntry] = []
    raw_entries = table.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise ContentError([f"{where}: no [[entries]] defined"])
    for index, raw in enumerate(raw_entries, start=1):
        here = f"{where} entry #{index}"
        effective = require(raw, "effective", dt.date, here, problems)
        member = require(raw, "member", int, here, problems)
        non_member = require(raw, "non_member", int, here, problems)
        if None in (effective, member, non_member):
            continue
        try:
            validate_fee_input(member, non_member, effective, today=effective, currency=raw.get("currency", "USD"))
        except FeeInputError as error:
            problems.append(f"{here}: {error}")
            continue
        entries.append(FeeEntry(
            effective=effective, member=member, non_member=non_member,
            currency=raw.get("currency", "USD"), scope=raw.get("scope", "per module exam"),
            source=raw.get("source", ""), confidence=raw.get("confidence", "unverified"),
            note=raw.get("note", ""),
        ))
    dates = [entry.effective for entry in entries]
    if len(dates) != len(set(dates)):
        problems.append(f"{where}: two entries share an effective date")
    if problems:
        raise ContentError(problems)
    return entries


def load_fees(path: Path) -> list[FeeEntry]:
    return parse_fees(read_toml(path), path.name)
