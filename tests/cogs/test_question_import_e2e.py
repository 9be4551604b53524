"""A chapter imports its own questions: all or nothing, and only for that server."""

from __future__ import annotations

import contextlib
import csv
import io
import sqlite3

import discord

from study.content_errors import ContentError
from tests.conftest import World

HEADER = ["id", "module", "topic", "difficulty", "stem", "choice_a", "choice_b", "choice_c", "answer", "explanation"]


def csv_file(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


GOOD = [
    ["ch-eco-001", "eco", "lean-pull", "easy", "Our chapter's plant uses which signal to pull parts between cells?",
     "A kanban card", "A weekly MRP run", "A sales forecast", "A", "Pull systems replenish on a kanban signal."],
    ["ch-eco-002", "eco", "lean-pull", "medium", "What does a chapter-made supermarket hold between two cells?",
     "A small controlled stock", "Finished goods only", "Scrap", "A",
     "A supermarket is a small, controlled buffer replenished by pull."],
]


def guild_questions(world: World) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute("SELECT guild_id, id FROM guild_questions ORDER BY id").fetchall()


async def test_one_bad_row_imports_nothing_and_names_the_line(world: World):
    bad = [*GOOD, ["ch-eco-003", "eco", "no-such-topic", "easy", "A question with a bad topic tag here?",
                   "x", "y", "z", "D", "explanation text"]]
    result = await world.fake.slash(world.admin, world.channel, "questions import", file=("bank.csv", csv_file(bad)))
    text = result.content
    assert "Nothing was imported" in text
    assert "bank.csv:4: ch-eco-003: topic 'no-such-topic' is not a topic of ECO" in text
    assert "bank.csv:4: ch-eco-003: answer D but only 3 choices" in text
    assert guild_questions(world) == []


async def test_unsafe_or_non_utf8_files_are_refused(world: World):
    evil = b"module: !!python/object/apply:os.system ['touch /tmp/pwned']\nquestions: []\n"
    result = await world.fake.slash(world.admin, world.channel, "questions import", file=("evil.yaml", evil))
    assert "Nothing was imported" in result.content and "not valid YAML" in result.content
    latin = "id,module\nq,é".encode("latin-1")
    result = await world.fake.slash(world.admin, world.channel, "questions import", file=("bank.csv", latin))
    assert "not UTF-8" in result.content
    assert guild_questions(world) == []


async def test_a_good_file_is_asked_in_that_server_only(world: World):
    result = await world.fake.slash(world.admin, world.channel, "questions import", file=("bank.csv", csv_file(GOOD)))
    assert "Imported 2 question(s) from bank.csv: 2 new, 0 updated" in result.content
    assert guild_questions(world) == [(world.guild.id, "ch-eco-001"), (world.guild.id, "ch-eco-002")]

    quiz = await world.fake.slash(world.member, world.channel, "quiz", module="eco", topic="lean-pull", count=20,
                                  mode="new")
    asked = _session_questions(world, quiz.message)
    assert {"ch-eco-001", "ch-eco-002"} <= asked

    other_guild = world.fake.add_guild("Another chapter")
    other_channel = world.fake.add_text_channel(other_guild, "study")
    stranger = world.fake.add_member(other_guild, "dee")
    elsewhere = await world.fake.slash(stranger, other_channel, "quiz", module="eco", topic="lean-pull", count=20,
                                       mode="new")
    assert not {"ch-eco-001", "ch-eco-002"} & _session_questions(world, elsewhere.message)

    exported = await world.fake.slash(world.admin, world.channel, "questions export")
    [(name, data)] = exported.attachments
    assert name == "questions.csv" and b"ch-eco-001" in data and b"ch-eco-002" in data
    again = await world.fake.slash(world.admin, world.channel, "questions import", file=("again.csv", data))
    assert "0 new, 2 updated" in again.content


async def test_members_cannot_import(world: World):
    world.fake.enforce_default_member_permissions = False
    result = await world.fake.slash(world.member, world.channel, "questions import", file=("bank.csv", csv_file(GOOD)))
    assert "You need the **Manage Server** permission" in result.content
    assert guild_questions(world) == []
    registered = next(c for c in world.fake.registered_commands() if c["name"] == "questions")
    assert int(registered["default_member_permissions"]) == discord.Permissions(manage_guild=True).value


def _session_questions(world: World, message: dict) -> set[str]:
    session = message["components"][0]["components"][0]["custom_id"].split(":")[1]
    with sqlite3.connect(world.config.database_path) as conn:
        return {row[0] for row in conn.execute("SELECT question_id FROM session_items WHERE session_id = ?",
                                               (session,))}


async def test_an_alias_bomb_is_refused_at_once_in_one_line(world: World):
    from tests.study.test_hostile_yaml import billion_laughs

    result = await world.fake.slash(world.admin, world.channel, "questions import",
                                    file=("laughs.yaml", billion_laughs()))
    assert result.content == ("Nothing was imported: 1 problem(s) in laughs.yaml.\n• laughs.yaml:1: anchors and "
                              "aliases (&name, *name) are not allowed in question files; write each value out in "
                              "full")
    assert guild_questions(world) == []


async def test_other_members_are_answered_while_a_large_file_is_read(world: World):
    """The largest file the bot accepts takes a second or two to check: it is read off the event loop, which
    never stalls for anything like that long, so the members' commands keep being answered."""
    import asyncio
    import time

    import yaml

    from study.question_import import parse_import

    items = [{"id": f"big-{i:05d}", "topic": "lean-pull", "difficulty": "easy",
              "stem": f"Question number {i} about pull signals between cells?",
              "choices": [f"Kanban {i}", f"MRP {i}", f"Forecast {i}"], "answer": "A",
              "explanation": "Pull systems replenish on a kanban signal."} for i in range(2000)]
    items[-1]["topic"] = "no-such-topic"  # refused after the whole file was read: nothing is written
    big = yaml.safe_dump({"module": "eco", "questions": items}, sort_keys=False).encode()
    started = time.monotonic()
    with contextlib.suppress(ContentError):
        parse_import(big, "big.yaml", world.content.syllabus, frozenset(world.content.bank.questions))
    reading = time.monotonic() - started

    # bot and fake share this event loop: the longest gap between ticks is how long nobody could be answered
    gaps: list[float] = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    importing = asyncio.create_task(world.fake.slash(world.admin, world.channel, "questions import",
                                                     file=("big.yaml", big)))
    await asyncio.sleep(min(0.2, reading / 4))  # the file is being read now
    answer = await world.fake.slash(world.member, world.channel, "fees")
    refused = await importing
    ticking.cancel()
    assert answer.embeds and "no-such-topic" in refused.content
    assert max(gaps) < reading / 2, f"the event loop stalled {max(gaps):.2f} s on a file read in {reading:.2f} s"
    assert guild_questions(world) == []
