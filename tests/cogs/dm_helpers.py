"""Helpers for the end-to-end tests of reminders, exams and windows: the database as the test sees it, and
the dispatcher's DMs as the clock moves."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3

from tests.conftest import World


def rows(world: World, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute(sql, params).fetchall()


async def settle(world: World) -> None:
    """Let the dispatcher notice a clock change and finish its sends."""
    for _ in range(3):
        await asyncio.sleep(0.05)
        await world.bot.services.dispatcher.wait_idle()


async def dms(world: World, user, count: int, wait_seconds: float = 5.0) -> list[dict]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        messages = world.fake.dm_messages(user)
        if len(messages) >= count or loop.time() > deadline:
            return messages
        await asyncio.sleep(0.02)


async def advance_to(world: World, instant: dt.datetime) -> None:
    world.clock.set(instant)
    await settle(world)


def labels(message: dict) -> list[str]:
    return [c.get("label") for row in message["components"] for c in row["components"]]
