"""The sandbox without a browser: its clock, its database, and the page's API driven as the page drives it."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from app.cli import NO_TOKEN
from app.config import Config
from app.sandbox import SandboxClock, run_sandbox, serve
from study.content import Content

ROOT = Path(__file__).resolve().parents[2]


def test_the_no_token_message_points_to_the_sandbox() -> None:
    assert "python bot.py sandbox" in NO_TOKEN


def test_the_clock_never_goes_back_and_resumes_where_it_was(tmp_path: Path) -> None:
    saved = tmp_path / "sandbox.sqlite3.clock"
    clock = SandboxClock(saved)
    later = clock.now() + dt.timedelta(days=3)
    clock.set(later)
    with pytest.raises(ValueError, match="never goes back"):
        clock.set(later - dt.timedelta(minutes=1))
    assert SandboxClock(saved).now() == later  # the next run starts where this one stopped


def test_the_sandbox_never_opens_the_production_database(tmp_path: Path, content: Content) -> None:
    config = Config(database_path=tmp_path / "sandbox.sqlite3", content_dir=ROOT / "content")
    code = run_sandbox(config, content, data_dir=tmp_path, port=0, fresh=False, demo=False)
    assert code == 2
    assert not (tmp_path / "sandbox.sqlite3").exists()


@pytest_asyncio.fixture
async def page_api(tmp_path: Path, content: Content) -> AsyncIterator[Any]:
    config = Config(token=None, database_path=tmp_path / "sandbox.sqlite3", content_dir=ROOT / "content")
    config = dataclasses.replace(config, token="sandbox")
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(config, content, port=0, demo=False, ready=ready, stop=stop))
    url = await asyncio.wait_for(ready, 30)
    async with aiohttp.ClientSession(url) as session:

        class Page:
            async def get(self, path: str, **params: str) -> Any:
                async with session.get(path, params=params) as resp:
                    return await resp.json()

            async def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
                async with session.post(path, json=body) as resp:
                    return resp.status, await resp.json()

        yield Page()
    stop.set()
    await asyncio.wait_for(task, 30)


async def _wait_for(predicate: Any, seconds: float = 15) -> Any:
    for _ in range(int(seconds / 0.05)):
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_a_day_on_the_clock_brings_the_daily_post_and_answers_stay_private(page_api: Any) -> None:
    state = await page_api.get("/ui/state")
    olivia, ben, chen = (m["id"] for m in state["members"][:3])
    general, daily = (c["id"] for c in state["channels"])
    now = dt.datetime.fromisoformat(state["clock"]["now"])
    at = (now + dt.timedelta(hours=3)).strftime("%H:%M")
    # a member is not shown the admin command, as Discord would not show it
    assert "daily" in next(m for m in state["members"] if m["id"] == ben)["hidden_commands"]
    status, _ = await page_api.post("/ui/command", {"viewer": olivia, "channel": general, "name": "daily setup",
                                                    "options": {"channel": daily, "time": at, "timezone": "UTC",
                                                                "reveal_after": "30"}})
    assert status == 200

    async def set_up() -> bool:
        shown = await page_api.get("/ui/messages", viewer=olivia, channel=general)
        return any("set up" in m["content"] for m in shown["messages"])

    await _wait_for(set_up)
    status, moved = await page_api.post("/ui/clock", {"step": "day"})
    assert status == 200 and "1 scheduled thing" in moved["said"]
    assert dt.datetime.fromisoformat(moved["clock"]["now"]) == now + dt.timedelta(days=1)
    posts = (await page_api.get("/ui/messages", viewer=ben, channel=daily))["messages"]
    assert len(posts) == 1
    button = posts[0]["components"][0]["components"][0]["custom_id"]
    status, _ = await page_api.post("/ui/click", {"viewer": ben, "message": posts[0]["id"], "custom_id": button})
    assert status == 200

    async def ben_sees_his_answer() -> list[Any]:
        shown = (await page_api.get("/ui/messages", viewer=ben, channel=daily))["messages"]
        return [m for m in shown if m["flags"] & 64]

    assert await _wait_for(ben_sees_his_answer)
    chen_sees = (await page_api.get("/ui/messages", viewer=chen, channel=daily))["messages"]
    assert [m for m in chen_sees if m["flags"] & 64] == []  # another member's ephemeral reply stays hidden
    status, moved = await page_api.post("/ui/clock", {"step": "hour"})
    assert dt.datetime.fromisoformat(moved["clock"]["now"]) == now + dt.timedelta(days=1, hours=1)


async def test_what_discord_would_refuse_is_refused_at_once(page_api: Any) -> None:
    state = await page_api.get("/ui/state")
    ben = state["members"][1]["id"]
    general = state["channels"][0]["id"]
    status, body = await page_api.post("/ui/command", {"viewer": ben, "channel": general, "name": "daily setup",
                                                       "options": {"time": "08:00", "timezone": "UTC"}})
    assert status == 400 and "default_member_permissions" in body["error"]
    status, body = await page_api.post("/ui/command", {"viewer": ben, "channel": general, "name": "quiz",
                                                       "options": {"count": "lots"}})
    assert status == 400 and "whole number" in body["error"]
    status, body = await page_api.post("/ui/clock", {"step": "back"})
    assert status == 400
