from __future__ import annotations

from typing import Any

import pytest

from assistant.evaluation.calibration import choose_threshold
from assistant.evaluation.compare import compare_runs
from assistant.evaluation.metrics import (
    case_metrics,
    contains,
    exact_match,
    normalize_answer,
    percentile,
    retrieval_metrics,
    summarize,
    token_f1,
)

pytestmark = pytest.mark.unit

PASSAGE = "Thirteen foreign military contingents joined the event, with China sending guards."


def _record(
    answer: str, *, abstained: bool = False, cited: tuple[str, ...] = (PASSAGE,),
    retrieved: tuple[str, ...] = (PASSAGE,), latency: float = 10.0,
) -> dict[str, Any]:  # fmt: skip
    return {
        "id": "x",
        "question": "q",
        "answer": answer,
        "abstained": abstained,
        "citations": [
            {"marker": i, "source": "s", "start": 0, "end": len(t), "text": t}
            for i, t in enumerate(cited, start=1)
        ],
        "retrieved": [
            {"source": "s", "start": 0, "end": len(t), "text": t, "score": 1.0} for t in retrieved
        ],
        "latency_ms": latency,
    }


def test_squad_style_answer_metrics() -> None:
    assert normalize_answer("The “Red” Square!") == "red square"
    assert exact_match("the Red Square.", ["Red Square"]) == 1.0
    assert token_f1("Red Square in Moscow", ["Red Square"]) == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert token_f1("nothing", ["Red Square"]) == 0.0
    assert contains("It was held in Red Square [1].", ["Red Square", "Kremlin"]) == 1.0
    assert contains("Redsquare", ["Red Square"]) == 0.0


def test_retrieval_metrics_rank_and_recall() -> None:
    texts = ["nothing here", "Xi Jinping attended.", "coal and iron ore"]
    got = retrieval_metrics(texts, ["xi jinping attended", "Coal and iron ore", "absent"])
    assert got == {
        "hit@1": 0.0, "hit@3": 1.0, "hit@5": 1.0, "mrr": 0.5, "recall@k": pytest.approx(2 / 3),
    }  # fmt: skip
    assert retrieval_metrics([], ["x"])["mrr"] == 0.0


def test_case_metrics_for_a_cited_right_answer() -> None:
    case = {"answers": ["Thirteen"], "evidence": ["Thirteen foreign military contingents"]}
    got = case_metrics(case, _record(f"{PASSAGE[:-1]} [1]."))
    assert got["answer_in_citation"] == 1.0
    assert got["contains"] == 1.0
    assert got["citation_precision"] == 1.0
    assert got["citation_recall"] == 1.0
    assert got["groundedness"] == 1.0
    assert got["uncited"] == 0.0
    assert got["abstention_correct"] == 1.0


def test_edge_cases_no_evidence_no_answers_empty_retrieval_abstained_answerable() -> None:
    no_evidence = case_metrics({"answers": ["China"]}, _record("China [1].", retrieved=()))
    assert no_evidence["hit@1"] is None
    assert no_evidence["citation_precision"] is None
    unanswerable = case_metrics({"answerable": False}, _record("x", abstained=True, cited=()))
    assert unanswerable["f1"] is None
    assert unanswerable["abstention_correct"] == 1.0
    assert unanswerable["groundedness"] is None
    empty = case_metrics({"answers": ["China"], "evidence": ["China"]}, _record("", retrieved=()))
    assert empty["hit@5"] == 0.0
    assert empty["recall@k"] == 0.0
    wrong = case_metrics(
        {"answers": ["China"], "evidence": ["China"]}, _record("x", abstained=True, cited=())
    )
    assert (wrong["f1"], wrong["contains"], wrong["answer_in_citation"]) == (0.0, 0.0, 0.0)
    assert wrong["abstention_correct"] == 0.0
    uncited = case_metrics({"answers": ["China"]}, _record("China sent guards.", cited=()))
    assert uncited["uncited"] == 1.0
    assert uncited["groundedness"] == 0.0


def test_summary_is_the_mean_of_case_metrics_and_abstention_rates() -> None:
    cases = [
        {"id": "a", "answers": ["Thirteen"], "evidence": ["Thirteen"]},
        {"id": "b", "answers": ["China"], "evidence": ["China"], "history": [{"role": "user"}]},
        {"id": "c", "answerable": False},
        {"id": "d", "answerable": False},
    ]
    records = [
        _record("Thirteen foreign military contingents joined the event [1].", latency=10),
        _record("", abstained=True, cited=(), latency=20),
        _record("", abstained=True, cited=(), latency=30),
        _record("Thirteen foreign military contingents joined the event [1].", latency=40),
    ]
    for case, record in zip(cases, records, strict=True):
        record["metrics"] = case_metrics(case, record)
    summary = summarize(cases, records)
    assert summary["contains"] == 0.5
    assert summary["abstention_precision"] == 0.5
    assert summary["abstention_recall"] == 0.5
    assert summary["false_abstention_rate"] == 0.5
    assert summary["followup_contains"] == 0.0
    assert summary["latency_p50_ms"] == 25.0
    assert summary["cases"] == 4.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 95) == pytest.approx(3.85)
    assert "written_rate" not in summary  # no writer ran
    records[0]["written"], records[3]["fell_back"] = True, True
    assert summarize(cases, records)["written_rate"] == 0.5


def test_calibration_picks_the_cut_that_handles_most_cases() -> None:
    scores = [(-9.0, False), (-4.0, False), (-1.0, True), (3.0, True), (5.0, False)]
    calibration = choose_threshold(scores)
    assert calibration.threshold == -2.5
    assert calibration.answered_answerable == 1.0
    assert calibration.abstained_unanswerable == pytest.approx(2 / 3)
    assert calibration.accuracy == pytest.approx(4 / 5)


def test_compare_reports_deltas_and_flips() -> None:
    def run(value: float) -> dict[str, Any]:
        return {
            "system": "s", "settings": {}, "summary": {"contains": value},
            "cases": [{"id": "a", "question": "q", "metrics": {"contains": value}}],
        }  # fmt: skip

    comparison = compare_runs(run(0.0), run(1.0))
    assert comparison.deltas == {"contains": (0.0, 1.0, 1.0)}
    assert [(f.id, f.metric, f.before, f.after) for f in comparison.flips] == [
        ("a", "contains", 0.0, 1.0)
    ]
    assert "better a: contains 0 → 1" in comparison.render()
