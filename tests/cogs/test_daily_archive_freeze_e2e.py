"""/daily-archive and streak freezes end to end: real SQLite, the fake Discord, the clock moved day by day."""

from __future__ import annotations

import datetime as dt

from tests.cogs.test_daily_e2e import answer, daily_posts, idle, post_now, question_of, set_up, wait_for_posts
from tests.conftest import World

UTC = dt.UTC
MONDAY = dt.datetime(2026, 11, 30, 8, tzinfo=UTC)


async def test_a_week_in_a_row_earns_a_freeze_that_a_missed_post_then_uses(world: World):
    await set_up(world, time="08:00", timezone="UTC", days="daily", reveal_after=12)
    for day in range(7):
        world.clock.set(MONDAY + dt.timedelta(days=day))
        post = (await wait_for_posts(world, day + 1))[day]
        await answer(world, post, world.member, right=day % 2 == 0)
    streak = await world.fake.slash(world.member, world.channel, "streak")
    assert "**7** in a row (best **7**)" in streak.content
    assert "Streak freezes: **1** held (of 2), **0** used" in streak.content
    # Day 8's post is revealed at 20:00 without an answer from the member; day 9 they answer again.
    world.clock.set(MONDAY + dt.timedelta(days=7))
    await wait_for_posts(world, 8)
    world.clock.set(MONDAY + dt.timedelta(days=7, hours=13))
    await idle(world)
    frozen = await world.fake.slash(world.member, world.channel, "streak")
    assert "**7** in a row (best **7**)" in frozen.content
    assert "**0** held (of 2), **1** used" in frozen.content
    world.clock.set(MONDAY + dt.timedelta(days=8))
    post = (await wait_for_posts(world, 9))[8]
    await answer(world, post, world.member, right=True)
    after = await world.fake.slash(world.member, world.channel, "streak")
    assert "**8** in a row (best **8**)" in after.content and "**0** held (of 2), **1** used" in after.content
    # `other` never answered: no streak, so nothing to freeze
    assert "not answered a daily question yet" in (await world.fake.slash(world.other, world.channel, "streak")).content


async def test_a_second_miss_without_a_freeze_breaks_the_streak(world: World):
    await set_up(world, time="08:00", timezone="UTC", days="daily", reveal_after=12)
    for day in range(9):
        world.clock.set(MONDAY + dt.timedelta(days=day))
        post = (await wait_for_posts(world, day + 1))[day]
        if day < 7:
            await answer(world, post, world.member, right=True)
    world.clock.set(MONDAY + dt.timedelta(days=8, hours=13))
    await idle(world)
    streak = await world.fake.slash(world.member, world.channel, "streak")
    assert "**0** in a row (best **7**)" in streak.content and "**0** held (of 2), **1** used" in streak.content


