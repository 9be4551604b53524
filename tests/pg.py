"""PostgreSQL for the tests: a real server, never a mock (listed in tests/conftest.py's pytest_plugins).

The session's server is the one at STUDYBOT_TEST_PG_URL when that is set (`.ci/run` starts a throw-away
cluster with `.ci/postgres` and sets it), else one this session starts itself through the same
`.ci/postgres` and stops at the end. Each test that asks gets a database of its own, dropped after it:

- `pg_empty_url`: an empty database (for the migration runner and `db migrate-to` targets);
- `pg_url`: a database already migrated to head, cloned with CREATE DATABASE … TEMPLATE from one migrated
  once per session (a clone takes milliseconds; running every migration for each test would not);
- `postgres_server`: the server itself (its maintenance URL, and `create_database` for more databases).

If the server cannot be reached or started, every test that needs it fails and says why; none is skipped.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
import shlex
import subprocess
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

ROOT = Path(__file__).resolve().parent.parent
URL_ENV = "STUDYBOT_TEST_PG_URL"
T = TypeVar("T")


def run_coroutine(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to the end on a loop of its own, in a thread: safe from sync fixtures and from tests
    whose own loop is running, and it never replaces the loop pytest-asyncio set for this thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, make()).result()


def database_url(url: str, name: str) -> str:
    """The same server URL with another database name."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@dataclass
class PostgresServer:
    url: str  # the maintenance database (postgres) on the server
    cluster_dir: str | None = None  # set when this session started the cluster itself
    _names: Iterator[int] = field(default_factory=itertools.count)
    _template: str | None = None

    async def _admin(self, *statements: str) -> None:
        connection = await asyncpg.connect(self.url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    def create_database(self, template: str = "template0") -> str:
        """A new database on the server (a copy of `template`); returns its URL."""
        name = f"studybot_test_{os.getpid()}_{next(self._names)}"
        run_coroutine(lambda: self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        return database_url(self.url, name)

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        run_coroutine(lambda: self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def migrated_template(self) -> str:
        """The name of a database migrated to head, made on first use; clones of it start at head."""
        if self._template is None:
            from db.migrations.postgres import apply_migrations

            url = self.create_database()

            async def migrate() -> None:
                connection = await asyncpg.connect(url)
                try:
                    await apply_migrations(connection)
                finally:
                    await connection.close()

            run_coroutine(migrate)
            self._template = urlsplit(url).path.lstrip("/")
        return self._template


def _start_cluster() -> tuple[str, str]:
    """Start a throw-away cluster with .ci/postgres; (its folder, its URL). Fails the test run if it can't."""
    script = ROOT / ".ci" / "postgres"
    try:
        result = subprocess.run(["bash", str(script), "start"], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        pytest.fail(f"PostgreSQL: could not run {script} start ({error}); install Debian's postgresql package "
                    f"(apt-get install postgresql) or set {URL_ENV} to a server's URL", pytrace=False)
    if result.returncode != 0:
        pytest.fail(f"PostgreSQL: {script} start failed (exit {result.returncode}):\n{result.stderr.strip()}\n"
                    f"Install Debian's postgresql package (apt-get install postgresql) or set {URL_ENV} to a "
                    f"server's URL. These tests need a real PostgreSQL and are never skipped.", pytrace=False)
    values = {}
    for line in result.stdout.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            values[key] = value
    return values["STUDYBOT_PG_DIR"], values[URL_ENV]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get(URL_ENV)
    cluster_dir = None
    if not url:
        cluster_dir, url = _start_cluster()
    server = PostgresServer(url, cluster_dir)
    try:
        version = run_coroutine(lambda: _server_version(url))
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        if cluster_dir:
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres"), "stop", cluster_dir], check=False)
        pytest.fail(f"PostgreSQL at {url} cannot be reached: {error}", pytrace=False)
    assert version >= 150000, f"PostgreSQL 15 or newer is needed, the server is {version}"
    try:
        yield server
    finally:
        if cluster_dir:
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres"), "stop", cluster_dir], check=False)
        elif server._template is not None:
            server.drop_database(database_url(url, server._template))


async def _server_version(url: str) -> int:
    connection = await asyncpg.connect(url, timeout=10)
    try:
        return int(await connection.fetchval("SHOW server_version_num"))
    finally:
        await connection.close()


@pytest.fixture
def pg_empty_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url)


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a new database already migrated to head, dropped after the test."""
    url = postgres_server.create_database(template=postgres_server.migrated_template())
    try:
        yield url
    finally:
        postgres_server.drop_database(url)
