"""The simulator package's own shape: run_bot.py started by path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_run_bot_started_by_path_imports_and_prints_its_usage(tmp_path: Path) -> None:
    # started as `python simulator/run_bot.py`, its folder must not shadow the standard library (simulator/http.py)
    result = subprocess.run([sys.executable, str(REPO_ROOT / "simulator" / "run_bot.py")], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "python -m simulator.run_bot" in result.stderr
