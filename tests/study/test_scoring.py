"""Scoring a finished quiz or exam: overall, by module and topic, unanswered counts as wrong."""

from study.questions import Question
from study.scoring import AnsweredItem, Tally, summarize, weakest_first


def q(qid: str, module: str, topic: str, answer: int = 0) -> Question:
    return Question(id=qid, module=module, topic=topic, difficulty="easy", stem=f"Stem {qid}?",
                    choices=("a", "b", "c"), answer_index=answer, explanation="Because.")


def test_summary_by_module_and_topic_with_unanswered_as_not_right():
    lot1, lot2 = q("d1", "dsp", "lot-sizing"), q("d2", "dsp", "lot-sizing", answer=2)
    mrp, fc = q("d3", "dsp", "mrp-logic"), q("m1", "mpr", "forecasting")
    summary = summarize([AnsweredItem(lot1, 0), AnsweredItem(lot2, 1), AnsweredItem(mrp, None),
                         AnsweredItem(fc, 0)])
    assert (summary.overall.asked, summary.overall.answered, summary.overall.right) == (4, 3, 2)
    assert summary.overall.percent == 50 and summary.unanswered == 1
    assert summary.by_module["dsp"] == Tally(right=1, answered=2, asked=3)
    assert summary.by_module["mpr"] == Tally(right=1, answered=1, asked=1)
    assert summary.by_topic[("dsp", "lot-sizing")] == Tally(right=1, answered=2, asked=2)
    assert summary.by_topic[("dsp", "mrp-logic")] == Tally(right=0, answered=0, asked=1)
    assert [question.id for question in summary.to_review] == ["d2", "d3"]


def test_empty_and_rounding():
    assert summarize([]).overall.percent == 0
    assert Tally(right=2, answered=3, asked=3).percent == 67


def test_weakest_first_orders_by_percent_then_more_asked():
    by_topic = {("dsp", "a"): Tally(1, 2, 2), ("dsp", "b"): Tally(0, 1, 1), ("mpr", "c"): Tally(0, 3, 3),
                ("mpr", "d"): Tally(3, 3, 3)}
    assert [key for key, _ in weakest_first(by_topic)] == [("mpr", "c"), ("dsp", "b"), ("dsp", "a"), ("mpr", "d")]
