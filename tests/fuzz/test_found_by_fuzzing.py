"""Defects the fuzz tests found, pinned as plain examples."""

from __future__ import annotations

import datetime as dt

import pytest

from study.content_errors import ContentError
from study.errors import UserInputError
from study.question_import import parse_import
from study.timeparse import read_when
from tests.fuzz.test_parsers_fuzz import SYLLABUS, _csv

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "zone"), [("9999-12-31 23:59", "America/St_Johns"),
                                            ("in 99999999999 hours", "UTC"), ("0001-01-01 00:00", "Asia/Tokyo")])
def test_a_time_at_the_edge_of_the_calendar_is_a_friendly_refusal(text: str, zone: str):
    with pytest.raises(UserInputError, match=r"too far away|already past|more than a year|could not read"):
        read_when(text, zone, NOW)


def test_an_id_with_a_line_break_keeps_every_problem_on_one_line():
    with pytest.raises(ContentError) as caught:
        parse_import(_csv([["a\nb", "eco", "lean-pull", "easy", "x", "y", "z", "A", "w"]]), "bank.csv", SYLLABUS,
                     frozenset())
    assert all("\n" not in problem for problem in caught.value.problems)
    assert any("'a\\nb'" in problem for problem in caught.value.problems)


def test_a_character_yaml_forbids_is_one_line_with_its_line():
    with pytest.raises(ContentError) as caught:
        parse_import(b"module: eco\nquestions: \x00\n", "bank.yaml", SYLLABUS, frozenset())
    assert caught.value.problems == ["bank.yaml:2: not valid YAML: character U+0000 is not allowed (control "
                                     "characters are not allowed)"]
