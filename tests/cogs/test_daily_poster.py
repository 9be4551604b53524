"""The daily posts' Discord adapter sorts failures: a refusal sending again would meet (lasting) from one that
may pass later (5xx, 429, the network), which decides whether a post is recorded failed or sent again."""

from __future__ import annotations

from types import SimpleNamespace

import discord
import pytest

from cogs.daily_poster import send_failed


def http_error(status: int, text: str) -> discord.HTTPException:
    response = SimpleNamespace(status=status, reason="")
    cls = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    if status >= 500:
        cls = discord.DiscordServerError
    return cls(response, {"code": 0, "message": text})


@pytest.mark.parametrize(("status", "lasting"), [(400, True), (403, True), (404, True), (429, False),
                                                 (500, False), (503, False)])
def test_only_a_refusal_below_500_other_than_429_is_lasting(status: int, lasting: bool) -> None:
    failed = send_failed(http_error(status, "Missing Access"))
    assert failed.lasting is lasting
    assert failed.why == f"{status} Missing Access" and failed.reason == "Missing Access"


def test_a_network_error_is_for_now() -> None:
    failed = send_failed(ConnectionResetError("peer reset"))
    assert not failed.lasting and failed.why.startswith("network: ConnectionResetError")
