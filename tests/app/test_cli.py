"""The command line as a newcomer runs it: python bot.py, check, db, questions."""

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from study.generators import FAMILIES, generate

ROOT = Path(__file__).resolve().parents[2]


def run_bot(*args: str, env_token: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    if env_token:
        env["DISCORD_TOKEN"] = env_token
    return subprocess.run([sys.executable, str(ROOT / "bot.py"), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


def config_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f'[bot]\ntoken = ""\n[database]\npath = "bot.sqlite3"\n{extra}', encoding="utf-8")
    return path


def test_without_a_token_one_line_and_exit_2(tmp_path):
    result = run_bot("--config", str(config_file(tmp_path)))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0] and "README" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_config_mistake_is_one_line_and_exit_2(tmp_path):
    result = run_bot("--config", str(config_file(tmp_path, '[bot2]\nx = 1\n')), env_token="t")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "config.toml: key 'bot2.x': unknown key (known keys: " + result.stderr.split("known keys: ")[1].strip()
    )


def test_check_passes_on_the_shipped_content(tmp_path):
    result = run_bot("--config", str(config_file(tmp_path)), "check")
    assert result.returncode == 0, result.stderr
    assert "edition cpim-2017: CPIM 2017 (retired, as of 2017-01-01): 5 modules" in result.stdout
    assert "edition cpim-8: CPIM 8 (current, as of 2026-11-30): 8 modules" in result.stdout
    assert "servers that chose none follow cpim-2017" in result.stdout
    assert "fees: from 2017-01-01: member 120 / non-member 155 USD per module" in result.stdout
    assert "fees: no shipped current price (one exam)" in result.stdout
    assert "all content is valid" in result.stdout
    assert f"generators: {len(FAMILIES)} calculation families" in result.stdout
    assert "  eoq                      DSP/lot-sizing · inventory/lot-sizing-methods: Economic order quantity" \
        in result.stdout
    assert "DSP   Detailed Scheduling and Planning: 7 topics, " in result.stdout
    assert "M7    Distribution: 3 topics, " in result.stdout and "weight 3 %" in result.stdout
    assert "crosswalk: 36 2017 topics mapped to CPIM 8" in result.stdout
    assert not (tmp_path / "bot.sqlite3").exists()  # check never touches the database


def test_check_fails_clearly_on_a_broken_copy(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    fees = content / "editions" / "cpim-2017" / "fees.toml"
    fees.write_text(fees.read_text().replace("member = 120", "member = 190"))
    syllabus = content / "editions" / "cpim-2017" / "syllabus.toml"
    syllabus.write_text(syllabus.read_text().replace('code = "MPR"', 'codes = "MPR"'))
    result = run_bot("--config", str(config_file(tmp_path, '[content]\ndirectory = "content"\n')), "check")
    assert result.returncode == 1
    assert "cpim-2017/fees.toml [entries] entry #1: The member fee cannot be higher than the non-member fee." \
        in result.stderr
    assert "cpim-2017/syllabus.toml module 'mpr': key 'code' is missing" in result.stderr
    assert "Traceback" not in result.stderr


def _broken_copy(tmp_path, path: str, old: str, new: str, count: int = 1):
    content = tmp_path / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content)
    target = content / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, count), encoding="utf-8")
    return content


def _check(tmp_path):
    return run_bot("--config", str(config_file(tmp_path, '[content]\ndirectory = "content"\n')), "check")


