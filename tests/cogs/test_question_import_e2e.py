"""A chapter imports its own questions: all or nothing, and only for that server."""

from __future__ import annotations

import csv
import io
import sqlite3

import discord

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
