"""/quiz-live through the fake Discord: a thread, questions on the bot's clock, speed scores, stop, restarts."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import sqlite3
import zipfile

import discord
import pytest

from simulator import FakeDiscordError
from study.generated_ids import parse_generated_id
from study.generators import generate
from tests.conftest import World


def rows(world: World, sql: str, parameters: tuple = ()) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, parameters).fetchall()


async def start(world: World, who=None, **options):
    result = await world.fake.slash(who or world.admin, world.channel, "quiz-live", **options)
    return result


def thread_of(world: World):
    [thread] = world.fake.threads_of(world.channel)
    return thread


async def question(world: World, channel, position: int) -> dict:
    title = f"Live quiz: question {position + 1} of "
    return await world.fake.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"].startswith(title)
        and m["embeds"][0]["title"].endswith(tuple("0123456789")), channel=channel)


async def revealed(world: World, message_id: int) -> dict:
    for _ in range(200):
        message = world.fake.message(message_id)
        if message["embeds"][0]["title"].endswith("time is up"):
            return message
        await asyncio.sleep(0.02)
    raise AssertionError("the question was not revealed")


async def final_board(world: World, channel) -> dict:
    return await world.fake.wait_for_message(
        lambda m: bool(m["embeds"]) and m["embeds"][0]["title"] == "Live quiz: final board", channel=channel)


def question_of(world: World, question_id: str):
    """A bank question, or a generated calculation rebuilt from its id (gen:<family>:<seed>)."""
    generated = parse_generated_id(question_id)
    return generate(*generated) if generated else world.content.bank.get(question_id)


def right_choice(world: World, position: int, game_id: int = 1) -> int:
    [(question_id,)] = rows(world, "SELECT question_id FROM live_items WHERE game_id = ? AND position = ?",
                            (game_id, position))
    return question_of(world, question_id).answer_index


def letter(index: int) -> str:
    return "ABCDE"[index]


def buttons(message: dict) -> list[dict]:
    return [c for row in message["components"] for c in row["components"]]


async def test_a_game_in_a_thread_scores_speed_reveals_and_counts_in_each_members_reviews(world: World):
    started = await start(world, questions=2, seconds=30)
    assert "Live quiz by" in started.content and "in the thread" in started.content
    assert "first click counts and cannot be changed" in started.content
    thread = thread_of(world)
    first = await question(world, thread, 0)
    assert "Time is up <t:" in first["embeds"][0]["description"] and ":R>" in first["embeds"][0]["description"]
    right = right_choice(world, 0)
    wrong = (right + 1) % 4

    world.clock.advance(dt.timedelta(seconds=3))
    got = await world.fake.click(world.member, first, world.fake.find_button(first, letter(right)))
    assert got.ephemeral and f"Got it: **{letter(right)}**" in got.content
    again = await world.fake.click(world.member, first, world.fake.find_button(first, letter(wrong)))
    assert f"You already answered **{letter(right)}**" in again.content
    world.clock.advance(dt.timedelta(seconds=12))
    await world.fake.click(world.other, first, world.fake.find_button(first, letter(wrong)))
    # member: 500 + 500 * 27/30 = 950; other: wrong, 0
    assert rows(world, "SELECT user_id, correct, points FROM live_answers ORDER BY user_id") == sorted(
        [(world.member.id, 1, 950), (world.other.id, 0, 0)])

    world.clock.advance(dt.timedelta(seconds=16))
    shown = await revealed(world, int(first["id"]))
    body = shown["embeds"][0]["description"]
    assert f"**Answer: {letter(right)}.**" in body and f"**{letter(right)}.**" in body
    assert f"✅ **{letter(right)}.**" in body
    board = shown["embeds"][0]["fields"][0]
    assert board["name"] == "Scoreboard (2 answers to this question)"
    assert board["value"].splitlines()[0] == f"🥇 <@{world.member.id}>: **950** points (1/1 right)"
    assert all(b.get("disabled") for b in buttons(shown))
    with pytest.raises(FakeDiscordError):  # the fake, like Discord, refuses clicks on disabled buttons
        await world.fake.click(world.member, shown, world.fake.find_button(shown, letter(wrong)))

    second = await question(world, thread, 1)
    world.clock.advance(dt.timedelta(seconds=31))
    await revealed(world, int(second["id"]))
    final = await final_board(world, thread)
    embed = final["embeds"][0]
    assert "That was the last question." in embed["description"] and "2 of 2 questions asked" in embed["description"]
    assert embed["fields"][0]["value"].startswith(f"🥇 <@{world.member.id}>: **950** points")
    assert embed["fields"][1]["name"] == "The group by topic (weakest first)"
    assert "right (" in embed["fields"][1]["value"]

    # both answers count in each member's own reviews and progress, once
    assert sorted(rows(world, "SELECT user_id, correct, source FROM answers")) == sorted(
        [(world.member.id, 1, "live"), (world.other.id, 0, "live")])
    assert rows(world, "SELECT COUNT(*) FROM cards") == [(2,)]
    assert rows(world, "SELECT state FROM live_games") == [("finished",)]
    progress = await world.fake.slash(world.member, world.channel, "progress")
    assert progress.embeds[0]["description"].startswith("**1** answers")


async def test_only_the_starter_or_an_admin_can_stop_and_stopping_posts_the_board(world: World):
    lead = world.fake.add_role(world.guild, "study-lead", discord.Permissions.none())
    await world.fake.slash(world.admin, world.channel, "admin settings lead-role", role=lead)
    world.fake.set_member_roles(world.guild, world.other, [lead])
    world.fake.enforce_default_member_permissions = False
    await asyncio.sleep(0.05)
    await start(world, world.other, questions=3, seconds=20)
    thread = thread_of(world)
    first = await question(world, thread, 0)
    stop = world.fake.find_button(first, "Stop the game")
    refused = await world.fake.click(world.member, first, stop)
    assert "Only whoever started this game, or an admin" in refused.content
    await world.fake.click(world.member, first, world.fake.find_button(first, letter(right_choice(world, 0))))
    done = await world.fake.click(world.other, first, stop)
    assert done.ephemeral and done.content == "Stopped: the final board is posted."
    final = await final_board(world, thread)
    assert f"Stopped early by <@{world.other.id}>" in final["embeds"][0]["description"]
    assert "1 of 3 questions asked" in final["embeds"][0]["description"]
    assert all(b.get("disabled") for b in buttons(world.fake.message(int(first["id"]))))
    assert rows(world, "SELECT state, stopped_by FROM live_games") == [("stopped", world.other.id)]
    assert rows(world, "SELECT user_id, source FROM answers") == [(world.member.id, "live")]
    world.clock.advance(dt.timedelta(minutes=5))
    await asyncio.sleep(0.1)
    assert [m for m in world.fake.channel_messages(thread) if m["embeds"]
            and m["embeds"][0]["title"].startswith("Live quiz: question 2")] == []


async def test_a_restart_mid_game_resumes_it_with_the_old_buttons_working(world: World):
    await start(world, questions=2, seconds=30)
    thread = thread_of(world)
    first = await question(world, thread, 0)
    await world.fake.click(world.member, first, world.fake.find_button(first, letter(right_choice(world, 0))))
    await world.restart()
    world.clock.advance(dt.timedelta(seconds=5))
    after = await world.fake.click(world.other, first, world.fake.find_button(first, letter(right_choice(world, 0))))
    assert "Got it" in after.content
    world.clock.advance(dt.timedelta(seconds=30))
    shown = await revealed(world, int(first["id"]))
    assert shown["embeds"][0]["fields"][0]["name"] == "Scoreboard (2 answers to this question)"
    second = await question(world, thread, 1)
    world.clock.advance(dt.timedelta(seconds=31))
    await revealed(world, int(second["id"]))
    await final_board(world, thread)
    assert rows(world, "SELECT COUNT(*) FROM answers WHERE source = 'live'") == [(2,)]


async def test_a_restart_long_after_closes_the_game_and_disables_its_buttons(world: World):
    await start(world, questions=3, seconds=30)
    thread = thread_of(world)
    first = await question(world, thread, 0)
    await world.fake.click(world.member, first, world.fake.find_button(first, letter(right_choice(world, 0))))
    await world.stop()
    world.clock.advance(dt.timedelta(hours=2))
    await world.start()
    final = await final_board(world, thread)
    assert "Closed: the bot was offline" in final["embeds"][0]["description"]
    shown = await revealed(world, int(first["id"]))
    assert all(b.get("disabled") for b in buttons(shown))
    assert rows(world, "SELECT state FROM live_games") == [("closed",)]
    assert rows(world, "SELECT user_id, correct FROM answers") == [(world.member.id, 1)]
    assert not any(b["custom_id"].startswith("live-stop") for b in buttons(shown))  # Stop went with the question


async def test_without_thread_permission_the_game_runs_in_the_channel_and_says_so(world: World):
    world.fake.set_channel_overwrites(world.channel, {
        world.guild.roles[world.guild.bot_role_id]: discord.PermissionOverwrite(create_public_threads=False)})
    await asyncio.sleep(0.05)
    started = await start(world, questions=1, seconds=10)
    assert "I could not open a thread here" in started.content and "runs in this channel" in started.content
    assert world.fake.threads_of(world.channel) == []
    first = await question(world, world.channel, 0)
    world.clock.advance(dt.timedelta(seconds=11))
    await revealed(world, int(first["id"]))
    await final_board(world, world.channel)


async def test_members_cannot_start_one_and_the_command_is_for_organizers(world: World):
    registered = next(c for c in world.fake.registered_commands() if c["name"] == "quiz-live")
    assert int(registered["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    with pytest.raises(FakeDiscordError):  # Discord does not show it to a member by default
        await start(world, world.member)
    world.fake.enforce_default_member_permissions = False  # a server opened it to everyone
    refused = await start(world, world.member)
    assert "Only organizers start a live quiz" in refused.content
    assert rows(world, "SELECT COUNT(*) FROM live_games") == [(0,)]
    await start(world, questions=1, seconds=10)
    twice = await start(world, questions=1, seconds=10)
    assert "A live quiz is already running" in twice.content


async def test_a_cpim8_server_plays_a_cpim8_module(world: World):
    await world.fake.slash(world.admin, world.channel, "admin settings edition", edition="cpim-8")
    await start(world, module="inventory", questions=5, seconds=10)
    places = world.content.editions
    for (question_id,) in rows(world, "SELECT question_id FROM live_items"):
        assert places.place(question_of(world, question_id), "cpim-8")[0] == "inventory"
    first = await question(world, thread_of(world), 0)
    assert "M6 · " in first["embeds"][0]["footer"]["text"]
    unknown = await world.fake.slash(world.admin, world.channel, "quiz-live", module="dsp")
    assert "I don't know a module called 'dsp'" in unknown.content


async def test_a_quarter_of_the_questions_are_calculations_that_count_in_the_members_family_card(world: World):
    await world.fake.slash(world.admin, world.channel, "admin settings edition", edition="cpim-8")
    await start(world, module="inventory", questions=4, seconds=10)
    items = rows(world, "SELECT position, question_id FROM live_items ORDER BY position")
    generated = [(position, question_id) for position, question_id in items if parse_generated_id(question_id)]
    assert len(items) == 4 and len(generated) == 1  # one of four: a quarter
    position, question_id = generated[0]
    family = parse_generated_id(question_id)[0]
    thread = thread_of(world)
    for at in range(4):
        shown = await question(world, thread, at)
        if at == position:
            assert question_of(world, question_id).stem[:60] in shown["embeds"][0]["description"]
            answer = letter(right_choice(world, position))
            await world.fake.click(world.member, shown, world.fake.find_button(shown, answer))
        world.clock.advance(dt.timedelta(seconds=11))
        await revealed(world, int(shown["id"]))
    await final_board(world, thread)
    # the calculation trains the member's card for its family, as a /quiz calculation does
    assert rows(world, "SELECT item, right_count FROM cards WHERE user_id = ?", (world.member.id,)) == [
        (f"gen:{family}", 1)]
    assert rows(world, "SELECT question_id, source FROM answers WHERE user_id = ?", (world.member.id,)) == [
        (question_id, "live")]


async def test_mydata_and_forgetme_cover_live_answers(world: World):
    await start(world, questions=1, seconds=10)
    thread = thread_of(world)
    first = await question(world, thread, 0)
    await world.fake.click(world.member, first, world.fake.find_button(first, "A"))
    world.clock.advance(dt.timedelta(seconds=11))
    await final_board(world, thread)
    data = (await world.fake.slash(world.member, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("my-data.json"))
    assert [a["choice"] for a in document["tables"]["live_answers"]] == [0]
    admin = (await world.fake.slash(world.admin, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(admin)) as archive:
        authored = json.loads(archive.read("my-data.json"))["records_you_authored"]["tables"]
    assert [g["id"] for g in authored["live_games"]] == [1]
    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    await world.fake.click(world.member, prompt.message, world.fake.find_button(prompt.message, "Delete my data"))
    assert rows(world, "SELECT COUNT(*) FROM live_answers") == [(0,)]
    assert rows(world, "SELECT COUNT(*) FROM live_games") == [(1,)]


async def test_a_channel_the_bot_cannot_post_in_starts_nothing_and_blocks_nothing(world: World):
    world.fake.set_channel_overwrites(world.channel, {
        world.guild.roles[world.guild.bot_role_id]: discord.PermissionOverwrite(create_public_threads=False,
                                                                                send_messages=False)})
    await asyncio.sleep(0.05)
    refused = await start(world, questions=1, seconds=10)
    assert "I cannot post there" in refused.content and "no game was started" in refused.content
    assert rows(world, "SELECT state FROM live_games") == [("closed",)]
    world.fake.set_channel_overwrites(world.channel, {})
    await asyncio.sleep(0.05)
    again = await start(world, questions=1, seconds=10)
    assert "Live quiz by" in again.content
