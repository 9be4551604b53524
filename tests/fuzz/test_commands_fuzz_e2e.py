"""Members and admins typing anything into every free-text option, through the fake Discord: each command
answers visibly, no answer is an internal error (a reference id), and nothing pings (checked for every
end-to-end test in tests/conftest.py). Imports are all or nothing whatever the file holds."""

from __future__ import annotations

import csv
import io
import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cogs.test_long_text_e2e import _arguments, _visible, free_text_options
from tests.conftest import World
from tests.fuzz.strategies import INJECTION, NEAR_DATES, NEAR_DAYS, NEAR_TIMES, NEAR_WHEN, NEAR_ZONES, examples, noisy

E2E = settings(max_examples=examples(40), deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
INTERNAL = "Something went wrong on my side"

typed = noisy(NEAR_TIMES + NEAR_WHEN + NEAR_DAYS + NEAR_DATES + NEAR_ZONES + ["dsp", "all", "Spring", "dsp-lot-004"])


@E2E
@given(data=st.data())
async def test_anything_typed_into_any_text_option_gets_a_friendly_answer(world: World, data: st.DataObject):
    name, option, options = data.draw(st.sampled_from(free_text_options(world)), label="option")
    value = data.draw(typed.filter(lambda v: v.strip()), label="value")[: option.get("max_length", 6000)]
    who = data.draw(st.sampled_from([world.admin, world.member]), label="who")
    world.fake.enforce_default_member_permissions = False  # a member reaches admin commands too: refused at run time
    result = await world.fake.slash(who, world.channel, name, options=_arguments(world, options, option["name"],
                                                                                  value))
    assert _visible(result) and not result.errors
    assert INTERNAL not in (result.content or ""), f"/{name} {option['name']}={value!r}: {result.content}"


HEADER = ["id", "module", "topic", "difficulty", "stem", "choice_a", "choice_b", "choice_c", "answer", "explanation"]
GOOD = ["ch-eco-001", "eco", "lean-pull", "easy", "Which signal pulls parts between cells?", "A kanban card",
        "A weekly MRP run", "A sales forecast", "A", "Pull systems replenish on a kanban signal."]


def _rows(world: World) -> int:
    with sqlite3.connect(world.config.database_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM guild_questions").fetchone()[0]


@E2E
@given(st.lists(st.tuples(st.integers(0, len(GOOD) - 1), st.one_of(st.sampled_from(INJECTION), st.text(max_size=80))),
                max_size=4),
       st.integers(1, 3))
async def test_a_mangled_import_is_all_or_nothing(world: World, edits: list[tuple[int, str]], copies: int):
    rows = []
    for n in range(copies):
        row = list(GOOD)
        row[0] = f"ch-eco-{n:03d}"
        rows.append(row)
    for index, text in edits:
        rows[-1][index] = text
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    before = _rows(world)
    result = await world.fake.slash(world.admin, world.channel, "questions import",
                                    file=("bank.csv", buffer.getvalue().encode()))
    text = result.content or ""
    assert INTERNAL not in text
    if text.startswith("Nothing was imported"):
        assert _rows(world) == before
    else:
        assert text.startswith(f"Imported {copies} question(s)")
        assert before <= _rows(world) <= before + copies
