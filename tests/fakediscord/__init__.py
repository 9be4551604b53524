"""A fake Discord (REST + gateway) for driving a real discord.py bot in tests. See README.md."""

from .models import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser, Permissions
from .patching import patch_discord
from .server import (
    FakeDiscord,
    FakeDiscordError,
    InteractionResult,
    InteractionState,
    RequestRecord,
)

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
