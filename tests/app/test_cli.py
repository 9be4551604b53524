"""The command line as a newcomer runs it: python bot.py, check, db."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, env_token: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    if env_token:
        env["DISCORD_TOKEN"] = env_token
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


def config_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[bot]\ntoken = ""\n[database]\npath = "bot.sqlite3"\n{extra}', encoding="utf-8")
    return path


def test_without_a_token_one_line_and_exit_2(tmp_path):
    result = run_bot("--config", str(config_file(tmp_path)))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0] and "README" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_config_mistake_is_one_line_and_exit_2(tmp_path):
    result = run_bot("--config", str(config_file(tmp_path, '[bot2]\nx = 1\n')), env_token="t")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "config.toml: key 'bot2.x': unknown key (known keys: " + result.stderr.split("known keys: ")[1].strip()
    )


def test_check_passes_on_the_shipped_content(tmp_path):
    result = run_bot("--config", str(config_file(tmp_path)), "check")
    assert result.returncode == 0, result.stderr
    assert "syllabus: 5 modules" in result.stdout
    assert "fees: from 2017-01-01: member 120 / non-member 155 USD per module" in result.stdout
    assert "all content is valid" in result.stdout
    assert not (tmp_path / "bot.sqlite3").exists()  # check never touches the database


def test_check_fails_clearly_on_a_broken_copy(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    fees = content / "fees.toml"
    fees.write_text(fees.read_text().replace("member = 120", "member = 190"))
    syllabus = content / "syllabus.toml"
    syllabus.write_text(syllabus.read_text().replace('code = "MPR"', 'codes = "MPR"'))
    result = run_bot("--config", str(config_file(tmp_path, '[content]\ndirectory = "content"\n')), "check")
    assert result.returncode == 1
    assert "fees.toml entry #1: The member fee cannot be higher than the non-member fee." in result.stderr
    assert "syllabus.toml module 'mpr': key 'code' is missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_db_upgrade_and_backup(tmp_path):
    config = str(config_file(tmp_path))
    upgraded = run_bot("--config", config, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "bot.sqlite3").exists()
    backup = run_bot("--config", config, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1
    again = run_bot("--config", config, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert again.returncode == 1 and "already exists" in again.stderr
