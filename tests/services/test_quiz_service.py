"""QuizService on a real SQLite file: start, answer, finish; double clicks, expiry, exam deadlines, ownership."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from db.connection import Database
from services.catalog import QuestionCatalog
from services.quiz import QuizService, SessionClosed
from study.content import Content
from study.errors import UserInputError
from study.srs import RELEARN

GUILD, MEMBER, OTHER = 1, 100, 200
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
IDLE = dt.timedelta(minutes=15)


@pytest_asyncio.fixture
async def service(db: Database, content: Content) -> AsyncIterator[QuizService]:
    yield QuizService(db, QuestionCatalog(content, db), idle=IDLE, rng=random.Random(5))


async def answer_rows(service: QuizService) -> list[tuple]:
    rows = await service.db.fetch_all("SELECT user_id, question_id, correct, source FROM answers ORDER BY id")
    return [tuple(row) for row in rows]


async def test_a_quiz_from_start_to_summary(service: QuizService):
    step = await service.start(GUILD, MEMBER, kind="quiz", module="dsp", topic=None, count=3, mode="new", now=NOW)
    assert step.position == 0 and step.session.size == 3 and step.question.module == "dsp"
    right = await service.answer(step.session.id, 0, step.question.answer_index, MEMBER, NOW)
    assert right.outcome.first and right.outcome.correct and right.outcome.card.box == 1 and not right.is_last
    second = await service.step(step.session.id, 1, MEMBER, NOW)
    wrong_choice = (second.question.answer_index + 1) % len(second.question.choices)
    wrong = await service.answer(step.session.id, 1, wrong_choice, MEMBER, NOW)
    assert not wrong.outcome.correct and wrong.outcome.card.due_at == NOW + RELEARN
    session, summary = await service.finish(step.session.id, NOW)
    assert session.state == "finished"
    assert (summary.overall.asked, summary.overall.answered, summary.overall.right) == (3, 2, 1)
    assert next(q.id for q in summary.to_review) == second.question.id
    assert [(row[0], row[1], row[2]) for row in (await answer_rows(service))] == [
        (MEMBER, step.question.id, 1), (MEMBER, second.question.id, 0)]


async def test_ten_concurrent_clicks_on_one_item_count_once(service: QuizService):
    step = await service.start(GUILD, MEMBER, kind="quiz", module="mpr", topic=None, count=2, mode="new", now=NOW)
    choices = len(step.question.choices)
    results = await asyncio.gather(*(service.answer(step.session.id, 0, n % choices, MEMBER, NOW)
                                     for n in range(10)))
    assert sum(r.outcome.first for r in results) == 1
    first = next(r for r in results if r.outcome.first)
    assert {r.outcome.chosen for r in results} == {first.outcome.chosen}  # every click sees the first answer
    assert len(await answer_rows(service)) == 1
    card = next(r.outcome.card for r in results if r.outcome.first)
    assert card.right + card.wrong == 1


async def test_an_idle_quiz_expires_and_changes_nothing(service: QuizService):
    step = await service.start(GUILD, MEMBER, kind="quiz", module="dsp", topic=None, count=2, mode="new", now=NOW)
    late = NOW + IDLE + dt.timedelta(minutes=1)
    with pytest.raises(SessionClosed, match="expired after 15 minutes"):
        await service.answer(step.session.id, 0, 0, MEMBER, late)
    with pytest.raises(SessionClosed, match="has expired"):
        await service.answer(step.session.id, 0, 0, MEMBER, late)
    assert (await answer_rows(service)) == []
    # still within the idle window, clicks keep the session alive
    step = await service.start(GUILD, MEMBER, kind="quiz", module="dsp", topic=None, count=2, mode="new", now=NOW)
    await service.answer(step.session.id, 0, 0, MEMBER, NOW + IDLE - dt.timedelta(minutes=1))
    await service.answer(step.session.id, 1, 0, MEMBER, NOW + 2 * IDLE - dt.timedelta(minutes=2))
    assert len(await answer_rows(service)) == 2


async def test_an_exam_stops_taking_answers_at_its_deadline(service: QuizService):
    step = await service.start(GUILD, MEMBER, kind="exam", module=None, topic=None, count=4, mode="mixed", now=NOW,
                               minutes=10)
    assert step.session.deadline_at == NOW + dt.timedelta(minutes=10)
    await service.answer(step.session.id, 0, step.question.answer_index, MEMBER, NOW + dt.timedelta(minutes=9))
    with pytest.raises(SessionClosed, match="Time is up"):
        await service.answer(step.session.id, 1, 0, MEMBER, NOW + dt.timedelta(minutes=10))
    assert await service.finish_overdue_exams(NOW + dt.timedelta(minutes=11)) == [step.session.id]
    history = await service.exam_history(GUILD, MEMBER, NOW + dt.timedelta(minutes=12))
    assert len(history) == 1
    session, summary = history[0]
    assert session.state == "finished" and summary.overall.asked == 4 and summary.overall.right == 1
    assert summary.unanswered == 3
    assert [row[3] for row in (await answer_rows(service))] == ["exam"]


async def test_a_member_cannot_answer_another_members_session(service: QuizService):
    step = await service.start(GUILD, MEMBER, kind="quiz", module="eco", topic=None, count=1, mode="new", now=NOW)
    with pytest.raises(UserInputError, match="someone else's session"):
        await service.answer(step.session.id, 0, 0, OTHER, NOW)
    with pytest.raises(UserInputError, match="someone else's session"):
        await service.step(step.session.id, 0, OTHER, NOW)
    assert (await answer_rows(service)) == []
    result = await service.answer(step.session.id, 0, 0, MEMBER, NOW)
    assert result.outcome.first and result.is_last


async def test_bad_positions_sizes_and_modes_are_refused(service: QuizService):
    with pytest.raises(UserInputError, match="1 to 20"):
        await service.start(GUILD, MEMBER, kind="quiz", module=None, topic=None, count=21, mode="mixed", now=NOW)
    with pytest.raises(UserInputError, match="Nothing is due"):
        await service.start(GUILD, MEMBER, kind="quiz", module=None, topic=None, count=3, mode="review", now=NOW)
    with pytest.raises(UserInputError, match="weak spots"):
        await service.start(GUILD, MEMBER, kind="quiz", module=None, topic=None, count=3, mode="weakest", now=NOW)
    step = await service.start(GUILD, MEMBER, kind="quiz", module="dsp", topic=None, count=1, mode="new", now=NOW)
    with pytest.raises(SessionClosed, match="not part of this session"):
        await service.answer(step.session.id, 5, 0, MEMBER, NOW)
    with pytest.raises(SessionClosed, match="no longer exists"):
        await service.answer("nope", 0, 0, MEMBER, NOW)


async def miss(service: QuizService, module: str, topic: str, times: int, right: int = 0) -> None:
    for n in range(times):
        step = await service.start(GUILD, MEMBER, kind="quiz", module=module, topic=topic, count=1, mode="new",
                                   now=NOW)
        question = step.question
        choice = question.answer_index if n < right else (question.answer_index + 1) % len(question.choices)
        await service.answer(step.session.id, 0, choice, MEMBER, NOW)


async def test_weakest_picks_the_weakest_topic_within_the_asked_module(service: QuizService):
    # three DSP topics at 0 % are the weakest overall; within MPR, forecasting (1 of 3) is the weakest
    for topic in ("lot-sizing", "mrp-logic", "capacity-requirements-planning"):
        await miss(service, "dsp", topic, 3)
    await miss(service, "mpr", "forecasting", 3, right=1)
    await miss(service, "mpr", "master-scheduling", 3, right=3)
    questions = await service.plan(GUILD, MEMBER, module="mpr", topic=None, count=3, mode="weakest", now=NOW)
    assert {(q.module, q.topic) for q in questions} == {("mpr", "forecasting")}
    overall = await service.plan(GUILD, MEMBER, module=None, topic=None, count=3, mode="weakest", now=NOW)
    assert {q.module for q in overall} == {"dsp"}


async def test_finishing_a_session_erased_meanwhile_says_so(service: QuizService):
    # /forgetme between a member's last answer and the report: the report says the session is gone
    with pytest.raises(SessionClosed, match="no longer exists"):
        await service.finish("erased-session", NOW)
