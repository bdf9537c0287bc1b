"""The reader's-question case format (intent, must, must_k, short) and its metrics."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.evaluation.dataset import DatasetError, parse_case
from assistant.evaluation.metrics import case_metrics, intent_figures, must_met, short_right

pytestmark = pytest.mark.unit

PASSAGE = "Ambassador Dorothy Shea accused Moscow of blocking sanctions enforcement."


def _record(
    answer: str, *, abstained: bool = False, short: str | None = None, intent: str = "lookup"
) -> dict[str, Any]:
    return {
        "id": "x",
        "question": "q",
        "answer": answer,
        "short": {"text": short} if short else None,
        "intent": intent,
        "abstained": abstained,
        "citations": [] if abstained else [
            {"marker": 1, "source": "s", "start": 0, "end": len(PASSAGE), "text": PASSAGE}
        ],
        "retrieved": [],
        "latency_ms": 1.0,
    }  # fmt: skip


def test_a_reader_case_parses_with_its_intent_key_facts_and_short_answers() -> None:
    case = parse_case(
        {
            "id": "rq-shea",
            "question": "Who is Dorothy Shea?",
            "intent": "profile",
            "must": [["ambassador"], ["blocking sanctions", "sanctions enforcement"]],
            "must_k": 1,
            "short": ["Ambassador"],
        },
        "line 1",
    )
    assert case.intent == "profile"
    assert case.must == (("ambassador",), ("blocking sanctions", "sanctions enforcement"))
    assert case.must_needed == 1
    assert case.short == ("Ambassador",)
    assert case.to_dict()["must_k"] == 1
    plain = parse_case({"id": "a", "question": "q", "must": [["x"], ["y"]]}, "line 2")
    assert plain.intent == "lookup"
    assert plain.must_needed == 2  # all of them by default


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"intent": "gossip"}, "'intent' must be one of"),
        ({"must": ["ambassador"]}, "'must' must be a list of non-empty lists"),
        ({"must": [[]]}, "'must' must be a list of non-empty lists"),
        ({"must": [["a"], ["b"]], "must_k": 3}, "'must_k' must be a whole number"),
        ({"must": [["a"]], "must_k": 0}, "'must_k' must be a whole number"),
        ({"must": [["a"]], "must_k": True}, "'must_k' must be a whole number"),
        ({"answerable": False, "must": [["a"]]}, "an unanswerable case has no answers"),
        ({"answerable": False, "short": ["a"]}, "an unanswerable case has no answers"),
        ({"short": "Ambassador"}, "'short' must be a list of strings"),
    ],
)
def test_bad_reader_cases_name_the_problem(extra: dict[str, Any], message: str) -> None:
    with pytest.raises(DatasetError, match=re.escape(message)):
        parse_case({"id": "a", "question": "q", **extra}, "line 7")


def test_key_facts_count_a_group_once_whichever_phrasing_meets_it() -> None:
    must = [["U.S.", "United States"], ["coal"], ["missile programs"]]
    assert must_met("The United States said coal funds it [1].", must) == 2
    assert must_met("Nothing here [1].", must) == 0
    assert must_met("the US and COAL", must) == 2  # normalised like every answer metric


def test_an_answer_is_right_when_it_meets_must_k_key_facts() -> None:
    case = {"answerable": True, "intent": "overview", "must": [["Moscow"], ["coal"], ["parade"]],
            "must_k": 2}  # fmt: skip
    assert case_metrics(case, _record("Moscow and coal [1]."))["right"] == 1.0
    assert case_metrics(case, _record("Moscow alone [1]."))["right"] == 0.0
    assert case_metrics(case, _record("Moscow alone [1]."))["must_met"] == pytest.approx(1 / 3)
    refused = case_metrics(case, _record("The documents do not say.", abstained=True))
    assert refused["right"] == 0.0
    assert refused["must_met"] is None


def test_without_must_a_lookup_is_right_when_it_contains_an_answer() -> None:
    case = {"answerable": True, "answers": ["Red Square"]}
    assert case_metrics(case, _record("It was in Red Square [1]."))["right"] == 1.0
    assert case_metrics(case, _record("It was in Moscow [1]."))["right"] == 0.0
    unanswerable = {"answerable": False}
    assert case_metrics(unanswerable, _record("x", abstained=True))["right"] == 1.0
    assert case_metrics(unanswerable, _record("Moscow [1]."))["right"] == 0.0


def test_a_bold_answer_is_right_only_when_it_overlaps_an_accepted_one() -> None:
    assert short_right("Ambassador", ["Ambassador", "U.S. ambassador"])
    assert short_right("in Red Square", ["Red Square"])
    assert not short_right("the U.N. Panel of Experts", ["Ambassador", "U.S. ambassador"])
    assert not short_right("U.S", ["the UN Security Council meeting"])
    assert not short_right("", ["Ambassador"])


def test_bold_metrics_use_the_case_short_list_else_its_answers_and_no_list_means_wrong() -> None:
    shorts = {"answerable": True, "short": ["Ambassador"], "answers": ["Dorothy Shea"]}
    shown = case_metrics(shorts, _record("**Ambassador** — x [1].", short="Ambassador"))
    assert (shown["short_shown"], shown["short_right"], shown["short_expected"]) == (1, 1, 1)
    answers = {"answerable": True, "answers": ["China"]}
    assert case_metrics(answers, _record("**China** — x [1].", short="China"))["short_right"] == 1
    none = {"answerable": True, "must": [["coal"]]}
    wrong = case_metrics(none, _record("**U.S** — coal [1].", short="U.S"))
    assert (wrong["short_right"], wrong["short_expected"]) == (0.0, 0.0)
    unanswerable = {"answerable": False}
    assert case_metrics(unanswerable, _record("**x** — y [1].", short="x"))["short_right"] == 0
    plain = case_metrics(answers, _record("China sent most [1]."))
    assert (plain["short_shown"], plain["short_right"]) == (0.0, None)


def test_intent_figures_group_by_the_case_intent() -> None:
    cases = [
        {
            "answerable": True,
            "intent": "profile",
            "must": [["ambassador"]],
            "short": ["Ambassador"],
        },
        {"answerable": True, "intent": "profile", "must": [["coal"]]},
        {"answerable": False, "intent": "profile"},
        {"answerable": True, "answers": ["Moscow"]},
    ]
    runs = [
        _record("**Ambassador** — ambassador x [1].", short="Ambassador", intent="profile"),
        _record("The documents do not say.", abstained=True, intent="profile"),
        _record("The documents do not say.", abstained=True, intent="lookup"),
        _record("**Kyiv** — in Moscow [1].", short="Kyiv"),
    ]
    for case, run in zip(cases, runs, strict=True):
        run["metrics"] = case_metrics(case, run)
    figures = intent_figures(cases, runs)
    profile = figures["profile"]
    assert (profile["answerable"], profile["unanswerable"]) == (2, 1)
    assert profile["right"] == 0.5
    assert profile["answerable_refused"] == 0.5
    assert profile["unanswerable_refused"] == 1.0
    assert (profile["short_shown"], profile["short_precision"], profile["short_coverage"]) == (
        1, 1.0, 1.0,
    )  # fmt: skip
    assert profile["intent_read"] == pytest.approx(2 / 3)
    lookup = figures["lookup"]
    assert (lookup["right"], lookup["short_precision"], lookup["unanswerable_refused"]) == (
        1.0, 0.0, None,
    )  # fmt: skip
