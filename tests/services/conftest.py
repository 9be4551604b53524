"""The reminders, exams, windows and settings services over one real SQLite file, wired as the factory wires
them (one SettingsService they share; wake does nothing: no dispatcher runs in these tests)."""

from __future__ import annotations

import pytest

from services.exams import ExamService
from services.reminders import ReminderService
from services.settings import SettingsService
from services.windows import WindowService


def _no_dispatcher() -> None:
    return None


@pytest.fixture
def settings(db) -> SettingsService:
    return SettingsService(db, "UTC")


@pytest.fixture
def windows(db, content, settings) -> WindowService:
    return WindowService(db, content, settings, wake=_no_dispatcher)


@pytest.fixture
def exams(db, content, settings, windows) -> ExamService:
    return ExamService(db, content, settings, windows, wake=_no_dispatcher)


@pytest.fixture
def reminders(db, content, settings) -> ReminderService:
    return ReminderService(db, content, settings, wake=_no_dispatcher)


async def pending(db, kind: str | None = None) -> int:
    """Reminder rows waiting to be sent, of one kind or all."""
    sql = "SELECT COUNT(*) FROM reminders WHERE state = 'pending'"
    return await db.fetch_value(sql + (" AND kind = ?" if kind else ""), (kind,) if kind else ())
