"""Question files built to hurt: alias bombs, deep nesting, bytes that are not UTF-8. Each is refused fast
with one line that names the file and the line, before anything is expanded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from study.content_errors import ContentError
from study.question_bank import load_question_files
from study.question_import import parse_import
from study.syllabus import load_syllabus

SYLLABUS = load_syllabus(Path(__file__).resolve().parents[2] / "content" / "editions" / "cpim-2017" / "syllabus.toml")

LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def billion_laughs() -> bytes:
    """About 340 bytes that describe 9**9 (387 million) strings when every alias is expanded."""
    return LAUGHS.encode()


def problems(data: bytes, filename: str = "bank.yaml") -> list[str]:
    with pytest.raises(ContentError) as caught:
        parse_import(data, filename, SYLLABUS, frozenset())
    return caught.value.problems


def test_an_alias_bomb_of_a_few_hundred_bytes_is_refused_at_once():
    data = billion_laughs()
    assert len(data) < 400
    started = time.perf_counter()
    found = problems(data)
    assert time.perf_counter() - started < 0.5
    assert found == ["bank.yaml:1: anchors and aliases (&name, *name) are not allowed in question files; write "
                     "each value out in full"]


def test_a_merge_key_is_an_alias_too():
    text = "base: &b {topic: lean-pull}\nmodule: eco\nquestions:\n  - <<: *b\n    id: x\n"
    assert "anchors and aliases" in problems(text.encode())[0]


@pytest.mark.parametrize("text", [
    "[" * 100_000 + "]" * 100_000,  # flow: brackets
    "- " * 100_000 + "x",  # block: one line of nested sequences
    "".join(" " * i + "a:\n" for i in range(200)) + " " * 200 + "b: 1\n",  # block: indentation
])
def test_deep_nesting_is_one_clean_line(text: str):
    [line] = problems(text.encode())
    assert line.startswith("bank.yaml:") and ("nested" in line or "nesting" in line)


@pytest.mark.parametrize(("data", "where"), [
    (b"module: eco\nquestions:\n  - stem: caf\xe9\n", "bank.yaml:3:14"),
    (b"\xef\xbb\xbfid,module\nq,\xe9", "bank.yaml:2:3"),  # a byte-order mark is not counted
    ("module: é\n".encode() + b"x: \xff", "bank.yaml:2:4"),  # columns count characters, not bytes
])
def test_a_byte_that_is_not_utf8_is_named_by_line_and_column(data: bytes, where: str):
    [line] = problems(data)
    assert line.startswith(f"{where}: not UTF-8 text (byte 0x")


def test_a_shipped_question_file_that_is_not_utf8_names_its_line_too(tmp_path: Path):
    (tmp_path / "eco.yaml").write_bytes(b"module: eco\nquestions:\n  - stem: \xe9t\xe9\n")
    with pytest.raises(ContentError) as caught:
        load_question_files(tmp_path, SYLLABUS)
    assert caught.value.problems[0].startswith("eco.yaml:3:11: not UTF-8 text (byte 0xE9)")
