"""Questions written by members: /contribute, /my-submissions and /questions review through the fake Discord."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import zipfile

import discord
import pytest

from simulator import FakeDiscordError
from study.contributions import MAX_PENDING
from tests.conftest import World

GOOD = {
    "stem": "Our plant pulls parts between two cells. Which signal tells the upstream cell to make more?",
    "choices": "A kanban card\nA weekly MRP run\nThe sales forecast\nA purchase order",
    "answer": "a",
    "explanation": "Pull replenishes on a consumption signal: the kanban. MRP and forecasts push.",
    "difficulty": "easy",
}


def rows(world: World, sql: str, parameters: tuple = ()) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, parameters).fetchall()


async def contribute(world: World, who, values: dict | None = None, *, module: str = "eco",
                     topic: str = "lean-pull"):
    shown = await world.fake.slash(who, world.channel, "contribute", module=module, topic=topic)
    assert shown.modal is not None, shown.content
    return await world.fake.submit_modal(who, shown, values or GOOD)


async def review(world: World, who=None):
    return await world.fake.slash(who or world.admin, world.channel, "questions review")


def session_questions(world: World, message: dict) -> set[str]:
    session = message["components"][0]["components"][0]["custom_id"].split(":")[1]
    return {row[0] for row in rows(world, "SELECT question_id FROM session_items WHERE session_id = ?", (session,))}


async def wait_for_dm(world: World, user, count: int = 1) -> list[dict]:
    for _ in range(100):
        if len(world.fake.dm_messages(user)) >= count:
            break
        await asyncio.sleep(0.02)
    return world.fake.dm_messages(user)


async def test_a_members_question_is_reviewed_across_a_restart_and_asked_with_credit(world: World):
    sent = await contribute(world, world.member)
    assert sent.ephemeral and "Your question is #1 in the review queue (1 of at most 5 waiting)" in sent.content
    assert rows(world, "SELECT module, topic, cpim8_module, cpim8_topic, state FROM question_submissions") == [
        ("eco", "lean-pull", "schedules", "lean-execution", "pending")]
    mine = await world.fake.slash(world.member, world.channel, "my-submissions")
    assert "**#1** ⏳ waiting for review" in mine.embeds[0]["fields"][0]["value"]

    queue = await review(world)
    embed = queue.embeds[0]
    assert queue.ephemeral and embed["title"] == "Submission #1" and "**Answer: A**" in embed["description"]
    assert "CPIM 8: M5 · Lean" in next(f for f in embed["fields"] if f["name"] == "Where it goes")["value"]

    await world.restart()  # the review message from before the restart still works
    approve = world.fake.find_button(queue.message, "Approve")
    done = await world.fake.click(world.admin, queue.message, approve)
    assert "#1 is in the bank as `contrib-1`" in done.content and "The review queue is empty" in done.content
    assert done.message["components"] == []
    [dm] = await wait_for_dm(world, world.member)
    assert "was approved" in dm["content"]
    assert rows(world, "SELECT id, module, topic, cpim8_module, cpim8_topic, imported_by FROM guild_questions") == [
        ("contrib-1", "eco", "lean-pull", "schedules", "lean-execution", world.admin.id)]

    quiz = await world.fake.slash(world.other, world.channel, "quiz", module="eco", topic="lean-pull", count=20,
                                  mode="new")
    assert "contrib-1" in session_questions(world, quiz.message)
    shown = quiz.embeds[0]["description"]
    for _ in range(20):  # click through until the member's question is on screen
        if "Which signal tells the upstream cell" in shown:
            break
        answered = await world.fake.click(world.other, quiz.message,
                                          quiz.message["components"][0]["components"][0]["custom_id"])
        nxt = await world.fake.click(world.other, answered.message, world.fake.find_button(answered.message,
                                                                                           "Next question"))
        shown = nxt.embeds[0]["description"]
        quiz = nxt
    assert f"Written by <@{world.member.id}>" in shown

    exported = await world.fake.slash(world.admin, world.channel, "questions export")
    [(_, data)] = exported.attachments
    assert b"contrib-1" in data and b"Which signal tells the upstream cell" in data
    mine = await world.fake.slash(world.member, world.channel, "my-submissions")
    listed = mine.embeds[0]["fields"][0]["value"]
    assert "✅ approved" in listed and "`contrib-1`" in listed


async def test_bad_input_in_the_form_gets_the_imports_errors_and_queues_nothing(world: World):
    bad = {"stem": "Too short", "choices": "Kanban\nkanban\nMRP", "answer": "E", "explanation": "Because.",
           "difficulty": "hard"}
    result = await contribute(world, world.member, bad)
    text = result.content
    assert result.ephemeral and text.startswith("Not sent for review:")
    assert "stem: 'Too short' is too short" in text
    assert "explanation: 'Because.' is too short" in text
    assert "your question" not in text  # no file or line: the member typed it into a form
    assert rows(world, "SELECT COUNT(*) FROM question_submissions") == [(0,)]

    # the same checks as an import once the schema passes: duplicate choices, a letter past the choices
    worse = {**GOOD, "choices": "Kanban\nkanban\nMRP", "answer": "D"}
    text = (await contribute(world, world.member, worse)).content
    assert "two choices are the same" in text and "answer D but only 3 choices" in text
    long_choice = {**GOOD, "choices": "x" * 81 + "\nB\nC\nD"}
    assert f"choices.0: '{'x' * 81}' is too long" in (await contribute(world, world.member, long_choice)).content

    unknown = await world.fake.slash(world.member, world.channel, "contribute", module="eco", topic="no-such")
    assert unknown.modal is None and "There is no topic 'no-such' in ECO" in unknown.content


async def test_pending_submissions_are_capped_per_member(world: World):
    for n in range(MAX_PENDING):
        sent = await contribute(world, world.member, {**GOOD, "stem": f"{GOOD['stem']} (variant {n})"})
        assert f"#{n + 1} in the review queue" in sent.content
    refused = await world.fake.slash(world.member, world.channel, "contribute", module="eco", topic="lean-pull")
    assert refused.modal is None and f"You already have {MAX_PENDING} questions waiting" in refused.content
    # someone else still may, and a reviewed submission frees a place
    assert "#6 in the review queue" in (await contribute(world, world.other)).content
    queue = await review(world)
    await world.fake.click(world.admin, queue.message, world.fake.find_button(queue.message, "Approve"))
    assert "#7 in the review queue" in (await contribute(world, world.member)).content


async def test_reject_dms_the_reason_and_the_member_sees_it(world: World):
    await contribute(world, world.member)
    queue = await review(world)
    modal = await world.fake.click(world.admin, queue.message, world.fake.find_button(queue.message, "Reject"))
    done = await world.fake.submit_modal(world.admin, modal, {"reason": "Two choices could both be right."})
    assert "#1 rejected; the author was told by DM" in done.content
    [dm] = await wait_for_dm(world, world.member)
    assert "was not accepted" in dm["content"] and "Reason: Two choices could both be right." in dm["content"]
    mine = await world.fake.slash(world.member, world.channel, "my-submissions")
    value = mine.embeds[0]["fields"][0]["value"]
    assert "❌ rejected" in value and "Reason: Two choices could both be right." in value
    assert rows(world, "SELECT COUNT(*) FROM guild_questions") == [(0,)]


async def test_a_reviewer_edits_then_approves_and_bad_edits_are_refused(world: World):
    await contribute(world, world.member)
    queue = await review(world)
    edit = world.fake.find_button(queue.message, "Edit")
    modal = await world.fake.click(world.admin, queue.message, edit)
    assert modal.modal["components"]  # prefilled with the member's text
    bad = await world.fake.submit_modal(world.admin, modal, {**GOOD, "answer": "Z"})
    assert "Not saved" in bad.content and "answer: 'Z' does not match" in bad.content
    modal = await world.fake.click(world.admin, queue.message, edit)
    edited = await world.fake.submit_modal(world.admin, modal, {**GOOD, "answer": "b",
                                                               "choices": "MRP run\nKanban card\nForecast\nPO"})
    assert "edited" in edited.content and "**Answer: B**" in edited.embeds[0]["description"]
    await world.fake.click(world.admin, edited.message, world.fake.find_button(edited.message, "Approve"))
    assert rows(world, "SELECT answer_index, choices FROM guild_questions") == [
        (1, json.dumps(["MRP run", "Kanban card", "Forecast", "PO"]))]


async def test_members_see_contribute_but_not_review_and_leads_may_review(world: World):
    commands = {c["name"]: c for c in world.fake.registered_commands()}
    for name in ("contribute", "my-submissions"):
        assert commands[name]["default_member_permissions"] is None  # visible without any server setting
    assert int(commands["questions"]["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    with pytest.raises(FakeDiscordError):  # Discord does not show /questions to a member by default
        await review(world, world.member)

    await contribute(world, world.member)
    queue = await review(world)
    world.fake.enforce_default_member_permissions = False  # a server opened /questions up in Integrations
    refused = await review(world, world.member)
    assert "Only organizers review questions" in refused.content and not refused.embeds
    click = await world.fake.click(world.member, queue.message, world.fake.find_button(queue.message, "Approve"))
    assert "Only organizers review questions" in click.content
    assert rows(world, "SELECT state FROM question_submissions") == [("pending",)]

    lead = world.fake.add_role(world.guild, "study-lead", discord.Permissions.none())
    await world.fake.slash(world.admin, world.channel, "admin settings lead-role", role=lead)
    world.fake.set_member_roles(world.guild, world.other, [lead])
    await asyncio.sleep(0.05)
    as_lead = await review(world, world.other)
    assert as_lead.embeds[0]["title"] == "Submission #1"
    done = await world.fake.click(world.other, as_lead.message, world.fake.find_button(as_lead.message, "Approve"))
    assert "in the bank as `contrib-1`" in done.content
    late = await world.fake.click(world.admin, queue.message, world.fake.find_button(queue.message, "Reject"))
    assert "already approved" in late.content


async def test_a_cpim8_server_picks_cpim8_places_and_gets_the_2017_tag_from_the_crosswalk(world: World):
    await world.fake.slash(world.admin, world.channel, "admin settings edition", edition="cpim-8")
    modules = await world.fake.autocomplete(world.member, world.channel, "contribute", focused="module", value="inv")
    assert "inventory" in [c["value"] for c in modules]
    topics = await world.fake.autocomplete(world.member, world.channel, "contribute", focused="topic", value="",
                                           module="inventory")
    assert "inventory-basics" in [c["value"] for c in topics]
    sent = await contribute(world, world.member, module="inventory", topic="inventory-basics")
    assert "#1 in the review queue" in sent.content
    assert rows(world, "SELECT module, topic, cpim8_module, cpim8_topic FROM question_submissions") == [
        ("bscm", "inventory-fundamentals", "inventory", "inventory-basics")]


async def test_mydata_and_forgetme_cover_submissions_and_the_credit_goes_with_them(world: World):
    await contribute(world, world.member)
    await contribute(world, world.member, {**GOOD, "stem": GOOD["stem"] + " (second)"})
    queue = await review(world)
    await world.fake.click(world.admin, queue.message, world.fake.find_button(queue.message, "Approve"))

    data = (await world.fake.slash(world.member, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document = json.loads(archive.read("my-data.json"))
    assert [s["state"] for s in document["tables"]["question_submissions"]] == ["approved", "pending"]
    admin_data = (await world.fake.slash(world.admin, world.channel, "mydata")).attachments[0][1]
    with zipfile.ZipFile(io.BytesIO(admin_data)) as archive:
        authored = json.loads(archive.read("my-data.json"))["records_you_authored"]["tables"]
    assert [s["id"] for s in authored["question_submissions"]] == [1]  # reviewed_by: the reviewer's record

    prompt = await world.fake.slash(world.member, world.channel, "forgetme")
    done = await world.fake.click(world.member, prompt.message,
                                  world.fake.find_button(prompt.message, "Delete my data"))
    assert "questions you wrote: 2" in done.content
    assert rows(world, "SELECT COUNT(*) FROM question_submissions") == [(0,)]
    # the server keeps the question its reviewer approved, without the member's name
    assert rows(world, "SELECT id FROM guild_questions") == [("contrib-1",)]
    question = await world.bot.services.catalog.get(world.guild.id, "contrib-1")
    assert question is not None and question.author_id is None


async def test_forms_filled_in_across_a_restart_still_arrive(world: World):
    shown = await world.fake.slash(world.member, world.channel, "contribute", module="eco", topic="lean-pull")
    await world.restart()
    sent = await world.fake.submit_modal(world.member, shown, GOOD)
    assert "Your question is #1 in the review queue" in sent.content
    queue = await review(world)
    modal = await world.fake.click(world.admin, queue.message, world.fake.find_button(queue.message, "Reject"))
    await world.restart()
    done = await world.fake.submit_modal(world.admin, modal, {"reason": "Please cite the syllabus topic."})
    assert "#1 rejected" in done.content
    [dm] = await wait_for_dm(world, world.member)
    assert "Reason: Please cite the syllabus topic." in dm["content"]
