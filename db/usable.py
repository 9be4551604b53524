"""Can the bot use this database path, or this PostgreSQL URL? Answered without creating or changing anything,
for `check` and start.

A path is usable when it names a file the process can read and write, or when the file does not exist yet
and its nearest existing folder is one the process can create it in. Anything else gets one line saying
why, naming the path. Whether the file holds a healthy database is db.backup.refuse_damaged's question.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit


def database_path_problem(path: Path) -> str | None:
    """Why the bot could not use `path` as its database, or None if it can."""
    if path.exists():
        if path.is_dir():
            return f"{path}: is a folder, not a database file"
        if not os.access(path, os.R_OK | os.W_OK):
            return f"{path}: the bot cannot read and write this file (check its owner and permissions)"
        return None
    folder = path.parent
    while not folder.exists():
        if folder == folder.parent:
            break
        folder = folder.parent
    if not folder.is_dir():
        return f"{path}: {folder} is a file, so no folder can be made there"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"{path}: the bot cannot create files in {folder} (check its owner and permissions)"
    return None


def storage_problem(error: BaseException, path: Path | str) -> str | None:
    """One line for a storage failure while opening or writing the database (a full disk, a read-only
    file system, an I/O error), or None for errors of another kind."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{path}: the disk is full; free some space and start again"
    if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"{path}: cannot be written ({error.strerror}); check the folder and its permissions"
    if isinstance(error, sqlite3.OperationalError):
        text = str(error)
        if "disk is full" in text:
            return f"{path}: the disk is full; free some space and start again"
        if "readonly" in text or "unable to open" in text or "disk I/O error" in text:
            return f"{path}: cannot be used ({text}); check the disk, the folder and its permissions"
    return None


# ---- PostgreSQL: database.url / DATABASE_URL ------------------------------------------------------------------

POSTGRES_SCHEMES = ("postgresql", "postgres")
EXAMPLE_URL = "postgresql://studybot@localhost/studybot"


def redact_url(url: str) -> str:
    """The URL with its password replaced by ***, for every message that shows it."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


def database_url_problem(url: str) -> str | None:
    """Why `url` is not a PostgreSQL URL the bot can use (one line, password hidden), or None if it is.

    Only the shape is checked here (scheme, port, database name); whether the server answers is
    postgres_connect_problem's question."""
    text = url.strip()
    if not text:
        return f"is empty (a PostgreSQL URL looks like {EXAMPLE_URL}; for SQLite set database.path instead)"
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if scheme not in POSTGRES_SCHEMES:
        shown = redact_url(text) if "://" in text else text
        return (f"{shown!r} is not a PostgreSQL URL: it must start with postgresql:// (like {EXAMPLE_URL}); "
                f"for a SQLite file set database.path instead")
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        return f"{redact_url(text)!r}: the port after the host must be a number from 1 to 65535"
    name = unquote(parts.path.lstrip("/"))
    query = parse_qs(parts.query)
    if not name and "dbname" not in query:
        return (f"{redact_url(text)!r} names no database: add it after the host, like {EXAMPLE_URL} "
                f"(create it first with: createdb studybot)")
    if "/" in name:
        return f"{redact_url(text)!r}: the database name {name!r} cannot contain '/'"
    return None


def postgres_connect_problem(error: BaseException, url: str) -> str | None:
    """One line for a failure to connect to (or use) the PostgreSQL server at `url`, or None for an error
    of another kind. The password is never shown."""
    import asyncpg  # here: the SQLite-only paths never load it

    shown = redact_url(url)
    parts = urlsplit(url)
    where = parts.hostname or "the local socket"
    if isinstance(error, asyncpg.InvalidCatalogNameError):
        name = unquote(parts.path.lstrip("/"))
        return f"{shown}: the server has no database {name!r}; create it first (createdb {name})"
    if isinstance(error, asyncpg.InvalidPasswordError):
        return f"{shown}: the server refused the password of user {parts.username or '(default)'!r}"
    if isinstance(error, asyncpg.InvalidAuthorizationSpecificationError):
        return f"{shown}: the server refused the connection: {error}"
    if isinstance(error, asyncpg.PostgresError | asyncpg.InterfaceError):
        return f"{shown}: {type(error).__name__}: {error}"
    if isinstance(error, TimeoutError):
        return f"{shown}: no answer from {where} within the time limit; is the server running and reachable?"
    if isinstance(error, OSError):
        reason = error.strerror or str(error)
        return f"{shown}: cannot reach the PostgreSQL server at {where} ({reason}); is it running and listening there?"
    return None
