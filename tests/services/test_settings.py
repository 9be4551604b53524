"""SettingsService on a real SQLite file: which zone and nudge days apply, and settings that keep each other."""

import datetime as dt

import pytest

from db import seasons
from db import settings as records
from db.progress import study_lead_role
from study.errors import UserInputError
from study.recurrence import DEFAULT_NUDGE_DAYS

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
GUILD, MEMBER = 1, 10


async def test_a_members_zone_falls_back_to_the_servers_then_the_bots(settings):
    assert await settings.timezone_for(GUILD, MEMBER) == "UTC"
    assert await settings.own_timezone(GUILD, MEMBER) is None
    assert await settings.set_guild_timezone(GUILD, "Europe/Paris", NOW) == "Europe/Paris"
    assert await settings.timezone_for(GUILD, MEMBER) == "Europe/Paris"
    assert await settings.guild_timezone(GUILD) == "Europe/Paris"
    assert await settings.set_timezone(GUILD, MEMBER, "Asia/Tokyo", NOW) == "Asia/Tokyo"
    assert await settings.timezone_for(GUILD, MEMBER) == "Asia/Tokyo"
    assert await settings.own_timezone(GUILD, MEMBER) == "Asia/Tokyo"
    assert await settings.timezone_for(GUILD + 1, MEMBER) == "UTC"  # per server


async def test_unknown_zones_and_season_lengths_are_refused(settings, db):
    with pytest.raises(UserInputError, match="'Mars/Olympus' is not a time zone I know"):
        await settings.set_timezone(GUILD, MEMBER, "Mars/Olympus", NOW)
    with pytest.raises(UserInputError, match="'Mars/Olympus' is not a time zone I know"):
        await settings.set_guild_timezone(GUILD, "Mars/Olympus", NOW)
    with pytest.raises(UserInputError):
        await settings.set_season_months(GUILD, 5, NOW)
    assert await db.fetch_value("SELECT COUNT(*) FROM guild_settings") == 0
    assert await db.fetch_value("SELECT COUNT(*) FROM member_settings") == 0


async def test_each_setting_keeps_the_others(settings, db):
    await settings.set_guild_timezone(GUILD, "Europe/Paris", NOW)
    await settings.set_guild_offsets(GUILD, (7, 1), NOW)
    await settings.set_announcements(GUILD, 555, 3, NOW)
    await settings.set_study_lead_role(GUILD, 77, NOW)
    await settings.set_season_months(GUILD, 3, NOW)
    await settings.set_champion_role(GUILD, 88, NOW)
    await records.set_guild_edition(db, GUILD, "cpim-8", NOW)
    planning = await settings.guild_planning(GUILD)
    assert (planning.timezone, planning.nudge_offsets, planning.announce_channel_id,
            planning.window_notice_days) == ("Europe/Paris", (7, 1), 555, 3)
    assert await study_lead_role(db, GUILD) == 77
    assert await seasons.settings(db, GUILD) == seasons.SeasonSettings(3, 88)
    assert await records.guild_edition(db, GUILD) == "cpim-8"
    await settings.set_champion_role(GUILD, None, NOW)  # None clears a role
    await settings.set_study_lead_role(GUILD, None, NOW)
    assert await seasons.settings(db, GUILD) == seasons.SeasonSettings(3, None)
    assert await study_lead_role(db, GUILD) is None


async def test_nudge_days_the_member_the_server_or_the_default(settings):
    assert await settings.offsets_for(GUILD, MEMBER) == DEFAULT_NUDGE_DAYS
    await settings.set_guild_offsets(GUILD, (14, 1), NOW)
    assert await settings.offsets_for(GUILD, MEMBER) == (14, 1)
    await settings.set_member_offsets(GUILD, MEMBER, (), NOW)  # the member's "off" wins
    assert await settings.offsets_for(GUILD, MEMBER) == ()


async def test_the_study_lead_role_reads_back_per_server_for_the_organizer_check(settings):
    assert await settings.study_lead_role(GUILD) is None
    await settings.set_study_lead_role(GUILD, 77, NOW)
    assert (await settings.study_lead_role(GUILD), await settings.study_lead_role(GUILD + 1)) == (77, None)
    await settings.set_study_lead_role(GUILD, None, NOW)
    assert await settings.study_lead_role(GUILD) is None
