"""`.ci/postgres`, the throw-away PostgreSQL cluster that `.ci/run` and the tests' fixture (tests/pg.py) start."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / ".ci" / "postgres"


async def test_the_server_runs_as_a_user_other_than_root(postgres_server):
    connection = await asyncpg.connect(postgres_server.url)
    try:
        data_directory = await connection.fetchval("SHOW data_directory")
    finally:
        await connection.close()
    assert os.stat(data_directory).st_uid != 0


async def test_each_test_gets_an_empty_database_of_its_own(pg_empty_url, postgres_server):
    assert pg_empty_url != postgres_server.url
    connection = await asyncpg.connect(pg_empty_url)
    try:
        assert await connection.fetchval(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace") == 0
    finally:
        await connection.close()


def test_run_sets_the_url_for_the_command_and_removes_the_cluster_after(tmp_path):
    probe = ('import asyncio, os, asyncpg\n'
             'async def main():\n'
             '    c = await asyncpg.connect(os.environ["STUDYBOT_TEST_PG_URL"])\n'
             '    print(os.environ["STUDYBOT_PG_DIR"], await c.fetchval("SELECT 40 + 2"))\n'
             '    await c.close()\n'
             'asyncio.run(main())\n'
             'raise SystemExit(7)\n')
    result = subprocess.run(["bash", str(SCRIPT), "run", "python", "-c", probe], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 7, result.stderr  # the command's own exit code
    folder, answer = result.stdout.split()
    assert answer == "42"
    assert not Path(folder).exists()


def test_stop_refuses_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = subprocess.run(["bash", str(SCRIPT), "stop", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "not touching it" in result.stderr
    assert (tmp_path / "keep.txt").exists()
