"""Every free-text option, filled to Discord's limits, gets a visible answer that fits Discord's limits.

Discord lets a member type up to 6,000 characters into a string option that declares no `max_length`. Such an
option must still get an answer (the error that echoes the value is cut to fit); an option that declares
`max_length` is stopped by Discord before it arrives (the fake refuses to send it), and its longest allowed
value gets an answer.
"""

from __future__ import annotations

from typing import Any

import pytest

from simulator import FakeDiscordError
from tests.conftest import World

LONG = 6000  # the most Discord accepts in one string option
VALID: dict[str, Any] = {
    "effective": "2026-01-01", "member": 100, "non_member": 150, "source": "chapter note", "currency": "USD",
    "zone": "Europe/Berlin", "timezone": "Europe/Berlin", "days": "mon-fri", "name": "Spring window",
    "start": "2027-01-01", "end": "2027-02-01", "modules": "all", "question_id": "dsp-lot-004", "time": "19:00",
    "module": "dsp", "date": "2027-06-01", "at": "19:30", "when": "tomorrow 7pm", "text": "read chapter 3",
    "reminder": 1, "notice_days": 7, "topic": "lot-sizing",
}


def _leaves(commands: list[dict]) -> list[tuple[str, list[dict]]]:
    leaves = []
    for command in commands:
        stack: list[tuple[str, dict]] = [(command["name"], command)]
        while stack:
            name, node = stack.pop()
            options = node.get("options") or []
            subs = [o for o in options if o["type"] in (1, 2)]
            if subs:
                stack.extend((f"{name} {o['name']}", o) for o in subs)
            else:
                leaves.append((name, options))
    return leaves


def free_text_options(world: World) -> list[tuple[str, dict, list[dict]]]:
    found = []
    for name, options in _leaves(world.fake.registered_commands()):
        for option in options:
            if option["type"] == 3 and not option.get("choices"):
                found.append((name, option, options))
    return found


def _arguments(world: World, options: list[dict], target: str, value: str) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    for option in options:
        if option["name"] == target:
            arguments[target] = value
        elif option.get("required"):
            if option["type"] == 7:
                arguments[option["name"]] = world.channel
            elif option["type"] == 6:
                arguments[option["name"]] = world.member
            else:
                arguments[option["name"]] = VALID[option["name"]]
    return arguments


def _visible(result: Any) -> str:
    shown = (result.content or "") + "".join(
        (e.get("title") or "") + (e.get("description") or "") + "".join(f["value"] for f in e.get("fields") or [])
        for e in result.embeds)
    return shown


async def test_the_bot_registers_its_free_text_options(world: World):
    # the sweep below covers whatever is registered; this pins that it is not empty by accident
    assert len(free_text_options(world)) >= 30


@pytest.mark.parametrize("filler", ["x", "@everyone **bold** <@&1> `code` "])
async def test_every_free_text_option_at_its_limit_gets_a_visible_answer(world: World, filler: str):
    silent = []
    for name, option, options in free_text_options(world):
        limit = option.get("max_length", LONG)
        value = (filler * LONG)[:limit]
        if "max_length" in option:
            # Discord itself stops a longer value before it reaches the bot
            with pytest.raises(FakeDiscordError, match="longer than"):
                await world.fake.slash(world.admin, world.channel, name,
                                       options=_arguments(world, options, option["name"], value + "y"))
        refused_before = len(world.fake.rejected_requests)
        try:
            result = await world.fake.slash(world.admin, world.channel, name,
                                            options=_arguments(world, options, option["name"], value))
        except FakeDiscordError as error:
            silent.append(f"/{name} {option['name']}: no answer ({str(error)[:200]})")
            continue
        if not _visible(result) or result.errors or len(world.fake.rejected_requests) != refused_before:
            silent.append(f"/{name} {option['name']}: {result.errors or world.fake.rejected_requests[-1:]}")
    assert silent == []
