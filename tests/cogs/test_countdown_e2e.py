"""/countdown end to end: the exam date, the joined window's close and the ATT's end from the edition's data."""

from __future__ import annotations

from tests.conftest import World


def field(embed: dict, name: str) -> str:
    return next(f["value"] for f in embed["fields"] if f["name"] == name)


async def test_countdown_with_nothing_set_says_where_to_start(world: World):
    result = await world.fake.slash(world.member, world.channel, "countdown")
    embed = result.embeds[0]
    assert result.ephemeral and "/exam set" in field(embed, "Exam") and "/window list" in field(embed, "Exam window")


async def test_countdown_under_cpim8_counts_exam_window_and_att(world: World):
    await world.fake.slash(world.admin, world.channel, "admin settings edition", edition="cpim-8")
    await world.fake.slash(world.member, world.channel, "exam set", date="2026-12-10")
    await world.fake.slash(world.admin, world.channel, "admin window add", name="Winter", start="2026-11-01",
                           end="2026-12-20")
    await world.fake.slash(world.member, world.channel, "window join", name="Winter")
    # the clock is Wednesday 25 Nov 2026
    result = await world.fake.slash(world.member, world.channel, "countdown", att_received="2026-06-15")
    embed = result.embeds[0]
    assert "Thu 10 Dec 2026 · in **15** days" in field(embed, "Exam")
    assert "**Winter** closes Sun 20 Dec 2026 · in **25** days" in field(embed, "Exam window")
    att = field(embed, "Authorization to Test")
    assert "Valid until Mon 14 Dec 2026 · in **19** days (CPIM 8: 6 months)" in att and "⚠️" not in att
    late = await world.fake.slash(world.member, world.channel, "countdown", att_received="2026-05-01")
    assert "⚠️ Your exam date is after your ATT ends" in field(late.embeds[0], "Authorization to Test")
    hint = await world.fake.slash(world.member, world.channel, "countdown")
    assert "valid 6 months" in field(hint.embeds[0], "Authorization to Test")
    for bad, said in (("someday", "is not a date"), ("2027-01-01", "in the future")):
        refused = await world.fake.slash(world.member, world.channel, "countdown", att_received=bad)
        assert said in refused.content


async def test_members_see_countdown_without_any_server_setting(world: World):
    commands = {c["name"]: c for c in world.fake.registered_commands()}
    assert commands["countdown"]["default_member_permissions"] is None
