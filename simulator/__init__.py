"""A Discord simulator (REST, gateway, interactions) that the real discord.py client talks to on 127.0.0.1: the
tests drive it, and `python bot.py sandbox` puts a web page in front of it. See README.md."""

from .errors import FakeDiscordError
from .http import RequestRecord
from .interactions import InteractionResult, InteractionState
from .patching import patch_discord
from .server import FakeDiscord
from .world import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, Permissions

__all__ = [
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "InteractionResult",
    "InteractionState",
    "Permissions",
    "RequestRecord",
    "patch_discord",
]
