"""ExamService on a real SQLite file: nudge days, moving and cancelling an exam, countdowns, nudge texts."""

import datetime as dt
import json

import pytest

from db import exams as records
from db import reminders
from db import settings as setting_records
from study.editions import Lens
from study.errors import UserInputError
from study.recurrence import DEFAULT_NUDGE_DAYS
from tests.services.conftest import pending

UTC = dt.UTC
NOW = dt.datetime(2027, 3, 1, 12, tzinfo=UTC)
GUILD, ADMIN, MEMBER = 1, 5, 10


def _lens(content, key: str) -> Lens:
    return Lens(content.editions, content.edition(key))


async def test_server_nudges_off_is_respected(exams, settings, db):
    assert await settings.offsets_for(GUILD, MEMBER) == DEFAULT_NUDGE_DAYS
    await setting_records.set_guild_planning(db, GUILD, NOW, nudge_offsets=())
    assert await settings.offsets_for(GUILD, MEMBER) == ()
    plan = await exams.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW)
    assert plan.nudges == [] and await pending(db) == 0
    await setting_records.set_member_setting(db, GUILD, MEMBER, NOW, nudge_offsets=(7, 1))  # the member's own win
    assert await settings.offsets_for(GUILD, MEMBER) == (7, 1)


async def test_member_nudges_off_is_respected_over_the_server_default(exams, settings, db):
    await exams.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW)
    assert await pending(db) == 6
    assert await exams.set_member_offsets(GUILD, MEMBER, (), NOW) == 0
    assert await settings.offsets_for(GUILD, MEMBER) == ()
    assert await pending(db) == 0


async def test_moving_an_exam_replaces_its_nudges_in_one_go(exams, db):
    first = await exams.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW)
    moved = await exams.set_exam(GUILD, MEMBER, "dsp", "2027-06-01", None, NOW)
    assert moved.exam.id == first.exam.id
    rows = await db.fetch_all("SELECT state, payload FROM reminders")
    assert sorted({(r["state"], json.loads(r["payload"]).get("exam_date")) for r in rows}) == [
        ("cancelled", "2027-05-01"), ("pending", "2027-06-01")]
    assert await pending(db) == 6
    await exams.cancel_exam(GUILD, MEMBER, "DSP")
    assert await pending(db) == 0 and await records.member_exams(db, GUILD, MEMBER) == []
    with pytest.raises(UserInputError, match="no exam set for that module"):
        await exams.cancel_exam(GUILD, MEMBER, "dsp")


async def test_exam_countdown_uses_the_exams_own_zone(exams, settings, db):
    await settings.set_timezone(GUILD, MEMBER, "America/New_York", NOW)
    await exams.set_exam(GUILD, MEMBER, "dsp", "2027-03-02", None, NOW)
    await exams.set_exam(GUILD, MEMBER, "eco", "2027-03-05", None, NOW)
    late_evening = dt.datetime(2027, 3, 3, 2, 0, tzinfo=UTC)  # Tue 2 Mar 21:00 in New York, already 3 Mar in UTC
    assert [(c.exam.module, c.countdown) for c in await exams.exam_countdowns(GUILD, MEMBER, late_evening)] == [
        ("dsp", "today"), ("eco", "in 3 days")]
    next_day = dt.datetime(2027, 3, 3, 15, 0, tzinfo=UTC)
    assert [c.countdown for c in await exams.exam_countdowns(GUILD, MEMBER, next_day)] == ["passed", "in 2 days"]


async def test_cancelling_an_exam_stops_its_nudge_being_sent(exams, db):
    await exams.set_exam(GUILD, MEMBER, "dsp", "2027-03-03", None, NOW)  # nudges 1 day before and on the day
    [claimed] = await reminders.claim_due(db, dt.datetime(2027, 3, 2, 12, tzinfo=UTC), 10)
    assert claimed.kind == reminders.ReminderKind.EXAM_NUDGE and claimed.state == reminders.ReminderState.IN_FLIGHT
    await exams.cancel_exam(GUILD, MEMBER, "dsp")
    assert (await reminders.get(db, claimed.id)).state == reminders.ReminderState.CANCELLED
    assert await pending(db) == 0


async def test_an_exam_is_booked_by_the_servers_edition(exams, content):
    lens_8 = _lens(content, "cpim-8")
    plan = await exams.set_exam(GUILD, MEMBER, None, "2027-05-01", None, NOW, lens_8)
    assert plan.exam.module == "cpim-8"  # CPIM 8 is one exam
    with pytest.raises(UserInputError, match="one exam for the whole outline"):
        await exams.set_exam(GUILD, MEMBER, "dsp", "2027-05-01", None, NOW, lens_8)
    with pytest.raises(UserInputError, match="Which module's exam"):
        await exams.set_exam(GUILD, MEMBER, None, "2027-05-01", None, NOW, _lens(content, "cpim-2017"))
    with pytest.raises(UserInputError, match="I don't know a module called 'xyz'"):
        await exams.set_exam(GUILD, MEMBER, "xyz", "2027-05-01", None, NOW)


async def test_countdown_counts_exams_joined_windows_and_the_att(exams, windows, content):
    await exams.set_exam(GUILD, MEMBER, "dsp", "2027-04-10", None, NOW)
    await windows.add_window(GUILD, ADMIN, "Spring", "2027-03-01", "2027-04-20", None, NOW)
    await windows.add_window(GUILD, ADMIN, "Summer", "2027-06-01", "2027-06-20", None, NOW)
    await windows.join_window(GUILD, MEMBER, "Spring", NOW)
    edition = content.edition("cpim-8")
    result = await exams.countdown(GUILD, MEMBER, NOW, edition, "2027-02-01")
    assert result.today == NOW.date()
    assert [item.exam.module for item in result.exams] == ["dsp"]
    assert [w.name for w in result.windows] == ["Spring"]  # joined and not closed; Summer was not joined
    assert result.att_months == edition.exam.att_months and result.att_until is not None
    assert (await exams.countdown(GUILD, MEMBER, NOW, edition, None)).att_until is None
    with pytest.raises(UserInputError, match="is not a date"):
        await exams.countdown(GUILD, MEMBER, NOW, edition, "soon")
    with pytest.raises(UserInputError, match="in the future"):
        await exams.countdown(GUILD, MEMBER, NOW, edition, "2027-03-02")


async def test_nudge_facts_count_days_left_in_the_members_zone(exams):
    facts = await exams.nudge_facts(GUILD, MEMBER, "dsp", dt.date(2027, 3, 8), NOW, "UTC")
    assert (facts.module_code, facts.days_left) == ("DSP", 7)
    whole = await exams.nudge_facts(GUILD, MEMBER, "cpim-8", dt.date(2027, 3, 2), NOW, "Pacific/Auckland")
    assert whole.days_left == 0  # already 2 March in Auckland


async def test_an_exam_nudge_for_a_module_the_content_dropped_still_goes_out(exams):
    # booked under a key a later content release renamed: the nudge names the key instead of failing the send
    facts = await exams.nudge_facts(GUILD, MEMBER, "old-module", dt.date(2027, 3, 8), NOW, "UTC")
    assert (facts.module_code, facts.days_left, facts.weakest_topics) == ("old-module", 7, ())

