import datetime as dt
from pathlib import Path

import pytest

from study.content_errors import ContentError
from study.facts import load_facts
from study.syllabus import load_syllabus, parse_syllabus

CONTENT = Path(__file__).resolve().parents[2] / "content" / "editions" / "cpim-2017"


def test_the_five_modules_of_the_2017_structure():
    syllabus = load_syllabus(CONTENT / "syllabus.toml")
    assert [m.name for m in syllabus.modules] == [
        "Basics of Supply Chain Management",
        "Master Planning of Resources",
        "Detailed Scheduling and Planning",
        "Execution and Control of Operations",
        "Strategic Management of Resources",
    ]
    assert all(len(m.topics) >= 5 for m in syllabus.modules)
    assert syllabus.as_of == dt.date(2017, 1, 1)


def test_a_module_is_found_by_key_code_or_name():
    syllabus = load_syllabus(CONTENT / "syllabus.toml")
    assert syllabus.module("DSP").key == "dsp"
    assert syllabus.module("master planning of resources").key == "mpr"
    assert syllabus.module("xyz") is None
    assert [m.code for m in syllabus.search("plan")] == ["MPR", "DSP"]


def test_duplicate_topics_and_missing_keys_are_reported():
    table = {
        "source": {"title": "t", "url": "u", "as_of": dt.date(2017, 1, 1)},
        "modules": [{"key": "a", "code": "A", "summary": "s",
                     "topics": [{"key": "x", "name": "X"}, {"key": "x", "name": "X2"}]}],
    }
    with pytest.raises(ContentError) as raised:
        parse_syllabus(table)
    text = str(raised.value)
    assert "module 'a': key 'name' is missing" in text
    assert "duplicate topic key 'x'" in text


def test_facts_mark_2017_facts_and_say_the_exam_is_single_now():
    facts = load_facts(CONTENT / "cpim.toml")
    assert "single exam" in facts.current_format
    assert any(f.is_historical for f in facts.facts)
    assert all(f.source and f.as_of for f in facts.facts)
