"""Leitner boxes: a right answer moves a card up and further out, a miss brings it back within minutes."""

import datetime as dt
import itertools

from study.srs import INTERVALS, KNOWN_BOX, RELEARN, TOP_BOX, Card, item_key, review

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_a_new_card_is_new_and_not_due():
    card = Card("dsp-lot-001")
    assert card.is_new and not card.is_known and not card.is_due(NOW)


def test_right_answers_climb_the_boxes_with_growing_intervals():
    card, now, waits = Card("dsp-lot-001"), NOW, []
    for expected_box in range(1, TOP_BOX + 1):
        card = review(card, True, now)
        assert card.box == expected_box
        waits.append(card.due_at - now)
        assert not card.is_due(now) and card.is_due(card.due_at)
        now = card.due_at
    assert waits == list(INTERVALS)
    assert all(shorter < longer for shorter, longer in itertools.pairwise(waits))
    assert card.right == TOP_BOX and card.wrong == 0 and card.last_answered_at == NOW + sum(INTERVALS[:-1],
                                                                                               dt.timedelta())


def test_the_top_box_caps_and_keeps_the_longest_interval():
    card = Card("x", box=TOP_BOX, due_at=NOW, right=9)
    again = review(card, True, NOW)
    assert again.box == TOP_BOX and again.due_at == NOW + INTERVALS[-1] and again.right == 10
    assert again.is_known


def test_a_miss_goes_back_to_box_one_and_returns_within_minutes():
    known = Card("x", box=KNOWN_BOX, due_at=NOW, right=4)
    missed = review(known, False, NOW)
    assert missed.box == 1 and missed.wrong == 1 and missed.right == 4
    assert missed.due_at == NOW + RELEARN and dt.timedelta(minutes=30) >= RELEARN
    assert not missed.is_known and missed.is_due(NOW + RELEARN)
    # a missed question returns sooner than a known one
    assert missed.due_at < review(known, True, NOW).due_at


def test_a_never_seen_card_missed_starts_in_box_one():
    assert review(Card("x"), False, NOW).box == 1


def test_generated_questions_train_their_family_card():
    assert item_key("gen:eoq:123", "eoq") == "gen:eoq"
    assert item_key("dsp-lot-001", None) == "dsp-lot-001"
