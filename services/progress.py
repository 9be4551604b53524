"""Progress, study plans, Anki exports, a member's own data, and the group view: use cases over db and study."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from db import members
from db import progress as records
from db.connection import Database
from services import anki, charts
from services.catalog import QuestionCatalog
from services.rendering import ChartRenderer
from services.settings import SettingsService
from study.content import Content
from study.csv_cells import csv_safe
from study.editions import EDITION_2017, Lens
from study.errors import UserInputError
from study.progress import (
    AnswerTally,
    CardTally,
    Progress,
    build_progress,
    percent,
    recent_since,
    regroup_tallies,
    series_start,
)
from study.selection import TopicScore, regroup_scores
from study.srs import KNOWN_BOX
from study.studyplan import ExamDate, ModuleStatus, StudyPlan, plan_study

GROUP_ACTIVE_DAYS = 7
GROUP_EXAM_HORIZON_DAYS = 30
MY_DATA_JSON = "my-data.json"


def zipped_json(document: object, name: str = MY_DATA_JSON) -> bytes:
    """Compact JSON inside a deflated .zip: a member's full history is mostly repeated keys and ids, so it
    shrinks about tenfold (100,000 answers: ~55 MB of indented JSON, a few MB zipped), under Discord's upload
    limit."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@dataclass(frozen=True)
class GroupReport:
    active_this_week: int
    members_with_answers: int
    passed: dict[str, int]  # module → members who passed it
    modules: tuple[AnswerTally, ...]  # syllabus order, zeros included
    exams_soon: tuple[tuple[int, ExamDate], ...]  # (user id, exam) within GROUP_EXAM_HORIZON_DAYS


