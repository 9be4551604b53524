"""/quiz and /practice-exam end to end: buttons, feedback, double clicks, spaced repetition, reports."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

from study.questions import LETTERS
from tests.conftest import World


def rows(world: World, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, params).fetchall()


def custom_ids(message: dict) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"] if "custom_id" in c]


def current_question(world: World, message: dict):
    """The question a quiz message shows, read back through the custom ids and the database."""
    session, position = custom_ids(message)[0].split(":")[1:3]
    [(question_id,)] = rows(world, "SELECT question_id FROM session_items WHERE session_id = ? AND position = ?",
                            session, int(position))
    return session, int(position), world.bot.services.catalog.content.bank.get(question_id) or _generated(question_id)


def _generated(question_id: str):
    from study.generators import generate

    _, family, seed = question_id.split(":")
    return generate(family, int(seed))


async def answer(world: World, message: dict, *, right: bool, user=None):
    session, position, question = current_question(world, message)
    choice = question.answer_index if right else (question.answer_index + 1) % len(question.choices)
    result = await world.fake.click(user or world.member, message, f"quiz:{session}:{position}:{choice}")
    return result, question, choice


async def test_a_member_runs_a_quiz_to_its_summary(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=3, mode="new")
    assert start.ephemeral
    embed = start.embeds[0]
    assert embed["title"] == "Quiz: question 1 of 3"
    assert "**A.**" in embed["description"] and "DSP ·" in embed["footer"]["text"]

    message = start.message
    right, question, _ = await answer(world, message, right=True)
    feedback = right.embeds[0]
    assert "✅ Right!" in feedback["description"] and question.explanation[:40] in feedback["description"]
    message = right.message
    nxt = await world.fake.click(world.member, message, next(i for i in custom_ids(message) if "quiz-next" in i))
    assert nxt.embeds[0]["title"] == "Quiz: question 2 of 3"

    wrong, question, _ = await answer(world, nxt.message, right=False)
    text = wrong.embeds[0]["description"]
    assert f"❌ Not quite: the answer is **{question.answer_letter}." in text
    assert "**Why:**" in text
    nxt = await world.fake.click(world.member, wrong.message,
                                 next(i for i in custom_ids(wrong.message) if "quiz-next" in i))
    third, _, _ = await answer(world, nxt.message, right=True)
    done = await world.fake.click(world.member, third.message,
                                  next(i for i in custom_ids(third.message) if "quiz-next" in i))
    summary = done.embeds[0]
    assert summary["title"] == "Quiz finished"
    assert summary["description"].startswith("**2 of 3** right (67%)")
    review = next(f for f in summary["fields"] if f["name"].startswith("To review"))
    assert f"→ **{question.answer_letter}**" in review["value"]
    assert rows(world, "SELECT COUNT(*), SUM(correct) FROM answers WHERE user_id = ?", world.member.id) == [(3, 2)]


async def test_double_clicks_count_once(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="eco", count=2, mode="new")
    session, position, question = current_question(world, start.message)
    wrong_choice = (question.answer_index + 1) % len(question.choices)
    # two clicks delivered together, before the first answer's edit disables the buttons
    first, second = await asyncio.gather(
        world.fake.click(world.member, start.message, f"quiz:{session}:{position}:{wrong_choice}"),
        world.fake.click(world.member, start.message, f"quiz:{session}:{position}:{question.answer_index}"),
    )
    assert "❌" in first.embeds[0]["description"]
    assert second.ephemeral and f"You already answered this one ({LETTERS[wrong_choice]})" in second.content
    assert rows(world, "SELECT COUNT(*), SUM(correct) FROM answers") == [(1, 0)]
    assert rows(world, "SELECT answered, right_count FROM topic_stats") == [(1, 0)]


async def test_a_missed_question_returns_sooner_than_a_known_one(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="smr", count=2, mode="new")
    _, _, first_q = current_question(world, start.message)
    right, _, _ = await answer(world, start.message, right=True)
    nxt = await world.fake.click(world.member, right.message,
                                 next(i for i in custom_ids(right.message) if "quiz-next" in i))
    _, _, second_q = current_question(world, nxt.message)
    await answer(world, nxt.message, right=False)
    due = dict(rows(world, "SELECT item, due_at FROM cards"))
    assert due[second_q.id] < due[first_q.id]

    world.clock.advance(dt.timedelta(minutes=11))
    review = await world.fake.slash(world.member, world.channel, "quiz", module="smr", count=5, mode="review")
    assert review.embeds[0]["title"] == "Quiz: question 1 of 1"  # only the missed one is due
    assert current_question(world, review.message)[2].id == second_q.id


async def test_an_idle_session_expires_cleanly(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", count=2)
    world.clock.advance(dt.timedelta(minutes=16))
    late, _, _ = await answer(world, start.message, right=True)
    assert "expired after 15 minutes" in late.content and late.message["components"] == []
    assert rows(world, "SELECT COUNT(*) FROM answers") == [(0,)]
    assert rows(world, "SELECT state FROM quiz_sessions") == [("expired",)]


async def test_quiz_bad_input_is_refused_kindly(world: World):
    result = await world.fake.slash(world.member, world.channel, "quiz", module="nope")
    assert result.ephemeral and "I don't know a module called 'nope'" in result.content
    result = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", topic="forecasting")
    assert "There is no topic 'forecasting' in DSP" in result.content
    result = await world.fake.slash(world.member, world.channel, "quiz", mode="review")
    assert "Nothing is due for review right now" in result.content
    result = await world.fake.slash(world.member, world.channel, "quiz", mode="weakest")
    assert "I don't know your weak spots yet" in result.content


async def test_buttons_keep_working_after_a_restart(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="mpr", count=2, mode="new")
    await world.restart()
    right, _, _ = await answer(world, start.message, right=True)
    assert "✅ Right!" in right.embeds[0]["description"]


async def test_a_member_flags_a_question_and_an_admin_sees_it(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="bscm", count=1, mode="new")
    right, question, _ = await answer(world, start.message, right=True)
    flag_id = next(i for i in custom_ids(right.message) if i.startswith("quiz-flag:"))
    modal = await world.fake.click(world.member, right.message, flag_id)
    assert modal.type == 9
    thanks = await world.fake.submit_modal(world.member, modal, {"reason": "Choice C is also defensible."})
    assert thanks.ephemeral and question.id in thanks.content

    flagged = await world.fake.slash(world.admin, world.channel, "questions flagged")
    assert question.id in flagged.embeds[0]["description"] + str(flagged.embeds[0].get("fields"))
    retired = await world.fake.slash(world.admin, world.channel, "questions retire", question_id=question.id)
    assert "retired" in retired.content
    assert rows(world, "SELECT question_id FROM question_retirements") == [(question.id,)]
    restored = await world.fake.slash(world.admin, world.channel, "questions restore", question_id=question.id)
    assert "back" in restored.content
    assert rows(world, "SELECT COUNT(*) FROM question_retirements") == [(0,)]


async def test_a_flag_typed_while_the_bot_restarted_still_arrives(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="mpr", count=1, mode="new")
    right, question, _ = await answer(world, start.message, right=True)
    modal = await world.fake.click(world.member, right.message,
                                   next(i for i in custom_ids(right.message) if i.startswith("quiz-flag:")))
    await world.restart()
    thanks = await world.fake.submit_modal(world.member, modal, {"reason": "Two choices say the same thing."})
    assert thanks.ephemeral and question.id in thanks.content
    assert rows(world, "SELECT question_id, reason FROM question_flags") == [
        (question.id, "Two choices say the same thing.")]


async def test_a_form_from_an_earlier_release_gives_the_member_back_what_they_typed(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="mpr", count=1, mode="new")
    right, _, _ = await answer(world, start.message, right=True)
    modal = await world.fake.click(world.member, right.message,
                                   next(i for i in custom_ids(right.message) if i.startswith("quiz-flag:")))
    assert modal.modal is not None
    modal.modal["custom_id"] = "quiz-report:ab12:0"  # the id an earlier release gave this form
    answered = await world.fake.submit_modal(world.member, modal, {"reason": "Choice B reads as right too."})
    assert answered.ephemeral and "earlier version of the bot" in answered.content
    assert "> Choice B reads as right too." in answered.content
    assert rows(world, "SELECT COUNT(*) FROM question_flags") == [(0,)]


async def test_practice_exam_runs_to_its_report(world: World):
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", module="eco", questions=3,
                                   minutes=10)
    assert start.embeds[0]["title"] == "Practice exam: question 1 of 3"
    assert "left" in start.embeds[0]["footer"]["text"]
    message = start.message
    for index in range(3):
        session, position, question = current_question(world, message)
        choice = question.answer_index if index < 2 else (question.answer_index + 1) % len(question.choices)
        result = await world.fake.click(world.member, message, f"exam:{session}:{position}:{choice}")
        assert "Right" not in str(result.embeds[0])  # answers stay hidden until the end
        message = result.message
    report = result.embeds[0]
    assert report["title"] == "Practice exam report"
    assert report["description"].startswith("**2 of 3** right (67%)")
    history = await world.fake.slash(world.member, world.channel, "practice-exam history")
    assert "2/3 (67%)" in history.embeds[0]["fields"][0]["value"]


async def test_practice_exam_when_time_runs_out(world: World):
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", questions=4, minutes=5)
    session, position, question = current_question(world, start.message)
    first = await world.fake.click(world.member, start.message,
                                   f"exam:{session}:{position}:{question.answer_index}")
    world.clock.advance(dt.timedelta(minutes=6))
    session, position, question = current_question(world, first.message)
    late = await world.fake.click(world.member, first.message, f"exam:{session}:{position}:{question.answer_index}")
    report = late.embeds[0]
    assert report["title"] == "Practice exam report"
    assert report["description"].startswith("**1 of 4** right (25%)") and "Time ran out" in report["description"]
    assert rows(world, "SELECT COUNT(*) FROM answers WHERE source = 'exam'") == [(1,)]


async def test_a_flag_is_taken_even_after_the_session_expired(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="bscm", count=2, mode="new")
    right, question, _ = await answer(world, start.message, right=True)
    world.clock.advance(dt.timedelta(minutes=16))
    modal = await world.fake.click(world.member, right.message,
                                   next(i for i in custom_ids(right.message) if i.startswith("quiz-flag:")))
    thanks = await world.fake.submit_modal(world.member, modal, {"reason": "The explanation contradicts itself."})
    assert thanks.ephemeral and question.id in thanks.content
    assert rows(world, "SELECT question_id FROM question_flags") == [(question.id,)]


async def test_a_button_error_gets_an_answer_not_silence(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="eco", count=2, mode="new")
    session = custom_ids(start.message)[0].split(":")[1]
    stranger = await world.fake.click(world.other, start.message, f"quiz:{session}:0:0")
    assert stranger.ephemeral and "someone else's session" in stranger.content
    assert rows(world, "SELECT COUNT(*) FROM answers") == [(0,)]


async def test_a_retired_question_is_not_asked_again_even_when_due(world: World):
    start = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", count=1, mode="new")
    _, question, _ = await answer(world, start.message, right=False)
    retired = await world.fake.slash(world.admin, world.channel, "questions retire", question_id=question.id)
    assert "is retired" in retired.content
    world.clock.advance(dt.timedelta(minutes=11))
    review = await world.fake.slash(world.member, world.channel, "quiz", module="dsp", mode="review")
    assert "Nothing is due for review right now" in review.content


async def test_retiring_a_flagged_calculation_retires_its_family(world: World):
    result = await world.fake.slash(world.admin, world.channel, "questions retire", question_id="gen:eoq:12345")
    assert "the calculation family `gen:eoq` is retired" in result.content
    assert rows(world, "SELECT question_id FROM question_retirements") == [("gen:eoq",)]
    nonsense = await world.fake.slash(world.admin, world.channel, "questions retire", question_id="gen:nonsense")
    assert "There is no question `gen:nonsense`" in nonsense.content
    for _ in range(5):
        quiz = await world.fake.slash(world.member, world.channel, "quiz", topic="lot-sizing", count=20, mode="new")
        session = custom_ids(quiz.message)[0].split(":")[1]
        asked = {q for (q,) in rows(world, "SELECT question_id FROM session_items WHERE session_id = ?", session)}
        assert not [q for q in asked if q.startswith("gen:eoq:")]


async def test_questions_show_gives_an_admin_exactly_what_was_shown(world: World):
    result = await world.fake.slash(world.admin, world.channel, "questions show", question_id="gen:kanban:77")
    embed = result.embeds[0]
    from study.generators import generate

    question = generate("kanban", 77)
    assert embed["title"] == "Question gen:kanban:77"
    assert question.stem[:60] in embed["description"]
    assert f"**Answer: {question.answer_letter}." in embed["description"]
    assert any(f["name"] == "Generated by kanban with seed 77" for f in embed["fields"])


async def test_many_long_flags_still_fit_discords_embed_limit(world: World):
    from db import question_admin

    ids = [q.id for q in world.content.bank.for_module("mpr")[:30]]
    for question_id in ids:
        for user in (world.member, world.other, world.admin):
            await question_admin.add_flag(world.bot.db, world.guild.id, question_id, user.id, "x" * 400,
                                          world.clock.now())
    result = await world.fake.slash(world.admin, world.channel, "questions flagged")
    embed = result.embeds[0]
    assert 1 <= len(embed["fields"]) <= 20 and "more flagged question(s)" in embed["footer"]["text"]


async def test_hand_in_early_and_an_exam_nobody_finished_is_in_history(world: World):
    start = await world.fake.slash(world.member, world.channel, "practice-exam start", questions=3, minutes=10)
    session, position, question = current_question(world, start.message)
    first = await world.fake.click(world.member, start.message, f"exam:{session}:{position}:{question.answer_index}")
    # answers stay hidden: no explanation, no green button
    assert question.explanation[:40] not in str(first.embeds[0])
    styles = [c.get("style") for row in first.message["components"] for c in row["components"]]
    assert 3 not in styles  # 3 = success (green)
    handed = await world.fake.click(world.member, first.message, f"exam-end:{session}")
    assert handed.embeds[0]["title"] == "Practice exam report" and "Handed in early" in handed.embeds[0]["description"]
    assert handed.embeds[0]["description"].startswith("**1 of 3** right (33%)")

    await world.fake.slash(world.member, world.channel, "practice-exam start", questions=2, minutes=5)
    world.clock.advance(dt.timedelta(minutes=6))  # nobody clicks again
    history = await world.fake.slash(world.member, world.channel, "practice-exam history")
    values = [f["value"] for f in history.embeds[0]["fields"]]
    assert len(values) == 2 and values[0].startswith("0/2 (0%)") and values[1].startswith("1/3 (33%)")
