"""Shared fixtures: the shipped content, a controllable clock, and a running bot inside a fake Discord."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import discord
import pytest
import pytest_asyncio

from app.config import Config
from app.factory import StudyBot, create_bot
from db.connection import Database
from scheduling.clock import ManualClock
from simulator import FakeChannel, FakeDiscord, FakeGuild, FakeUser
from study.content import Content, load_content
from tests.mentions import would_ping

pytest_plugins = ["tests.simulator.plugin", "tests.pg"]

ROOT = Path(__file__).resolve().parent.parent
START = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(ROOT / "content")


BACKENDS = ["sqlite", "postgresql"]


@pytest_asyncio.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A real, migrated, empty database, once per backend: SQLite in the test's own folder, and PostgreSQL (a
    database of its own on the test server, tests/pg.py). Every test that takes it runs on both."""
    target = tmp_path / "bot.sqlite3" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    database = await Database.open(target)
    yield database
    await database.close()


@pytest_asyncio.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A real, migrated SQLite database, for the tests about SQLite itself (its query plans, its file)."""
    database = await Database.open(tmp_path / "bot.sqlite3")
    yield database
    await database.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@dataclass
class World:
    """A fake Discord with one chapter server, an admin, two members, and the bot running on a real database."""

    fake: FakeDiscord
    clock: ManualClock
    content: Content
    config: Config
    guild: FakeGuild
    channel: FakeChannel
    admin: FakeUser
    member: FakeUser
    other: FakeUser
    bots: list[StudyBot] = field(default_factory=list)

    @property
    def bot(self) -> StudyBot:
        return self.bots[-1]

    async def start(self) -> StudyBot:
        bot = create_bot(self.config, self.content, clock=self.clock, guild_ready_timeout=0.05)
        await self.fake.start_bot(bot)
        await self.fake.wait_for_commands()
        self.bots.append(bot)
        return bot

    async def stop(self) -> None:
        if self.bots and not self.bot.is_closed():
            await self.fake.stop_bot(self.bot)

    async def restart(self) -> StudyBot:
        await self.stop()
        return await self.start()


@pytest_asyncio.fixture
async def world(fake_discord: FakeDiscord, tmp_path: Path, clock: ManualClock,
                content: Content) -> AsyncIterator[World]:
    guild = fake_discord.add_guild("CPIM Chapter")
    channel = fake_discord.add_text_channel(guild, "study")
    admin = fake_discord.add_member(guild, "ada", permissions=discord.Permissions(manage_guild=True))
    member = fake_discord.add_member(guild, "bob")
    other = fake_discord.add_member(guild, "cy")
    config = Config(token="test-token", database_path=tmp_path / "bot.sqlite3", content_dir=ROOT / "content")
    world = World(fake_discord, clock, content, config, guild, channel, admin, member, other)
    await world.start()
    try:
        yield world
    finally:
        await world.stop()
    # nothing the bot sent, member text included, could have pinged anyone (allowed_mentions, app/factory.py)
    assert would_ping(fake_discord) == []
