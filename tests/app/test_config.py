from pathlib import Path

import pytest

from app.config import ConfigError, load_config, parse_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_defaults_relative_to_the_bot(tmp_path):
    config = load_config(None, default_dir=tmp_path, environ={})
    assert config.token is None
    assert config.database_path == tmp_path / "data" / "studybot.sqlite3"
    assert config.default_timezone == "UTC"


def test_environment_token_overrides_the_file(tmp_path):
    path = write(tmp_path, '[bot]\ntoken = "from-file"\n')
    assert load_config(path, default_dir=tmp_path, environ={}).token == "from-file"
    assert load_config(path, default_dir=tmp_path, environ={"DISCORD_TOKEN": "from-env"}).token == "from-env"


def test_example_config_is_valid_as_shipped():
    root = Path(__file__).resolve().parents[2]
    config = load_config(root / "config.example.toml", default_dir=root, environ={})
    assert config.token is None  # empty string means "not set"
    assert config.database_path == root / "data" / "studybot.sqlite3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[bot]\ncolour = "blue"\n', "config.toml: key 'bot.colour': unknown key"),
        ("[bot]\nlog_level = 3\n", "config.toml: key 'bot.log_level': must be a string, got int"),
        ('[bot]\nlog_level = "LOUD"\n', "config.toml: key 'bot.log_level': must be one of"),
        ('[bot]\ndefault_timezone = "Mars/Olympus"\n', "key 'bot.default_timezone': unknown time zone"),
        ("[bot]\ndev_guild_id = -4\n", "key 'bot.dev_guild_id': must be a positive guild id"),
        ("[reminders]\ngrace_hours = true\n", "key 'reminders.grace_hours': must be a number, got bool"),
        ("[quiz]\nsession_idle_minutes = 0\n", "key 'quiz.session_idle_minutes': must be between 1 and 240"),
    ],
)
def test_mistakes_name_the_key_and_why(tmp_path, text, message):
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text), default_dir=tmp_path, environ={})
    assert message in str(raised.value)


def test_broken_toml_is_one_clear_line(tmp_path):
    with pytest.raises(ConfigError, match=r"config.toml: not valid TOML"):
        load_config(write(tmp_path, "[bot\n"), default_dir=tmp_path, environ={})


def test_named_file_must_exist(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml", default_dir=tmp_path, environ={})


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    config = parse_config({"database": {"path": "db/x.sqlite3"}}, base_dir=tmp_path, environ={})
    assert config.database_path == tmp_path / "db" / "x.sqlite3"


# ---- PostgreSQL: database.url and DATABASE_URL ---------------------------------------------------------------

def test_database_url_selects_postgresql_and_path_keeps_sqlite(tmp_path):
    sqlite = parse_config({"database": {"path": "x.sqlite3"}}, base_dir=tmp_path, environ={})
    assert sqlite.database_url is None
    assert sqlite.database_target == tmp_path / "x.sqlite3"
    postgres = parse_config({"database": {"url": "postgresql://bot@db.example/studybot"}}, base_dir=tmp_path,
                            environ={})
    assert postgres.database_url == "postgresql://bot@db.example/studybot"
    assert postgres.database_target == "postgresql://bot@db.example/studybot"


def test_environment_database_url_overrides_the_file(tmp_path):
    path = write(tmp_path, '[database]\npath = "x.sqlite3"\n')
    config = load_config(path, default_dir=tmp_path, environ={"DATABASE_URL": "postgres://bot:pw@h:5433/db"})
    assert config.database_target == "postgres://bot:pw@h:5433/db"
    assert config.database_label == "postgres://bot:***@h:5433/db"  # never the password in a message
    assert load_config(path, default_dir=tmp_path, environ={"DATABASE_URL": ""}).database_url is None


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "key 'database.url': is empty"),
        ("mysql://bot:secret@h/db", "is not a PostgreSQL URL: it must start with postgresql://"),
        ("data/studybot.sqlite3", "for a SQLite file set database.path instead"),
        ("postgresql://bot:secret@h:port/db", "the port after the host must be a number"),
        ("postgresql://bot:secret@h", "names no database: add it after the host"),
        ("postgresql://bot:secret@h/a/b", "cannot contain '/'"),
    ],
)
def test_a_bad_database_url_is_one_line_that_hides_the_password(tmp_path, url, message):
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, f'[database]\nurl = "{url}"\n'), default_dir=tmp_path, environ={})
    text = str(raised.value)
    assert text.startswith("config.toml: key 'database.url': ")
    assert message in text
    assert "secret" not in text and "\n" not in text


def test_a_bad_database_url_in_the_environment_names_the_variable(tmp_path):
    with pytest.raises(ConfigError, match=r"^DATABASE_URL \(environment\): .*must start with postgresql://"):
        load_config(None, default_dir=tmp_path, environ={"DATABASE_URL": "sqlite:///x.db"})


def test_database_url_and_path_together_are_refused(tmp_path):
    text = '[database]\npath = "x.sqlite3"\nurl = "postgresql://bot@h/db"\n'
    with pytest.raises(ConfigError, match=r"set database\.url \(PostgreSQL\) or database\.path \(SQLite\), not both"):
        load_config(write(tmp_path, text), default_dir=tmp_path, environ={})
