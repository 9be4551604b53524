"""A server's syllabus edition: chosen by an admin, shown everywhere, and switched back and forth with every
member's data left in place. Driven through the fake Discord as members and admins would."""

from __future__ import annotations

import sqlite3

from tests.cogs.test_info_e2e import field_text
from tests.conftest import World


def rows(world: World, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, params).fetchall()


async def switch(world: World, edition: str) -> str:
    result = await world.fake.slash(world.admin, world.channel, "admin settings edition", edition=edition)
    assert result.ephemeral
    return result.content


async def test_admin_chooses_the_edition_from_choices_and_members_cannot(world: World):
    admin = next(c for c in world.fake.registered_commands() if c["name"] == "admin")
    settings = next(o for o in admin["options"] if o["name"] == "settings")
    edition = next(o for o in settings["options"] if o["name"] == "edition")
    assert {c["value"] for c in edition["options"][0]["choices"]} == {"cpim-8", "cpim-2017"}
    world.fake.enforce_default_member_permissions = False
    refused = await world.fake.slash(world.member, world.channel, "admin settings edition", edition="cpim-8")
    assert "Manage Server" in refused.content
    assert rows(world, "SELECT COUNT(*) FROM guild_settings WHERE edition IS NOT NULL") == [(0,)]
    text = await switch(world, "cpim-8")
    assert "now follows **CPIM 8** (8 modules) instead of CPIM 2017" in text and "kept as they are" in text
    assert rows(world, "SELECT edition FROM guild_settings") == [("cpim-8",)]
    assert "already follows **CPIM 8**" in await switch(world, "cpim-8")


async def test_cpim_under_2017_says_in_one_line_that_today_is_cpim8_and_how_to_switch(world: World):
    text = field_text((await world.fake.slash(world.member, world.channel, "cpim")).embeds[0])
    assert "This server studies **CPIM 2017**" in text
    assert "Today's exam is CPIM 8 (one exam, eight modules, since June 2023); an admin switches with " \
           "`/admin settings edition`." in text


async def test_cpim_modules_and_help_follow_the_edition(world: World):
    await switch(world, "cpim-8")
    cpim = field_text((await world.fake.slash(world.member, world.channel, "cpim")).embeds[0])
    assert "This server studies **CPIM 8**, today's exam: one exam, 8 modules." in cpim
    assert "150 multiple-choice questions, about 130 scored" in cpim and "210 minutes" in cpim
    assert "200-350; 300 or more passes" in cpim and "CPIM-F" in cpim and "75 professional development" in cpim
    assert "confidence MED" in cpim and "ATT" in cpim and "no module weights for 8.0" in cpim
    assert "Quality, Technology, and Continuous Improvement" in cpim
    overview = await world.fake.slash(world.member, world.channel, "modules")
    assert len(overview.embeds[0]["fields"]) == 8
    text = field_text(overview.embeds[0])
    assert "M1: Supply Chains and Strategy" in text and "weight 22 %" in text and "Stand-in" in text
    one = field_text((await world.fake.slash(world.member, world.channel, "modules", module="M7")).embeds[0])
    assert "M7: Distribution" in one and "CPIM 8 · Topics" in one
    choices = await world.fake.autocomplete(world.member, world.channel, "modules", focused="module", value="sup")
    assert [c["value"] for c in choices] == ["strategy", "supply"]
    old = await world.fake.slash(world.member, world.channel, "modules", module="dsp")
    assert old.ephemeral and "in CPIM 8" in old.content
    helped = field_text((await world.fake.slash(world.member, world.channel, "help")).embeds[0])
    assert "This server studies **CPIM 8**" in helped
    await switch(world, "cpim-2017")
    assert len((await world.fake.slash(world.member, world.channel, "modules")).embeds[0]["fields"]) == 5
    helped = field_text((await world.fake.slash(world.member, world.channel, "help")).embeds[0])
    assert "This server studies **CPIM 2017**" in helped


async def test_fees_under_cpim8_without_entries_say_so_and_where_to_look(world: World):
    await switch(world, "cpim-8")
    result = await world.fake.slash(world.member, world.channel, "fees")
    text = field_text(result.embeds[0])
    assert "No CPIM 8 price is set for this server" in text and "ascm.org" in text
    assert "History only" in text and "$120 member / $155 non-member per module exam" in text
    assert "All 5 modules" not in text and "$600" not in text  # never a per-module sum


async def test_fees_under_cpim8_show_the_servers_own_entry_as_one_exam(world: World):
    await switch(world, "cpim-8")
    added = await world.fake.slash(world.admin, world.channel, "admin fees add", effective="2026-11-01",
                                   member=500, non_member=800, source="https://www.ascm.org/ price page",
                                   bundle=1200)
    assert "Saved for CPIM 8" in added.content and "for the exam" in added.content
    text = field_text((await world.fake.slash(world.member, world.channel, "fees")).embeds[0])
    assert "ASCM member: **$500** for the exam" in text and "Non-member: **$800** for the exam" in text
    assert "Bundle (learning system + exam): **$1,200**" in text and "Member saving: $300" in text
    assert "One exam, one fee" in text and "ascm.org/ price page" in text
    # the 2017 table is untouched by a CPIM 8 entry, and comes back on switching
    await switch(world, "cpim-2017")
    old = field_text((await world.fake.slash(world.member, world.channel, "fees")).embeds[0])
    assert "ASCM member: **$120** per module" in old
    listed = await world.fake.slash(world.admin, world.channel, "admin fees list")
    assert "no fee entries of its own for CPIM 2017" in listed.content
    await switch(world, "cpim-8")
    listed = await world.fake.slash(world.admin, world.channel, "admin fees list")
    assert "member $500, non-member $800, bundle $1,200" in listed.content
    assert rows(world, "SELECT edition, member FROM fee_entries") == [("cpim-8", 500)]


