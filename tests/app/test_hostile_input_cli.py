"""The command line given files built to hurt, or a place it cannot write: one line, a clear exit code."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.app.test_cli import config_file, run_bot
from tests.study.test_hostile_yaml import billion_laughs


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_a_config_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_bytes(b'[bot]\nlog_level = "INFO"\n# caf\xe9\n')
    result = run_bot("--config", str(path), "check")
    assert result.returncode == 2
    assert one_line(result.stderr) == ("config.toml:3:6: not UTF-8 text (byte 0xE9); save the file as UTF-8 and "
                                       "try again")


def test_a_deeply_nested_config_file_is_one_line_and_exit_2(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    result = run_bot("--config", str(path), "check")
    assert result.returncode == 2
    assert "nested too deeply" in one_line(result.stderr)


@pytest.mark.parametrize("where", ["under-a-file", "not-a-database", "a-folder"])
def test_check_fails_on_a_database_path_it_cannot_use(tmp_path: Path, where: str):
    (tmp_path / "plain.txt").write_text("not a folder", encoding="utf-8")
    (tmp_path / "notes.sqlite3").write_text("these are my notes, not a database", encoding="utf-8")
    (tmp_path / "folder.sqlite3").mkdir()
    path = {"under-a-file": "plain.txt/bot.sqlite3", "not-a-database": "notes.sqlite3",
            "a-folder": "folder.sqlite3"}[where]
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\npath = "{path}"\n', encoding="utf-8")
    result = run_bot("--config", str(config), "check")
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert line.startswith(f"database: {tmp_path / path}")
    assert (tmp_path / "notes.sqlite3").read_text(encoding="utf-8").startswith("these are my notes")


def test_validate_refuses_a_billion_laughs_file_fast_with_one_line(tmp_path: Path):
    bomb = tmp_path / "laughs.yaml"
    bomb.write_bytes(billion_laughs())
    started = time.monotonic()
    result = run_bot("--config", str(config_file(tmp_path)), "questions", "validate", str(bomb))
    assert time.monotonic() - started < 20  # the process start and content load; the refusal itself is instant
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{bomb}:1: anchors and aliases (&name, *name) are not allowed" in result.stderr


@pytest.mark.parametrize("text", ["[" * 50_000 + "]" * 50_000, "- " * 50_000 + "x"])
def test_validate_and_import_refuse_deep_nesting_without_a_traceback(tmp_path: Path, text: str):
    deep = tmp_path / "deep.yaml"
    deep.write_text(text, encoding="utf-8")
    config = str(config_file(tmp_path))
    for command in (["validate", str(deep)], ["import", str(deep), "--guild", "1"]):
        result = run_bot("--config", config, "questions", *command)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "deep.yaml:1: " in result.stderr
    assert not (tmp_path / "bot.sqlite3").exists()
