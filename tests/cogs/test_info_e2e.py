"""/cpim, /modules, /fees, /help and /admin fees, driven through the fake Discord as a member would."""

from __future__ import annotations

import sqlite3

import discord

from tests.conftest import World


def field_text(embed: dict) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    for item in embed.get("fields", []):
        parts += [item["name"], item["value"]]
    parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


async def test_the_bot_logs_in_and_syncs_every_command_globally(world: World):
    names = {command["name"] for command in world.fake.registered_commands()}
    assert {"cpim", "modules", "fees", "help", "admin", "quiz", "practice-exam"} <= names
    admin = next(c for c in world.fake.registered_commands() if c["name"] == "admin")
    assert int(admin["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    assert admin.get("contexts") == [0] or admin.get("dm_permission") is False


async def test_cpim_says_plainly_that_todays_exam_differs(world: World):
    result = await world.fake.slash(world.member, world.channel, "cpim")
    assert not result.ephemeral
    text = field_text(result.embeds[0])
    assert "single exam" in text and "2023" in text
    assert "Basics of Supply Chain Management" in text and "Strategic Management of Resources" in text
    assert "(2017 exam)" in text  # facts of the old exam are labelled as such
    assert "CFPIM" in text and "None: no degree" in text
    assert "as of" in text


async def test_modules_lists_five_and_one_modules_topics(world: World):
    overview = await world.fake.slash(world.member, world.channel, "modules")
    assert len(overview.embeds[0]["fields"]) == 5
    dsp = await world.fake.slash(world.member, world.channel, "modules", module="dsp")
    text = field_text(dsp.embeds[0])
    assert "DSP: Detailed Scheduling and Planning" in text and "Lot sizing" in text
    unknown = await world.fake.slash(world.member, world.channel, "modules", module="xyz")
    assert unknown.ephemeral and "I don't know a module called 'xyz'" in unknown.content


async def test_module_autocomplete_offers_matching_modules(world: World):
    choices = await world.fake.autocomplete(world.member, world.channel, "fees", focused="module", value="plan")
    assert [c["value"] for c in choices] == ["mpr", "dsp"]


async def test_fees_for_both_memberships_with_totals_and_source(world: World):
    result = await world.fake.slash(world.member, world.channel, "fees")
    text = field_text(result.embeds[0])
    assert "ASCM member: **$120** per module" in text
    assert "Non-member: **$155** per module" in text
    assert "All 5 modules" in text and "member $600" in text and "non-member $775" in text
    assert "$35 per module, $175 in all" in text
    assert "1 Jan 2017" in text and "tests.com" in text
    assert "ascm.org" in text


async def test_fees_for_one_membership_and_module(world: World):
    result = await world.fake.slash(world.member, world.channel, "fees", module="eco", membership="member")
    text = field_text(result.embeds[0])
    assert "CPIM exam fees: ECO" in text
    assert "ASCM member: **$120**" in text and "Non-member" not in text.split("Member saving")[0]
    assert "member $600" in text


async def test_help_lists_every_command_grouped(world: World):
    result = await world.fake.slash(world.member, world.channel, "help")
    assert result.ephemeral
    text = field_text(result.embeds[0])
    for name in ("/cpim", "/modules", "/fees", "/help", "/admin fees add", "/quiz", "/practice-exam start"):
        assert f"`{name}`" in text
    assert "CPIM information" in text and "Admins (Manage Server)" in text


def fee_rows(world: World) -> int:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM fee_entries").fetchone()[0]


async def test_member_without_manage_server_is_refused_and_nothing_written(world: World):
    # Discord hides /admin from bob by default; a server admin can override that in Integrations settings,
    # which the fake models by not enforcing default permissions. The bot must still refuse at run time.
    world.fake.enforce_default_member_permissions = False
    result = await world.fake.slash(world.member, world.channel, "admin fees add", effective="2027-01-01",
                                    member=150, non_member=190, source="ascm.org price list")
    assert result.ephemeral
    assert "You need the **Manage Server** permission" in result.content
    assert fee_rows(world) == 0


async def test_admin_adds_a_fee_entry_and_fees_uses_it_from_its_date(world: World):
    result = await world.fake.slash(world.admin, world.channel, "admin fees add", effective="2027-01-01",
                                    member=150, non_member=190, source="ascm.org price list 2027")
    assert result.ephemeral and "Saved" in result.content
    assert fee_rows(world) == 1
    before = field_text((await world.fake.slash(world.member, world.channel, "fees")).embeds[0])
    assert "**$120**" in before  # not in effect until 2027
    world.clock.set(world.clock.now().replace(year=2027, month=1, day=2))
    after = field_text((await world.fake.slash(world.member, world.channel, "fees")).embeds[0])
    assert "ASCM member: **$150**" in after and "member $750" in after and "non-member $950" in after
    assert "added by this server's admins" in after


async def test_bad_fee_amounts_and_dates_are_refused_with_a_message(world: World):
    cases = [
        ({"effective": "next year", "member": 150, "non_member": 190}, "is not a date; use YYYY-MM-DD"),
        ({"effective": "2027-02-30", "member": 150, "non_member": 190}, "is not a date"),
        ({"effective": "2027-01-01", "member": -1, "non_member": 190}, "must be positive"),
        ({"effective": "2027-01-01", "member": 200, "non_member": 190}, "cannot be higher than the non-member"),
        ({"effective": "2040-01-01", "member": 150, "non_member": 190}, "more than two years ahead"),
    ]
    for options, message in cases:
        result = await world.fake.slash(world.admin, world.channel, "admin fees add", source="x", **options)
        assert result.ephemeral and message in result.content, (options, result.content)
    assert fee_rows(world) == 0


async def test_an_unexpected_error_gets_a_reference_and_the_bot_keeps_working(world: World, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("db.fees.guild_fee_entries", broken)
    result = await world.fake.slash(world.member, world.channel, "fees")
    assert result.ephemeral and "Something went wrong on my side (reference `" in result.content
    monkeypatch.undo()
    again = await world.fake.slash(world.member, world.channel, "fees")
    assert "**$120**" in field_text(again.embeds[0])


async def test_commands_sync_to_the_development_guild_when_configured(world: World):
    from dataclasses import replace

    await world.stop()
    world.config = replace(world.config, dev_guild_id=world.guild.id)
    await world.start()
    await world.fake.wait_for_commands(world.guild)
    names = {command["name"] for command in world.fake.registered_commands(world.guild)}
    assert {"cpim", "fees", "quiz"} <= names


async def test_fees_with_recorded_passes_is_shown_to_the_member_only(world: World):
    public = await world.fake.slash(world.member, world.channel, "fees")
    assert not public.ephemeral
    await world.fake.slash(world.member, world.channel, "passed add", module="bscm", date="2026-06-01")
    private = await world.fake.slash(world.member, world.channel, "fees")
    assert private.ephemeral
    assert "The 4 modules you have left" in field_text(private.embeds[0])
    others = await world.fake.slash(world.other, world.channel, "fees")
    assert not others.ephemeral and "All 5 modules" in field_text(others.embeds[0])
