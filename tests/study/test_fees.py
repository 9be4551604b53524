import datetime as dt
from pathlib import Path

import pytest

from study.content_errors import ContentError
from study.fees import (
    FeeEntry,
    FeeInputError,
    entry_in_effect,
    load_fees,
    parse_date,
    parse_fees,
    path_cost,
    validate_fee_input,
)

CONTENT = Path(__file__).resolve().parents[2] / "content" / "editions" / "cpim-2017"


def test_shipped_fee_table_is_the_2017_article_figures():
    entries = load_fees(CONTENT / "fees.toml")
    entry = entry_in_effect(entries, dt.date(2026, 11, 25))
    assert (entry.member, entry.non_member, entry.currency) == (120, 155, "USD")
    assert entry.effective == dt.date(2017, 1, 1)
    assert entry.source and entry.confidence == "unverified"


def test_whole_certification_totals_and_saving():
    cost = path_cost(FeeEntry(dt.date(2017, 1, 1), 120, 155), modules_total=5)
    assert (cost.member_total, cost.non_member_total, cost.member_saving) == (600, 775, 175)


def test_remaining_modules_cost_less():
    cost = path_cost(FeeEntry(dt.date(2017, 1, 1), 120, 155), modules_total=5, modules_passed=3)
    assert (cost.modules_remaining, cost.member_total, cost.non_member_total) == (2, 240, 310)


def test_entry_in_effect_is_the_latest_on_or_before_the_day():
    old = FeeEntry(dt.date(2012, 1, 1), 110, 145)
    mid = FeeEntry(dt.date(2017, 1, 1), 120, 155)
    future = FeeEntry(dt.date(2027, 6, 1), 200, 260)
    entries = [future, old, mid]
    assert entry_in_effect(entries, dt.date(2016, 12, 31)) is old
    assert entry_in_effect(entries, dt.date(2017, 1, 1)) is mid
    assert entry_in_effect(entries, dt.date(2027, 6, 1)) is future
    assert entry_in_effect(entries, dt.date(2000, 1, 1)) is None


def test_guild_entry_wins_a_tie_with_the_shipped_one():
    shipped = FeeEntry(dt.date(2017, 1, 1), 120, 155)
    local = FeeEntry(dt.date(2017, 1, 1), 125, 160, added_by_guild=True)
    assert entry_in_effect([local, shipped], dt.date(2020, 1, 1)) is local


@pytest.mark.parametrize(
    ("member", "non_member", "effective", "currency", "why"),
    [
        (-5, 155, dt.date(2027, 1, 1), "USD", "positive"),
        (0, 155, dt.date(2027, 1, 1), "USD", "positive"),
        (200, 155, dt.date(2027, 1, 1), "USD", "cannot be higher"),
        (120, 155_000, dt.date(2027, 1, 1), "USD", "typo"),
        (120, 155, dt.date(1960, 1, 1), "USD", "1973"),
        (120, 155, dt.date(2040, 1, 1), "USD", "two years"),
        (120, 155, dt.date(2027, 1, 1), "dollars", "three-letter"),
    ],
)
def test_bad_fee_input_is_refused_with_a_reason(member, non_member, effective, currency, why):
    with pytest.raises(FeeInputError, match=why):
        validate_fee_input(member, non_member, effective, dt.date(2026, 11, 25), currency)


def test_dates_must_be_iso():
    assert parse_date(" 2027-01-01 ") == dt.date(2027, 1, 1)
    with pytest.raises(FeeInputError, match="YYYY-MM-DD"):
        parse_date("next tuesday")
    with pytest.raises(FeeInputError):
        parse_date("2027-02-30")


def test_fee_file_problems_name_the_entry():
    with pytest.raises(ContentError) as raised:
        parse_fees({"entries": [{"effective": dt.date(2017, 1, 1), "member": "120", "non_member": 155}]})
    assert "fees.toml entry #1: key 'member' must be int, got str" in str(raised.value)
