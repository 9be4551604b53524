"""WindowService on a real SQLite file: adding, listing, joining and leaving windows, and their DMs."""

import datetime as dt

import pytest

from db import reminders as records
from db import settings as setting_records
from study.errors import UserInputError
from tests.services.conftest import pending

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
GUILD, ADMIN, MEMBER = 1, 5, 10


async def test_window_announcement_is_the_servers_not_the_admins(windows, reminders, db):
    await setting_records.set_guild_planning(db, GUILD, NOW, announce_channel_id=555)
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", "all", NOW)
    [announcement] = await db.fetch_all("SELECT user_id, channel_id, kind FROM reminders")
    assert tuple(announcement) == (records.SERVER_USER_ID, 555, "other")
    assert await reminders.member_reminders(GUILD, ADMIN) == ([], [])


async def test_window_list_hides_closed_windows(windows, db):
    await windows.add_window(GUILD, ADMIN, "Winter", "2027-03-01", "2027-03-10", None, NOW)
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", "dsp,eco", NOW)
    listing = await windows.list_windows(GUILD, NOW)
    assert [w.name for w in listing.shown] == ["Winter", "Spring"] and listing.closed == 0
    listing = await windows.list_windows(GUILD, dt.datetime(2027, 3, 11, 12, tzinfo=UTC))
    assert [w.name for w in listing.shown] == ["Spring"] and listing.closed == 1
    assert listing.shown[0].modules == ("dsp", "eco")


async def test_bad_windows_are_refused_and_nothing_stored(windows, db):
    cases = [
        (("", "2027-04-01", "2027-04-20", None), "a name of 1 to 60 characters"),
        (("Spring", "01/04/2027", "2027-04-20", None), "Dates must be YYYY-MM-DD"),
        (("Spring", "2027-04-20", "2027-04-01", None), "ends before it starts"),
        (("Spring", "2027-01-01", "2027-02-01", None), "already closed"),
        (("Spring", "2027-04-01", "2028-05-01", None), "at most a year"),
        (("Spring", "2027-04-01", "2027-04-20", "dsp,xyz"), "I don't know a module called 'xyz'"),
    ]
    for (name, start, end, modules), message in cases:
        with pytest.raises(UserInputError, match=message):
            await windows.add_window(GUILD, ADMIN, name, start, end, modules, NOW)
    assert await db.fetch_value("SELECT COUNT(*) FROM exam_windows") == 0
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", None, NOW)
    with pytest.raises(UserInputError, match="already has a window called 'Spring'"):
        await windows.add_window(GUILD, ADMIN, "Spring", "2027-05-01", "2027-05-20", None, NOW)


async def test_joining_plans_one_closing_dm_and_leaving_cancels_it(windows, db):
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", None, NOW)
    when = await windows.join_window(GUILD, MEMBER, "spring", NOW)
    assert when == dt.datetime(2027, 4, 13, 9, 0, tzinfo=UTC)  # 7 days before it closes, 09:00 local
    assert await windows.member_windows(GUILD, MEMBER) == {(await windows.list_windows(GUILD, NOW)).shown[0].id}
    with pytest.raises(UserInputError, match="You are already in 'Spring'"):
        await windows.join_window(GUILD, MEMBER, "Spring", NOW)
    assert await pending(db, "window_nudge") == 1
    await windows.leave_window(GUILD, MEMBER, "Spring")
    assert await pending(db) == 0 and await windows.member_windows(GUILD, MEMBER) == set()
    with pytest.raises(UserInputError, match="You are not in 'Spring'"):
        await windows.leave_window(GUILD, MEMBER, "Spring")
    with pytest.raises(UserInputError, match="There is no exam window called 'Autumn'"):
        await windows.join_window(GUILD, MEMBER, "Autumn", NOW)


async def test_leaving_a_window_stops_its_dm_being_sent(windows, db):
    """The fix of #10: leaving cancelled only pending and paused DMs, so one already claimed was still sent."""
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", None, NOW)
    when = await windows.join_window(GUILD, MEMBER, "Spring", NOW)
    [claimed] = await records.claim_due(db, when, 10)
    assert claimed.kind == records.ReminderKind.WINDOW_NUDGE and claimed.state == records.ReminderState.IN_FLIGHT
    await windows.leave_window(GUILD, MEMBER, "Spring")
    # the sender reads the row before it sends and drops it unless it is still in flight
    assert (await records.get(db, claimed.id)).state == records.ReminderState.CANCELLED


async def test_removing_a_window_cancels_every_reminder_about_it(windows, db):
    await setting_records.set_guild_planning(db, GUILD, NOW, announce_channel_id=555)
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", None, NOW)
    await windows.add_window(GUILD, ADMIN, "Summer", "2027-06-01", "2027-06-20", None, NOW)
    await windows.join_window(GUILD, MEMBER, "Spring", NOW)
    await windows.join_window(GUILD, MEMBER + 1, "Spring", NOW)
    await windows.join_window(GUILD, MEMBER, "Summer", NOW)
    assert await pending(db) == 5  # two announcements, three closing DMs
    removed = await windows.remove_window(GUILD, "spring")
    assert removed.name == "Spring"
    assert [w.name for w in (await windows.list_windows(GUILD, NOW)).shown] == ["Summer"]
    assert await pending(db) == 2  # Summer's announcement and its one DM
    assert await windows.window(GUILD, removed.id) is None
