"""The ping check used by every end-to-end test reads allowed_mentions the way Discord does."""

from tests.mentions import pings_in


def test_without_allowed_mentions_everything_in_the_content_pings():
    found = pings_in("@everyone see <@12> and <@!13> and <@&14>", None)
    assert found == ["@everyone", "<@12>", "<@13>", "<@&14>"]


def test_allowed_mentions_none_pings_nobody():
    assert pings_in("@everyone @here <@12> <@&14>", {"parse": []}) == []


def test_listed_users_and_roles_still_ping():
    assert pings_in("<@12> <@13> <@&14>", {"parse": [], "users": ["12"], "roles": [14]}) == ["<@12>", "<@&14>"]
