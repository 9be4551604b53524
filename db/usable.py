"""Can the bot use this database path? Answered without creating or changing anything, for `check` and start.

A path is usable when it names a file the process can read and write, or when the file does not exist yet
and its nearest existing folder is one the process can create it in. Anything else gets one line saying
why, naming the path. Whether the file holds a healthy database is db.backup.refuse_damaged's question.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


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
