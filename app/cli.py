"""The command line: run the bot, check config and content, manage the database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import discord

from app.config import TOKEN_ENV, Config, ConfigError, load_config
from db.backup import backup_database
from db.connection import Database
from db.migrations import SchemaTooNewError, available_migrations
from study.content import Content, load_content
from study.content_errors import ContentError

ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
NO_TOKEN = (f"No Discord bot token: set {TOKEN_ENV}=... in the environment or bot.token in config.toml "
            f"(README, section 'Discord setup').")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="CPIM study-group Discord bot")
    parser.add_argument("--config", type=Path, help="config file (default: config.toml beside bot.py)")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot (the default)")
    commands.add_parser("check", help="validate config and content files without connecting to Discord")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations without starting the bot")
    backup = db_commands.add_parser("backup", help="make a consistent copy while the bot may be running")
    backup.add_argument("path", type=Path)
    return parser


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(message, file=sys.stderr)
    return code


def _load_content_or_report(config: Config) -> Content | None:
    try:
        return load_content(config.content_dir)
    except ContentError as error:
        print(f"{len(error.problems)} problem(s) in {config.content_dir}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def check(config: Config) -> int:
    content = _load_content_or_report(config)
    if content is None:
        return EXIT_FAILED
    print(f"config: {config.source} is valid (database {config.database_path}, "
          f"time zone {config.default_timezone}, token {'set' if config.token else 'NOT set'})")
    syllabus = content.syllabus
    print(f"syllabus: {len(syllabus.modules)} modules, {syllabus.topic_count()} topics "
          f"(as of {syllabus.as_of.isoformat()})")
    by_module = content.bank.counts_by_module()
    by_topic = content.bank.counts_by_topic()
    for module in syllabus.modules:
        print(f"  {module.code:5} {module.name}: {len(module.topics)} topics, {by_module.get(module.key, 0)} questions")
        for topic in module.topics:
            print(f"        {topic.key}: {by_topic.get((module.key, topic.key), 0)}")
    print(f"questions: {len(content.bank)} in all")
    for entry in sorted(content.fees, key=lambda e: e.effective):
        print(f"fees: from {entry.effective.isoformat()}: member {entry.member} / non-member {entry.non_member} "
              f"{entry.currency} per module ({entry.confidence})")
    print(f"facts: {len(content.facts.facts)} CPIM facts")
    print("all content is valid")
    return EXIT_OK


async def _db_upgrade(config: Config) -> int:
    database = await Database.open(config.database_path)
    await database.close()
    newest = available_migrations()[-1].version
    print(f"database {config.database_path} is at schema version {newest}")
    return EXIT_OK


def run(config: Config) -> int:
    if not config.token:
        return _fail(NO_TOKEN)
    content = _load_content_or_report(config)
    if content is None:
        return EXIT_USAGE
    discord.utils.setup_logging(level=getattr(logging, config.log_level))
    from app.factory import create_bot

    async def main() -> None:
        async with create_bot(config, content) as bot:
            await bot.start(config.token)

    try:
        asyncio.run(main())
    except discord.LoginFailure:
        return _fail("Discord refused the token: copy it again from the developer portal (Bot → Reset Token).")
    except SchemaTooNewError as error:
        return _fail(f"{config.database_path}: {error}")
    except KeyboardInterrupt:
        pass
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config, default_dir=ROOT)
    except ConfigError as error:
        return _fail(str(error))
    command = args.command or "run"
    if command == "check":
        return check(config)
    if command == "db":
        try:
            if args.db_command == "upgrade":
                return asyncio.run(_db_upgrade(config))
            size = backup_database(config.database_path, args.path)
            print(f"backup written to {args.path} ({size:,} bytes)")
            return EXIT_OK
        except SchemaTooNewError as error:
            return _fail(f"{config.database_path}: {error}")
        except (FileNotFoundError, FileExistsError, RuntimeError) as error:
            return _fail(str(error), EXIT_FAILED)
    return run(config)
