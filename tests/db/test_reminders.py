import datetime as dt

import pytest

from db import reminders
from db.connection import Database
from study.errors import UserInputError

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
WEEKLY = '{"time":"19:30","days":[0,2,4]}'


async def add(db, *, guild=1, user=10, minutes=60, **extra):
    return await reminders.add(db, guild_id=guild, user_id=user, kind=extra.pop("kind", "once"),
                               text=extra.pop("text", "study"), due_at=NOW + dt.timedelta(minutes=minutes),
                               now=NOW, **extra)


async def test_add_list_and_cancel_only_own(db):
    first = await add(db, minutes=120, payload={"module": "DSP"})
    second = await add(db, minutes=30, recurrence=WEEKLY, timezone="Europe/Berlin", kind="study")
    await add(db, guild=2)
    assert [r.id for r in await reminders.list_active(db, 1, 10)] == [second.id, first.id]
    assert first.payload == {"module": "DSP"} and first.due_at == first.occurrence_at == NOW + dt.timedelta(hours=2)
    assert second.recurrence == WEEKLY and second.timezone == "Europe/Berlin" and second.state == "pending"
    assert not await reminders.cancel(db, 1, 11, first.id)  # someone else
    assert not await reminders.cancel(db, 2, 10, first.id)  # another guild
    assert await reminders.cancel(db, 1, 10, first.id)
    assert not await reminders.cancel(db, 1, 10, first.id)  # already cancelled
    assert [r.id for r in await reminders.list_active(db, 1, 10)] == [second.id]


async def test_cap_of_25_active_per_member_per_guild(db):
    for _ in range(reminders.MAX_ACTIVE):
        await add(db)
    with pytest.raises(reminders.TooManyRemindersError) as caught:
        await add(db)
    assert isinstance(caught.value, UserInputError) and "25" in str(caught.value)
    await add(db, guild=2)  # other guilds and members are separate
    await add(db, user=11)
    [one, *_] = await reminders.list_active(db, 1, 10)
    await reminders.cancel(db, 1, 10, one.id)
    await add(db)
    await add(db, kind="exam_nudge", cap=None)  # system-made rows may opt out
    assert len(await reminders.list_active(db, 1, 10)) == 26


async def test_the_cap_counts_only_the_members_own_reminders(db):
    for _ in range(30):  # five exams' worth of nudges, and a window's
        await add(db, kind="exam_nudge", cap=None)
    await add(db, kind="window_nudge", cap=None)
    for _ in range(reminders.MAX_ACTIVE - 1):
        await add(db)
    await add(db, kind="study", recurrence=WEEKLY)
    with pytest.raises(reminders.TooManyRemindersError, match="You already have 25 active reminders"):
        await add(db)


async def test_replace_by_payload_swaps_a_series_in_one_transaction(db):
    old = [await add(db, kind="exam_nudge", cap=None, payload={"exam_id": 7}) for _ in range(3)]
    other_exam = await add(db, kind="exam_nudge", cap=None, payload={"exam_id": 8})
    someone_else = await add(db, user=11, kind="exam_nudge", cap=None, payload={"exam_id": 7})
    new = [reminders.NewReminder("exam_nudge", "", NOW + dt.timedelta(days=d), "Europe/Berlin", module="dsp",
                                 payload={"exam_id": 7, "days_before": d}) for d in (2, 1)]
    added = await reminders.replace_by_payload(db, guild_id=1, user_id=10, key="exam_id", value=7, new=new, now=NOW)
    assert [(r.kind, r.module, r.timezone, r.payload["days_before"]) for r in added] == [
        ("exam_nudge", "dsp", "Europe/Berlin", 2), ("exam_nudge", "dsp", "Europe/Berlin", 1)]
    assert {(await reminders.get(db, r.id)).state for r in old} == {"cancelled"}
    assert (await reminders.get(db, other_exam.id)).state == "pending"
    assert (await reminders.get(db, someone_else.id)).state == "pending"
    with pytest.raises(ValueError, match="unknown reminder kind"):  # a bad row rolls the cancel back too
        await reminders.replace_by_payload(db, guild_id=1, user_id=10, key="exam_id", value=7, now=NOW,
                                           new=[reminders.NewReminder("bogus", "", NOW)])
    assert {(await reminders.get(db, r.id)).state for r in added} == {"pending"}