async def test_the_archive_shows_revealed_questions_pages_and_never_the_open_one(world: World):
    await set_up(world, time="08:00", timezone="UTC", days="daily", reveal_after=12)
    answered = {}
    for day in range(7):
        world.clock.set(MONDAY + dt.timedelta(days=day))
        post = (await wait_for_posts(world, day + 1))[day]
        if day % 3 == 0:
            _, question, choice = await answer(world, post, world.member, right=day == 0)
            answered[day + 1] = (question, choice)
        await answer(world, post, world.other, right=True)
    # Day 7 (Sunday 6 Dec) is still open: the archive leaves it out, answer included.
    _, open_question = question_of(world, daily_posts(world)[-1])
    archive = await world.fake.slash(world.member, world.channel, "daily-archive")
    embed = archive.embeds[0]
    assert archive.ephemeral and embed["title"] == "Daily archive · last 30 days"
    names = [f["name"] for f in embed["fields"]]
    assert len(names) == 5 and names[0].startswith("Day 6 · Sat 05 Dec 2026") and names[-1].startswith("Day 2 ·")
    assert not any(name.startswith("Day 7") for name in names)
    assert embed["footer"]["text"].startswith("Page 1 of 2")
    day4 = next(f["value"] for f in embed["fields"] if f["name"].startswith("Day 4 "))
    question, choice = answered[4]
    assert f"**Answer: {question.answer_letter}.**" in day4
    assert "2 answered, 50% right" in day4 and "not this time" in day4
    day5 = next(f["value"] for f in embed["fields"] if f["name"].startswith("Day 5 "))
    assert "1 answered, 100% right" in day5 and "You did not answer it." in day5
    older = await world.fake.click(world.member, archive.message, world.fake.find_button(archive.message, "Older ▶"))
    page2 = older.embeds[0]
    assert [f["name"][:6] for f in page2["fields"]] == ["Day 1 "]
    assert "right ✅" in page2["fields"][0]["value"] and page2["footer"]["text"].startswith("Page 2 of 2")
    await world.restart()  # the page buttons carry their state: they keep working after a restart
    newer = await world.fake.click(world.member, older.message, world.fake.find_button(older.message, "◀ Newer"))
    assert newer.embeds[0]["footer"]["text"].startswith("Page 1 of 2")
    # the open question's stem appears nowhere in the archive until it is revealed
    assert all(open_question.stem[:40] not in f["value"] for f in embed["fields"] + page2["fields"])

    short = await world.fake.slash(world.member, world.channel, "daily-archive", days=2)
    assert [f["name"][:6] for f in short.embeds[0]["fields"]] == ["Day 6 "]
    module = question_of(world, daily_posts(world)[0])[1].module
    one = await world.fake.slash(world.member, world.channel, "daily-archive", module=module)
    assert one.embeds[0].get("fields") and all(f["name"].startswith("Day ") for f in one.embeds[0]["fields"])
    bad = await world.fake.slash(world.member, world.channel, "daily-archive", module="nope")
    assert "I don't know a module called 'nope'" in bad.content

    world.clock.set(MONDAY + dt.timedelta(days=6, hours=13))  # day 7 revealed at 20:00
    await idle(world)
    later = await world.fake.slash(world.member, world.channel, "daily-archive")
    assert later.embeds[0]["fields"][0]["name"].startswith("Day 7 ")


async def test_the_archive_under_the_cpim8_edition_filters_by_its_modules(world: World):
    await world.fake.slash(world.admin, world.channel, "admin settings edition", edition="cpim-8")
    await set_up(world)
    post = await post_now(world)
    _, question = question_of(world, post)
    world.clock.set(world.clock.now() + dt.timedelta(days=1))
    await idle(world)
    archive = await world.fake.slash(world.member, world.channel, "daily-archive")
    assert len(archive.embeds[0]["fields"]) == 1
    assert question.cpim8_module  # every question is tagged for CPIM 8
    same = await world.fake.slash(world.member, world.channel, "daily-archive", module=question.cpim8_module)
    assert len(same.embeds[0]["fields"]) == 1
    other = next(m.key for m in world.content.edition("cpim-8").modules if m.key != question.cpim8_module)
    none = await world.fake.slash(world.member, world.channel, "daily-archive", module=other)
    assert not none.embeds[0].get("fields")
    # a 2017 code is not a module of this server's edition
    refused = await world.fake.slash(world.member, world.channel, "daily-archive", module="dsp")
    assert "I don't know a module called 'dsp'" in refused.content
    empty = await world.fake.slash(world.member, world.channel, "daily-archive", days=1)
    assert "No revealed daily question" in empty.embeds[0]["description"]


async def test_the_archive_is_empty_before_any_post(world: World):
    empty = await world.fake.slash(world.member, world.channel, "daily-archive")
    assert "No revealed daily question" in empty.embeds[0]["description"]


async def test_members_see_the_archive_and_streak_without_any_server_setting(world: World):
    commands = {c["name"]: c for c in world.fake.registered_commands()}
    for name in ("daily-archive", "streak", "leaderboard"):
        assert commands[name]["default_member_permissions"] is None
    result = await world.fake.slash(world.member, world.channel, "daily-archive", days=7)
    assert result.ephemeral and result.embeds[0]["title"] == "Daily archive · last 7 days"
    help_text = str((await world.fake.slash(world.member, world.channel, "help")).embeds[0])
    assert "/daily-archive" in help_text and "freezes" in help_text
