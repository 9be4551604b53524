"""The bot as a real process (`python bot.py` under simulator/run_bot.py) for crash tests.

The test process keeps its event loop running so the fake Discord can answer the bot's requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from simulator import FakeDiscord

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def write_config(folder: Path, database: Path) -> Path:
    """A config.toml for the bot process: the fake's token, this database, the shipped content."""
    config = folder / "config.toml"
    config.write_text(f'[bot]\ntoken = "test-token"\n[database]\npath = "{database}"\n'
                      f'[content]\ndirectory = "{ROOT / "content"}"\n', encoding="utf-8")
    return config


async def start_bot_process(fake: FakeDiscord, config: Path, log: Path | None = None,
                            args: Sequence[str] = ()) -> asyncio.subprocess.Process:
    """The bot as a process (`args` after `bot.py --config FILE`, e.g. the shard flags); its output is appended
    to `log` if given, else discarded."""
    env = fake.subprocess_env()
    env.pop("DISCORD_TOKEN", None)
    with open(log or os.devnull, "ab") as output:  # noqa: ASYNC230 - a local file, opened once
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "simulator.run_bot", "bot.py", "--config", str(config), *args,
            cwd=ROOT, env=env, stdout=output, stderr=output,
        )


async def stop_bot_process(process: asyncio.subprocess.Process) -> None:
    """SIGTERM and wait; SIGKILL if it does not stop within 15 s."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):  # it may have exited on its own
            process.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        process.kill()
        await process.wait()


async def poll(predicate: Callable[[], T], seconds: float) -> T:
    """The predicate's first truthy value within `seconds` of real time, else its last value."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.02)
    return predicate()
