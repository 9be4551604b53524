"""A consistent online copy of the database through SQLite's backup API, and the check for a damaged file.

A backup appears under its name only when it is complete and checked: the copy is written to a hidden
temporary file in the target's folder and linked to the target name at the end (never replacing a file
already there). Any failure (a damaged source, a full disk, a refusal) removes the temporary file, so nothing
named like a backup is left behind and the same name can be used again.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from contextlib import closing
from pathlib import Path


class BackupError(Exception):
    """The backup was not made; the message is one line for the operator and nothing was left behind."""


class DamagedDatabaseError(Exception):
    """The database file is not a database, or SQLite's quick_check finds damaged pages in it."""


def damage_report(path: Path, *, full: bool = False) -> str | None:
    """None if `path` is missing or a healthy SQLite database; otherwise why it is not (one line).

    Reads only. PRAGMA quick_check reads every page; `full` adds integrity_check's cross-check of each index
    against its table (slower: for a fresh backup, not at every start)."""
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            rows = [row[0] for row in conn.execute(f"PRAGMA {'integrity_check' if full else 'quick_check'}(5)")]
    except sqlite3.DatabaseError as error:  # "file is not a database", "database disk image is malformed"
        return str(error)
    if rows == ["ok"]:
        return None
    return "; ".join(" ".join(row.split()) for row in rows[:3]) + ("; …" if len(rows) > 3 else "")


def refuse_damaged(path: Path) -> None:
    """Raise DamagedDatabaseError (with what to do) if `path` exists and is not a healthy database."""
    problem = damage_report(path)
    if problem is not None:
        raise DamagedDatabaseError(
            f"{path} is damaged ({problem}); it was not changed. Restore the latest backup "
            f"(python bot.py db backup makes one), or try to salvage it with: sqlite3 {path} .recover")


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def _remove_quietly(path: Path) -> None:
    for leftover in (path, *(Path(f"{path}-{suffix}") for suffix in ("journal", "wal", "shm"))):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder; the rename itself stands
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def backup_database(source: Path, target: Path) -> int:
    """Copy source to target page by page while others may write; return the target's size in bytes.

    Raises BackupError (nothing left behind) or FileNotFoundError / FileExistsError before starting."""
    if not source.exists():
        raise FileNotFoundError(f"no database at {source}")
    if target.exists():
        raise FileExistsError(f"{target} already exists; choose a new file name")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot create {target.parent}: {error.strerror}; no backup was written") from None
    partial = _temporary_name(target)
    _remove_quietly(partial)  # a leftover of a killed run with this process id
    try:
        try:
            with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
                src.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, without -wal beside it
        except sqlite3.DatabaseError as error:
            if "not a database" in str(error) or "malformed" in str(error):
                raise BackupError(f"{source} is damaged ({error}); no backup was written. Salvage it with: "
                                  f"sqlite3 {source} .recover") from None
            raise BackupError(f"writing {target} failed ({error}: is the disk full or read-only?); "
                              f"no backup was written") from None
        except OSError as error:
            raise BackupError(f"writing {target} failed ({error.strerror}); no backup was written") from None
        problem = damage_report(partial, full=True)
        if problem is not None:
            # a page-by-page copy is only as sound as its source
            raise BackupError(f"{source} is damaged (integrity check of the copy: {problem}); no backup was "
                              f"written. Salvage it with: sqlite3 {source} .recover")
        try:
            os.link(partial, target)  # unlike a rename, never replaces a file that appeared meanwhile
        except FileExistsError:
            raise FileExistsError(f"{target} already exists; choose a new file name") from None
        except OSError as error:
            raise BackupError(f"cannot name the copy {target} ({error.strerror}); no backup was written") from None
        _sync_folder(target.parent)
        return target.stat().st_size
    finally:
        _remove_quietly(partial)
