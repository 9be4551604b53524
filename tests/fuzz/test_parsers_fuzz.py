"""Every parser a member or admin reaches, fed hostile and random text: a value or one friendly error, never
anything else (an unexpected exception is what the member would see as "something went wrong")."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import ConfigError, load_config, parse_config
from study.content_errors import ContentError
from study.daily import parse_time, parse_timezone, split_modules
from study.errors import UserInputError
from study.fees import parse_date
from study.nudges import parse_exam_date, parse_offsets
from study.question_import import parse_import
from study.syllabus import load_syllabus
from study.timeparse import parse_days, parse_time_of_day, read_when, validate_timezone
from tests.fuzz.strategies import NEAR_DATES, NEAR_DAYS, NEAR_TIMES, NEAR_WHEN, NEAR_ZONES, examples, noisy

ROOT = Path(__file__).resolve().parents[2]
SYLLABUS = load_syllabus(ROOT / "content" / "editions" / "cpim-2017" / "syllabus.toml")
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)
FAST = settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def friendly(call, *args) -> None:
    """call(*args) returns, or raises a UserInputError whose text is one short line a member can act on."""
    try:
        call(*args)
    except UserInputError as error:
        text = str(error)
        assert text and "Traceback" not in text


@FAST
@given(noisy(NEAR_TIMES))
def test_times_of_day(text: str):
    friendly(parse_time_of_day, text)
    friendly(parse_time, text)


@FAST
@given(noisy(NEAR_WHEN), st.sampled_from(["UTC", "Europe/Berlin", "Pacific/Kiritimati", "America/St_Johns"]))
def test_when_and_durations(text: str, zone: str):
    friendly(read_when, text, zone, NOW)


@FAST
@given(noisy(NEAR_DAYS))
def test_days_and_nudge_days(text: str):
    friendly(parse_days, text)
    friendly(parse_offsets, text)


@FAST
@given(noisy(NEAR_DATES))
def test_dates(text: str):
    friendly(parse_date, text)
    friendly(parse_exam_date, text, NOW.date())


@FAST
@given(noisy(NEAR_ZONES))
def test_time_zones(text: str):
    friendly(validate_timezone, text)
    friendly(parse_timezone, text)


@FAST
@given(st.one_of(st.none(), noisy(["all", "bscm,mpr", "weakest", "dsp eco", "BSCM, , mpr"])))
def test_module_lists(text: str | None):
    friendly(split_modules, text)


toml_scalars = st.one_of(st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=50),
                         st.dates(), st.lists(st.integers(), max_size=3))
toml_tables = st.dictionaries(st.sampled_from(["bot", "database", "content", "reminders", "daily", "quiz", "x"]),
                              st.dictionaries(st.sampled_from(["token", "dev_guild_id", "log_level", "default_timezone",
                                                               "path", "directory", "grace_hours",
                                                               "session_idle_minutes", "y"]),
                                              toml_scalars, max_size=4), max_size=4)


@FAST
@given(toml_tables)
def test_config_tables(table: dict):
    try:
        parse_config(table, base_dir=ROOT, environ={})
    except ConfigError as error:
        assert str(error).startswith("config.toml: ") and "\n" not in str(error)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_config_files(tmp_path: Path, data: bytes):
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    try:
        load_config(path, default_dir=ROOT, environ={})
    except ConfigError as error:
        assert "\n" not in str(error)


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "module", "topic", "difficulty", "stem", "choice_a", "choice_b", "answer", "explanation"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


cell = noisy(["eco", "lean-pull", "easy", "A", "B", "Which signal pulls parts between cells?", "ch-1", "x" * 1200])


@settings(max_examples=examples(120), deadline=None)
@given(st.lists(st.lists(cell, min_size=9, max_size=11), min_size=1, max_size=4))
def test_csv_imports(rows: list[list[str]]):
    try:
        questions = parse_import(_csv(rows), "bank.csv", SYLLABUS, frozenset())
    except ContentError as error:
        assert error.problems and all(p.startswith("bank.csv") and "\n" not in p for p in error.problems)
    else:
        assert questions


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=40), noisy(["eco", "A"]))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=20)
yaml_fragments = st.sampled_from(["&a x", "*a", "<<: *a", "!!python/object/apply:os.system ['true']", "{", "[",
                                  "- - - - -", "? ", "%YAML 1.1\n---", "--- \n...", "!!binary AAAA", ": :", "\t"])


@settings(max_examples=examples(150), deadline=None)
@given(st.one_of(
    yaml_values.map(lambda v: __import__("yaml").safe_dump({"module": "eco", "questions": v}).encode()),
    st.lists(st.one_of(yaml_fragments, st.text(max_size=30)), max_size=12).map(lambda parts: "\n".join(parts).encode()),
    st.binary(max_size=300),
))
def test_yaml_imports(data: bytes):
    try:
        parse_import(data, "bank.yaml", SYLLABUS, frozenset())
    except ContentError as error:
        assert error.problems and all(p.startswith("bank.yaml") and "\n" not in p for p in error.problems)


def test_the_toml_reader_itself_is_not_what_we_fuzz():
    # sanity: tomllib refuses bytes that are not UTF-8 with UnicodeDecodeError, which load_config turns into a line
    with pytest.raises(UnicodeDecodeError):
        tomllib.loads(b"a = '\xe9'".decode("utf-8"))
