"""`db backup` and `db upgrade` through the real command line on real SQLite files, including broken ones:
a file that is not a database, one with damaged pages, a disk that fills up, four upgrades at once."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXIT_FAILED, EXIT_DAMAGED = 1, 3


def config_file(folder: Path, database: str = "bot.sqlite3", token: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(f'[bot]\ntoken = "{token}"\n[database]\npath = "{database}"\n'
                    f'[content]\ndirectory = "{ROOT / "content"}"\n', encoding="utf-8")
    return path


def bot(config: Path, *args: str, file_size_limit: int | None = None) -> subprocess.CompletedProcess:
    """`python bot.py --config CONFIG ARGS`; file_size_limit makes every write past that size fail, as a full
    disk does (RLIMIT_FSIZE; Python ignores SIGXFSZ, so the write returns an error instead of killing it)."""
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}

    def limit() -> None:
        if file_size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size_limit, file_size_limit))

    return subprocess.run([sys.executable, str(ROOT / "bot.py"), "--config", str(config), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, preexec_fn=limit)


def one_clean_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def upgraded_database(folder: Path, rows: int = 3000) -> Path:
    """A migrated database with a filler table spread over many pages (about 1 MB)."""
    config = config_file(folder)
    result = bot(config, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    path = folder / "bot.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)")
        conn.executemany("INSERT INTO filler (body) VALUES (?)", ((f"{i:06d}" + "x" * 300,) for i in range(rows)))
    conn.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def damage_pages(path: Path) -> None:
    """Overwrite a run of pages in the middle of the filler table: the header and schema stay readable."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        for page in range(pages // 2, pages // 2 + 4):
            handle.seek(page * page_size)
            handle.write(bytes([0x0D, 0xFF, 0xFF]) + b"\xa5" * (page_size - 3))


def not_a_database(path: Path) -> None:
    path.write_bytes(b"these are the minutes of the March meeting, not a database\n" * 200)


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


# ---- db backup --------------------------------------------------------------------------------------------------

def test_backup_of_a_damaged_database_is_one_line_leaves_nothing_and_the_name_stays_free(tmp_path):
    source = upgraded_database(tmp_path)
    damage_pages(source)
    target_dir = tmp_path / "backups"
    target_dir.mkdir()
    result = bot(tmp_path / "config.toml", "db", "backup", str(target_dir / "nightly.sqlite3"))
    assert result.returncode == EXIT_FAILED
    line = one_clean_line(result)
    assert "damaged" in line and "no backup was written" in line
    assert files_in(target_dir) == set()


def test_backup_of_a_file_that_is_not_a_database_is_one_line_and_leaves_nothing(tmp_path):
    config = config_file(tmp_path)
    not_a_database(tmp_path / "bot.sqlite3")
    result = bot(config, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert result.returncode == EXIT_FAILED
    line = one_clean_line(result)
    assert "not a database" in line and "no backup was written" in line
    assert not (tmp_path / "copy.sqlite3").exists()
    assert files_in(tmp_path) == {"config.toml", "bot.sqlite3"}


def test_backup_onto_a_full_disk_is_one_line_leaves_nothing_and_a_retry_works(tmp_path):
    upgraded_database(tmp_path)
    config = tmp_path / "config.toml"
    target_dir = tmp_path / "backups"
    target_dir.mkdir()
    target = target_dir / "nightly.sqlite3"
    full = bot(config, "db", "backup", str(target), file_size_limit=200_000)
    assert full.returncode == EXIT_FAILED
    line = one_clean_line(full)
    assert "no backup was written" in line
    assert files_in(target_dir) == set()
    retry = bot(config, "db", "backup", str(target))
    assert retry.returncode == 0, retry.stderr
    assert files_in(target_dir) == {"nightly.sqlite3"}
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM filler").fetchone()[0] == 3000
    conn.close()


def test_backup_never_replaces_an_existing_file(tmp_path):
    upgraded_database(tmp_path)
    target = tmp_path / "kept.sqlite3"
    target.write_bytes(b"last week's backup")
    result = bot(tmp_path / "config.toml", "db", "backup", str(target))
    assert result.returncode == EXIT_FAILED and "already exists" in one_clean_line(result)
    assert target.read_bytes() == b"last week's backup"
    assert files_in(tmp_path) == {"config.toml", "bot.sqlite3", "kept.sqlite3"}


# ---- db upgrade and start on a damaged file -----------------------------------------------------------------------

@pytest.mark.parametrize("damage", [not_a_database, damage_pages], ids=["not-a-database", "damaged-pages"])
def test_upgrade_refuses_a_damaged_file_with_one_line_and_exit_3_and_changes_nothing(tmp_path, damage):
    path = upgraded_database(tmp_path)
    damage(path)
    before = path.read_bytes()
    result = bot(tmp_path / "config.toml", "db", "upgrade")
    assert result.returncode == EXIT_DAMAGED, result.stderr
    line = one_clean_line(result)
    assert str(path) in line and "damaged" in line and "was not changed" in line
    assert path.read_bytes() == before
    assert "upgraded" not in result.stdout and "schema version" not in result.stdout


@pytest.mark.parametrize("damage", [not_a_database, damage_pages], ids=["not-a-database", "damaged-pages"])
def test_the_bot_refuses_to_start_on_a_damaged_file_with_one_line_and_exit_3(tmp_path, damage):
    path = upgraded_database(tmp_path)
    damage(path)
    config = config_file(tmp_path, token="test-token")
    result = bot(config)  # never reaches Discord: the check comes first
    assert result.returncode == EXIT_DAMAGED, result.stderr
    line = one_clean_line(result)
    assert str(path) in line and "damaged" in line


def test_four_upgrades_at_once_on_a_fresh_file_all_succeed_every_round(tmp_path):
    for round_ in range(6):
        folder = tmp_path / f"round{round_}"
        folder.mkdir()
        config = config_file(folder)
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
        processes = [subprocess.Popen([sys.executable, str(ROOT / "bot.py"), "--config", str(config), "db", "upgrade"],
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
                     for _ in range(4)]
        results = [(p.wait(timeout=120), *p.communicate()) for p in processes]
        for code, _out, err in results:
            assert code == 0, f"round {round_}: {err}"
        with sqlite3.connect(folder / "bot.sqlite3") as conn:
            versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        assert versions == sorted(set(versions)) and len(versions) >= 1
