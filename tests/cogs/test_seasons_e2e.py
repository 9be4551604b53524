"""Seasons and champions end to end: /leaderboard season, the season-end post in the daily channel (once), the
champion role moved to the winner(s), with a tie, a winner who left, and the bot missing Manage Roles."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import discord
import pytest

from simulator.errors import FakeDiscordError
from tests.cogs.test_daily_e2e import answer, idle, post_now, rows, set_up, wait_for_posts
from tests.conftest import World

UTC = dt.UTC
THURSDAY = dt.datetime(2026, 11, 26, 8, tzinfo=UTC)
DEC_1 = dt.datetime(2026, 12, 1, 8, tzinfo=UTC)


def season_posts(world: World) -> list[dict]:
    return [m["embeds"][0] for m in world.fake.channel_messages(world.channel)
            if m["embeds"] and m["embeds"][0]["title"].startswith("🏆 Season over")]


def field(embed: dict, name: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"] == name)


def champion_role(world: World, *, manage_roles: bool = True, below_bot: bool = True):
    role = world.fake.add_role(world.guild, "Champion")
    bot_role = world.guild.roles[world.guild.bot_role_id]
    if below_bot:
        bot_role.position = 99
    world.fake.set_bot_permissions(world.guild, discord.Permissions(manage_roles=manage_roles))
    return role


def has_role(world: World, user, role) -> bool:
    member = world.guild.members.get(user.id)
    return member is not None and role.id in member.roles


async def play_november(world: World, script: dict) -> None:
    """Thursday 26 Nov's post, answered as scripted (True right, False wrong), then 1 Dec's first post."""
    await set_up(world, time="08:00", timezone="UTC", days="daily", reveal_after=12)
    world.clock.set(THURSDAY)
    post = (await wait_for_posts(world, 1))[0]
    for user, right in script.items():
        await answer(world, post, user, right=right)


async def test_the_season_board_follows_the_configured_length(world: World):
    await set_up(world)
    post = await post_now(world)
    await answer(world, post, world.member, right=True)
    board = await world.fake.slash(world.member, world.channel, "leaderboard", period="season")
    assert board.embeds[0]["title"] == "Daily leaderboard · this season (November 2026)"
    assert board.embeds[0]["description"] == "**1.** bob · 1 right of 1 (100%)"
    changed = await world.fake.slash(world.admin, world.channel, "admin settings season", months=3)
    assert "**Oct – Dec 2026**" in changed.content
    board = await world.fake.slash(world.member, world.channel, "leaderboard", period="season")
    assert board.embeds[0]["title"] == "Daily leaderboard · this season (Oct – Dec 2026)"
    assert rows(world, "SELECT season_months FROM guild_settings") == [(3,)]


async def test_a_tie_crowns_both_and_the_role_moves_to_them_once(world: World):
    role = champion_role(world)
    said = await world.fake.slash(world.admin, world.channel, "admin settings champion-role", role=role)
    assert "goes to each season's champion" in said.content and "⚠️" not in said.content
    await play_november(world, {world.member: True, world.other: True, world.admin: False})
    world.clock.set(DEC_1)
    await wait_for_posts(world, 2)
    await idle(world)
    [end] = season_posts(world)
    assert end["title"] == "🏆 Season over · November 2026 · final board"
    assert "bob" in field(end, "Champions") and "cy" in field(end, "Champions")
    assert "(a shared first place)" in field(end, "Champions")
    assert f"<@&{role.id}> now goes to the season's champions." == field(end, "Champion role")
    assert has_role(world, world.member, role) and has_role(world, world.other, role)
    assert not has_role(world, world.admin, role)
    assert sorted(rows(world, "SELECT user_id, right_count, given_role FROM season_champions")) == sorted(
        [(world.member.id, 1, 1), (world.other.id, 1, 1)])
    # the season's end is said once: the next days' posts do not repeat it, nor does a restart
    await world.restart()
    for day in (2, 3):
        world.clock.set(DEC_1 + dt.timedelta(days=day - 1))
        await wait_for_posts(world, day + 1)
        await idle(world)
    assert len(season_posts(world)) == 1


async def test_a_winner_who_left_is_named_and_the_best_member_still_here_gets_the_role(world: World):
    role = champion_role(world)
    await world.fake.slash(world.admin, world.channel, "admin settings champion-role", role=role)
    await play_november(world, {world.member: True, world.other: False, world.admin: False})
    world.fake.remove_member(world.guild, world.member)
    world.clock.set(DEC_1)
    await wait_for_posts(world, 2)
    await idle(world)
    [end] = season_posts(world)
    # nobody still here answered right: no champion, and bob is named
    assert "Placed first but left the server" in [f["name"] for f in end["fields"]]
    assert field(end, "Champion") == "Nobody this season."
    assert "Nobody still here won" in field(end, "Champion role")
    assert not has_role(world, world.other, role)


async def test_the_runner_up_still_here_wins_when_the_first_left(world: World):
    role = champion_role(world)
    await world.fake.slash(world.admin, world.channel, "admin settings champion-role", role=role)
    await set_up(world, time="08:00", timezone="UTC", days="daily", reveal_after=12)
    for day, script in enumerate([{world.member: True, world.other: True}, {world.member: True, world.other: False}]):
        world.clock.set(THURSDAY + dt.timedelta(days=day))
        post = (await wait_for_posts(world, day + 1))[day]
        for user, right in script.items():
            await answer(world, post, user, right=right)
    world.fake.remove_member(world.guild, world.member)
    world.clock.set(DEC_1)
    await wait_for_posts(world, 3)
    await idle(world)
    [end] = season_posts(world)
    assert "cy" in field(end, "Champion")
    assert field(end, "Placed first but left the server").startswith("bob: well played")
    assert has_role(world, world.other, role)


@pytest.mark.parametrize(("manage_roles", "below_bot", "said"), [
    (False, True, "missing the **Manage Roles** permission"),
    (True, False, "not below my highest role"),
])
async def test_a_role_the_bot_may_not_move_is_said_in_the_post(world: World, manage_roles, below_bot, said):
    role = champion_role(world, manage_roles=manage_roles, below_bot=below_bot)
    warned = await world.fake.slash(world.admin, world.channel, "admin settings champion-role", role=role)
    assert "⚠️" in warned.content
    await play_november(world, {world.member: True})
    world.clock.set(DEC_1)
    await wait_for_posts(world, 2)
    await idle(world)
    [end] = season_posts(world)
    assert "bob" in field(end, "Champion") and said in field(end, "Champion role")
    assert not has_role(world, world.member, role)
    assert rows(world, "SELECT user_id, given_role FROM season_champions") == [(world.member.id, 0)]


async def test_season_settings_are_for_admins_even_when_a_server_opens_them_up(world: World):
    with pytest.raises(FakeDiscordError):
        await world.fake.slash(world.member, world.channel, "admin settings season", months=3)
    world.fake.enforce_default_member_permissions = False
    for name, options in (("admin settings season", {"months": 3}), ("admin settings champion-role", {})):
        refused = await world.fake.slash(world.member, world.channel, name, **options)
        assert "Manage Server" in refused.content
    assert rows(world, "SELECT COUNT(*) FROM guild_settings WHERE season_months IS NOT NULL") == [(0,)]


async def test_mydata_and_forgetme_cover_the_champions(world: World):
    await play_november(world, {world.member: True})
    world.clock.set(DEC_1)
    await wait_for_posts(world, 2)
    await idle(world)
    assert rows(world, "SELECT user_id FROM season_champions") == [(world.member.id,)]
    data = (await world.fake.slash(world.member, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("my-data.json"))
    [crowned] = document["tables"]["season_champions"]
    assert crowned["season_start"] == "2026-11-01" and crowned["right_count"] == 1
    assert document["tables"]["daily_answers"]  # the archive and freezes read these, nothing new stored
    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    await world.fake.click(world.member, prompt.message, world.fake.find_button(prompt.message, "Delete my data"))
    assert rows(world, "SELECT COUNT(*) FROM season_champions") == [(0,)]
    # the season's end stays recorded for the server, so it is not posted again
    assert rows(world, "SELECT season_start FROM season_ends") == [("2026-11-01",)]


async def test_next_season_the_role_leaves_the_old_champion_for_the_new_one(world: World):
    role = champion_role(world)
    await world.fake.slash(world.admin, world.channel, "admin settings champion-role", role=role)
    await play_november(world, {world.member: True})
    world.clock.set(DEC_1)
    post = (await wait_for_posts(world, 2))[1]
    await idle(world)
    assert has_role(world, world.member, role)
    await answer(world, post, world.other, right=True)
    await answer(world, post, world.member, right=False)
    world.clock.set(dt.datetime(2027, 1, 1, 8, tzinfo=UTC))
    await wait_for_posts(world, 3)
    await idle(world)
    november, december = season_posts(world)
    assert november["title"].endswith("November 2026 · final board") and "cy" in field(december, "Champion")
    assert december["title"] == "🏆 Season over · December 2026 · final board"
    assert has_role(world, world.other, role) and not has_role(world, world.member, role)


async def test_a_season_end_discord_refused_is_posted_with_the_next_daily_post(world: World):
    await play_november(world, {world.member: True})
    world.clock.set(DEC_1)
    world.fake.fail_next("POST", rf"/channels/{world.channel.id}/messages$", 400, times=1)  # the season end
    await wait_for_posts(world, 2)
    await idle(world)
    assert season_posts(world) == [] and rows(world, "SELECT COUNT(*) FROM season_ends") == [(0,)]
    world.clock.set(DEC_1 + dt.timedelta(days=1))
    await wait_for_posts(world, 3)
    await idle(world)
    [end] = season_posts(world)
    assert "bob" in field(end, "Champion")
    assert rows(world, "SELECT season_start, message_id IS NOT NULL FROM season_ends") == [("2026-11-01", 1)]