async def test_snooze_copy_is_one_per_occurrence_and_refuses_cancelled(db):
    weekly = await add(db, minutes=-1, kind="study", recurrence=WEEKLY, module="dsp", text="")
    await reminders.claim_due(db, NOW, 10)
    nxt = NOW + dt.timedelta(days=2)
    await reminders.record_delivered(db, weekly.id, weekly.occurrence_at, nxt, NOW)
    source = await reminders.get(db, weekly.id)
    first = await reminders.snooze_copy(db, source, NOW + dt.timedelta(minutes=10), NOW)
    second = await reminders.snooze_copy(db, source, NOW + dt.timedelta(hours=1), NOW)
    assert first.id == second.id and second.due_at == NOW + dt.timedelta(hours=1)
    assert second.payload == {"snoozed_from": weekly.id, "snoozed_occurrence": reminders.to_ts(weekly.occurrence_at)}
    assert (second.kind, second.text, second.module) == ("once", "your study session", "dsp")
    [claimed] = await reminders.claim_due(db, NOW + dt.timedelta(hours=1), 10)
    assert await reminders.snooze_copy(db, source, NOW, NOW) == reminders.SNOOZE_SENDING
    await reminders.record_delivered(db, claimed.id, claimed.occurrence_at, None, NOW)
    again = await reminders.snooze_copy(db, source, NOW + dt.timedelta(days=1), NOW)  # the sent copy comes back
    assert again.id == first.id and again.state == "pending"
    assert await db.fetch_value("SELECT COUNT(*) FROM reminders WHERE kind = 'once'") == 1
    with pytest.raises(db.integrity_error):  # the database itself refuses a second copy
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO reminders (guild_id, user_id, kind, payload, due_at, occurrence_at,"
                               " created_at) SELECT guild_id, user_id, kind, payload, 0, 0, 0 FROM reminders"
                               " WHERE id = ?", (first.id,))
    await reminders.cancel(db, 1, 10, weekly.id)
    assert await reminders.snooze_copy(db, source, NOW, NOW) == reminders.SNOOZE_CANCELLED


async def test_migration_9_gives_window_announcements_to_the_server(tmp_path):
    import aiosqlite

    from db.migrations import apply_migrations

    path = tmp_path / "old.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        await apply_migrations(conn, target=7)
        await conn.execute(
            "INSERT INTO reminders (guild_id, user_id, kind, payload, channel_id, due_at, occurrence_at, created_at)"
            " VALUES (1, 10, 'other', '{\"window_id\": 3, \"announce\": \"opening\"}', 555, 0, 0, 0),"
            " (1, 10, 'once', '{}', NULL, 0, 0, 0)")
    database = await Database.open(path)
    try:
        rows = await database.fetch_all("SELECT user_id, kind FROM reminders ORDER BY id")
        assert [tuple(r) for r in rows] == [(reminders.SERVER_USER_ID, "other"), (10, "once")]
    finally:
        await database.close()


async def test_claim_is_atomic_ordered_and_marks_in_flight(db):
    late = await add(db, minutes=-1)
    early = await add(db, minutes=-5)
    await add(db, minutes=5)
    assert await reminders.next_due_at(db) == NOW - dt.timedelta(minutes=5)
    claimed = await reminders.claim_due(db, NOW, 10)
    assert [r.id for r in claimed] == [early.id, late.id]
    assert {r.state for r in claimed} == {"in_flight"}
    assert await reminders.claim_due(db, NOW, 10) == []
    assert await reminders.next_due_at(db) == NOW + dt.timedelta(minutes=5)


