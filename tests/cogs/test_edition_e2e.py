"""A server's syllabus edition: chosen by an admin, shown everywhere, and switched back and forth with every
member's data left in place. Driven through the fake Discord as members and admins would."""

from __future__ import annotations

import datetime as dt
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
    modules = [world.content.editions.place(await world.bot.services.catalog.get(world.guild.id, qid), "cpim-8")[0]
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
    modules = [world.content.editions.place(await world.bot.services.catalog.get(world.guild.id, qid), "cpim-8")[0]
               for qid in ids]
    assert modules.count("strategy") == 11 and modules.count("supply") == 8


async def test_a_2017_practice_exam_is_unchanged_and_full_means_one_module_exam(world: World):
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", module="bscm", full=True)
    assert start.embeds[0]["title"] == "Practice exam: question 1 of 105"
    assert "BSCM · " in start.embeds[0]["footer"]["text"]


# ---- progress, passes, exams, plans and the group, switching back and forth with data in place --------------

from tests.cogs.test_progress_e2e import field, scripted  # noqa: E402

MEMBER_TABLES = ("answers", "cards", "topic_stats", "exams", "passed_modules", "reminders", "quiz_sessions")


def counts(world: World) -> dict[str, list[tuple]]:
    return {table: rows(world, f"SELECT * FROM {table} ORDER BY 1, 2") for table in MEMBER_TABLES}


async def test_switching_back_and_forth_keeps_every_record_and_regroups_the_figures(world: World):
    await scripted(world)  # SMR 6 answers (5 right), MPR 3 (1 right): see tests/cogs/test_progress_e2e.py
    await world.fake.slash(world.member, world.channel, "exam set", module="dsp", date="2027-01-10")
    await world.fake.slash(world.member, world.channel, "passed add", module="bscm", date="2026-06-01")
    await world.fake.slash(world.member, world.channel, "remind study", at="19:30", days="daily", module="mpr")
    before = counts(world)

    await switch(world, "cpim-8")
    assert counts(world) == before  # a switch rewrites nothing
    progress = (await world.fake.slash(world.member, world.channel, "progress")).embeds[0]
    assert "CPIM 8 exam: not passed yet (also recorded: BSCM)" in progress["description"]
    assert [f["name"] for f in progress["fields"]][:8] == [m.label for m in world.content.edition("cpim-8").modules]
    assert field(progress, "M1:")["value"].startswith("Answered 6 · accuracy 83%")
    assert field(progress, "M2:")["value"].startswith("Answered 3 · accuracy 33%")
    assert "1 of " in field(progress, "M1:")["value"] and "2 reviews due" in field(progress, "M1:")["value"]
    assert "M2 · The planning hierarchy and its links: 33% of 3" in field(progress, "Weakest topics")["value"]
    # the exam booked per 2017 module stays, under its own name; the one CPIM 8 exam needs no module
    wrong = await world.fake.slash(world.member, world.channel, "exam set", module="supply", date="2027-03-01")
    assert "CPIM 8 is one exam for the whole outline" in wrong.content
    booked = await world.fake.slash(world.member, world.channel, "exam set", date="2027-03-01")
    assert "Your **CPIM 8** exam is on Mon 01 Mar 2027" in booked.content
    listed = await world.fake.slash(world.member, world.channel, "exam list")
    assert "**DSP** Sun 10 Jan 2027" in listed.content and "**CPIM 8 exam** Mon 01 Mar 2027" in listed.content
    plan = (await world.fake.slash(world.member, world.channel, "studyplan")).embeds[0]
    names = [f["name"] for f in plan["fields"]]
    assert any(n.startswith("M1 · exam 2027-03-01") for n in names) and not any("DSP" in n for n in names)
    facts = await world.bot.services.exams.nudge_facts(world.guild.id, world.member.id, "cpim-8",
                                                 dt.date(2027, 3, 1), world.clock.now(), "UTC")
    assert (facts.module_code == "CPIM 8" and "Planning hierarchy and links" in " ".join(facts.weakest_topics)) \
        or facts.weakest_topics
    passed = await world.fake.slash(world.member, world.channel, "passed add", date="2026-11-20")
    assert "passing the **CPIM 8 exam** (2026-11-20)" in passed.content and "one exam" in passed.content
    listing = (await world.fake.slash(world.member, world.channel, "passed list")).embeds[0]
    assert listing["title"].startswith("CPIM 8 exam passed 2026-11-20")
    assert "✅ BSCM · passed 2026-06-01" in listing["description"]
    group = (await world.fake.slash(world.admin, world.channel, "group progress")).embeds[0]
    accuracy = field(group, "Group accuracy by module")["value"]
    assert "**M1**: 83% of 6 answers" in accuracy and "**M2**: 33% of 3 answers" in accuracy
    assert "CPIM 8 exam: 1" in group["description"] and "BSCM: 1" in group["description"]

    await switch(world, "cpim-2017")
    progress = (await world.fake.slash(world.member, world.channel, "progress")).embeds[0]
    assert "**1 of 5** modules passed (also recorded: CPIM 8 exam)" in progress["description"]
    assert field(progress, "SMR")["value"].startswith("Answered 6 · accuracy 83%")
    listed = await world.fake.slash(world.member, world.channel, "exam list")
    assert "**DSP**" in listed.content and "**CPIM 8 exam**" in listed.content
    after = counts(world)
    assert after["answers"] == before["answers"] and after["cards"] == before["cards"]
    assert len(after["exams"]) == 2 and len(after["passed_modules"]) == 2


from tests.cogs.test_daily_e2e import answer as daily_answer  # noqa: E402
from tests.cogs.test_daily_e2e import post_now, question_of, set_up  # noqa: E402


async def test_daily_rotation_follows_the_cpim8_weights_and_the_leaderboard_its_modules(world: World):
    await switch(world, "cpim-8")
    await set_up(world)
    placed = []
    for _ in range(4):
        message = await post_now(world)
        _, question = question_of(world, message)
        placed.append(world.content.editions.place(question, "cpim-8")[0])
        assert "M" in field_text({"fields": message["embeds"][0]["fields"]}).split("·")[0]
    # the module owed most posts comes next: 22 % strategy first, then supply (16 %), then inventory and quality
    assert placed == ["strategy", "supply", "inventory", "quality-tech"]
    await daily_answer(world, message, world.member, right=True)
    board = (await world.fake.slash(world.member, world.channel, "leaderboard", module="quality-tech")).embeds[0]
    assert board["title"].endswith("· M8") and board["description"] == "**1.** bob · 1 right of 1 (100%)"
    empty = (await world.fake.slash(world.member, world.channel, "leaderboard", module="distribution")).embeds[0]
    assert empty["description"] == "No daily answers in this period yet."
    last = question.module
    await switch(world, "cpim-2017")
    _, question = question_of(world, await post_now(world))
    order = ["bscm", "mpr", "dsp", "eco", "smr"]
    assert question.module == order[(order.index(last) + 1) % 5]  # 2017: the five modules in turn again


async def test_a_quiz_started_from_a_reminder_dm_stays_in_the_servers_edition_to_its_summary(world: World):
    """The DM has no server, so every step of the quiz takes the edition from the session's server."""
    from tests.cogs.dm_helpers import advance_to, dms

    await switch(world, "cpim-8")
    await world.fake.slash(world.member, world.channel, "exam set", module="cpim-8", date="2027-01-10")
    await advance_to(world, dt.datetime(2026, 12, 11, 8, 0, tzinfo=dt.UTC))  # the 30-day nudge
    [nudge] = await dms(world, world.member, 1)
    start = await world.fake.click(world.member, nudge, f"startquiz:{world.guild.id}:cpim-8")
    codes = {f"M{n}" for n in range(1, 9)}
    message = start.message
    for position in range(5):
        assert message["embeds"][0]["title"] == f"Quiz: question {position + 1} of 5"
        assert message["embeds"][0]["footer"]["text"].split(" · ")[0] in codes, message["embeds"][0]["footer"]
        result, _, _ = await answer(world, message, right=position % 2 == 0)
        assert result.embeds[0]["footer"]["text"].split(" · ")[0] in codes
        nxt = next(i for i in custom_ids(result.message) if "quiz-next" in i)
        message = (await world.fake.click(world.member, result.message, nxt)).message
    summary = message["embeds"][0]
    assert summary["title"] == "Quiz finished"
    by_topic = next(f["value"] for f in summary["fields"] if f["name"].startswith("By topic"))
    assert {line.split(" · ")[0] for line in by_topic.splitlines()} <= codes, by_topic
