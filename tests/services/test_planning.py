"""PlanningService on a real SQLite file: nudge days, exam countdowns, snoozes, caps, windows, announcements."""

import datetime as dt

import pytest

from db import planning as records
from db import reminders
from services.planning import PlanningService
from study.errors import UserInputError
from study.recurrence import DEFAULT_NUDGE_DAYS

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
GUILD, ADMIN, MEMBER = 1, 5, 10


@pytest.fixture
def service(db, content):
    return PlanningService(db, content, "UTC", wake=lambda: None)


async def pending(db, kind: str | None = None) -> int:
    sql = "SELECT COUNT(*) FROM reminders WHERE state = 'pending'"
    return await db.fetch_value(sql + (" AND kind = ?" if kind else ""), (kind,) if kind else ())


async def test_server_nudges_off_is_respected(service, db):
    assert await service.offsets_for(GUILD, MEMBER) == DEFAULT_NUDGE_DAYS
    await records.set_guild_planning(db, GUILD, NOW, nudge_offsets=())
    assert await service.offsets_for(GUILD, MEMBER) == ()
    plan = await service.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW)
    assert plan.nudges == [] and await pending(db) == 0
    await records.set_member_setting(db, GUILD, MEMBER, NOW, nudge_offsets=(7, 1))  # the member's own win
    assert await service.offsets_for(GUILD, MEMBER) == (7, 1)


async def test_member_nudges_off_is_respected_over_the_server_default(service, db):
    await service.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW)
    assert await pending(db) == 6
    assert await service.set_member_offsets(GUILD, MEMBER, (), NOW) == 0
    assert await service.offsets_for(GUILD, MEMBER) == ()
    assert await pending(db) == 0


async def test_moving_an_exam_replaces_its_nudges_in_one_go(service, db):
    first = await service.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW)
    moved = await service.set_exam(GUILD, MEMBER, "dsp", "2027-06-01", None, NOW)
    assert moved.exam.id == first.exam.id
    rows = await db.fetch_all("SELECT state, json_extract(payload, '$.exam_date') AS day FROM reminders")
    assert sorted({(r["state"], r["day"]) for r in rows}) == [("cancelled", "2027-05-01"), ("pending", "2027-06-01")]
    assert await pending(db) == 6
    await service.cancel_exam(GUILD, MEMBER, "DSP")
    assert await pending(db) == 0 and await records.member_exams(db, GUILD, MEMBER) == []
    with pytest.raises(UserInputError, match="no exam set for that module"):
        await service.cancel_exam(GUILD, MEMBER, "dsp")


async def test_exam_countdown_uses_the_exams_own_zone(service, db):
    await service.set_timezone(GUILD, MEMBER, "America/New_York", NOW)
    await service.set_exam(GUILD, MEMBER, "dsp", "2027-03-02", None, NOW)
    await service.set_exam(GUILD, MEMBER, "eco", "2027-03-05", None, NOW)
    late_evening = dt.datetime(2027, 3, 3, 2, 0, tzinfo=UTC)  # Tue 2 Mar 21:00 in New York, already 3 Mar in UTC
    assert [(c.exam.module, c.countdown) for c in await service.exam_countdowns(GUILD, MEMBER, late_evening)] == [
        ("dsp", "today"), ("eco", "in 3 days")]
    next_day = dt.datetime(2027, 3, 3, 15, 0, tzinfo=UTC)
    assert [c.countdown for c in await service.exam_countdowns(GUILD, MEMBER, next_day)] == ["passed", "in 2 days"]


async def test_nudges_do_not_use_a_members_25_slots(service, db):
    for module in ("bscm", "mpr", "dsp", "eco", "smr"):
        await service.set_exam(GUILD, MEMBER, module, "2027-08-01", None, NOW)
    assert await pending(db, "exam_nudge") == 30
    for hours in range(1, 26):
        await service.remind_once(GUILD, MEMBER, f"in {hours} hours", "read", NOW)
    with pytest.raises(reminders.TooManyRemindersError, match="You already have 25 active reminders"):
        await service.remind_once(GUILD, MEMBER, "in 30 hours", "read", NOW)
    own, nudges = await service.member_reminders(GUILD, MEMBER)
    assert len(own) == 25 and {r.kind for r in own} == {"once"}
    assert len(nudges) == 5 and {n.count for n in nudges} == {6}
    assert nudges[0].label.endswith("exam on Sun 01 Aug 2027")


