import datetime as dt

import pytest

from study.daily import MemberTally, rank_members
from study.errors import UserInputError
from study.seasons import champions, previous_season, season_of

D = dt.date


def test_the_default_season_is_the_calendar_month():
    season = season_of(D(2026, 11, 30))
    assert (season.start, season.end, season.label) == (D(2026, 11, 1), D(2026, 11, 30), "November 2026")
    assert season_of(D(2024, 2, 10)).end == D(2024, 2, 29)
    assert previous_season(D(2026, 1, 1)) == season_of(D(2025, 12, 31))


@pytest.mark.parametrize(("months", "day", "start", "end"), [
    (3, D(2026, 11, 30), D(2026, 10, 1), D(2026, 12, 31)),
    (2, D(2026, 1, 5), D(2026, 1, 1), D(2026, 2, 28)),
    (12, D(2026, 7, 1), D(2026, 1, 1), D(2026, 12, 31)),
    (6, D(2026, 1, 1), D(2026, 1, 1), D(2026, 6, 30)),
])
def test_longer_seasons_are_aligned_on_the_calendar(months, day, start, end):
    season = season_of(day, months)
    assert (season.start, season.end) == (start, end)
    assert previous_season(day, months).end == start - dt.timedelta(days=1)


def test_a_season_length_out_of_range_is_refused():
    for months in (0, 5, 13):
        with pytest.raises(UserInputError):
            season_of(D(2026, 1, 1), months)


def _ranked(*rows):
    return rank_members(MemberTally(user, answered, right) for user, answered, right in rows)


def test_a_tie_crowns_every_member_sharing_first_place():
    result = champions(_ranked((1, 4, 3), (2, 4, 3), (3, 4, 2)), present={1, 2, 3})
    assert [row.tally.user_id for row in result.winners] == [1, 2] and result.departed == ()


def test_a_winner_who_left_is_named_and_the_best_member_still_here_wins():
    result = champions(_ranked((1, 5, 5), (2, 4, 3), (3, 4, 3)), present={2, 3})
    assert [row.tally.user_id for row in result.winners] == [2, 3]
    assert [row.tally.user_id for row in result.departed] == [1]


def test_nobody_wins_without_a_right_answer_or_when_everyone_left():
    assert champions(_ranked((1, 3, 0)), present={1}).winners == ()
    gone = champions(_ranked((1, 3, 2)), present=set())
    assert gone.winners == () and [row.tally.user_id for row in gone.departed] == [1]


def test_att_validity_counts_calendar_months_and_clamps_short_months():
    from study.countdown import add_months, att_valid_until, days_phrase

    assert add_months(D(2026, 8, 31), 6) == D(2027, 2, 28)
    assert add_months(D(2027, 8, 31), 6) == D(2028, 2, 29)
    assert att_valid_until(D(2026, 11, 25), 6) == D(2027, 5, 24)
    assert att_valid_until(D(2026, 12, 1), 1) == D(2026, 12, 31)
    today = D(2026, 11, 30)
    assert [days_phrase(d, today) for d in (D(2026, 11, 29), today, D(2026, 12, 1), D(2026, 12, 10))] == [
        "1 day ago", "today", "tomorrow", "in **10** days"]
