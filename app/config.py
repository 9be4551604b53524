"""Reads config.toml (tomllib) into a typed Config and refuses anything it does not understand.

Every user mistake becomes a ConfigError whose text is `config.toml: key 'x.y': why`, so the command
line can print one line and exit 2 instead of a traceback.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from db.usable import database_url_problem, redact_url
from study.content_errors import utf8_problem
from study.timezones import is_known_zone

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
EDITIONS = ("cpim-2017", "cpim-8")  # content/editions/<key>/, see study.editions
TOKEN_ENV = "DISCORD_TOKEN"
DATABASE_URL_ENV = "DATABASE_URL"


class ConfigError(Exception):
    """A configuration mistake the user can fix; str() is the one line to show them."""


@dataclass(frozen=True)
class Config:
    token: str | None = None
    dev_guild_id: int | None = None
    log_level: str = "INFO"
    default_timezone: str = "UTC"
    database_path: Path = Path("data/studybot.sqlite3")
    database_url: str | None = None  # postgresql://…: PostgreSQL instead of the SQLite file at database_path
    content_dir: Path = Path("content")
    edition: str = "cpim-2017"  # the syllabus edition of servers whose admins chose none
    reminder_grace_hours: float = 6.0
    reminder_dms_in_flight: int = 1
    reminder_lease_seconds: int = 60
    daily_grace_hours: float = 6.0
    quiz_session_idle_minutes: int = 15
    source: str = "defaults"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def database_target(self) -> Path | str:
        """What Database.open takes: the PostgreSQL URL if one is set, else the SQLite file."""
        return self.database_url or self.database_path

    @property
    def database_label(self) -> str:
        """The database for messages: the URL without its password, or the file."""
        return redact_url(self.database_url) if self.database_url else str(self.database_path)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return (isinstance(value, int | float)) and not isinstance(value, bool)


def _check_timezone(value: str) -> str | None:
    if not is_known_zone(value):
        return f"unknown time zone {value!r} (use an IANA name such as 'Europe/Berlin')"
    return None


# key -> (Config attribute, type test, type name, extra check returning an error or None)
_Check = Callable[[Any], str | None]
_KEYS: dict[str, tuple[str, Callable[[object], bool], str, _Check | None]] = {
    "bot.token": ("token", lambda v: isinstance(v, str), "a string", None),
    "bot.dev_guild_id": (
        "dev_guild_id",
        _is_int,
        "an integer",
        lambda v: None if v > 0 else "must be a positive guild id (or leave the key out)",
    ),
    "bot.log_level": (
        "log_level",
        lambda v: isinstance(v, str),
        "a string",
        lambda v: None if v.upper() in LOG_LEVELS else f"must be one of {', '.join(LOG_LEVELS)}",
    ),
    "bot.default_timezone": ("default_timezone", lambda v: isinstance(v, str), "a string", _check_timezone),
    "database.path": (
        "database_path",
        lambda v: isinstance(v, str),
        "a string",
        lambda v: None if v.strip() else "must not be empty",
    ),
    "database.url": ("database_url", lambda v: isinstance(v, str), "a string", database_url_problem),
    "content.directory": ("content_dir", lambda v: isinstance(v, str), "a string", None),
    "content.edition": (
        "edition",
        lambda v: isinstance(v, str),
        "a string",
        lambda v: None if v in EDITIONS else f"must be one of {', '.join(EDITIONS)}",
    ),
    "reminders.grace_hours": (
        "reminder_grace_hours",
        _number,
        "a number",
        lambda v: None if 0 <= v <= 168 else "must be between 0 and 168 hours",
    ),
    "reminders.dms_in_flight": (
        "reminder_dms_in_flight",
        _is_int,
        "an integer",
        lambda v: None if 1 <= v <= 50 else "must be between 1 and 50",
    ),
    "reminders.lease_seconds": (
        "reminder_lease_seconds",
        _is_int,
        "an integer",
        lambda v: None if 5 <= v <= 3600 else "must be between 5 and 3600 seconds",
    ),
    "daily.grace_hours": (
        "daily_grace_hours",
        _number,
        "a number",
        lambda v: None if 0 <= v <= 23 else "must be between 0 and 23 hours",
    ),
    "quiz.session_idle_minutes": (
        "quiz_session_idle_minutes",
        _is_int,
        "an integer",
        lambda v: None if 1 <= v <= 240 else "must be between 1 and 240 minutes",
    ),
}


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def parse_config(table: Mapping[str, Any], *, name: str = "config.toml", base_dir: Path | None = None,
                 environ: Mapping[str, str] | None = None, app_root: Path | None = None) -> Config:
    """Turn a parsed TOML table into a Config.

    Paths in the file are relative to base_dir (the file's folder); the shipped content folder is found
    beside the code (app_root) unless the file names another.
    """
    environ = os.environ if environ is None else environ
    base_dir = base_dir or Path.cwd()
    app_root = app_root or base_dir
    values: dict[str, Any] = {}
    for key, value in _flatten(table).items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{name}: key '{key}': unknown key (known keys: {known})")
        attribute, type_test, type_name, check = _KEYS[key]
        if not type_test(value):
            raise ConfigError(f"{name}: key '{key}': must be {type_name}, got {type(value).__name__}")
        problem = check(value) if check else None
        if problem:
            raise ConfigError(f"{name}: key '{key}': {problem}")
        values[attribute] = value
    if "log_level" in values:
        values["log_level"] = values["log_level"].upper()
    for attribute in ("database_path", "content_dir"):
        if attribute in values:
            path = Path(values[attribute]).expanduser()
            values[attribute] = path if path.is_absolute() else base_dir / path
    if "database_path" not in values:
        values["database_path"] = base_dir / Config.database_path
    if "content_dir" not in values:
        values["content_dir"] = app_root / Config.content_dir
    if "database_url" in values and "database.path" in _flatten(table):
        raise ConfigError(f"{name}: key 'database.url': set database.url (PostgreSQL) or database.path (SQLite), "
                          f"not both")
    env_url = environ.get(DATABASE_URL_ENV, "").strip()
    if env_url:  # the environment overrides the file, as DISCORD_TOKEN does
        problem = database_url_problem(env_url)
        if problem:
            raise ConfigError(f"{DATABASE_URL_ENV} (environment): {problem}")
        values["database_url"] = env_url
    if "database_url" in values:
        values["database_url"] = values["database_url"].strip()
    token = environ.get(TOKEN_ENV) or values.get("token") or None
    values["token"] = token.strip() if token else None
    values["source"] = name
    return Config(**values)


def load_config(path: Path | None, *, default_dir: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Load the named file, or config.toml in default_dir if present, or the defaults."""
    explicit = path is not None
    path = path if explicit else default_dir / "config.toml"
    assert path is not None
    if not path.exists():
        if explicit:
            raise ConfigError(f"{path}: no such file (copy config.example.toml to start one)")
        return parse_config({}, name="defaults", base_dir=default_dir, environ=environ, app_root=default_dir)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"{path.name}: cannot be read: {error.strerror}") from None
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(utf8_problem(data, error, path.name)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path.name}: not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path.name}: nested too deeply to read; a config file needs two levels") from None
    return parse_config(table, name=path.name, base_dir=path.resolve().parent, environ=environ,
                        app_root=default_dir)
