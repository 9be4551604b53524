"""The command line: run the bot, check config and content, manage the database and the question banks."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import postgres_cli
from app.config import TOKEN_ENV, Config, ConfigError, load_config
from db import question_admin
from db.backup import BackupError, DamagedDatabaseError, backup_database, refuse_damaged
from db.connection import Database
from db.migrations import SchemaTooNewError, available_migrations
from db.usable import database_path_problem, storage_problem
from scheduling.shards import ShardPlan, ShardPlanError, parse_shard_plan
from study.content import Content, load_content
from study.content_errors import ContentError
from study.editions import family_problems
from study.generators import FAMILIES, draft, generate
from study.question_import import export_csv, export_yaml, parse_import
from study.questions import Question

if TYPE_CHECKING:
    from app.factory import StudyBot

log = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_DAMAGED = 0, 1, 2, 3
NO_TOKEN = (f"No Discord bot token: set {TOKEN_ENV}=... in the environment or bot.token in config.toml "
            f"(README, section 'Discord setup'). To try the bot without Discord or a token: python bot.py sandbox")


def _shard_options(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument("--shards", metavar="IDS", default=default,
                        help="run only these Discord shards in this process, e.g. 0-3 or 0,2,4-5 (with --shard-count; "
                             "README, 'Several processes')")
    parser.add_argument("--shard-count", metavar="N", type=int, default=default,
                        help="the total number of shards of all the bot's processes (default: as many as Discord "
                             "recommends, all in this process)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bot.py", description="CPIM study-group Discord bot")
    parser.add_argument("--config", type=Path, help="config file (default: config.toml beside bot.py)")
    _shard_options(parser, None)
    commands = parser.add_subparsers(dest="command")
    # `bot.py run --shards 0-3 --shard-count 8` and `bot.py --shards 0-3 --shard-count 8` alike
    _shard_options(commands.add_parser("run", help="start the bot (the default)"), argparse.SUPPRESS)
    commands.add_parser("check", help="validate config and content files without connecting to Discord")
    sandbox = commands.add_parser(
        "sandbox", help="try the whole bot in a browser: a local Discord simulator on 127.0.0.1, no token needed")
    sandbox.add_argument("--port", type=int, default=8080,
                         help="the page's port on 127.0.0.1 (default 8080; 0: any free port)")
    sandbox.add_argument("--fresh", action="store_true", help="start over: replace data/sandbox.sqlite3")
    sandbox.add_argument("--data-dir", type=Path, default=ROOT / "data",
                         help="where the sandbox keeps its database (default data/ beside bot.py)")
    sandbox.add_argument("--demo", action="store_true",
                         help="start from a seeded chapter (daily question, weeks of answers, exams, reminders); "
                              "replaces data/sandbox-demo.sqlite3")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply pending migrations without starting the bot")
    backup = db_commands.add_parser("backup", help="make a consistent copy while the bot may be running")
    backup.add_argument("path", type=Path)
    migrate = db_commands.add_parser(
        "migrate-to", help="copy the SQLite database into an EMPTY PostgreSQL database (the bot stopped), then "
                           "compare every table's row count and checksum on both sides")
    migrate.add_argument("url", help="postgresql://user[:password]@host[:port]/database (the database must exist)")
    migrate.add_argument("--from", dest="source", type=Path,
                         help="the SQLite file to copy (default: database.path of the config)")
    migrate.add_argument("--batch", type=int, default=5000, help="rows per COPY (default 5000)")
    questions = commands.add_parser("questions", help="review the bank; validate, import, export a guild's own")
    q_commands = questions.add_subparsers(dest="questions_command", required=True)
    validate = q_commands.add_parser("validate", help="check a .yaml/.csv question file as /questions import would")
    validate.add_argument("file", type=Path)
    import_ = q_commands.add_parser("import", help="add a guild's own questions from a file, all or nothing")
    import_.add_argument("file", type=Path)
    import_.add_argument("--guild", type=int, required=True, help="the Discord server (guild) id")
    export = q_commands.add_parser(
        "export", help="without --guild: the shipped bank and generator samples as JSON (stdout or FILE); "
                       "with --guild: that guild's own questions as csv (FILE) or yaml (one file per module "
                       "in the directory FILE)")
    export.add_argument("file", type=Path, nargs="?")
    export.add_argument("--guild", type=int, help="export this guild's own questions instead of the shipped bank")
    export.add_argument("--format", choices=("json", "csv", "yaml"),
                        help="json for the shipped bank (default); csv (default) or yaml for --guild")
    export.add_argument("--samples", type=int, default=3, help="generated questions per family (json; default 3)")
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


def _families(count: int) -> str:
    return f"{count} generator {'family' if count == 1 else 'families'}"


def _check_edition(content: Content, config: Config) -> None:
    print(f"editions: {', '.join(e.key for e in content.editions)}; servers that chose none follow "
          f"{config.edition} (content.edition)")
    for edition in content.editions:
        print(f"edition {edition.key}: {edition.name} ({edition.status}, as of {edition.as_of.isoformat()}): "
              f"{len(edition.modules)} modules, {edition.syllabus.topic_count()} topics; "
              f"{'one exam' if edition.single_exam else 'one exam per module'}, {edition.exam.questions} questions, "
              f"{edition.exam.minutes} minutes, pass {edition.exam.pass_score} of "
              f"{edition.exam.score_min}-{edition.exam.score_max}; weights: {edition.weights.label}")
        placed = Counter(content.editions.place(q, edition.key) for q in content.bank.questions.values())
        families = Counter(content.editions.place_family(f, edition.key)[0] for f in FAMILIES.values())
        for module in edition.modules:
            count = sum(n for (m, _), n in placed.items() if m == module.key)
            weight = edition.weights.modules.get(module.key, 0)
            print(f"  {module.code:5} {module.name}: {len(module.topics)} topics, {count} questions, "
                  f"{_families(families.get(module.key, 0))}, weight {weight} %")
            for topic in module.topics:
                print(f"        {topic.key}: {placed.get((module.key, topic.key), 0)}")
        if not edition.fees.current:
            print(f"  fees: no shipped current price ({edition.fees.scope}); admins add theirs, see "
                  f"{edition.fees.look_up_at}")
        for entry in edition.fees.current:
            print(f"  fees: from {entry.effective.isoformat()}: member {entry.member} / non-member "
                  f"{entry.non_member} {entry.currency} {edition.fees.scope} ({entry.confidence})")
    crosswalk = content.editions.crosswalk
    print(f"crosswalk: {len(crosswalk.entries)} 2017 topics mapped to CPIM 8 ({crosswalk.confidence}; "
          f"the project's own mapping)")


def check(config: Config) -> int:
    status = ""
    if config.database_url:
        problem, status = asyncio.run(postgres_cli.postgres_status(config.database_url))
    else:
        problem = database_path_problem(config.database_path)
    if problem is None and not config.database_url:
        try:
            refuse_damaged(config.database_path)
        except DamagedDatabaseError as error:
            problem = str(error)
    if problem:
        print(f"database: {problem}", file=sys.stderr)
        return EXIT_FAILED
    content = _load_content_or_report(config)
    if content is None:
        return EXIT_FAILED
    if status:
        print(f"database: {config.database_label}: {status}")
    print(f"config: {config.source} is valid (database {config.database_label}, "
          f"time zone {config.default_timezone}, token {'set' if config.token else 'NOT set'})")
    _check_edition(content, config)
    print(f"questions: {len(content.bank)} in all, each tagged in both editions")
    problems = _family_problems(content)
    print(f"generators: {len(FAMILIES)} calculation families")
    for family in FAMILIES.values():
        module = content.syllabus.module(family.module)
        code = module.code if module else family.module
        cpim8 = "/".join(content.editions.place_family(family, "cpim-8"))
        print(f"  {family.name:24} {code}/{family.topic} · {cpim8}: {family.title}")
    if problems:
        print(f"{len(problems)} problem(s) in the generator families:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILED
    print(f"facts: {len(content.facts.facts)} CPIM facts")
    print("all content is valid")
    return EXIT_OK


def _family_problems(content: Content) -> list[str]:
    """Each family must belong to a topic of each edition and build a question (one seed is a smoke test;
    tests/study/test_generators.py checks many)."""
    problems = family_problems(FAMILIES.values(), content.editions)
    for family in FAMILIES.values():
        try:
            generate(family.name, 1)
        except Exception as error:  # report every broken family, not only the first
            problems.append(f"generator {family.name}: seed 1 fails: {error}")
    return problems


def _question_json(question: Question) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": question.id, "module": question.module, "topic": question.topic, "difficulty": question.difficulty,
        "stem": question.stem, "choices": list(question.choices), "answer": question.answer_letter,
        "correct_choice": question.correct_choice, "explanation": question.explanation,
    }
    item["cpim8_module"], item["cpim8_topic"] = question.cpim8_module, question.cpim8_topic
    if question.reference:
        item["reference"] = question.reference
    return item


def _sample_json(family_name: str, seed: int) -> dict[str, Any]:
    question = generate(family_name, seed)
    # the worked solution alone (the explanation adds the traps), from the same draft generate() used
    solution = draft(family_name, seed).solution
    return {"family": family_name, "seed": seed, "id": question.id, "parameters": question.parameters,
            **{k: v for k, v in _question_json(question).items() if k != "id"}, "solution": solution}


def _editions_json(content: Content) -> dict[str, Any]:
    """What each edition is, with its modules and the source of every figure, so the bank can be reviewed per
    edition (a question's `module`/`topic` are its 2017 place, `cpim8_module`/`cpim8_topic` its CPIM 8 one)."""
    editions = {}
    for edition in content.editions:
        placed = Counter(content.editions.place(q, edition.key)[0] for q in content.bank.questions.values())
        editions[edition.key] = {
            "name": edition.name, "long_name": edition.long_name, "status": edition.status,
            "as_of": edition.as_of.isoformat(), "source": edition.source,
            "question_fields": ["module", "topic"] if edition.key == "cpim-2017" else ["cpim8_module", "cpim8_topic"],
            "syllabus": {"title": edition.syllabus.source_title, "url": edition.syllabus.source_url,
                         "as_of": edition.syllabus.as_of.isoformat()},
            "exam": {"single_exam": edition.exam.single_exam, "questions": edition.exam.questions,
                     "scored": edition.exam.scored, "minutes": edition.exam.minutes,
                     "score_range": [edition.exam.score_min, edition.exam.score_max],
                     "pass_score": edition.exam.pass_score,
                     "facts": [{"item": f.item, "text": f.text, "as_of": f.as_of.isoformat(), "source": f.source,
                                "confidence": f.confidence} for f in edition.exam.facts]},
            "weights": {"label": edition.weights.label, "source": edition.weights.source,
                        "confidence": edition.weights.confidence, "modules": dict(edition.weights.modules)},
            "modules": [{"key": m.key, "code": m.code, "name": m.name, "questions": placed.get(m.key, 0),
                         "topics": [t.key for t in m.topics]} for m in edition.modules],
        }
    crosswalk = content.editions.crosswalk
    return {
        "editions": editions,
        "crosswalk": {"title": crosswalk.title, "as_of": crosswalk.as_of.isoformat(),
                      "confidence": crosswalk.confidence, "note": crosswalk.note,
                      "map": [{"legacy_module": e.legacy_module, "legacy_topic": e.legacy_topic,
                               "cpim8_module": e.cpim8_module, "cpim8_topic": e.cpim8_topic,
                               "also": list(e.also)} for e in crosswalk.entries]},
    }


def export_bank_json(content: Content, samples: int) -> str:
    """The shipped bank and `samples` generated questions per family (seeds 1..samples), for review."""
    document = {
        **_editions_json(content),
        "bank": {
            "count": len(content.bank),
            "questions": [_question_json(q) for q in sorted(content.bank.questions.values(),
                                                             key=lambda q: (q.module, q.id))],
        },
        "generators": [
            {"family": family.name, "title": family.title, "module": family.module, "topic": family.topic,
             "cpim8_module": content.editions.place_family(family, "cpim-8")[0],
             "cpim8_topic": content.editions.place_family(family, "cpim-8")[1],
             "samples": [_sample_json(family.name, seed) for seed in range(1, samples + 1)]}
            for family in FAMILIES.values()
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str)


def _read_question_file(content: Content, path: Path, outcome: str) -> list[Question] | None:
    """Parse like /questions import (same size, UTF-8 and safe-YAML rules); None after printing problems."""
    try:
        data = path.read_bytes()
    except OSError as error:
        print(f"{path}: cannot be read: {error.strerror}", file=sys.stderr)
        return None
    try:
        return parse_import(data, str(path), content.syllabus, frozenset(content.bank.questions))
    except ContentError as error:
        print(f"{len(error.problems)} problem(s) in {path}{outcome}:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return None


def _by_module(questions: Sequence[Question]) -> str:
    counts: dict[str, int] = {}
    for question in questions:
        counts[question.module] = counts.get(question.module, 0) + 1
    return ", ".join(f"{module} {count}" for module, count in sorted(counts.items()))


async def _import_questions(config: Config, guild_id: int, questions: list[Question]) -> tuple[int, int]:
    database = await Database.open(config.database_target)
    try:
        # imported_by 0: no Discord member ran it (the command line)
        return await question_admin.import_questions(database, guild_id, questions, 0, dt.datetime.now(dt.UTC))
    finally:
        await database.close()


async def _guild_questions(config: Config, guild_id: int) -> list[Question]:
    database = await Database.open(config.database_target)
    try:
        return await question_admin.guild_questions(database, guild_id)
    finally:
        await database.close()


def _write_new(path: Path, text: str) -> None:
    with path.open("x", encoding="utf-8", newline="") as handle:  # never overwrite: exports are often kept
        handle.write(text)


def questions_command(config: Config, args: argparse.Namespace) -> int:
    content = _load_content_or_report(config)
    if content is None:
        return EXIT_FAILED
    command = args.questions_command
    if getattr(args, "guild", None) is not None and args.guild <= 0:
        return _fail("--guild: a Discord server id is a positive number (Server Settings → Widget, or "
                     "right-click the server with Developer Mode on → Copy Server ID)")
    if command == "validate":
        questions = _read_question_file(content, args.file, "")
        if questions is None:
            return EXIT_FAILED
        print(f"{args.file}: {len(questions)} question(s) valid ({_by_module(questions)})")
        return EXIT_OK
    if command == "import":
        questions = _read_question_file(content, args.file, "; nothing was imported")
        if questions is None:
            return EXIT_FAILED
        added, updated = asyncio.run(_import_questions(config, args.guild, questions))
        print(f"imported {len(questions)} question(s) from {args.file} into guild {args.guild}: {added} new, "
              f"{updated} updated ({_by_module(questions)}); a running bot asks them after its next restart")
        return EXIT_OK
    # export
    if args.guild is None:
        if args.format not in (None, "json"):
            return _fail("the shipped bank exports as --format json; csv and yaml are for a guild's own "
                         "questions (add --guild ID FILE)")
        if args.samples < 0:
            return _fail("--samples: 0 or more")
        text = export_bank_json(content, args.samples)
        if args.file is None:
            try:
                print(text)
                sys.stdout.flush()
            except BrokenPipeError:  # piped into head or less and closed early: not an error
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit, like stdout
        else:
            _write_new(args.file, text + "\n")
            print(f"bank and generator samples written to {args.file}")
        return EXIT_OK
    if args.file is None:
        return _fail("questions export --guild ID needs a FILE to write (a directory for --format yaml)")
    if args.format == "json":
        return _fail("a guild's questions export as --format csv (the default) or yaml")
    questions = asyncio.run(_guild_questions(config, args.guild))
    if not questions:
        return _fail(f"guild {args.guild} has no questions of its own in {config.database_label}", EXIT_FAILED)
    if args.format == "yaml":
        args.file.mkdir(parents=True, exist_ok=True)
        documents = export_yaml(questions)
        for module, text in documents.items():
            _write_new(args.file / f"{module}.yaml", text)
        names = ", ".join(f"{module}.yaml" for module in documents)
        print(f"{len(questions)} question(s) of guild {args.guild} written to {args.file}/: {names}")
    else:
        _write_new(args.file, export_csv(questions))
        print(f"{len(questions)} question(s) of guild {args.guild} written to {args.file}")
    return EXIT_OK


async def _db_upgrade(config: Config) -> int:
    if config.database_url:
        return await postgres_cli.db_upgrade(config)
    refuse_damaged(config.database_path)  # before anything writes: a damaged file is left exactly as it was
    database = await Database.open(config.database_target)
    await database.close()
    newest = available_migrations()[-1].version
    print(f"database {config.database_path} is at schema version {newest}")
    return EXIT_OK


def sandbox(config: Config, args: argparse.Namespace) -> int:
    if not 0 <= args.port < 65536:
        return _fail("--port: a number from 1 to 65535 (or 0 for any free port)")
    content = _load_content_or_report(config)
    if content is None:
        return EXIT_FAILED
    from app.sandbox import run_sandbox  # here, not at the top: it loads discord.py and the simulator

    return run_sandbox(config, content, data_dir=args.data_dir, port=args.port, fresh=args.fresh, demo=args.demo)


def _stop_gracefully_on_signals(bot: StudyBot) -> None:
    """SIGTERM (systemctl stop, docker stop) and SIGINT (Ctrl-C) close the bot instead of killing it.

    bot.close() stops claiming reminders and daily posts, lets the sends in progress finish and records them
    (up to 10 s), disconnects from Discord and closes the database; main() then returns and the exit code
    is 0. A second signal while stopping is ignored: the first one's work is bounded.
    """
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []

    def stop(name: str) -> None:
        if stopping:
            return
        log.info("stopping on %s: finishing the sends in progress", name)
        stopping.append(loop.create_task(bot.close(), name="graceful-stop"))

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop, signal.Signals(signum).name)


def run(config: Config, shards: ShardPlan) -> int:
    token = config.token
    if not token:
        return _fail(NO_TOKEN)
    if config.database_url:  # can the server be reached, and is its schema one this release knows?
        problem, _ = asyncio.run(postgres_cli.postgres_status(config.database_url))
    else:
        problem = database_path_problem(config.database_path)
    if problem:
        return _fail(problem)
    content = _load_content_or_report(config)
    if content is None:
        return EXIT_USAGE
    try:
        if not config.database_url:
            refuse_damaged(config.database_path)
    except DamagedDatabaseError as error:
        return _fail(str(error), EXIT_DAMAGED)
    import discord  # here, not at the top: the other commands start faster without it

    discord.utils.setup_logging(level=getattr(logging, config.log_level))
    from app.factory import create_bot

    log.info("running %s; reminder claims as %r", shards.describe(), shards.owner)

    async def main() -> None:
        async with create_bot(config, content, shards=shards) as bot:
            _stop_gracefully_on_signals(bot)
            await bot.start(token)

    try:
        asyncio.run(main())
    except discord.LoginFailure:
        return _fail("Discord refused the token: copy it again from the developer portal (Bot → Reset Token).")
    except SchemaTooNewError as error:
        return _fail(f"{config.database_label}: {error}")
    except discord.PrivilegedIntentsRequired:
        return _fail("Discord refused an intent this bot does not need; update the bot (README, 'Discord setup').")
    except (sqlite3.Error, OSError) as error:
        problem = storage_problem(error, config.database_path)  # a full disk, a read-only folder
        if problem:
            return _fail(problem, EXIT_FAILED)
        if not isinstance(error, OSError):
            raise
        # aiohttp's connection errors are OSErrors: DNS, refused, TLS
        return _fail(f"Cannot reach Discord ({error}). Check the network connection and try again.",
                     EXIT_FAILED)
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
    if command != "run" and (args.shards is not None or args.shard_count is not None):
        return _fail(f"--shards and --shard-count are for running the bot, not for '{command}'")
    if command == "check":
        return check(config)
    if command == "sandbox":
        return sandbox(config, args)
    if command == "questions":
        try:
            return questions_command(config, args)
        except SchemaTooNewError as error:
            return _fail(f"{config.database_label}: {error}")
        except FileExistsError as error:
            return _fail(f"{error.filename}: already exists; choose another name or move it away", EXIT_FAILED)
        except (NotADirectoryError, IsADirectoryError, PermissionError) as error:
            return _fail(f"{error.filename}: {error.strerror}", EXIT_FAILED)
        except (sqlite3.Error, OSError) as error:
            problem = storage_problem(error, getattr(error, "filename", None) or config.database_path)
            if problem is None:
                raise
            return _fail(problem, EXIT_FAILED)
    if command == "db":
        try:
            if args.db_command == "upgrade":
                return asyncio.run(_db_upgrade(config))
            if args.db_command == "migrate-to":
                return asyncio.run(postgres_cli.db_migrate_to(config, args))
            if config.database_url:
                return _fail(postgres_cli.backup_refused(config))
            size = backup_database(config.database_path, args.path)
            print(f"backup written to {args.path} ({size:,} bytes)")
            return EXIT_OK
        except SchemaTooNewError as error:
            return _fail(f"{config.database_label}: {error}")
        except DamagedDatabaseError as error:
            return _fail(str(error), EXIT_DAMAGED)
        except (FileNotFoundError, FileExistsError, BackupError) as error:
            return _fail(str(error), EXIT_FAILED)
        except (sqlite3.Error, OSError) as error:
            problem = storage_problem(error, config.database_path)  # a full disk, a read-only folder
            if problem is None:
                raise
            return _fail(problem, EXIT_FAILED)
    try:
        shards = parse_shard_plan(args.shards, args.shard_count)
    except ShardPlanError as error:
        return _fail(str(error))
    return run(config, shards)
