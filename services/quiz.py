"""Quiz sessions and practice exams: start, answer, finish, report."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import dataclass

from db import quiz as records
from db.connection import Database
from db.quiz import SessionKind as SessionKind  # re-exported: cogs name session kinds through services
from db.quiz import SessionState
from services.catalog import QuestionCatalog
from study.editions import EDITION_2017, Lens, quotas, weighted_modules
from study.errors import UserInputError
from study.questions import Question
from study.scoring import AnsweredItem, Summary, summarize
from study.selection import candidate_sample, plan_session, regroup_scores, weakest_topics
from study.srs import item_key
from study.syllabus import require_module

MAX_QUIZ = 20
MAX_EXAM_QUESTIONS = 150  # the full CPIM 8 format
DUE_SCAN = 500  # due cards read when they must be placed under another edition than the one they were stored in
MAX_EXAM_MINUTES = 240


@dataclass(frozen=True)
class Step:
    """What a member sees next: the question at a position of their session."""

    session: records.Session
    position: int
    question: Question


@dataclass(frozen=True)
class AnswerResult:
    step: Step
    outcome: records.AnswerOutcome
    is_last: bool


class SessionClosed(UserInputError):
    """The session expired or finished; clicks on it change nothing."""


class ExamTimeUp(SessionClosed):
    """A practice exam's time ran out: the next click shows the report."""


def new_session_id() -> str:
    return secrets.token_hex(5)