async def test_claim_respects_the_limit(db):
    for i in range(7):
        await add(db, minutes=-i - 1, cap=None)
    assert len(await reminders.claim_due(db, NOW, 5)) == 5
    assert len(await reminders.claim_due(db, NOW, 5)) == 2


async def test_delivered_occurrence_is_logged_once_and_recurring_moves_on(db):
    weekly = await add(db, minutes=-1, recurrence=WEEKLY)
    once = await add(db, minutes=-1)
    await reminders.claim_due(db, NOW, 10)
    nxt = NOW + dt.timedelta(days=2)
    await reminders.record_delivered(db, weekly.id, weekly.occurrence_at, nxt, NOW)
    await reminders.record_delivered(db, once.id, once.occurrence_at, None, NOW)
    await reminders.record_delivered(db, once.id, once.occurrence_at, None, NOW)  # a second record is a no-op
    assert await reminders.was_delivered(db, once.id, once.occurrence_at)
    row = await reminders.get(db, weekly.id)
    assert (row.state, row.due_at, row.occurrence_at, row.sent_at) == ("pending", nxt, nxt, NOW)
    assert (await reminders.get(db, once.id)).state == "sent"
    assert await db.fetch_value("SELECT COUNT(*) FROM reminder_deliveries") == 2
    with pytest.raises(db.integrity_error):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO reminder_deliveries VALUES (?, ?, 0)",
                               (once.id, reminders.to_ts(once.occurrence_at)))


async def test_failed_retries_then_gives_up(db):
    r = await add(db, minutes=-1)
    await reminders.claim_due(db, NOW, 10)
    await reminders.record_failed(db, r.id, "HTTP 503", NOW + dt.timedelta(seconds=30), NOW)
    row = await reminders.get(db, r.id)
    assert (row.state, row.attempts, row.last_error) == ("pending", 1, "HTTP 503")
    assert row.due_at == NOW + dt.timedelta(seconds=30) and row.occurrence_at == r.occurrence_at
    await reminders.claim_due(db, NOW + dt.timedelta(minutes=1), 10)
    await reminders.record_failed(db, r.id, "HTTP 503", None, NOW)
    assert (await reminders.get(db, r.id)).state == "failed"


async def test_recover_in_flight_finalizes_delivered_and_requeues_the_rest(db):
    sent = await add(db, minutes=-1)
    weekly_sent = await add(db, minutes=-1, recurrence=WEEKLY, timezone="Europe/Berlin")
    unsent = await add(db, minutes=-1)
    await reminders.claim_due(db, NOW, 10)
    async with db.transaction() as conn:  # a delivery logged but the row never finished (an older crash)
        for r in (sent, weekly_sent):
            await conn.execute("INSERT INTO reminder_deliveries VALUES (?, ?, ?)",
                               (r.id, reminders.to_ts(r.occurrence_at), reminders.to_ts(NOW)))
    result = await reminders.recover_in_flight(db, NOW)
    assert result == reminders.Recovery(requeued=1, finalized=2)
    assert (await reminders.get(db, sent.id)).state == "sent"
    weekly = await reminders.get(db, weekly_sent.id)
    assert weekly.state == "pending" and weekly.due_at > NOW
    assert (await reminders.get(db, unsent.id)).state == "pending"


async def test_missed_one_shot_is_attached_once_to_the_next_dm_and_cleared_on_delivery(db):
    lost = await add(db, minutes=-600, text="read chapter 3")
    await reminders.claim_due(db, NOW, 10)
    await reminders.record_missed(db, lost.id, lost.occurrence_at, None, NOW)
    assert (await reminders.get(db, lost.id)).state == "missed"
    a = await add(db, minutes=-1, cap=None)
    b = await add(db, minutes=-1, cap=None)
    other_guild = await add(db, guild=2, minutes=-1)
    claimed = {r.id: r for r in await reminders.claim_due(db, NOW, 10)}
    notices = [claimed[a.id].missed, claimed[b.id].missed]
    assert sorted(len(n) for n in notices) == [0, 1]  # mentioned once per member per claim
    [notice] = next(n for n in notices if n)
    assert (notice.id, notice.text) == (lost.id, "read chapter 3")
    assert claimed[other_guild.id].missed == ()
    carrier = a if claimed[a.id].missed else b
    await reminders.record_delivered(db, carrier.id, carrier.occurrence_at, None, NOW, missed_ids=[lost.id])
    c = await add(db, minutes=-1, cap=None)
    [again] = await reminders.claim_due(db, NOW, 10)
    assert again.id == c.id and again.missed == ()


