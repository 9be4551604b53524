"""ReminderService on a real SQLite file: one-off and study reminders, the cap, the list, snooze, cancel, resume."""

import datetime as dt

import pytest

from db import reminders as records
from study.errors import UserInputError
from tests.services.conftest import pending

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
GUILD, ADMIN, MEMBER = 1, 5, 10


async def test_nudges_do_not_use_a_members_25_slots(reminders, exams, db):
    for module in ("bscm", "mpr", "dsp", "eco", "smr"):
        await exams.set_exam(GUILD, MEMBER, module, "2027-08-01", None, NOW)
    assert await pending(db, "exam_nudge") == 30
    for hours in range(1, 26):
        await reminders.remind_once(GUILD, MEMBER, f"in {hours} hours", "read", NOW)
    with pytest.raises(records.TooManyRemindersError, match="You already have 25 active reminders"):
        await reminders.remind_once(GUILD, MEMBER, "in 30 hours", "read", NOW)
    own, nudges = await reminders.member_reminders(GUILD, MEMBER)
    assert len(own) == 25 and {r.kind for r in own} == {"once"}
    assert len(nudges) == 5 and {n.count for n in nudges} == {6}
    assert nudges[0].label.endswith("exam on Sun 01 Aug 2027")


async def test_snoozing_a_recurring_reminder_twice_makes_one_copy(reminders, db):
    row, _ = await reminders.remind_study(GUILD, MEMBER, "19:30", "daily", "dsp", NOW)
    first = await reminders.snooze(row.id, MEMBER, "10m", NOW)
    second = await reminders.snooze(row.id, MEMBER, "1h", NOW)
    assert (first, second) == (NOW + dt.timedelta(minutes=10), NOW + dt.timedelta(hours=1))
    copies = await db.fetch_all("SELECT due_at, state, module FROM reminders WHERE kind = 'once'")
    assert [(records.from_ts(c["due_at"]), c["state"], c["module"]) for c in copies] == [
        (second, "pending", "dsp")]
    with pytest.raises(UserInputError, match="That reminder is gone"):
        await reminders.snooze(row.id, MEMBER + 1, "10m", NOW)  # someone else's button


async def test_a_cancelled_reminder_cannot_be_snoozed(reminders, db):
    row, _ = await reminders.remind_study(GUILD, MEMBER, "19:30", "daily", None, NOW)
    assert await records.cancel(db, GUILD, MEMBER, row.id)
    with pytest.raises(UserInputError, match="You cancelled that reminder"):
        await reminders.snooze(row.id, MEMBER, "tomorrow", NOW)
    assert await pending(db) == 0


async def test_snooze_tomorrow_keeps_the_local_time_of_the_occurrence(reminders, settings, db):
    await settings.set_timezone(GUILD, MEMBER, "Europe/Berlin", NOW)
    row, _ = await reminders.remind_once(GUILD, MEMBER, "2027-03-02 18:00", "MRP", NOW)
    later = dt.datetime(2027, 3, 2, 20, 0, tzinfo=UTC)
    assert await reminders.snooze(row.id, MEMBER, "tomorrow", later) == dt.datetime(2027, 3, 3, 17, 0, tzinfo=UTC)
    assert await reminders.timezone_of(row.id) == "Europe/Berlin"


async def test_a_day_without_a_time_is_nine_local(reminders, settings, db):
    await settings.set_timezone(GUILD, MEMBER, "America/New_York", NOW)
    row, when = await reminders.remind_once(GUILD, MEMBER, "tomorrow", "book the exam", NOW)
    assert when.assumed_time == dt.time(9, 0)
    assert row.due_at == dt.datetime(2027, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 EST


async def test_a_member_cancels_only_their_own_reminder(reminders, db):
    row, _ = await reminders.remind_once(GUILD, MEMBER, "in 2 hours", "read", NOW)
    with pytest.raises(UserInputError, match=f"You have no active reminder #{row.id} here"):
        await reminders.cancel(GUILD, MEMBER + 1, row.id)
    with pytest.raises(UserInputError, match=f"You have no active reminder #{row.id} here"):
        await reminders.cancel(GUILD + 1, MEMBER, row.id)  # another server
    await reminders.cancel(GUILD, MEMBER, row.id)
    assert (await records.get(db, row.id)).state == records.ReminderState.CANCELLED
    with pytest.raises(UserInputError):
        await reminders.cancel(GUILD, MEMBER, row.id)  # once only


async def test_study_reminder_input_is_checked_and_nothing_stored(reminders, db):
    with pytest.raises(UserInputError, match="'25:00' is not a time of day"):
        await reminders.remind_study(GUILD, MEMBER, "25:00", "mon-fri", None, NOW)
    with pytest.raises(UserInputError, match="I don't know a module called 'xyz'"):
        await reminders.remind_study(GUILD, MEMBER, "19:30", "mon-fri", "xyz", NOW)
    with pytest.raises(UserInputError, match="What should I remind you of"):
        await reminders.remind_once(GUILD, MEMBER, "in 1 hour", "   ", NOW)
    assert await db.fetch_value("SELECT COUNT(*) FROM reminders") == 0


async def test_closed_dms_are_told_once_and_resume_brings_reminders_back(reminders, db):
    row, _ = await reminders.remind_once(GUILD, MEMBER, "in 2 hours", "read", NOW)
    assert await records.pause_dms(db, MEMBER, NOW) == 1
    assert await reminders.take_closed_notice(MEMBER) is True
    assert await reminders.take_closed_notice(MEMBER) is False
    woken = []
    reminders.wake = lambda: woken.append(True)
    assert await reminders.resume(MEMBER, NOW) == 1
    assert woken and (await records.get(db, row.id)).state == records.ReminderState.PENDING


async def test_the_sender_reads_the_row_as_stored_and_a_dm_channel_is_kept_per_member(reminders, db):
    row, _ = await reminders.remind_study(GUILD, MEMBER, "19:30", "daily", None, NOW)
    assert (await reminders.get(row.id)).state == "pending"
    assert await records.cancel(db, GUILD, MEMBER, row.id)
    assert (await reminders.get(row.id)).state == "cancelled"
    assert await reminders.get(row.id + 1000) is None
    assert not await reminders.dm_channel(MEMBER)
    await reminders.remember_dm_channel(MEMBER, 4242, NOW)
    assert (await reminders.dm_channel(MEMBER), await reminders.dm_channel(ADMIN)) == (4242, None)
    await reminders.remember_dm_channel(MEMBER, 0, NOW)  # Discord no longer knows it: create a new one next time
    assert not await reminders.dm_channel(MEMBER)