async def test_snoozing_a_recurring_reminder_twice_makes_one_copy(service, db):
    row, _ = await service.remind_study(GUILD, MEMBER, "19:30", "daily", "dsp", NOW)
    first = await service.snooze(row.id, MEMBER, "10m", NOW)
    second = await service.snooze(row.id, MEMBER, "1h", NOW)
    assert (first, second) == (NOW + dt.timedelta(minutes=10), NOW + dt.timedelta(hours=1))
    copies = await db.fetch_all("SELECT due_at, state, module FROM reminders WHERE kind = 'once'")
    assert [(reminders.from_ts(c["due_at"]), c["state"], c["module"]) for c in copies] == [
        (second, "pending", "dsp")]
    with pytest.raises(UserInputError, match="That reminder is gone"):
        await service.snooze(row.id, MEMBER + 1, "10m", NOW)  # someone else's button


async def test_a_cancelled_reminder_cannot_be_snoozed(service, db):
    row, _ = await service.remind_study(GUILD, MEMBER, "19:30", "daily", None, NOW)
    assert await reminders.cancel(db, GUILD, MEMBER, row.id)
    with pytest.raises(UserInputError, match="You cancelled that reminder"):
        await service.snooze(row.id, MEMBER, "tomorrow", NOW)
    assert await pending(db) == 0


async def test_snooze_tomorrow_keeps_the_local_time_of_the_occurrence(service, db):
    await service.set_timezone(GUILD, MEMBER, "Europe/Berlin", NOW)
    row, _ = await service.remind_once(GUILD, MEMBER, "2027-03-02 18:00", "MRP", NOW)
    later = dt.datetime(2027, 3, 2, 20, 0, tzinfo=UTC)
    assert await service.snooze(row.id, MEMBER, "tomorrow", later) == dt.datetime(2027, 3, 3, 17, 0, tzinfo=UTC)


async def test_window_announcement_is_the_servers_not_the_admins(service, db):
    await records.set_guild_planning(db, GUILD, NOW, announce_channel_id=555)
    await service.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", "all", NOW)
    [announcement] = await db.fetch_all("SELECT user_id, channel_id, kind FROM reminders")
    assert tuple(announcement) == (reminders.SERVER_USER_ID, 555, "other")
    assert await service.member_reminders(GUILD, ADMIN) == ([], [])


async def test_window_list_hides_closed_windows(service, db):
    await service.add_window(GUILD, ADMIN, "Winter", "2027-03-01", "2027-03-10", None, NOW)
    await service.add_window(GUILD, ADMIN, "Spring", "2027-04-01", "2027-04-20", "dsp,eco", NOW)
    listing = await service.list_windows(GUILD, NOW)
    assert [w.name for w in listing.shown] == ["Winter", "Spring"] and listing.closed == 0
    listing = await service.list_windows(GUILD, dt.datetime(2027, 3, 11, 12, tzinfo=UTC))
    assert [w.name for w in listing.shown] == ["Spring"] and listing.closed == 1
    assert listing.shown[0].modules == ("dsp", "eco")


async def test_a_day_without_a_time_is_nine_local(service, db):
    await service.set_timezone(GUILD, MEMBER, "America/New_York", NOW)
    row, when = await service.remind_once(GUILD, MEMBER, "tomorrow", "book the exam", NOW)
    assert when.assumed_time == dt.time(9, 0)
    assert row.due_at == dt.datetime(2027, 3, 2, 14, 0, tzinfo=UTC)  # 09:00 EST


async def test_an_exam_nudge_for_a_module_the_content_dropped_still_goes_out(service):
    # booked under a key a later content release renamed: the nudge names the key instead of failing the send
    facts = await service.nudge_facts(GUILD, MEMBER, "old-module", dt.date(2027, 3, 8), NOW, "UTC")
    assert (facts.module_code, facts.days_left, facts.weakest_topics) == ("old-module", 7, ())