class ProgressService:
    def __init__(self, db: Database, catalog: QuestionCatalog, content: Content,
                 settings: SettingsService | None = None, renderer: ChartRenderer | None = None,
                 lens_for: Callable[[int], Awaitable[Lens]] | None = None) -> None:
        self.db = db
        self.catalog = catalog
        self.content = content
        self.settings = settings  # for members' time zones; without it (benchmarks) days are UTC days
        # the bot's renderer draws in a process pool; without one (benchmarks, scripts) charts draw in a thread
        self.renderer = renderer or ChartRenderer(processes=0, cache_entries=0)
        # the guild's edition, which figures are grouped by; records keep the keys they were stored with.
        # Without it (benchmarks, scripts) the 2017 edition.
        self.lens_for = lens_for
        self._default_lens = Lens(content.editions, content.edition(EDITION_2017))

    async def lens(self, guild_id: int) -> Lens:
        return await self.lens_for(guild_id) if self.lens_for is not None else self._default_lens

    @staticmethod
    def _regrouped(lens: Lens) -> bool:
        """True when records stored under 2017 keys must be placed under the server's other edition."""
        return lens.key != EDITION_2017

    @staticmethod
    def _module_order(lens: Lens) -> list[str]:
        return [m.key for m in lens.modules]

    @staticmethod
    def module_code(lens: Lens, key: str) -> str:
        module = lens.module(key)
        if module is None:
            return lens.module_name(key)
        return module.code

    async def bank_sizes(self, guild_id: int, lens: Lens | None = None) -> dict[str, int]:
        """Written questions a member of this guild can be asked, per module (the shipped bank plus the
        guild's own, minus retired ones)."""
        lens = lens or await self.lens(guild_id)
        return {key: len(await self.catalog.pool(guild_id, key)) for key in self._module_order(lens)}

    async def _pool_ids(self, guild_id: int, lens: Lens) -> list[str]:
        return [q.id for key in self._module_order(lens) for q in await self.catalog.pool(guild_id, key)]

    async def local_today(self, guild_id: int, user_id: int, now: dt.datetime) -> dt.date:
        """Today in the member's time zone: exam and passed dates are the member's local dates, so near
        midnight UTC's date would call tomorrow's exam "in 2 days" or refuse today's pass as in the future."""
        if self.settings is None:
            return now.date()
        return now.astimezone(ZoneInfo(await self.settings.timezone_for(guild_id, user_id))).date()

    # ---- one member -------------------------------------------------------------------------------------------

    async def _edition_cards(self, guild_id: int, user_id: int, now: dt.datetime, lens: Lens) -> list[CardTally]:
        """Known and due cards per module of the server's edition: each card placed by its question's own tag."""
        pool = set(await self._pool_ids(guild_id, lens))
        known: dict[str, int] = {}
        due: dict[str, int] = {}
        for item, module, topic, box, due_at in await records.card_rows(self.db, guild_id, user_id):
            place = await self.catalog.item_place(guild_id, item, lens.key) or lens.place_keys(module, topic)
            known[place[0]] = known.get(place[0], 0) + (box >= KNOWN_BOX and item in pool)
            due[place[0]] = due.get(place[0], 0) + (due_at <= now.timestamp())
        return [CardTally(key, known.get(key, 0), due.get(key, 0)) for key in set(known) | set(due)]

    async def _topic_scores(self, guild_id: int, user_id: int, lens: Lens) -> list[TopicScore]:
        scores = await records.topic_scores(self.db, guild_id, user_id)
        return regroup_scores(scores, lens.place_keys) if self._regrouped(lens) else scores

    async def progress(self, guild_id: int, user_id: int, now: dt.datetime) -> Progress:
        """The member's figures, by the modules of the guild's edition."""
        lens = await self.lens(guild_id)
        day_start = dt.datetime.combine(series_start(now.date()), dt.time(), dt.UTC)
        if self._regrouped(lens):
            answers = regroup_tallies(await records.answer_tallies_by_topic(self.db, guild_id, user_id,
                                                                            recent_since(now)), lens.place_keys)
            cards = await self._edition_cards(guild_id, user_id, now, lens)
        else:
            answers = await records.answer_tallies(self.db, guild_id, user_id, recent_since(now))
            # "known" counts only questions still in the pool, so retiring a learnt one cannot show 12 of 10
            cards = await records.card_tallies(self.db, guild_id, user_id, now, KNOWN_BOX,
                                               await self._pool_ids(guild_id, lens))
        return build_progress(
            module_order=self._module_order(lens),
            bank_sizes=await self.bank_sizes(guild_id, lens),
            answers=answers,
            cards=cards,
            topics=await self._topic_scores(guild_id, user_id, lens),
            study_days=await records.recent_study_days(self.db, guild_id, user_id),
            per_day=await records.answers_per_day(self.db, guild_id, user_id, day_start),
            last_studied=await records.last_answered_at(self.db, guild_id, user_id),
            now=now,
        )

    async def progress_chart(self, progress: Progress, lens: Lens, key: tuple[object, ...] | None = None) -> bytes:
        """The PNG, drawn off the event loop by the renderer, with the modules named in `lens` (the edition the
        figures were grouped by); `key` (guild, member, UTC day, edition) lets a second /progress with unchanged
        figures reuse the first chart."""
        labels = tuple(self.module_code(lens, m.module) for m in progress.modules)
        accuracy = tuple(m.accuracy for m in progress.modules)
        return await self.renderer.draw(key, charts.progress_chart, labels, accuracy, tuple(progress.per_day))

    async def can_view(self, guild_id: int, viewer_id: int, member_id: int, *, viewer_is_admin: bool) -> bool:
        """Members see their own progress; another member's only with that member's consent, or as an admin."""
        if viewer_id == member_id or viewer_is_admin:
            return True
        return await records.shares_progress(self.db, guild_id, member_id)

    async def set_sharing(self, guild_id: int, user_id: int, shared: bool, now: dt.datetime) -> None:
        await records.set_sharing(self.db, guild_id, user_id, shared, now)

    # ---- passed modules ---------------------------------------------------------------------------------------

    async def passed(self, guild_id: int, user_id: int) -> dict[str, dt.date]:
        return await records.passed_modules(self.db, guild_id, user_id)

    async def mark_passed(self, guild_id: int, user_id: int, module: str, passed_on: dt.date,
                          now: dt.datetime) -> bool:
        if passed_on > await self.local_today(guild_id, user_id, now):
            raise UserInputError(f"{passed_on.isoformat()} is in the future: record a module once you have "
                                 "passed it. Nothing was saved.")
        if passed_on.year < 1973:
            raise UserInputError("CPIM did not exist before 1973; check the date. Nothing was saved.")
        return await records.set_passed(self.db, guild_id, user_id, module, passed_on, now)

    async def unmark_passed(self, guild_id: int, user_id: int, module: str) -> bool:
        return await records.remove_passed(self.db, guild_id, user_id, module)

    # ---- study plan -------------------------------------------------------------------------------------------

    async def study_plan(self, guild_id: int, user_id: int, now: dt.datetime) -> StudyPlan:
        lens = await self.lens(guild_id)
        order = self._module_order(lens)
        progress = await self.progress(guild_id, user_id, now)
        statuses = [ModuleStatus(m.module, m.bank_size, m.known, m.reviews_due) for m in progress.modules
                    if m.module in order]
        scores = await self._topic_scores(guild_id, user_id, lens)
        weak: dict[str, list[str]] = {}
        for score in sorted(scores, key=lambda s: (s.accuracy, -s.answered)):
            weak.setdefault(score.module, []).append(lens.topic_name(score.module, score.topic))
        today = await self.local_today(guild_id, user_id, now)
        exams = await records.exam_dates(self.db, guild_id, user_id)
        passed = await self.passed(guild_id, user_id)
        if lens.edition.single_exam:
            # one exam for the whole outline: every module plans toward its date, and passing it passes them all
            key = lens.edition.exam_key
            exams = [ExamDate(m, exam.on) for exam in exams if exam.module == key for m in order]
            passed = dict.fromkeys(order, passed[key]) if key in passed else {}
        return plan_study(statuses, exams, today, passed=passed, weak_topics=weak)

    # ---- exports and deletion ---------------------------------------------------------------------------------

    async def missed_deck(self, guild_id: int, user_id: int, now: dt.datetime) -> tuple[int, bytes]:
        ids = await records.missed_question_ids(self.db, guild_id, user_id)
        questions = [q for q in [await self.catalog.get(guild_id, qid) for qid in ids] if q is not None]
        if not questions:
            raise UserInputError("You have not missed any question yet, so there is nothing to export. "
                                 "Try /quiz first.")
        labels = {m.key: m.label for m in self.content.syllabus.modules}  # cards keep their 2017 module
        data = await asyncio.to_thread(anki.missed_deck, questions, guild_id=guild_id, user_id=user_id,
                                       module_labels=labels, now=now)
        return len(questions), data

    async def my_data(self, guild_id: int, user_id: int, now: dt.datetime) -> bytes:
        """Everything about the member, as my-data.json inside a .zip (see zipped_json)."""
        found = await members.export_member(self.db, guild_id, user_id)
        document = {
            "guild_id": guild_id, "user_id": user_id, "exported_at": now.isoformat(timespec="seconds"),
            "note": "Instants are unix seconds (UTC) unless the column says otherwise.",
            "tables": found.tables,
            "records_you_authored": {
                "note": "This server's records that name you as their author (questions you imported, questions "
                        "you retired, fee entries, exam windows, settings). They belong to the server and are "
                        "kept by /forgetme.",
                "tables": found.authored,
            },
            "across_servers": {
                "note": "Stored once for you, not per server (the DM channel the bot uses to reach you).",
                "tables": found.across_servers,
            },
        }
        return await asyncio.to_thread(zipped_json, document)

    async def forget(self, guild_id: int, user_id: int) -> dict[str, int]:
        return await members.delete_member(self.db, guild_id, user_id)

    # ---- the group --------------------------------------------------------------------------------------------

    async def group_report(self, guild_id: int, now: dt.datetime) -> GroupReport:
        lens = await self.lens(guild_id)
        if self._regrouped(lens):
            found = regroup_tallies(await records.group_tallies_by_topic(self.db, guild_id, recent_since(now)),
                                    lens.place_keys)
        else:
            found = await records.group_tallies(self.db, guild_id, recent_since(now))
        tallies = {t.module: t for t in found}
        modules = tuple(tallies.get(key, AnswerTally(key, 0, 0)) for key in self._module_order(lens))
        today = now.date()
        horizon = today + dt.timedelta(days=GROUP_EXAM_HORIZON_DAYS)
        exams = tuple((user, exam) for user, exam in await records.guild_exam_dates(self.db, guild_id)
                      if today <= exam.on <= horizon)
        summaries = await records.member_summaries(self.db, guild_id, recent_since(now))
        return GroupReport(
            active_this_week=await records.active_members(self.db, guild_id,
                                                          now - dt.timedelta(days=GROUP_ACTIVE_DAYS)),
            members_with_answers=len(summaries),
            passed=await records.passed_counts(self.db, guild_id),
            modules=modules,
            exams_soon=exams,
        )

    async def group_chart(self, report: GroupReport, lens: Lens) -> bytes:
        """The group's accuracy by module, the modules named in `lens` (the edition the report was grouped by)."""
        labels = [self.module_code(lens, t.module) for t in report.modules]
        accuracy = [t.right / t.answered if t.answered else None for t in report.modules]
        return await self.renderer.draw(None, charts.group_chart, labels, accuracy)

    async def group_csv(self, guild_id: int, now: dt.datetime,
                        names: Callable[[list[int]], Awaitable[dict[int, str]]]) -> tuple[int, bytes]:
        """One row per member with answers, a passed module or an exam date in this guild; `names` looks up
        display names for user ids (a name it cannot find stays empty beside the id)."""
        summaries = {s.user_id: s for s in await records.member_summaries(self.db, guild_id, recent_since(now))}
        passed = await records.passed_by_member(self.db, guild_id)
        exams: dict[int, ExamDate] = {}
        for user, booked in await records.guild_exam_dates(self.db, guild_id):
            if booked.on >= now.date() and user not in exams:
                exams[user] = booked
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["user_id", "name", "answered", "accuracy", "answered_30d", "accuracy_30d",
                         "last_studied", "modules_passed", "next_exam_module", "next_exam_date"])
        users = sorted(set(summaries) | set(passed) | set(exams))
        display = await names(users)
        lens = await self.lens(guild_id)
        for user in users:
            s = summaries.get(user)
            exam = exams.get(user)
            writer.writerow([csv_safe(cell) for cell in [
                user, display.get(user, ""),
                s.answered if s else 0, percent(s.right / s.answered) if s else "—",
                s.answered_recent if s else 0,
                percent(s.right_recent / s.answered_recent) if s and s.answered_recent else "—",
                s.last_answered_at.date().isoformat() if s and s.last_answered_at else "",
                " ".join(self.module_code(lens, m) for m in passed.get(user, [])),
                self.module_code(lens, exam.module) if exam else "", exam.on.isoformat() if exam else "",
            ]])
        return len(users), buffer.getvalue().encode()
