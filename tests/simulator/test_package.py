"""The simulator package's own shape: the state its surfaces share, and run_bot.py started by path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from simulator import FakeDiscord
from simulator.base import FakeDiscordBase

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_every_declared_attribute_gets_a_value() -> None:
    # base.py declares the shared state for the type checker; FakeDiscord() must give each of them a value
    fake = FakeDiscord(patch=False)
    missing = [name for name in FakeDiscordBase.__annotations__ if not hasattr(fake, name)]
    assert missing == []


def test_run_bot_started_by_path_imports_and_prints_its_usage(tmp_path: Path) -> None:
    # started as `python simulator/run_bot.py`, its folder must not shadow the standard library (simulator/http.py)
    result = subprocess.run([sys.executable, str(REPO_ROOT / "simulator" / "run_bot.py")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "python -m simulator.run_bot" in result.stderr