class QuizService:
    def __init__(self, db: Database, catalog: QuestionCatalog, *, idle: dt.timedelta,
                 rng: random.Random | None = None) -> None:
        self.db = db
        self.catalog = catalog
        self.idle = idle
        self.rng = rng or random.SystemRandom()

    async def plan(self, guild_id: int, user_id: int, *, module: str | None, topic: str | None, count: int,
                   mode: str, now: dt.datetime, lens: Lens | None = None, exam: bool = False) -> list[Question]:
        """Pick the questions of a new session: the same code path the benchmark measures.

        Under an edition with module weights that are not all equal (CPIM 8), a session over all modules
        follows the weights: a practice exam takes each module's exact share, a quiz draws each question's
        module by weight (so a 5-question quiz can still land on a small module)."""
        if (lens is not None and module is None and topic is None and mode in ("mixed", "new")
                and len(set(lens.edition.weights.modules.values())) > 1):
            questions = await self._weighted_plan(guild_id, user_id, count=count, mode=mode, now=now, lens=lens,
                                                  exam=exam)
        else:
            questions = await self._plan_scope(guild_id, user_id, module=module, topic=topic, count=count,
                                               mode=mode, now=now, lens=lens)
        if not questions:
            if mode == "review":
                raise UserInputError("Nothing is due for review right now. Try mode *new* or *mixed*.")
            if mode == "new":
                raise UserInputError("You have answered every written question in that scope. "
                                     "Try mode *mixed* or *review*.")
            raise UserInputError("There are no questions in that scope yet.")
        return questions

    async def _weighted_plan(self, guild_id: int, user_id: int, *, count: int, mode: str, now: dt.datetime,
                             lens: Lens, exam: bool) -> list[Question]:
        weights = lens.edition.weights.modules
        split = quotas(weights, count) if exam else weighted_modules(weights, count, self.rng.random)
        picked: list[Question] = []
        for module_key, wanted in split.items():
            if wanted:
                picked += await self._plan_scope(guild_id, user_id, module=module_key, topic=None, count=wanted,
                                                 mode=mode, now=now, lens=lens)
        if len(picked) < count:  # a module ran out of new questions: fill from the whole outline
            taken = {q.id for q in picked}
            extra = await self._plan_scope(guild_id, user_id, module=None, topic=None, count=count, mode=mode,
                                           now=now, lens=lens)
            picked += [q for q in extra if q.id not in taken][: count - len(picked)]
        self.rng.shuffle(picked)
        return picked

    async def _plan_scope(self, guild_id: int, user_id: int, *, module: str | None, topic: str | None, count: int,
                          mode: str, now: dt.datetime, lens: Lens | None) -> list[Question]:
        scope_module, scope_topic = module, topic
        edition = self.catalog.scope_edition(module) if module else (lens.key if lens else EDITION_2017)
        if mode == "weakest" and topic is None:
            # filter by module before ranking: the weakest three overall may all lie in other modules
            scores = await records.topic_scores(self.db, guild_id, user_id)
            if edition != EDITION_2017:
                scores = regroup_scores(scores, lambda m, t: self.catalog.content.editions.place_keys(m, t, edition))
            weak = weakest_topics(s for s in scores if module is None or s.module == module)
            if not weak:
                raise UserInputError("I don't know your weak spots yet: answer a few more questions "
                                     "(at least 3 in a topic) and try mode *weakest* again.")
            scope_module, scope_topic = weak[0].module, weak[0].topic
        # a card stays due after its question is retired; the guild asked for it not to be asked again
        retired = await self.catalog.retired(guild_id)
        if scope_module and self.catalog.scope_edition(scope_module) != EDITION_2017:
            # cards carry the 2017 keys they were answered under: place each due item under this edition
            due = []
            for item in await records.due_items(self.db, guild_id, user_id, now, module=None, topic=None,
                                                limit=DUE_SCAN):
                place = await self.catalog.item_place(guild_id, item, edition)
                if place and place[0] == scope_module and (scope_topic is None or place[1] == scope_topic):
                    due.append(item)
        else:
            due = await records.due_items(self.db, guild_id, user_id, now, module=scope_module, topic=scope_topic,
                                          limit=count * 2)
        due = [item for item in due if item not in retired][:count]
        pool = await self.catalog.pool(guild_id, scope_module, scope_topic)
        sample = candidate_sample(pool, self.rng, count * 4)
        seen = await records.seen_among(self.db, guild_id, user_id, [q.id for q in sample])
        families = await self.catalog.families(guild_id, scope_module, scope_topic)
        ids = plan_session(mode, count, due=due, sample=sample, seen=seen, families=families, rng=self.rng)
        return [q for q in [await self.catalog.get(guild_id, qid) for qid in ids] if q is not None]

    async def start(self, guild_id: int, user_id: int, *, kind: SessionKind | str, module: str | None,
                    topic: str | None, count: int, mode: str, now: dt.datetime, minutes: int | None = None,
                    lens: Lens | None = None) -> Step:
        if kind == SessionKind.QUIZ and not 1 <= count <= MAX_QUIZ:
            raise UserInputError(f"A quiz has 1 to {MAX_QUIZ} questions.")
        if kind == SessionKind.EXAM:
            if not 1 <= count <= MAX_EXAM_QUESTIONS:
                raise UserInputError(f"A practice exam has 1 to {MAX_EXAM_QUESTIONS} questions.")
            if minutes is None or not 1 <= minutes <= MAX_EXAM_MINUTES:
                raise UserInputError(f"A practice exam lasts 1 to {MAX_EXAM_MINUTES} minutes.")
        questions = await self.plan(guild_id, user_id, module=module, topic=topic, count=count, mode=mode, now=now,
                                    lens=lens, exam=kind == SessionKind.EXAM)
        session_id = new_session_id()
        deadline = now + dt.timedelta(minutes=minutes) if kind == SessionKind.EXAM and minutes else None
        await records.create_session(
            self.db, session_id=session_id, guild_id=guild_id, user_id=user_id, kind=kind, mode=mode, module=module,
            topic=topic, items=[records.PlannedItem(q.id, q.module, q.topic) for q in questions], now=now,
            deadline=deadline,
        )
        return Step(await self._session(session_id), 0, questions[0])

    async def _session(self, session_id: str) -> records.Session:
        session = await records.get_session(self.db, session_id)
        if session is None:  # erased (/forgetme) between the click and now
            raise SessionClosed("That session no longer exists; start a new one with /quiz.")
        return session

    async def guild_of(self, session_id: str) -> int:
        """The server a session belongs to: its edition applies wherever the click comes from (a DM has none)."""
        return (await self._session(session_id)).guild_id

    async def _open_session(self, session_id: str, user_id: int, now: dt.datetime) -> records.Session:
        return await self._check_open(await records.get_session(self.db, session_id), user_id, now)

    async def _check_open(self, session: records.Session | None, user_id: int,
                          now: dt.datetime) -> records.Session:
        if session is None:
            raise SessionClosed("That session no longer exists; start a new one with /quiz.")
        if session.user_id != user_id:
            raise UserInputError("This is someone else's session; start your own with /quiz.")
        idle = now - session.last_activity_at > self.idle
        if session.state == SessionState.ACTIVE and session.kind == SessionKind.QUIZ and idle:
            await records.close_session(self.db, session.id, SessionState.EXPIRED, now)
            minutes = int(self.idle.total_seconds() // 60)
            raise SessionClosed(f"This quiz expired after {minutes} minutes without a click. "
                                f"Your answers so far are saved; start a new one with /quiz.")
        if session.state == SessionState.EXPIRED:
            raise SessionClosed("This quiz has expired. Your answers are saved; start a new one with /quiz.")
        return session

    def resolve_scope(self, module: str | None, topic: str | None,
                      lens: Lens | None = None) -> tuple[str | None, str | None]:
        """Module and topic keys from what a member typed, in the server's edition; a topic alone finds its module.

        A key of the other edition is accepted too (a reminder's quiz button booked under 2017 still works)."""
        syllabus = lens.edition.syllabus if lens is not None else self.catalog.content.syllabus
        found = None
        if module:
            if syllabus.module(module) is None and lens is not None:
                edition = lens.editions.edition_of_module(module)
                if edition is not None and edition.syllabus.module(module) is not None:
                    syllabus = edition.syllabus  # a key of the other edition: its topics are looked up there
            found = require_module(syllabus, module)
        if topic:
            modules = [found] if found else list(syllabus.modules)
            owner = next((m for m in modules if m.topic(topic)), None)
            if owner is None:
                where = f"in {found.code}" if found else "in any module"
                raise UserInputError(f"There is no topic '{topic}' {where}; pick one from the list.")
            found = owner
        return (found.key if found else None), topic

    async def question_at(self, session_id: str, position: int, user_id: int) -> Step:
        """The question a member was shown, whatever the session's state (to flag it after the session ended)."""
        session, item = await records.get_session_and_item(self.db, session_id, position)
        if session is None or item is None:
            raise UserInputError("That question is no longer on record.")
        if session.user_id != user_id:
            raise UserInputError("This is someone else's session.")
        question = await self.catalog.get(session.guild_id, item.question_id)
        if question is None:
            raise UserInputError("That question has been removed from the bank.")
        return Step(session, position, question)

    async def step(self, session_id: str, position: int, user_id: int, now: dt.datetime) -> Step:
        session = await self._open_session(session_id, user_id, now)
        item = await records.get_item(self.db, session_id, position)
        if item is None:
            raise SessionClosed("That question is not part of this session.")
        question = await self.catalog.get(session.guild_id, item.question_id)
        if question is None:
            raise SessionClosed("That question has been removed from the bank; start a new session.")
        if session.state == SessionState.ACTIVE:
            await records.touch_session(self.db, session_id, now)
        return Step(session, position, question)

    async def advance(self, session_id: str, position: int, user_id: int, now: dt.datetime) -> Step | None:
        """The question after `position` (the Next button), or None when `position` was the last one.

        One read hop for the session and the next item, one group-committed write: what step() twice did in
        18 hops to the database thread."""
        session, item = await records.get_session_and_item(self.db, session_id, position + 1)
        session = await self._check_open(session, user_id, now)
        if not 0 <= position < session.size:
            raise SessionClosed("That question is not part of this session.")
        if position + 1 >= session.size:
            return None
        if item is None:
            raise SessionClosed("That question is not part of this session.")
        question = await self.catalog.get(session.guild_id, item.question_id)
        if question is None:
            raise SessionClosed("That question has been removed from the bank; start a new session.")
        if session.state == SessionState.ACTIVE:
            await records.touch_session(self.db, session_id, now)
        return Step(session, position + 1, question)

    async def answer(self, session_id: str, position: int, choice: int, user_id: int,
                     now: dt.datetime) -> AnswerResult:
        """Record the first answer to a session item; repeated clicks return that first answer."""
        # one read hop for session and item, one write hop for the answer: the button's hot path
        session, item = await records.get_session_and_item(self.db, session_id, position)
        session = await self._check_open(session, user_id, now)
        if session.kind == SessionKind.EXAM and session.deadline_at and now >= session.deadline_at:
            raise ExamTimeUp("Time is up for this practice exam.")
        if item is None:
            raise SessionClosed("That question is not part of this session.")
        question = await self.catalog.get(session.guild_id, item.question_id)
        if question is None or not 0 <= choice < len(question.choices):
            raise SessionClosed("That question has changed since it was shown; start a new session.")
        if item.chosen is not None or session.state != SessionState.ACTIVE:
            outcome = records.AnswerOutcome(False, item.chosen if item.chosen is not None else -1,
                                            bool(item.correct), None)
        else:
            outcome = await records.record_answer(
                self.db, session, item, item_key=item_key(question.id, question.family), chosen=choice,
                correct=choice == question.answer_index, now=now, source=session.kind,
            )
        return AnswerResult(Step(session, position, question), outcome, position == session.size - 1)

    async def finish(self, session_id: str, now: dt.datetime,
                     lens: Lens | None = None) -> tuple[records.Session, Summary]:
        """Close the session (if still open) and score it; unanswered items count as not right."""
        await records.close_session(self.db, session_id, SessionState.FINISHED, now)
        session = await self._session(session_id)
        items = await records.session_items(self.db, session_id)
        answered = []
        for item in items:
            question = await self.catalog.get(session.guild_id, item.question_id)
            if question is not None:
                answered.append(AnsweredItem(question, item.chosen))
        return session, summarize(answered, lens.place if lens is not None else None)

    async def expire_idle(self, now: dt.datetime) -> int:
        """Close the quizzes with no click for `idle` (their answers stay); how many were closed."""
        return await records.expire_idle_sessions(self.db, now - self.idle, now)

    async def finish_overdue_exams(self, now: dt.datetime) -> list[str]:  # report built later, per edition
        finished = []
        for session in await records.overdue_exams(self.db, now):
            await self.finish(session.id, session.deadline_at or now)
            finished.append(session.id)
        return finished

    async def exam_history(self, guild_id: int, user_id: int, now: dt.datetime,
                           lens: Lens | None = None) -> list[tuple[records.Session, Summary]]:
        await self.finish_overdue_exams(now)
        history = []
        for session in await records.exam_history(self.db, guild_id, user_id):
            history.append(await self.finish(session.id, now, lens))
        return history
