"""An Anki deck (.apkg, built with genanki) of the questions a member missed.

Ids are stable so that importing a newer export updates the same deck and notes instead of duplicating
them: the note model id is a constant, the deck id is derived from the guild and member, and each note's
guid from the question id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
from collections.abc import Sequence

import genanki

from study.questions import LETTERS, Question

MODEL_ID = 1_607_392_611  # fixed forever: changing it makes Anki treat every note as new
DECK_BASE = 1_700_000_000

MODEL = genanki.Model(
    MODEL_ID,
    "CPIM study bot question",
    fields=[{"name": "QuestionId"}, {"name": "Question"}, {"name": "Answer"}, {"name": "Module"}],
    templates=[{
        "name": "Card 1",
        "qfmt": "{{Question}}",
        "afmt": "{{FrontSide}}<hr id=answer>{{Answer}}<br><small>{{Module}} · {{QuestionId}}</small>",
    }],
)


def deck_id(guild_id: int, user_id: int) -> int:
    digest = hashlib.sha256(f"{guild_id}:{user_id}".encode()).digest()
    return DECK_BASE + int.from_bytes(digest[:4], "big") % 100_000_000


def _front(question: Question) -> str:
    choices = "<br>".join(f"<b>{LETTERS[i]}.</b> {html.escape(choice)}" for i, choice in enumerate(question.choices))
    return f"{html.escape(question.stem).replace(chr(10), '<br>')}<br><br>{choices}"


def _back(question: Question) -> str:
    return (f"<b>{question.answer_letter}. {html.escape(question.correct_choice)}</b><br><br>"
            f"{html.escape(question.explanation).replace(chr(10), '<br>')}")


def missed_deck(questions: Sequence[Question], *, guild_id: int, user_id: int, module_labels: dict[str, str],
                now: dt.datetime) -> bytes:
    """The .apkg bytes of a deck with one note per question. Blocking (genanki writes a temporary file)."""
    deck = genanki.Deck(deck_id(guild_id, user_id), "CPIM: questions I missed")
    for question in questions:
        deck.add_note(genanki.Note(
            model=MODEL,
            fields=[question.id, _front(question), _back(question),
                    html.escape(module_labels.get(question.module, question.module))],
            guid=genanki.guid_for(question.id),
            tags=[question.module, question.topic],
        ))
    buffer = io.BytesIO()
    genanki.Package(deck).write_to_file(buffer, timestamp=now.timestamp())
    return buffer.getvalue()
