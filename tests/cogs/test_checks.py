"""The guild id of an interaction: every command and click that keeps a server's records asks for it once."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from discord import app_commands

from cogs.checks import guild_id_of
from cogs.errors import answer_component_error


class FakeResponse:
    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    def is_done(self) -> bool:
        return bool(self.sent)

    async def send_message(self, message: str, *, ephemeral: bool = False) -> None:
        self.sent.append((message, ephemeral))


def interaction(guild_id: int | None) -> Any:
    return SimpleNamespace(guild_id=guild_id, response=FakeResponse(), data={"custom_id": "quiz:next:1"})


def test_a_servers_interaction_gives_its_id():
    assert guild_id_of(interaction(42)) == 42


def test_a_dm_is_refused_as_a_dm_not_a_crash():
    with pytest.raises(app_commands.NoPrivateMessage):
        guild_id_of(interaction(None))


async def test_a_click_refused_in_a_dm_says_so_instead_of_a_reference():
    dm = interaction(None)
    try:
        guild_id_of(dm)
    except app_commands.NoPrivateMessage as error:
        await answer_component_error(dm, error)
    assert dm.response.sent == [("This command only works in a server, not in DMs.", True)]
