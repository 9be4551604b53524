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


#: sample values for required options, by command; every other command needs none
SAMPLES: dict[str, dict[str, str]] = {
    "admin fees add": {"effective": "2026-01-01", "member": "150", "non_member": "200", "source": "ASCM list"},
    "admin fees remove": {"effective": "2026-01-01"},
    "admin window add": {"name": "Winter window", "start": "+5", "end": "+40"},
    "admin window remove": {"name": "Winter window"},
    "admin settings edition": {"edition": "cpim-2017"},
    "contribute": {"module": "bscm", "topic": "@autocomplete"},
    "countdown-board post": {"channel": "#general"},
    "countdown-sharing": {"share": "on"},
    "admin settings timezone": {"zone": "Europe/Berlin"},
    "admin settings nudges": {"days": "30,7,1"},
    "admin settings announcements": {"channel": "#general"},
    "admin settings season": {"months": "3"},
    "daily setup": {"channel": "#daily-question", "time": "08:00", "timezone": "UTC"},
    "exam set": {"module": "mpr", "date": "+30"},
    "exam cancel": {"module": "mpr"},
    "exam nudges": {"days": "default"},
    "passed add": {"module": "bscm", "date": "-10"},
    "passed remove": {"module": "bscm"},
    "progress-sharing": {"share": "on"},
    "questions show": {"question_id": "@question"},
    "questions retire": {"question_id": "@question"},
    "questions restore": {"question_id": "@question"},
    "questions import": {"file": "@file"},
    "remind study": {"at": "19:30"},
    "remind me": {"when": "in 2 hours", "text": "Review MRP"},
    "remind cancel": {"reminder": "1"},
    "timezone set": {"zone": "Europe/Paris"},
    "window join": {"name": "Winter window"},
    "window leave": {"name": "Winter window"},
}
LAST = ("window leave", "admin window remove", "exam cancel", "passed remove", "admin fees remove", "forgetme")


async def test_every_command_in_help_runs_from_the_page(page_api: Any, content: Content) -> None:
    """The organizer runs every command /help lists, through the page's API; the bot answers each one."""
    import base64

    state = await page_api.get("/ui/state")
    olivia = state["members"][0]["id"]
    channels = {f"#{c['name']}": c["id"] for c in state["channels"]}
    general = channels["#general"]
    today = dt.datetime.fromisoformat(state["clock"]["now"]).date()
    question = next(iter(content.bank.questions))

    async def shown() -> list[Any]:
        return (await page_api.get("/ui/messages", viewer=olivia, channel=general))["messages"]

    async def run(name: str, options: dict[str, Any]) -> dict[str, Any]:
        before = {message["id"] for message in await shown()}  # by id: a command may also take a message down
        status, body = await page_api.post("/ui/command", {"viewer": olivia, "channel": general, "name": name,
                                                           "options": options})
        assert status == 200, (name, body)

        async def answered() -> Any:
            seen = await page_api.get("/ui/messages", viewer=olivia, channel=general)
            messages = seen["messages"]
            if seen["modals"]:  # the bot answered with a form: the page shows it; close it unanswered
                modal = seen["modals"][-1]
                await page_api.post("/ui/modal/close", {"viewer": olivia, "interaction": modal["interaction"]})
                return {"content": modal["modal"]["title"], "embeds": []}
            new = [message for message in messages if message["id"] not in before]
            done = bool(new) and not new[-1]["flags"] & 128  # 128: still "thinking…"
            return new[-1] if done else None

        return await _wait_for(answered)

    listed_embed = (await run("help", {}))["embeds"][0]
    listed = [line.split("`")[1].lstrip("/") for field in listed_embed["fields"]
              for line in field["value"].splitlines() if line.startswith("`/")]
    assert len(listed) > 30
    ordered = [name for name in listed if name not in LAST] + [name for name in LAST if name in listed]
    for name in ordered:
        options: dict[str, Any] = {}
        for key, value in SAMPLES.get(name, {}).items():
            if value.startswith(("+", "-")) and value[1:].isdigit():
                value = (today + dt.timedelta(days=int(value))).isoformat()
            elif value in channels:
                value = channels[value]
            elif value == "@question":
                value = question
            elif value == "@autocomplete":  # what the bot offers for it, as a person would pick
                _, offered = await page_api.post("/ui/autocomplete", {
                    "viewer": olivia, "channel": general, "name": name, "focused": key, "options": options})
                value = offered["choices"][0]["value"]
            options[key] = value if value != "@file" else {
                "filename": "mine.yaml", "data": base64.b64encode(b"module: bscm\nquestions: []\n").decode()}
        reply = await run(name, options)
        text = reply["content"] + " ".join(e.get("description") or "" for e in reply["embeds"])
        assert "Something went wrong on my side" not in text, (name, text)
    notices = (await page_api.get("/ui/messages", viewer=olivia, channel=general))["notices"]
    assert notices == [], notices


async def test_the_demo_seeds_weeks_of_a_chapter_through_the_bots_own_services(tmp_path: Path, content: Content,
                                                                               capsys: pytest.CaptureFixture[str]
                                                                               ) -> None:
    """`--demo` writes through bot.services (quiz, exams, reminders, windows, daily, progress): /progress shows
    figures at once."""
    import re

    config = Config(token="sandbox", database_path=tmp_path / "sandbox-demo.sqlite3", content_dir=ROOT / "content")
    ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    task = asyncio.create_task(serve(config, content, port=0, demo=True, ready=ready, stop=stop))
    try:
        url = await asyncio.wait_for(ready, 60)
        said = re.search(r"demo: 21 days of a chapter: (\d+) daily posts, (\d+) quiz sessions, (\d+) answers; "
                         r"3 exam dates, 3 reminders, 1 exam window", capsys.readouterr().out)
        assert said is not None
        posts, sessions, answers = (int(n) for n in said.groups())
        assert posts == 15 and sessions > 0 and answers > posts  # the weekdays of three weeks, each answered
        async with aiohttp.ClientSession(url) as session:
            async with session.get("/ui/state") as resp:
                state = await resp.json()
            ben = next(m["id"] for m in state["members"] if m["name"].lower().startswith("ben"))
            general = state["channels"][0]["id"]
            async with session.post("/ui/command", json={"viewer": ben, "channel": general, "name": "progress",
                                                         "options": {}}) as resp:
                assert resp.status == 200

            async def progress_shown() -> Any:
                async with session.get("/ui/messages", params={"viewer": ben, "channel": general}) as resp:
                    messages = (await resp.json())["messages"]
                return next((m for m in messages if m["embeds"] and not m["flags"] & 128), None)

            shown = await _wait_for(progress_shown)
            [embed] = shown["embeds"]
            assert embed["title"] == "Progress: Ben" and re.match(r"\*\*[1-9]\d*\*\* answers", embed["description"])
            assert "1 of 5** modules passed" in embed["description"]  # /passed add, as the demo seeded it
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)
