"""pytest fixtures for FakeDiscord.

Use from another conftest with ``from tests.simulator.plugin import fake_discord  # noqa: F401`` (or list
``"tests.simulator.plugin"`` in the *root* conftest's ``pytest_plugins``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from simulator import FakeDiscord


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started FakeDiscord with discord.py patched; the test fails if the bot hit an unimplemented route."""
    async with FakeDiscord() as fake:
        yield fake
        fake.assert_no_unknown_routes()
