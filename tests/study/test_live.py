"""Live quiz rules: speed scoring, the board and its ties, the group's topics, resume or close."""

from __future__ import annotations

from study.live import (
    MAX_POINTS,
    MIN_RIGHT_POINTS,
    RESUME_GRACE_MS,
    LiveAnswer,
    calculation_count,
    choice_counts,
    points,
    resume_or_close,
    scoreboard,
    topic_summary,
)


def test_a_right_answer_scores_more_the_faster_it_is():
    assert points(True, 0, 0, 30_000) == MAX_POINTS
    assert points(True, 3_000, 0, 30_000) == 950
    assert points(True, 15_000, 0, 30_000) == 750
    assert points(True, 30_000, 0, 30_000) == MIN_RIGHT_POINTS


def test_wrong_or_late_answers_score_nothing():
    assert points(False, 0, 0, 30_000) == 0
    assert points(True, 30_001, 0, 30_000) == 0


def a(user: int, position: int, correct: bool, score: int, taken: int = 1000, choice: int = 0) -> LiveAnswer:
    return LiveAnswer(position, user, choice, correct, score, taken)


def test_the_board_ranks_by_points_then_right_answers_then_time_and_shares_exact_ties():
    answers = [a(1, 0, True, 900), a(2, 0, True, 900), a(3, 0, False, 0), a(4, 0, True, 900, taken=500),
               a(1, 1, False, 0), a(2, 1, False, 0)]
    board = scoreboard(answers)
    assert [(s.rank, s.user_id, s.points, s.right, s.answered) for s in board] == [
        (1, 4, 900, 1, 1), (2, 1, 900, 1, 2), (2, 2, 900, 1, 2), (4, 3, 0, 0, 1)]


def test_choice_counts_and_the_groups_weakest_topic_first():
    answers = [a(1, 0, True, 1, choice=2), a(2, 0, False, 0, choice=0), a(3, 0, True, 1, choice=2)]
    assert choice_counts(answers, 4) == [1, 0, 2, 0]
    summary = topic_summary([("inventory", "lot-sizing", True), ("inventory", "lot-sizing", True),
                             ("demand", "forecasting", False), ("demand", "forecasting", True)])
    assert [(t.topic, t.right, t.answered, t.percent) for t in summary] == [("forecasting", 1, 2, 50),
                                                                              ("lot-sizing", 2, 2, 100)]


def test_a_game_resumes_within_the_grace_and_closes_after_it():
    assert resume_or_close(10_000, 20_000) == "resume"
    assert resume_or_close(20_000 + RESUME_GRACE_MS, 20_000) == "resume"
    assert resume_or_close(20_001 + RESUME_GRACE_MS, 20_000) == "close"


def test_a_quarter_of_a_game_is_calculations_one_per_family_and_more_only_to_fill_a_small_pool():
    assert calculation_count(10, families=37, written=400) == 2
    assert calculation_count(3, families=37, written=400) == 0  # short games ask written questions only
    assert calculation_count(8, families=1, written=400) == 1  # one per family in scope
    assert calculation_count(10, families=0, written=400) == 0
    assert calculation_count(10, families=5, written=7) == 3  # the written pool cannot fill the rest
    assert calculation_count(10, families=2, written=0) == 2
