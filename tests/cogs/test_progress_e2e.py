"""/progress, /passed, /studyplan, /export anki, /mydata, /forgetme and /group through the fake Discord."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import html
import io
import json
import secrets
import sqlite3
import struct
import tempfile
import zipfile
from pathlib import Path

import discord
import pytest
from PIL import Image

from db import progress as progress_records
from db import quiz as quiz_records
from db import reminders
from db.connection import Database
from services import charts
from services.progress import csv_safe
from simulator import FakeDiscordError
from tests.conftest import START, World
from tests.db.test_members import owner_counts

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OTHER_GUILD = 999_000
DISCORD_UPLOAD_LIMIT = 10 * 1024 * 1024


def at(days: float = 0, minutes: float = 0) -> dt.datetime:
    return START + dt.timedelta(days=days, minutes=minutes)


async def answer(world: World, question_id: str, correct: bool, when: dt.datetime, *, user_id: int | None = None,
                 guild_id: int | None = None) -> None:
    """One answer through the real quiz records (answers, card, topic tally in one transaction)."""
    question = world.content.bank.get(question_id)
    session_id = secrets.token_hex(5)
    await quiz_records.create_session(
        world.bot.db, session_id=session_id, guild_id=guild_id or world.guild.id,
        user_id=user_id or world.member.id, kind="quiz", mode="mixed", module=None, topic=None,
        items=[quiz_records.PlannedItem(question.id, question.module, question.topic)], now=when)
    session = await quiz_records.get_session(world.bot.db, session_id)
    [item] = await quiz_records.session_items(world.bot.db, session_id)
    chosen = question.answer_index if correct else (question.answer_index + 1) % len(question.choices)
    await quiz_records.record_answer(world.bot.db, session, item, item_key=question.id, chosen=chosen,
                                     correct=correct, now=when)


# The scripted history, oldest first. Hand-computed figures at START (2026-11-25 12:00 UTC):
#   SMR: 6 answers, 5 right (83%); last 30 days: -3d right, -2d right, -1d wrong → 2 of 3 (67%).
#        smr-env-001 was right four times in a row → box 4 → known: 1 of the module's questions.
#        Due now: smr-env-002 (missed -1d, back in 10 min) and smr-env-003 (right -3d, due -2d) → 2.
#   MPR: 3 answers, 1 right (33%), all within 30 days (33%); nothing known; due: mpr-link-001 (missed) → 1.
#   Overall 9 answers, 6 right (67%), 3 reviews due. Study days -40, -35, -32, -3, -2, -1, 0 → streak 4.
#   Weakest topics (≥ 3 answers): MPR links 1 of 3 (33%), then SMR environment 5 of 6 (83%).
SCRIPT = [
    ("smr-env-001", True, at(-40)), ("smr-env-001", True, at(-35)), ("smr-env-001", True, at(-32)),
    ("smr-env-003", True, at(-3)), ("smr-env-001", True, at(-2)), ("smr-env-002", False, at(-1)),
    ("mpr-link-001", False, at(minutes=-60)), ("mpr-link-001", False, at(minutes=-40)),
    ("mpr-link-002", True, at(minutes=-30)),
]
MISSED = {"smr-env-002", "mpr-link-001"}


async def scripted(world: World) -> None:
    for question_id, correct, when in SCRIPT:
        await answer(world, question_id, correct, when)


def field(embed: dict, starts: str) -> dict:
    return next(f for f in embed["fields"] if f["name"].startswith(starts))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


async def member_rows(path: Path, guild_id: int, user_id: int) -> dict[str, int]:
    """Rows of (guild, member) in every table naming a member, owners found through the declared foreign keys
    (tests/db/test_members.py: its own walk, not db/members.py's)."""
    database = await Database.open(path, migrate=False)
    try:
        return await owner_counts(database, guild_id, user_id)
    finally:
        await database.close()


def unzip_json(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["my-data.json"]
        assert archive.getinfo("my-data.json").compress_type == zipfile.ZIP_DEFLATED
        return json.loads(archive.read("my-data.json"))


async def test_progress_figures_match_the_hand_computed_history(world: World):
    await scripted(world)
    result = await world.fake.slash(world.member, world.channel, "progress")
    assert result.ephemeral
    embed = result.embeds[0]
    assert embed["title"] == "Progress: bob"
    last = int(at(minutes=-30).timestamp())
    assert embed["description"] == (f"**9** answers · **67%** right overall\n"
                                    f"Streak: **4 days** · last studied <t:{last}:R>\n"
                                    f"Reviews due now: **3** · **0 of 5** modules passed")
    smr_size = len(world.content.bank.for_module("smr"))
    assert field(embed, "SMR")["value"] == (
        "Answered 6 · accuracy 83% (last 30 days: 67%)\n"
        f"Mastery {round(100 / smr_size)}% (1 of {smr_size} questions known) · 2 reviews due")
    mpr_size = len(world.content.bank.for_module("mpr"))
    assert field(embed, "MPR")["value"] == (
        "Answered 3 · accuracy 33% (last 30 days: 33%)\n"
        f"Mastery 0% (0 of {mpr_size} questions known) · 1 review due")
    assert field(embed, "BSCM")["value"].startswith("Answered 0 · accuracy — (last 30 days: —)")
    assert field(embed, "Weakest topics")["value"] == (
        "MPR · Strategic, business and master planning links: 33% of 3\n"
        "SMR · Business environment and corporate strategy: 83% of 6")

    [(name, data)] = result.attachments
    width, height = png_size(data)
    assert name == "progress.png" and embed["image"]["url"] == "attachment://progress.png"
    assert 600 <= width <= 1600 and 250 <= height <= 800 and width > height
    assert len(data) < 300_000
    # drawn, not blank: accuracy bars for the two modules answered and answers-per-day bars are there
    colours = {colour for _, colour in Image.open(io.BytesIO(data)).convert("RGB").getcolors(1 << 16)}
    assert {charts.BAR, charts.LINE, charts.INK} <= colours


async def test_a_new_member_sees_empty_figures_not_errors(world: World):
    result = await world.fake.slash(world.other, world.channel, "progress")
    embed = result.embeds[0]
    assert embed["description"].startswith("**0** answers · **—** right overall\nStreak: **0 days** · "
                                           "last studied never")
    assert "Answer at least 3 questions" in field(embed, "Weakest topics")["value"]
    assert png_size(result.attachments[0][1])[0] > 0


async def test_sharing_rules(world: World):
    await scripted(world)
    refused = await world.fake.slash(world.other, world.channel, "progress", member=world.member)
    assert refused.ephemeral and "bob has not chosen to share their progress" in refused.content
    assert not refused.attachments

    as_admin = await world.fake.slash(world.admin, world.channel, "progress", member=world.member)
    assert as_admin.embeds[0]["title"] == "Progress: bob" and as_admin.attachments

    on = await world.fake.slash(world.member, world.channel, "progress-sharing", share="on")
    assert "Sharing is **on**" in on.content
    allowed = await world.fake.slash(world.other, world.channel, "progress", member=world.member)
    assert allowed.embeds[0]["description"].startswith("**9** answers")

    await world.fake.slash(world.member, world.channel, "progress-sharing", share="off")
    again = await world.fake.slash(world.other, world.channel, "progress", member=world.member)
    assert "has not chosen to share" in again.content


async def test_passed_modules_change_the_fees_remaining(world: World):
    async def fees_total() -> str:
        result = await world.fake.slash(world.member, world.channel, "fees")
        totals = result.embeds[0]["fields"][0]
        return f"{totals['name']}: {totals['value']}"

    assert await fees_total() == "All 5 modules: member $600, non-member $775"
    added = await world.fake.slash(world.member, world.channel, "passed add", module="bscm", date="2026-06-01")
    assert added.ephemeral and "1 of 5 modules passed" in added.content
    await world.fake.slash(world.member, world.channel, "passed add", module="SMR", date="2026-09-15")
    assert await fees_total() == "The 3 modules you have left: member $360, non-member $465"
    # another member's path is theirs alone
    other = await world.fake.slash(world.other, world.channel, "fees")
    assert other.embeds[0]["fields"][0]["name"] == "All 5 modules"

    listing = await world.fake.slash(world.member, world.channel, "passed list")
    assert listing.embeds[0]["title"] == "2 of 5 modules passed"
    assert "✅ **BSCM**" in listing.embeds[0]["description"] and "passed 2026-09-15" in listing.embeds[0]["description"]

    removed = await world.fake.slash(world.member, world.channel, "passed remove", module="bscm")
    assert "1 of 5 modules passed" in removed.content
    assert await fees_total() == "The 4 modules you have left: member $480, non-member $620"

    future = await world.fake.slash(world.member, world.channel, "passed add", module="eco", date="2027-01-01")
    assert "is in the future" in future.content
    bad = await world.fake.slash(world.member, world.channel, "passed add", module="eco", date="yesterday")
    assert "use YYYY-MM-DD" in bad.content
    unknown = await world.fake.slash(world.member, world.channel, "passed add", module="xyz", date="2026-01-01")
    assert "I don't know a module called 'xyz'" in unknown.content
    missing = await world.fake.slash(world.member, world.channel, "passed remove", module="eco")
    assert "not on your passed list" in missing.content
    assert await fees_total() == "The 4 modules you have left: member $480, non-member $620"

    progress = await world.fake.slash(world.member, world.channel, "progress")
    assert "**1 of 5** modules passed" in progress.embeds[0]["description"]
    assert field(progress.embeds[0], "SMR")["name"].endswith("✅ passed 2026-09-15")


async def test_studyplan_without_and_with_exam_dates(world: World):
    await scripted(world)
    plain = await world.fake.slash(world.member, world.channel, "studyplan")
    assert plain.ephemeral
    assert plain.embeds[0]["description"].startswith("No exam date booked, so this is a pace toward 80% mastery")
    assert "**20 questions a day**" in plain.embeds[0]["description"]

    # exam dates are the members' own, set with /exam set; a cancelled exam and another member's do not count
    for who, module, day in ((world.member, "mpr", "2026-12-20"), (world.member, "smr", "2026-11-26"),
                             (world.member, "eco", "2026-12-01"), (world.other, "eco", "2026-12-01")):
        booked = await world.fake.slash(who, world.channel, "exam set", module=module, date=day)
        assert "exam is on" in booked.content
    await world.fake.slash(world.member, world.channel, "exam cancel", module="eco")
    plan = await world.fake.slash(world.member, world.channel, "studyplan")
    embed = plan.embeds[0]
    smr = field(embed, "SMR · exam 2026-11-26 (tomorrow)")
    assert "exam tomorrow" in smr["value"] and smr["value"].startswith("**12** a day")  # 2 due + 10
    mpr_size = len(world.content.bank.for_module("mpr"))
    mpr_work = (-(-8 * mpr_size // 10)) * 3 + 1  # ceil(80% of the bank) to learn × 3 answers + 1 due
    mpr = field(embed, "MPR · exam 2026-12-20 (in 25 days)")
    assert mpr["value"].startswith(f"**{-(-mpr_work // 25)}** a day")
    assert not [f for f in embed["fields"] if f["name"].startswith("ECO ·")]  # cancelled exam, other member's
    week = field(embed, "This week")["value"]
    assert week.index("**SMR**") < week.index("**MPR**")
    assert "After your exams" in [f["name"] for f in embed["fields"]]


async def test_anki_export_holds_exactly_the_missed_questions(world: World):
    nothing = await world.fake.slash(world.member, world.channel, "export anki")
    assert "not missed any question yet" in nothing.content
    await scripted(world)
    await answer(world, "smr-env-003", False, at(), user_id=world.other.id)  # someone else's miss
    result = await world.fake.slash(world.member, world.channel, "export anki")
    assert result.ephemeral and "2 questions you missed" in result.content
    [(name, data)] = result.attachments
    assert name == "cpim-missed.apkg"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "collection.anki2" in archive.namelist()
        collection = archive.read("collection.anki2")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "collection.anki2"
        path.write_bytes(collection)
        with sqlite3.connect(path) as conn:
            notes = conn.execute("SELECT flds FROM notes").fetchall()
            cards = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    ids = {fields.split("\x1f")[0] for (fields,) in notes}
    assert ids == MISSED and len(notes) == 2 and cards == 2
    stem = html.escape(world.content.bank.get("smr-env-002").stem)[:40]
    assert any(stem in fields for (fields,) in notes)


async def test_mydata_is_a_zipped_json_of_every_row(world: World):
    await scripted(world)
    await world.fake.slash(world.member, world.channel, "passed add", module="bscm", date="2026-06-01")
    result = await world.fake.slash(world.member, world.channel, "mydata")
    assert result.ephemeral and "my-data.json inside the .zip" in result.content
    [(name, data)] = result.attachments
    document = unzip_json(data)
    assert name == "my-data.zip" and document["user_id"] == world.member.id
    tables = document["tables"]
    assert len(tables["answers"]) == 9 and len(tables["session_items"]) == 9
    assert tables["passed_modules"][0]["module"] == "bscm"
    expected = (await member_rows(world.config.database_path, world.guild.id, world.member.id))
    assert {t: len(rows) for t, rows in tables.items()} == expected
    assert document["records_you_authored"]["tables"] == {}
    assert document["across_servers"]["tables"] == {"dm_channels": []}


async def test_mydata_lists_what_an_admin_authored_and_the_dm_channel(world: World):
    await world.fake.slash(world.admin, world.channel, "admin window add", name="Spring 2027",
                           start="2026-12-01", end="2026-12-20", modules="all")
    await world.fake.slash(world.admin, world.channel, "questions retire", question_id="smr-env-001")
    with sqlite3.connect(world.config.database_path) as conn:
        conn.execute("INSERT INTO dm_channels (user_id, channel_id, updated_at) VALUES (?, 4242, 1)",
                     (world.admin.id,))
    document = unzip_json((await world.fake.slash(world.admin, world.channel, "mydata")).attachments[0][1])
    authored = document["records_you_authored"]["tables"]
    assert [w["name"] for w in authored["exam_windows"]] == ["Spring 2027"]
    assert [r["question_id"] for r in authored["question_retirements"]] == ["smr-env-001"]
    assert "kept by /forgetme" in document["records_you_authored"]["note"]
    assert document["across_servers"]["tables"]["dm_channels"][0]["channel_id"] == 4242


def bulk_answers(world: World, count: int) -> None:
    """A long history, written straight into SQLite (the quiz path would take minutes for 20,000)."""
    questions = list(world.content.bank.questions.values())
    start = int(at(-365).timestamp())
    rows = [(world.guild.id, world.member.id, q.id, q.module, q.topic, i % 3 != 0, "quiz", f"s{i // 20}",
             start + i * 1000) for i, q in ((i, questions[i % len(questions)]) for i in range(count))]
    with sqlite3.connect(world.config.database_path) as conn:
        conn.executemany("INSERT INTO answers (guild_id, user_id, question_id, module, topic, correct, source,"
                         " session_id, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


async def test_mydata_of_a_long_history_fits_discords_upload_limit(world: World):
    bulk_answers(world, 20_000)
    result = await world.fake.slash(world.member, world.channel, "mydata")
    [(name, data)] = result.attachments
    assert name == "my-data.zip" and len(data) < DISCORD_UPLOAD_LIMIT
    document = unzip_json(data)
    assert len(document["tables"]["answers"]) == 20_000
    assert document["tables"]["answers"][-1]["question_id"]


async def test_mydata_too_large_even_zipped_says_so_and_how_to_get_it(world: World):
    # 16 MB of random text (flag reasons) barely compresses: the zip stays over Discord's limit
    with sqlite3.connect(world.config.database_path) as conn:
        conn.executemany("INSERT INTO question_flags VALUES (?, ?, ?, ?, 1)",
                         [(world.guild.id, f"q{i}", world.member.id, secrets.token_urlsafe(6_000))
                          for i in range(2_000)])
    result = await world.fake.slash(world.member, world.channel, "mydata")
    assert result.ephemeral and not result.attachments
    assert "MB even compressed, more than Discord lets me upload" in result.content
    assert "Ask a server admin for a database export" in result.content


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"] if "custom_id" in c]


async def study_everything(world: World, who, post: dict) -> None:
    """Everything a member can leave behind, through the real commands and buttons."""
    quiz = await world.fake.slash(who, world.channel, "quiz", module="bscm", count=1, mode="new")
    feedback = await world.fake.click(who, quiz.message, custom_ids(quiz.message)[0])
    modal = await world.fake.click(who, feedback.message,
                                   next(i for i in custom_ids(feedback.message) if i.startswith("quiz-flag:")))
    thanks = await world.fake.submit_modal(who, modal, {"reason": "Choice C is also defensible."})
    assert thanks.ephemeral
    daily = await world.fake.click(who, post["id"], custom_ids(post)[0])
    assert daily.ephemeral
    for command, options in [("timezone set", {"zone": "Europe/Berlin"}),
                             ("exam set", {"module": "mpr", "date": "2027-03-01"}),
                             ("window join", {"name": "Spring 2027"}),
                             ("remind me", {"when": "in 2 hours", "text": f"study, {who.name}"}),
                             ("passed add", {"module": "bscm", "date": "2026-06-01"}),
                             ("progress-sharing", {"share": "on"})]:
        result = await world.fake.slash(who, world.channel, command, **options)
        assert result.ephemeral, result.content


async def test_forgetme_deletes_everything_of_that_member_here_and_nothing_else(world: World):
    db = world.bot.db
    setup = await world.fake.slash(world.admin, world.channel, "daily setup", channel=world.channel, time="08:00",
                                   timezone="UTC")
    assert setup.ephemeral
    await world.fake.slash(world.admin, world.channel, "daily now")
    [post] = [m for m in world.fake.channel_messages(world.channel)
              if m["embeds"] and m["embeds"][0]["title"].startswith("Daily question")]
    added = await world.fake.slash(world.admin, world.channel, "admin window add", name="Spring 2027",
                                   start="2027-02-01", end="2027-04-30", modules="all")
    assert "Added exam window" in added.content
    await scripted(world)
    for who in (world.member, world.other):
        await study_everything(world, who, post)
    # the member in another server
    await answer(world, "smr-env-001", False, at(), guild_id=OTHER_GUILD)
    await reminders.add(db, guild_id=OTHER_GUILD, user_id=world.member.id, kind="once", text="elsewhere",
                        due_at=at(days=30), now=at())

    path = world.config.database_path
    before = (await member_rows(path, world.guild.id, world.member.id))
    # every kind of member data really exists before the deletion, so "zero after" means something
    assert {"answers", "cards", "topic_stats", "quiz_sessions", "session_items", "question_flags", "daily_answers",
            "member_settings", "exams", "window_members", "reminders", "passed_modules",
            "progress_sharing"} <= {t for t, n in before.items() if n}
    others = (await member_rows(path, world.guild.id, world.other.id))
    elsewhere = (await member_rows(path, OTHER_GUILD, world.member.id))
    guild_rows = {t: n for t, n in
                  [(t, rows_in(path, t)) for t in ("daily_posts", "exam_windows", "daily_settings")]}

    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    assert prompt.ephemeral and "cannot be undone" in prompt.embeds[0]["description"]
    keep = await world.fake.click(world.member, prompt.message, world.fake.find_button(prompt.message, "Keep it"))
    assert keep.content == "Kept: nothing was deleted."
    assert (await member_rows(path, world.guild.id, world.member.id)) == before

    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    yes = world.fake.find_button(prompt.message, "Delete my data")
    stranger = await world.fake.click(world.other, prompt.message, yes)
    assert "belongs to someone else" in stranger.content
    done = await world.fake.click(world.member, prompt.message, yes)
    assert done.content.startswith(f"Done. Deleted: answers: {before['answers']}, ")
    for label, table in [("daily question answers", "daily_answers"), ("exam dates", "exams"),
                         ("exam windows joined", "window_members"), ("question flags", "question_flags"),
                         ("session questions", "session_items"), ("sharing choice", "progress_sharing")]:
        assert f"{label}: {before[table]}" in done.content
    assert "Records you made for the server as an admin" in done.content and "are kept" in done.content
    assert done.message["components"] == []

    assert {t: n for t, n in (await member_rows(path, world.guild.id, world.member.id)).items() if n} == {}
    assert (await member_rows(path, world.guild.id, world.other.id)) == others
    assert (await member_rows(path, OTHER_GUILD, world.member.id)) == elsewhere
    assert {t: rows_in(path, t) for t in guild_rows} == guild_rows  # the server's own records stay

    # the member's pending reminder never fires; the other member's does
    world.clock.set(at(minutes=130))
    for _ in range(100):
        if world.fake.dm_messages(world.other):
            break
        await asyncio.sleep(0.02)
    await world.bot.services.dispatcher.wait_idle()
    assert [m["content"] for m in world.fake.dm_messages(world.other)] == ["⏰ Reminder: study, cy"]
    assert world.fake.dm_messages(world.member) == []

    after = await world.fake.slash(world.member, world.channel, "progress")
    assert after.embeds[0]["description"].startswith("**0** answers")


def rows_in(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


async def test_forgetme_confirmation_expires(world: World):
    await scripted(world)
    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    world.clock.advance(dt.timedelta(minutes=11))
    late = await world.fake.click(world.member, prompt.message, world.fake.find_button(prompt.message,
                                                                                       "Delete my data"))
    assert "expired; nothing was deleted" in late.content
    assert (await member_rows(world.config.database_path, world.guild.id, world.member.id))["answers"] == 9


async def test_group_view_for_admins_and_study_leads(world: World):
    await scripted(world)
    await answer(world, "smr-env-001", True, at(-20), user_id=world.other.id)
    await world.fake.slash(world.member, world.channel, "passed add", module="bscm", date="2026-06-01")
    await world.fake.slash(world.member, world.channel, "exam set", module="mpr", date=at(10).date().isoformat())
    await world.fake.slash(world.other, world.channel, "exam set", module="smr", date=at(45).date().isoformat())

    report = await world.fake.slash(world.admin, world.channel, "group progress")
    embed = report.embeds[0]
    assert embed["description"] == ("Members active in the last 7 days: **1** (of 2 who ever answered)\n"
                                    "Modules passed: BSCM: 1")
    accuracy = field(embed, "Group accuracy by module")["value"]
    assert "**SMR**: 86% of 7 answers (last 30 days: 75%)" in accuracy and "**MPR**: 33% of 3 answers" in accuracy
    assert field(embed, "Exams in the next 30 days")["value"] == f"2026-12-05 · MPR · <@{world.member.id}>"
    assert png_size(report.attachments[0][1])[0] > 300

    export = await world.fake.slash(world.admin, world.channel, "group export")
    [(name, data)] = export.attachments
    rows = list(csv.DictReader(io.StringIO(data.decode())))
    assert name == "group-progress.csv" and len(rows) == 2
    bob = next(r for r in rows if r["user_id"] == str(world.member.id))
    assert (bob["answered"], bob["accuracy"], bob["answered_30d"], bob["modules_passed"]) == ("9", "67%", "6", "BSCM")
    assert (bob["next_exam_module"], bob["next_exam_date"]) == ("MPR", "2026-12-05")

    with pytest.raises(FakeDiscordError):  # Discord does not even show /group to a member by default
        await world.fake.slash(world.member, world.channel, "group progress")

    lead = world.fake.add_role(world.guild, "study-lead", discord.Permissions.none())
    set_role = await world.fake.slash(world.admin, world.channel, "admin settings lead-role", role=lead)
    assert "may use /group" in set_role.content
    # the server allows the role on /group in Integrations: Discord now shows it to everyone we test with
    world.fake.enforce_default_member_permissions = False
    world.fake.set_member_roles(world.guild, world.other, [lead])
    await asyncio.sleep(0.05)
    as_lead = await world.fake.slash(world.other, world.channel, "group progress")
    assert as_lead.embeds[0]["title"] == "The group's progress"
    not_lead = await world.fake.slash(world.member, world.channel, "group progress")
    assert "Only organizers can see the group" in not_lead.content and not not_lead.attachments
    not_admin = await world.fake.slash(world.other, world.channel, "admin settings lead-role")
    assert "Manage Server" in not_admin.content


async def test_dates_are_the_members_local_dates_far_from_utc(world: World):
    # START is 2026-11-25 12:00 UTC: already 2026-11-26 01:00 in Auckland (UTC+13 in summer)
    await world.fake.slash(world.member, world.channel, "timezone set", zone="Pacific/Auckland")
    passed = await world.fake.slash(world.member, world.channel, "passed add", module="bscm", date="2026-11-26")
    assert "Congratulations on passing **BSCM** (2026-11-26)" in passed.content
    await world.fake.slash(world.member, world.channel, "exam set", module="smr", date="2026-11-27")
    plan = await world.fake.slash(world.member, world.channel, "studyplan")
    assert field(plan.embeds[0], "SMR · exam 2026-11-27 (tomorrow)")
    # a member on UTC sees the UTC date: the 26th is still tomorrow and cannot be a passed date yet
    future = await world.fake.slash(world.other, world.channel, "passed add", module="bscm", date="2026-11-26")
    assert "2026-11-26 is in the future" in future.content
    await world.fake.slash(world.other, world.channel, "exam set", module="smr", date="2026-11-27")
    other_plan = await world.fake.slash(world.other, world.channel, "studyplan")
    assert field(other_plan.embeds[0], "SMR · exam 2026-11-27 (in 2 days)")


async def test_group_export_names_members_and_its_cells_never_run_as_formulas(world: World):
    # Without the members intent the bot's member cache has no names: /group export fetches them as /leaderboard
    # does, and a display name like =HYPERLINK(...) stays text in a spreadsheet.
    sneaky = world.fake.add_member(world.guild, "sneaky", nick='=HYPERLINK("http://x","y")')
    dash = world.fake.add_member(world.guild, "dash", nick="-2+3")
    for who in (sneaky.id, dash.id, world.member.id):
        await answer(world, "smr-env-001", True, at(), user_id=who)
    export = await world.fake.slash(world.admin, world.channel, "group export")
    [(_, data)] = export.attachments
    rows = {r["user_id"]: r for r in csv.DictReader(io.StringIO(data.decode()))}
    assert rows[str(world.member.id)]["name"] == "bob"
    assert rows[str(sneaky.id)]["name"] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert rows[str(dash.id)]["name"] == "'-2+3"
    assert rows[str(dash.id)]["answered"] == "1" and rows[str(dash.id)]["accuracy"] == "100%"
    assert csv_safe("+1") == "'+1" and csv_safe("plain") == "plain" and csv_safe(-3) == -3


async def test_mastery_counts_only_questions_still_asked(world: World):
    await scripted(world)  # smr-env-001 reached box 4: known
    smr_size = len(world.content.bank.for_module("smr"))
    before = await world.fake.slash(world.member, world.channel, "progress")
    assert f"(1 of {smr_size} questions known)" in field(before.embeds[0], "SMR")["value"]
    await world.fake.slash(world.admin, world.channel, "questions retire", question_id="smr-env-001")
    after = await world.fake.slash(world.member, world.channel, "progress")
    assert f"Mastery 0% (0 of {smr_size - 1} questions known)" in field(after.embeds[0], "SMR")["value"]


async def test_a_long_exam_list_is_cut_at_a_whole_line(world: World):
    for index in range(60):
        await progress_records.set_passed(world.bot.db, world.guild.id, 10_000 + index, "bscm", at().date(), at())
        with sqlite3.connect(world.config.database_path) as conn:
            conn.execute("INSERT INTO exams (guild_id, user_id, module, exam_date, timezone, created_at)"
                         " VALUES (?, ?, 'mpr', ?, 'UTC', 0)",
                         (world.guild.id, 100_000_000_000_000_000 + index, at(1 + index % 20).date().isoformat()))
    report = await world.fake.slash(world.admin, world.channel, "group progress")
    value = field(report.embeds[0], "Exams in the next 30 days")["value"]
    *lines, last = value.split("\n")
    assert len(value) <= 1024 and all(line.endswith(">") and " · MPR · <@1000" in line for line in lines)
    assert last == f"… and {60 - len(lines)} more (see /group export)"