async def test_recurring_missed_count_is_carried_and_reset_on_delivery(db):
    weekly = await add(db, minutes=-600, recurrence=WEEKLY)
    await reminders.claim_due(db, NOW, 10)
    await reminders.record_missed(db, weekly.id, weekly.occurrence_at, NOW - dt.timedelta(minutes=1), NOW, count=3)
    [row] = await reminders.claim_due(db, NOW, 10)
    assert row.missed_count == 3 and row.total_missed == 3
    await reminders.record_delivered(db, row.id, row.occurrence_at, NOW + dt.timedelta(days=2), NOW)
    assert (await reminders.get(db, row.id)).missed_count == 0


async def test_closed_dms_pause_dm_reminders_and_reopen_resumes(db):
    in_flight = await add(db, minutes=-1)
    waiting = await add(db, minutes=30)
    in_channel = await add(db, minutes=30, channel_id=555)
    other_user = await add(db, user=11, minutes=30)
    await reminders.claim_due(db, NOW, 10)
    assert await reminders.pause_dms(db, 10, NOW, reminder_id=in_flight.id) == 2
    states = {r.id: r.state for r in await reminders.list_active(db, 1, 10)}
    assert states == {in_flight.id: "paused", waiting.id: "paused", in_channel.id: "pending"}
    assert (await reminders.get(db, other_user.id)).state == "pending"
    assert await reminders.dms_closed(db, 10)
    assert await reminders.take_closed_notice(db, 10)
    assert not await reminders.take_closed_notice(db, 10)
    assert await reminders.reopen_dms(db, 10, NOW) == 2
    assert not await reminders.dms_closed(db, 10)
    assert {r.state for r in await reminders.list_active(db, 1, 10)} == {"pending"}


async def test_dm_channel_get_set(db):
    assert await reminders.get_dm_channel(db, 10) is None
    await reminders.set_dm_channel(db, 10, 777, NOW)
    await reminders.set_dm_channel(db, 10, 778, NOW)
    assert await reminders.get_dm_channel(db, 10) == 778


async def test_snooze_only_own_and_not_while_sending(db):
    r = await add(db, minutes=-1)
    later = NOW + dt.timedelta(minutes=10)
    await reminders.claim_due(db, NOW, 10)
    assert not await reminders.snooze(db, 1, 10, r.id, later)  # being sent
    await reminders.record_delivered(db, r.id, r.occurrence_at, None, NOW)
    assert not await reminders.snooze(db, 1, 11, r.id, later)
    assert await reminders.snooze(db, 1, 10, r.id, later)
    row = await reminders.get(db, r.id)
    assert (row.state, row.due_at, row.occurrence_at) == ("pending", later, later)


async def test_claim_and_next_due_use_the_partial_index(sqlite_db):
    db = sqlite_db
    plan = await db.fetch_all("EXPLAIN QUERY PLAN SELECT id FROM reminders WHERE state = 'pending' AND due_at <= 5"
                              " ORDER BY due_at LIMIT 10")
    assert any("reminders_pending_due" in row["detail"] for row in plan)
    plan = await db.fetch_all("EXPLAIN QUERY PLAN SELECT MIN(due_at) FROM reminders WHERE state = 'pending'")
    assert any("reminders_pending_due" in row["detail"] for row in plan)
