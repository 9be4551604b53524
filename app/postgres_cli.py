"""The command line's PostgreSQL side: `check` and `db upgrade` against database.url, `db backup`'s pointer to
pg_dump, and `db migrate-to URL` (db/transfer.py). Every failure is one line naming the database (its
password hidden) and an exit code, never a traceback."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from pathlib import Path

from app.config import Config
from db.backup import DamagedDatabaseError
from db.migrations import SchemaTooNewError, available_migrations
from db.migrations import postgres as pg_migrations
from db.transfer import TransferError, format_report, migrate_to
from db.usable import database_url_problem, postgres_connect_problem, redact_url

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DAMAGED = 0, 1, 2, 3
CONNECT_TIMEOUT = 10.0


def backup_refused(config: Config) -> str:
    url = redact_url(config.database_url or "")
    return (f"the database is PostgreSQL ({url}): db backup copies SQLite files only; back it up with "
            f"PostgreSQL's own tool, e.g. pg_dump --format=custom --file=studybot.dump '{url}' "
            f"(restore with pg_restore)")


async def _connect(url: str):  # -> asyncpg.Connection
    import asyncpg  # here: the SQLite paths of the command line never load it

    return await asyncpg.connect(url, timeout=CONNECT_TIMEOUT)


def _one_line(error: Exception, url: str) -> str:
    """The one line a failure reaching PostgreSQL is told in (the URL's password hidden); anything else, a bug,
    is raised again with its traceback."""
    problem = postgres_connect_problem(error, url)
    if problem is None:
        raise error
    return problem


async def postgres_status(url: str) -> tuple[str | None, str]:
    """(problem, status): `check`'s line about the PostgreSQL database; reads only."""
    try:
        connection = await _connect(url)
    except Exception as error:
        return _one_line(error, url), ""
    try:
        server = await connection.fetchval("SHOW server_version")
        await pg_migrations.refuse_newer_schema(connection)
        version = await pg_migrations.current_version(connection)
    except SchemaTooNewError as error:
        return f"{redact_url(url)}: {error}", ""
    except Exception as error:
        return _one_line(error, url), ""
    finally:
        await connection.close()
    head = available_migrations()[-1].version
    state = "up to date" if version == head else (
        "no tables yet: the bot makes them at start (or python bot.py db upgrade)" if version == 0
        else f"{head - version} migration(s) to apply at the next start (or python bot.py db upgrade)")
    return None, f"PostgreSQL {server}, schema version {version} of {head} ({state})"


async def db_upgrade(config: Config) -> int:
    url = config.database_url or ""
    try:
        connection = await _connect(url)
    except Exception as error:
        print(_one_line(error, url), file=sys.stderr)
        return EXIT_FAILED
    try:
        applied = await pg_migrations.apply_migrations(connection)
        version = await pg_migrations.current_version(connection)
    except SchemaTooNewError as error:
        print(f"{redact_url(url)}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        print(_one_line(error, url), file=sys.stderr)
        return EXIT_FAILED
    finally:
        await connection.close()
    print(f"database {redact_url(url)} is at schema version {version} ({len(applied)} migration(s) applied now)")
    return EXIT_OK


async def db_migrate_to(config: Config, args: argparse.Namespace) -> int:
    url = args.url.strip()
    problem = database_url_problem(url)
    if problem:
        print(f"migrate-to: {problem}", file=sys.stderr)
        return EXIT_USAGE
    source: Path = args.source or config.database_path
    if args.batch < 1:
        print("--batch: 1 or more rows per COPY", file=sys.stderr)
        return EXIT_USAGE
    try:
        connection = await _connect(url)
    except Exception as error:
        print(_one_line(error, url), file=sys.stderr)
        return EXIT_FAILED
    shown = redact_url(url)
    print(f"copying {source} into {shown} (the bot must be stopped)", flush=True)
    try:
        report = await migrate_to(source, connection, batch_rows=args.batch,
                                  progress=lambda line: print(f"  {line}", flush=True))
    except (TransferError, DamagedDatabaseError) as error:
        print(str(error), file=sys.stderr)
        return EXIT_FAILED
    except SchemaTooNewError as error:
        print(str(error), file=sys.stderr)
        return EXIT_USAGE
    except sqlite3.Error as error:
        print(f"{source}: cannot be read ({error}); nothing was copied", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:
        print(_one_line(error, url), file=sys.stderr)
        return EXIT_FAILED
    finally:
        await connection.close()
    for line in format_report(report, str(source), shown):
        print(line)
    if not report.matches:
        return EXIT_FAILED
    if config.database_url != url:
        print(f"next: set database.url = \"{shown}\" in {config.source} (or DATABASE_URL) and start the bot; "
              f"keep {source} as it is until you are happy")
    return EXIT_OK
