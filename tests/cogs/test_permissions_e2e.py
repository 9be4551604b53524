"""Who sees and who may run each command, read from the tree the bot synced to the fake Discord.

Issue 13's rule for every feature: a member-facing command is visible to a member with no server setting
changed (its synced default_member_permissions is empty), and every organizer command is refused at run time
to a member even when a server opens it to everyone in Server Settings → Integrations. The second test runs
every leaf of every restricted command as a plain member with Discord's gate off, and checks the refusal came
before anything was written.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import discord

from tests.cogs.test_long_text_e2e import VALID, _leaves
from tests.conftest import World

MANAGE_GUILD = str(discord.Permissions(manage_guild=True).value)
# the member-facing commands of issue 13 (group play), beside the older member commands
GROUP_PLAY_FOR_MEMBERS = {"contribute", "my-submissions", "daily-archive", "streak", "leaderboard", "countdown",
                          "countdown-sharing"}
GROUP_PLAY_FOR_ORGANIZERS = {"quiz-live", "questions", "countdown-board", "group"}
REFUSALS = ("You need the **Manage Server** permission", "Only organizers")


def _registered(world: World) -> dict[str, dict]:
    return {command["name"]: command for command in world.fake.registered_commands()}


def _value(world: World, option: dict) -> Any:
    if option.get("choices"):
        return option["choices"][0]["value"]
    kind = option["type"]
    if kind == 3:
        return str(VALID.get(option["name"], "dsp"))
    if kind in (4, 10):
        return option.get("min_value", 1)
    if kind == 5:
        return True
    if kind == 6:
        return world.other
    if kind == 7:
        return world.channel
    if kind == 8:
        return world.fake.add_role(world.guild, "Some role")
    if kind == 11:
        return ("bank.csv", b"id,module\n")
    raise AssertionError(f"no sample value for option type {kind}")


def _table_counts(world: World) -> dict[str, int]:
    with sqlite3.connect(world.config.database_path) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}


async def test_every_member_command_is_visible_without_any_server_setting(world: World):
    registered = _registered(world)
    restricted = {name for name, command in registered.items() if command["default_member_permissions"]}
    assert set(registered) >= GROUP_PLAY_FOR_MEMBERS
    assert not GROUP_PLAY_FOR_MEMBERS & restricted
    # the organizer commands are the only ones Discord hides by default, and it hides them behind Manage Server
    assert restricted >= GROUP_PLAY_FOR_ORGANIZERS
    assert {registered[name]["default_member_permissions"] for name in restricted} == {MANAGE_GUILD}
    open_to_members = [registered[name] for name in sorted(set(registered) - restricted)]
    for leaf, options in _leaves(open_to_members):  # a plain member can run each of these
        arguments = {o["name"]: _value(world, o) for o in options if o.get("required")}
        result = await world.fake.slash(world.member, world.channel, leaf, **arguments)
        shown = ((result.content or "") + "".join(e.get("title") or "" for e in result.embeds)
                 + ((result.modal or {}).get("title") or ""))
        assert shown and not any(refusal in shown for refusal in REFUSALS), (leaf, shown)


async def test_every_organizer_command_is_refused_to_a_member_even_when_the_server_opens_it(world: World):
    registered = _registered(world)
    restricted = [registered[name] for name in sorted(registered) if registered[name]["default_member_permissions"]]
    leaves = _leaves(restricted)
    assert {leaf.split()[0] for leaf, _ in leaves} >= GROUP_PLAY_FOR_ORGANIZERS
    assert {"quiz-live", "questions review", "countdown-board post", "countdown-board off",
            "countdown-board show", "group progress"} <= {leaf for leaf, _ in leaves}
    world.fake.enforce_default_member_permissions = False  # the server opened every command to everyone
    before = _table_counts(world)
    for leaf, options in leaves:
        arguments = {o["name"]: _value(world, o) for o in options if o.get("required")}
        result = await world.fake.slash(world.member, world.channel, leaf, **arguments)
        assert result.ephemeral and any(refusal in (result.content or "") for refusal in REFUSALS), (
            leaf, result.content)
    assert _table_counts(world) == before  # refused before anything was written
    assert world.fake.channel_messages(world.channel) == []  # and nothing was posted