def test_check_names_file_line_and_id_of_a_question_without_its_cpim8_tag(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    bank = content / "questions" / "dsp.yaml"
    lines = bank.read_text(encoding="utf-8").splitlines(keepends=True)
    tag = next(i for i, line in enumerate(lines) if line.strip().startswith("cpim8:"))
    item = max(i for i in range(tag) if lines[i].lstrip().startswith("- id:"))
    question_id = lines[item].split("- id:")[1].strip()
    del lines[tag]
    bank.write_text("".join(lines), encoding="utf-8")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert f"dsp.yaml:{item + 1}: {question_id}: no CPIM 8 tag" in result.stderr
    assert "the crosswalk suggests" in result.stderr


def test_check_refuses_unknown_cpim8_keys(tmp_path):
    _broken_copy(tmp_path, "questions/eco.yaml", "cpim8: {module: schedules,", "cpim8: {module: scheduling,")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "cpim8 module 'scheduling' is not a CPIM 8 module" in result.stderr


def test_check_refuses_an_incomplete_crosswalk(tmp_path):
    _broken_copy(tmp_path, "editions/crosswalk.toml", 'legacy_topic = "operating-environments"',
                 'legacy_topic = "supply-chain-concepts"')
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "crosswalk.toml: 2017 topic bscm/operating-environments is missing" in result.stderr
    assert "bscm/supply-chain-concepts: listed again (first at line" in result.stderr


def test_check_refuses_weights_that_do_not_sum_to_100(tmp_path):
    _broken_copy(tmp_path, "editions/cpim-8/exam.toml", "distribution = 3", "distribution = 5")
    result = _check(tmp_path)
    assert result.returncode == 1
    assert "cpim-8/exam.toml [weights]: weights sum to 102, not 100" in result.stderr


def test_db_upgrade_and_backup(tmp_path):
    config = str(config_file(tmp_path))
    upgraded = run_bot("--config", config, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / "bot.sqlite3").exists()
    backup = run_bot("--config", config, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert backup.returncode == 0, backup.stderr
    with sqlite3.connect(tmp_path / "copy.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1
    again = run_bot("--config", config, "db", "backup", str(tmp_path / "copy.sqlite3"))
    assert again.returncode == 1 and "already exists" in again.stderr


# ---- questions: review the shipped bank, validate / import / export a guild's own ---------------------------

HEADER = "id,module,topic,difficulty,stem,choice_a,choice_b,choice_c,answer,explanation\n"
GOOD_ROWS = (
    "ch-eco-001,eco,lean-pull,easy,Our plant uses which signal to pull parts between cells?,"
    "A kanban card,A weekly MRP run,A sales forecast,A,Pull systems replenish on a kanban signal.\n"
    "ch-dsp-001,dsp,lot-sizing,medium,Which lot size balances ordering and holding cost?,"
    "EOQ,Lot-for-lot,Fixed period,A,EOQ is where the two annual costs are equal.\n"
)
BAD_ROW = "ch-eco-003,eco,no-such-topic,easy,A question with a bad topic tag here?,x,y,z,D,explanation text\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def guild_rows(tmp_path: Path) -> list[tuple]:
    if not (tmp_path / "bot.sqlite3").exists():
        return []
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        return conn.execute("SELECT guild_id, id, topic FROM guild_questions ORDER BY guild_id, id").fetchall()


def test_export_json_prints_the_bank_and_reproducible_samples(tmp_path, content):
    result = run_bot("--config", str(config_file(tmp_path)), "questions", "export", "--format", "json",
                     "--samples", "2")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["bank"]["count"] == len(content.bank)
    shipped = {q["id"]: q for q in document["bank"]["questions"]}
    assert set(shipped) == set(content.bank.questions)
    first = next(iter(content.bank.questions.values()))
    assert shipped[first.id]["answer"] == first.answer_letter
    assert shipped[first.id]["explanation"] == first.explanation
    assert (shipped[first.id]["cpim8_module"], shipped[first.id]["cpim8_topic"]) == (first.cpim8_module,
                                                                                     first.cpim8_topic)
    assert all(q["cpim8_module"] and q["cpim8_topic"] for q in shipped.values())
    # the edition metadata, so the bank can be reviewed per edition
    assert set(document["editions"]) == {"cpim-2017", "cpim-8"}
    cpim8 = document["editions"]["cpim-8"]
    assert cpim8["exam"]["questions"] == 150 and cpim8["exam"]["minutes"] == 210 and cpim8["exam"]["single_exam"]
    assert sum(cpim8["weights"]["modules"].values()) == 100 and "Stand-in" in cpim8["weights"]["label"]
    assert [m["key"] for m in cpim8["modules"]][:2] == ["strategy", "sop"]
    assert sum(m["questions"] for m in cpim8["modules"]) == len(content.bank)
    assert all(f["source"] and f["confidence"] for f in cpim8["exam"]["facts"])
    assert len(document["crosswalk"]["map"]) == 36 and "own" in document["crosswalk"]["title"]
    assert all(f["cpim8_module"] and f["cpim8_topic"] for f in document["generators"])
    assert [f["family"] for f in document["generators"]] == list(FAMILIES)
    for family in document["generators"]:
        assert [s["seed"] for s in family["samples"]] == [1, 2]
        for sample in family["samples"]:
            again = generate(sample["family"], sample["seed"])  # an admin can rebuild exactly what was shown
            assert sample["stem"] == again.stem and sample["choices"] == list(again.choices)
            assert sample["correct_choice"] == again.correct_choice and sample["answer"] == again.answer_letter
            assert sample["parameters"] and sample["solution"] and again.explanation.startswith(sample["solution"])
    assert not (tmp_path / "bot.sqlite3").exists()


def test_export_of_the_bank_refuses_guild_formats_and_negative_samples(tmp_path):
    config = str(config_file(tmp_path))
    csv_bank = run_bot("--config", config, "questions", "export", "--format", "csv")
    assert csv_bank.returncode == 2 and "--guild" in csv_bank.stderr and csv_bank.stdout == ""
    negative = run_bot("--config", config, "questions", "export", "--samples", "-1")
    assert negative.returncode == 2 and "--samples" in negative.stderr


def test_validate_a_good_file_and_name_every_problem_of_a_bad_one(tmp_path):
    config = str(config_file(tmp_path))
    good = run_bot("--config", config, "questions", "validate", str(write(tmp_path, "good.csv", HEADER + GOOD_ROWS)))
    assert good.returncode == 0, good.stderr
    assert "good.csv: 2 question(s) valid (dsp 1, eco 1)" in good.stdout
    bad_path = write(tmp_path, "bad.csv", HEADER + GOOD_ROWS + BAD_ROW)
    bad = run_bot("--config", config, "questions", "validate", str(bad_path))
    assert bad.returncode == 1
    assert f"{bad_path}:4: ch-eco-003: topic 'no-such-topic' is not a topic of ECO" in bad.stderr
    assert f"{bad_path}:4: ch-eco-003: answer D but only 3 choices" in bad.stderr
    assert "Traceback" not in bad.stderr
    unsafe = write(tmp_path, "evil.yaml", "module: !!python/object/apply:os.system ['true']\nquestions: []\n")
    refused = run_bot("--config", config, "questions", "validate", str(unsafe))
    assert refused.returncode == 1 and "not valid YAML" in refused.stderr
    latin = run_bot("--config", config, "questions", "validate",
                    str(write(tmp_path, "latin.csv", (HEADER + "q,é").encode("latin-1"))))
    assert latin.returncode == 1 and "not UTF-8" in latin.stderr
    missing = run_bot("--config", config, "questions", "validate", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and "nope.csv: cannot be read" in missing.stderr
    assert not (tmp_path / "bot.sqlite3").exists()  # validating never touches the database


def test_import_is_all_or_nothing_and_belongs_to_one_guild(tmp_path):
    config = str(config_file(tmp_path))
    bad = run_bot("--config", config, "questions", "import", str(write(tmp_path, "bad.csv", HEADER + GOOD_ROWS
                                                                            + BAD_ROW)), "--guild", "42")
    assert bad.returncode == 1 and "nothing was imported" in bad.stderr and ":4: ch-eco-003:" in bad.stderr
    assert guild_rows(tmp_path) == []
    shipped_id = HEADER + GOOD_ROWS.replace("ch-eco-001", "dsp-lot-001")
    taken = run_bot("--config", config, "questions", "import", str(write(tmp_path, "taken.csv", shipped_id)),
                    "--guild", "42")
    assert taken.returncode == 1 and "duplicate id 'dsp-lot-001'" in taken.stderr
    assert guild_rows(tmp_path) == []
    no_guild = run_bot("--config", config, "questions", "import", str(tmp_path / "bad.csv"), "--guild", "-5")
    assert no_guild.returncode == 2 and "--guild" in no_guild.stderr
    good = run_bot("--config", config, "questions", "import", str(write(tmp_path, "good.csv", HEADER + GOOD_ROWS)),
                   "--guild", "42")
    assert good.returncode == 0, good.stderr
    assert "imported 2 question(s) from" in good.stdout and "2 new, 0 updated" in good.stdout
    assert guild_rows(tmp_path) == [(42, "ch-dsp-001", "lot-sizing"), (42, "ch-eco-001", "lean-pull")]
    again = run_bot("--config", config, "questions", "import", str(tmp_path / "good.csv"), "--guild", "42")
    assert again.returncode == 0 and "0 new, 2 updated" in again.stdout
    assert len(guild_rows(tmp_path)) == 2


def test_export_a_guilds_questions_as_csv_and_yaml_and_import_them_back(tmp_path):
    config = str(config_file(tmp_path))
    imported = run_bot("--config", config, "questions", "import",
                       str(write(tmp_path, "good.csv", HEADER + GOOD_ROWS)), "--guild", "42")
    assert imported.returncode == 0, imported.stderr
    exported = run_bot("--config", config, "questions", "export", str(tmp_path / "out.csv"), "--guild", "42")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert [(r["id"], r["choice_a"], r["answer"]) for r in rows] == [("ch-dsp-001", "EOQ", "A"),
                                                                      ("ch-eco-001", "A kanban card", "A")]
    twice = run_bot("--config", config, "questions", "export", str(tmp_path / "out.csv"), "--guild", "42")
    assert twice.returncode == 1 and "already exists" in twice.stderr
    yaml_dir = tmp_path / "bank"
    as_yaml = run_bot("--config", config, "questions", "export", str(yaml_dir), "--guild", "42", "--format", "yaml")
    assert as_yaml.returncode == 0, as_yaml.stderr
    assert sorted(p.name for p in yaml_dir.iterdir()) == ["dsp.yaml", "eco.yaml"]
    into_other = run_bot("--config", config, "questions", "import", str(yaml_dir / "eco.yaml"), "--guild", "7")
    assert into_other.returncode == 0, into_other.stderr
    assert (7, "ch-eco-001", "lean-pull") in guild_rows(tmp_path)
    empty = run_bot("--config", config, "questions", "export", str(tmp_path / "none.csv"), "--guild", "99")
    assert empty.returncode == 1 and "no questions of its own" in empty.stderr
    assert not (tmp_path / "none.csv").exists()


def test_unreachable_discord_is_one_clear_line_not_a_traceback(tmp_path):
    import socket

    with socket.socket() as probe:  # a local port nobody listens on: the connection is refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    env.update(FAKE_DISCORD_API=f"http://127.0.0.1:{port}/api/v10", FAKE_DISCORD_GATEWAY=f"ws://127.0.0.1:{port}/")
    config = tmp_path / "config.toml"
    config.write_text('[bot]\ntoken = "t"\n[database]\npath = "bot.sqlite3"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "simulator.run_bot", "bot.py", "--config", str(config)],
                            capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert result.returncode == 1
    assert "Cannot reach Discord" in result.stderr and "Traceback" not in result.stderr
