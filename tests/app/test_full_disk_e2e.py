"""Starting the bot with its database on a full disk: one clear line and exit 1, no traceback.

The disk is real: a 48 KiB tmpfs, too small for the first migration's write-ahead log. Mounting needs root
(CI containers run as root); elsewhere the test is skipped rather than faked.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator import FakeDiscord
from tests.bot_process import ROOT, write_config


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mount_point)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


async def test_starting_on_a_full_disk_is_one_line_and_exit_1(fake_discord: FakeDiscord, tiny_disk: Path,
                                                             tmp_path: Path):
    fake_discord.add_guild("CPIM Chapter")
    config = write_config(tmp_path, tiny_disk / "bot.sqlite3")
    env = fake_discord.subprocess_env()
    env.pop("DISCORD_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "simulator.run_bot", "bot.py", "--config", str(config),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    text = stderr.decode()
    assert process.returncode == 1, text
    assert "Traceback" not in text
    assert text.strip().splitlines()[-1] == f"{tiny_disk / 'bot.sqlite3'}: the disk is full; free some space and " \
                                            "start again"


def test_db_upgrade_and_a_question_import_on_a_full_disk_are_one_line_and_exit_1(tiny_disk: Path, tmp_path: Path):
    from tests.app.test_cli import run_bot
    from tests.cogs.test_question_import_e2e import GOOD, csv_file

    config = write_config(tmp_path, tiny_disk / "bot.sqlite3")
    bank = tmp_path / "bank.csv"
    bank.write_bytes(csv_file(GOOD))
    for command in (["db", "upgrade"], ["questions", "import", str(bank), "--guild", "1"]):
        result = run_bot("--config", str(config), *command)
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1] == (f"{tiny_disk / 'bot.sqlite3'}: the disk is full; free "
                                                          "some space and start again")