async def test_the_configured_default_edition_applies_to_servers_that_chose_none(world: World):
    from dataclasses import replace

    await world.stop()
    world.config = replace(world.config, edition="cpim-8")
    await world.start()
    text = field_text((await world.fake.slash(world.member, world.channel, "modules")).embeds[0])
    assert "This server studies **CPIM 8**" in text
    await switch(world, "cpim-2017")  # an admin's choice beats the default
    assert len((await world.fake.slash(world.member, world.channel, "modules")).embeds[0]["fields"]) == 5



# ---- quizzes and practice exams -----------------------------------------------------------------------------

from tests.cogs.test_quiz_e2e import answer, current_question, custom_ids  # noqa: E402


async def test_quiz_by_cpim8_module_asks_its_questions_and_shows_its_names(world: World):
    await switch(world, "cpim-8")
    choices = await world.fake.autocomplete(world.member, world.channel, "quiz", focused="module", value="")
    assert [c["value"] for c in choices] == ["strategy", "sop", "demand", "supply", "schedules", "inventory",
                                             "distribution", "quality-tech"]
    start = await world.fake.slash(world.member, world.channel, "quiz", module="distribution", count=5, mode="new")
    assert "M7 · " in start.embeds[0]["footer"]["text"]
    message = start.message
    for _ in range(5):
        _, _, question = current_question(world, message)
        assert world.content.editions.place(question, "cpim-8")[0] == "distribution"
        result, _, _ = await answer(world, message, right=True)
        nxt = next(i for i in custom_ids(result.message) if "quiz-next" in i)
        message = (await world.fake.click(world.member, result.message, nxt)).message
    # answers are stored with the question's 2017 keys, whatever edition the server shows
    stored = {m for (m,) in rows(world, "SELECT DISTINCT module FROM answers")}
    assert stored <= {"bscm", "mpr", "dsp", "eco", "smr"}
    topics = await world.fake.autocomplete(world.member, world.channel, "quiz", focused="topic", value="",
                                           module="inventory")
    assert "safety-stock-and-replenishment" in [c["value"] for c in topics]
    by_topic = await world.fake.slash(world.member, world.channel, "quiz", module="inventory",
                                      topic="safety-stock-and-replenishment", count=2, mode="new")
    assert "M6 · Safety stock" in by_topic.embeds[0]["footer"]["text"]


async def test_a_cpim8_full_practice_exam_is_150_questions_in_210_minutes_weighted_and_reported_by_module(
        world: World):
    await switch(world, "cpim-8")
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", full=True)
    assert start.embeds[0]["title"] == "Practice exam: question 1 of 150"
    session = custom_ids(start.message)[0].split(":")[1]
    [(deadline, started)] = rows(world, "SELECT deadline_at, started_at FROM quiz_sessions WHERE id = ?", session)
    assert deadline - started == 210 * 60
    ids = [qid for (qid,) in rows(world, "SELECT question_id FROM session_items WHERE session_id = ?", session)]
    modules = [world.content.editions.place(await world.bot.catalog.get(world.guild.id, qid), "cpim-8")[0]
               for qid in ids]
    assert len(set(ids)) == 150
    assert modules.count("strategy") == 33 and modules.count("sop") == 15 and modules.count("distribution") in (4, 5)
    # hand in at once: the report groups by the eight modules
    finish = next(i for i in custom_ids(start.message) if i.startswith("exam-end:"))
    report = await world.fake.click(world.member, start.message, finish)
    by_module = next(f for f in report.embeds[0]["fields"] if f["name"] == "By module")["value"]
    assert "M1: 0/33" in by_module.replace(" (0%)", "") and "M7:" in by_module
    assert "BSCM" not in by_module


async def test_a_shorter_cpim8_practice_exam_keeps_the_pace_and_the_weights(world: World):
    await switch(world, "cpim-8")
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", questions=50)
    session = custom_ids(start.message)[0].split(":")[1]
    [(deadline, started)] = rows(world, "SELECT deadline_at, started_at FROM quiz_sessions WHERE id = ?", session)
    assert deadline - started == 70 * 60  # 210 minutes for 150 questions
    ids = [qid for (qid,) in rows(world, "SELECT question_id FROM session_items WHERE session_id = ?", session)]
    modules = [world.content.editions.place(await world.bot.catalog.get(world.guild.id, qid), "cpim-8")[0]
               for qid in ids]
    assert modules.count("strategy") == 11 and modules.count("supply") == 8


async def test_a_2017_practice_exam_is_unchanged_and_full_means_one_module_exam(world: World):
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", module="bscm", full=True)
    assert start.embeds[0]["title"] == "Practice exam: question 1 of 105"
    assert "BSCM · " in start.embeds[0]["footer"]["text"]
