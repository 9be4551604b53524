"""The organizers' pinned exam countdown end to end: pinned in a channel, edited each morning in the server's time
zone (across a restart), only members who opted in, a deleted message posted again once then stopped, turned
off, refused to members whatever the server opens up, and covered by /mydata and /forgetme."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import discord

from cogs.countdown import ORGANIZERS_ONLY
from cogs.ui.countdown_views import REPLACED_NOTE, STOPPED_NOTE
from tests.cogs.dm_helpers import advance_to, rows
from tests.conftest import World

UTC = dt.UTC
PIN = discord.Permissions(pin_messages=True)
# the clock starts on Wednesday 25 Nov 2026 12:00 UTC; the server is in Europe/Berlin (UTC+1 in winter)
MORNING = dt.datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


async def setup_group(world: World) -> None:
    """Berlin time, two members with exam dates; bob lists his on the board, cy does not."""
    world.fake.set_bot_permissions(world.guild, PIN)
    await world.fake.slash(world.admin, world.channel, "admin settings timezone", zone="Europe/Berlin")
    await world.fake.slash(world.admin, world.channel, "admin settings edition", edition="cpim-8")
    await world.fake.slash(world.member, world.channel, "exam set", date="2026-12-10")
    await world.fake.slash(world.other, world.channel, "exam set", date="2026-12-05")
    result = await world.fake.slash(world.member, world.channel, "countdown-sharing", share="on")
    assert "now listed" in result.content and "no organizer has pinned one yet" in result.content


async def post_board(world: World, **options) -> dict:
    result = await world.fake.slash(world.admin, world.channel, "countdown-board post", channel=world.channel,
                                    **options)
    assert result.ephemeral and "📌 The exam countdown is pinned in" in result.content, result.content
    return board_message(world)


def board_message(world: World) -> dict:
    pinned = world.fake.pinned_messages(world.channel)
    assert len(pinned) == 1, pinned
    return pinned[0]


async def edited(world: World, board: dict, check) -> str:
    """The board's text once the edit that follows a member's answer has arrived (it is made after the reply)."""
    found = await world.fake.wait_for_message(lambda m: m["id"] == board["id"] and check(text_of(m)), timeout=5.0)
    return text_of(found)


def text_of(message: dict) -> str:
    embed = message["embeds"][0]
    return "\n".join([embed.get("description") or "", *(f["value"] for f in embed.get("fields") or []),
                      embed.get("footer", {}).get("text", "")])


async def test_the_board_is_pinned_and_lists_only_members_who_opted_in(world: World):
    await setup_group(world)
    board = await post_board(world)
    text = text_of(board)
    assert "**Thu 10 Dec 2026** · in **15** days · bob (CPIM 8 exam)" in text and "cy" not in text
    assert "Updated Wed 25 Nov 2026 · every morning at 07:00 (Europe/Berlin)" in text
    # Discord announces the pin with a system message that points at the board
    notice = world.fake.channel_messages(world.channel)[-1]
    assert notice["type"] == discord.MessageType.pins_add.value
    assert notice["message_reference"]["message_id"] == board["id"]
    # cy opts in: the board shows both at once, soonest first; bob opts out: his line goes at once
    await world.fake.slash(world.other, world.channel, "countdown-sharing", share="on")
    text = await edited(world, board, lambda text: "cy" in text)
    assert text.index("cy") < text.index("bob") and "in **10** days · cy" in text
    result = await world.fake.slash(world.member, world.channel, "countdown-sharing", share="off")
    assert f"no longer listed on the organizers' pinned countdown in <#{world.channel.id}>" in result.content
    await edited(world, board, lambda text: "bob" not in text)
    mine = await world.fake.slash(world.member, world.channel, "countdown")
    group = next(f["value"] for f in mine.embeds[0]["fields"] if f["name"] == "Group countdown")
    assert "You are not listed" in group and "/countdown-sharing on" in group


async def test_the_board_is_edited_each_morning_in_the_servers_zone_across_a_restart(world: World):
    await setup_group(world)
    await world.fake.slash(world.admin, world.channel, "admin window add", name="Winter", start="2026-11-01",
                           end="2026-12-20")
    board = await post_board(world)
    assert "**Winter** closes Sun 20 Dec 2026 · in **25** days" in text_of(board)
    await advance_to(world, MORNING - dt.timedelta(minutes=1))
    assert "in **15** days · bob" in text_of(world.fake.message(board["id"]))
    await world.restart()
    await advance_to(world, MORNING)
    text = text_of(world.fake.message(board["id"]))
    assert "in **14** days · bob" in text and "Updated Thu 26 Nov 2026" in text
    assert "**Winter** closes Sun 20 Dec 2026 · in **24** days" in text
    await advance_to(world, MORNING + dt.timedelta(days=1))
    assert "in **13** days · bob" in text_of(world.fake.message(board["id"]))
    assert len(world.fake.pinned_messages(world.channel)) == 1  # edited, never posted again
    show = await world.fake.slash(world.admin, world.channel, "countdown-board show")
    assert "Edited every morning at 07:00 (Europe/Berlin)" in show.content and "Members listed on it" in show.content


async def test_a_chosen_time_and_a_bad_time(world: World):
    await setup_group(world)
    refused = await world.fake.slash(world.admin, world.channel, "countdown-board post", channel=world.channel,
                                     time="25:99")
    assert refused.ephemeral and world.fake.pinned_messages(world.channel) == []
    assert world.fake.channel_messages(world.channel) == []
    board = await post_board(world, time="18:30")
    await advance_to(world, MORNING)
    assert "Updated Wed 25 Nov 2026" in text_of(world.fake.message(board["id"]))  # not at 07:00
    await advance_to(world, dt.datetime(2026, 11, 26, 17, 30, tzinfo=UTC))  # 18:30 in Berlin
    assert "Updated Thu 26 Nov 2026" in text_of(world.fake.message(board["id"]))


async def test_without_pin_messages_nothing_is_posted_or_changed(world: World):
    await world.fake.slash(world.member, world.channel, "exam set", date="2026-12-10")
    refused = await world.fake.slash(world.admin, world.channel, "countdown-board post", channel=world.channel)
    assert "I am missing **Pin Messages**" in refused.content and "Nothing was posted or changed" in refused.content
    world.fake.set_bot_permissions(world.guild, PIN)
    world.fake.set_channel_overwrites(world.channel, {world.guild: (0, discord.Permissions(send_messages=True))})
    refused = await world.fake.slash(world.admin, world.channel, "countdown-board post", channel=world.channel)
    assert "I am missing **Send Messages" in refused.content
    assert world.fake.channel_messages(world.channel) == []
    assert rows(world, "SELECT COUNT(*) FROM countdown_boards") == [(0,)]
    assert rows(world, "SELECT COUNT(*) FROM reminders WHERE user_id = 0") == [(0,)]
    show = await world.fake.slash(world.admin, world.channel, "countdown-board show")
    assert "There is no pinned countdown" in show.content


async def test_a_pin_discord_refuses_takes_the_post_down_again(world: World):
    world.fake.set_bot_permissions(world.guild, PIN)
    for n in range(50):  # the channel is full of pins already
        msg = await world.bot.get_channel(world.channel.id).send(f"pinned {n}")
        await msg.pin()
    before = len(world.fake.channel_messages(world.channel))
    refused = await world.fake.slash(world.admin, world.channel, "countdown-board post", channel=world.channel)
    assert "already has 50 pinned messages" in refused.content and "nothing was changed" in refused.content
    assert len(world.fake.channel_messages(world.channel)) == before
    assert rows(world, "SELECT COUNT(*) FROM countdown_boards") == [(0,)]


async def test_a_deleted_board_is_posted_again_once_then_stops(world: World):
    await setup_group(world)
    board = await post_board(world)
    world.fake.delete_message(board["id"])
    await advance_to(world, MORNING)
    again = board_message(world)
    assert again["id"] != board["id"] and again["content"] == REPLACED_NOTE
    assert "in **14** days · bob" in text_of(again)
    show = await world.fake.slash(world.admin, world.channel, "countdown-board show")
    assert "deleted once and posted again" in show.content
    world.fake.delete_message(again["id"])
    await advance_to(world, MORNING + dt.timedelta(days=1))
    assert world.fake.channel_messages(world.channel)[-1]["content"] == STOPPED_NOTE
    assert world.fake.pinned_messages(world.channel) == []
    assert rows(world, "SELECT state FROM reminders WHERE user_id = 0") == [("cancelled",)]
    await advance_to(world, MORNING + dt.timedelta(days=2))
    assert world.fake.channel_messages(world.channel)[-1]["content"] == STOPPED_NOTE  # said once, then quiet


async def test_a_deleted_channel_stops_the_board(world: World):
    await setup_group(world)
    await post_board(world)
    world.fake.remove_channel(world.channel)
    await advance_to(world, MORNING)
    assert rows(world, "SELECT COUNT(*) FROM countdown_boards") == [(0,)]
    assert rows(world, "SELECT state FROM reminders WHERE user_id = 0") == [("cancelled",)]


async def test_turning_it_off_takes_the_message_down_and_stops_the_edits(world: World):
    await setup_group(world)
    board = await post_board(world)
    result = await world.fake.slash(world.admin, world.channel, "countdown-board off")
    assert "is off" in result.content and "took its message down" in result.content
    assert board["id"] not in {m["id"] for m in world.fake.channel_messages(world.channel)}
    count = len(world.fake.channel_messages(world.channel))
    await advance_to(world, MORNING)
    assert len(world.fake.channel_messages(world.channel)) == count
    again = await world.fake.slash(world.admin, world.channel, "countdown-board off")
    assert "There is no pinned countdown to turn off" in again.content
    # the opt-ins stay for the next board
    board = await post_board(world)
    assert "bob" in text_of(board)


async def test_posting_again_moves_the_board_and_removes_the_old_message(world: World):
    await setup_group(world)
    first = await post_board(world)
    other = world.fake.add_text_channel(world.guild, "exams")
    result = await world.fake.slash(world.admin, world.channel, "countdown-board post", channel=other)
    assert "The old countdown message was removed" in result.content
    assert first["id"] not in {m["id"] for m in world.fake.channel_messages(world.channel)}
    assert len(world.fake.pinned_messages(other)) == 1
    assert rows(world, "SELECT COUNT(*) FROM reminders WHERE user_id = 0 AND state = 'pending'") == [(1,)]


async def test_members_see_their_commands_and_are_refused_the_board_even_if_the_server_opens_it(world: World):
    await setup_group(world)
    commands = {c["name"]: c for c in world.fake.registered_commands()}
    for name in ("countdown", "countdown-sharing"):
        assert commands[name]["default_member_permissions"] is None
    assert int(commands["countdown-board"]["default_member_permissions"]) == discord.Permissions(
        manage_guild=True).value
    world.fake.enforce_default_member_permissions = False  # a server opened it to everyone in Integrations
    for sub, options in (("post", {"channel": world.channel}), ("off", {}), ("show", {})):
        refused = await world.fake.slash(world.member, world.channel, f"countdown-board {sub}", **options)
        assert refused.content == ORGANIZERS_ONLY
    assert world.fake.channel_messages(world.channel) == []
    # the study-lead role may
    lead = world.fake.add_role(world.guild, "Study lead")
    await world.fake.slash(world.admin, world.channel, "admin settings lead-role", role=lead)
    world.fake.set_member_roles(world.guild, world.other, [lead])
    result = await world.fake.slash(world.other, world.channel, "countdown-board post", channel=world.channel)
    assert "📌" in result.content


async def test_mydata_and_forgetme_cover_the_opt_in(world: World):
    await setup_group(world)
    board = await post_board(world)
    data = (await world.fake.slash(world.member, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("my-data.json"))
    assert [row["user_id"] for row in document["tables"]["countdown_sharing"]] == [world.member.id]
    admin = (await world.fake.slash(world.admin, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(admin)) as archive:
        authored = json.loads(archive.read("my-data.json"))["records_you_authored"]["tables"]
    assert [b["message_id"] for b in authored["countdown_boards"]] == [int(board["id"])]
    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    await world.fake.click(world.member, prompt.message, world.fake.find_button(prompt.message, "Delete my data"))
    assert rows(world, "SELECT COUNT(*) FROM countdown_sharing") == [(0,)]
    await advance_to(world, MORNING)
    assert "bob" not in text_of(world.fake.message(board["id"]))  # gone from the board at the next edit
