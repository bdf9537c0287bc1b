"""Fast unit tests of the abstention gate and its signals (assistant/answer/abstention.py)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer.abstention import (
    FEATURES,
    LEGACY_FEATURES,
    LogisticGate,
    Signals,
    answer_signals,
    key_coverage,
    number_coverage,
)
from assistant.errors import ConfigError
from tests.fakes import NO_ENTITIES, GazetteerRecognizer, citation_of, make_chunk, make_passage

pytestmark = pytest.mark.unit

HOME = make_chunk(
    "Kelsing Bridge was finished by Tom Kray. It carries 9,000 cars a day. "
    "Critics in Varna disagreed.",
    source="bridge.txt",
    start=200,
)
OTHER = make_chunk("Ferries still run. Nobody counts them.", source="ferry.txt")
QUESTION = "How many cars does Kelsing Bridge carry?"


def signals(
    citation_score: float = 8.0,
    questions: tuple[str, ...] = (QUESTION,),
    *,
    home_ranks: tuple[int | None, int | None] = (2, 1),
    home_scores: tuple[float | None, ...] = (6.0, 8.0, None),
    other_scores: tuple[float | None, ...] = (3.0, float("-inf")),
    other_dense: float | None = 0.9,
) -> Signals | None:
    passages = [
        make_passage(
            HOME, home_scores, dense_rank=home_ranks[0], bm25_rank=home_ranks[1], dense_score=0.7
        ),
        make_passage(OTHER, other_scores, dense_rank=1, dense_score=other_dense),
    ]
    citation = citation_of(HOME, 1, score=citation_score)
    return answer_signals(questions, passages, [citation], NO_ENTITIES)


def must(found: Signals | None) -> Signals:
    assert found is not None
    return found


def test_signals_of_an_answer() -> None:
    assert signals() == Signals(
        best=8.0,
        dense=0.9,  # the closest passage, whichever it is
        agreement=1.0,  # the answer's passage came from both searches
        key_coverage=1.0,
        number_coverage=1.0,
        type_match=1.0,  # a number was asked for and "9,000" is one
    )


def test_no_citation_no_signals() -> None:
    passages = [make_passage(HOME, [1.0, 2.0, 3.0])]
    assert answer_signals([QUESTION], passages, [], NO_ENTITIES) is None


def test_dense_is_zero_without_any_dense_score() -> None:
    s = signals(other_dense=None)
    assert must(s).dense == 0.7
    passages = [make_passage(HOME, (6.0, 8.0, None))]
    bare = answer_signals([QUESTION], passages, [citation_of(HOME, 1, score=8.0)], NO_ENTITIES)
    assert must(bare).dense == 0.0


@pytest.mark.parametrize("ranks", [(None, 1), (2, None), (None, None)])
def test_agreement_needs_both_searches_to_have_found_the_answers_passage(
    ranks: tuple[int | None, int | None],
) -> None:
    s = signals(home_ranks=ranks)
    assert must(s).agreement == 0.0


def test_agreement_looks_at_the_passage_that_holds_the_answer() -> None:
    # The other document's passage has both ranks, but it is not where the answer is.
    passages = [
        make_passage(HOME, (6.0, 8.0, None), dense_rank=1),
        make_passage(OTHER, (3.0, 1.0), dense_rank=2, bm25_rank=1),
    ]
    s = answer_signals([QUESTION], passages, [citation_of(HOME, 1, score=8.0)], NO_ENTITIES)
    assert must(s).agreement == 0.0
    # Same offsets in another document do not make it the answer's passage.
    twin = make_chunk(HOME.text, source="twin.txt", start=200)
    passages = [
        make_passage(twin, (6.0, 8.0, None), dense_rank=1, bm25_rank=1),
        make_passage(HOME, (6.0, 8.0, None), dense_rank=1),
    ]
    s = answer_signals([QUESTION], passages, [citation_of(HOME, 1, score=8.0)], NO_ENTITIES)
    assert must(s).agreement == 0.0


def test_names_and_numbers_are_looked_for_up_to_the_end_of_the_answer_sentence() -> None:
    # "Varna" is in the passage, but after the answer sentence; "9,000" is in it.
    s = signals(questions=("Did Varna object to 9,000 cars?",))
    assert s is not None
    assert s.key_coverage == pytest.approx(2 / 3)  # 9, 000 found; varna not
    assert s.number_coverage == 1.0
    s = signals(questions=("Did 2024 bring 9,000 cars?",))
    assert must(s).number_coverage == pytest.approx(2 / 3)


def test_the_kind_of_answer_comes_from_the_question_as_typed() -> None:
    s = signals(questions=("Who carries them?", QUESTION))
    assert must(s).type_match == 0.0  # a person asked for, none in the sentence
    people = GazetteerRecognizer({"Kray": "PERSON"})
    passages = [make_passage(HOME, (8.0, 6.0, None))]
    answer = citation_of(HOME, 0, score=8.0)
    s = answer_signals(["Who finished it?"], passages, [answer], people)
    assert must(s).type_match == 1.0
    s = answer_signals(["Who finished it?"], passages, [answer], NO_ENTITIES)
    assert must(s).type_match == 0.0


def test_a_number_the_question_already_gives_is_not_an_answer_of_that_kind() -> None:
    assert must(signals(questions=("How many cars a day?",))).type_match == 1.0
    # The sentence's only number is the one in the question.
    assert must(signals(questions=("How many days carry 9,000 cars?",))).type_match == 0.0


def test_key_and_number_coverage_are_one_when_the_question_has_none() -> None:
    assert key_coverage("how many cars?", "nothing") == 1.0
    assert number_coverage("how many cars?", "nothing") == 1.0
    assert key_coverage("Did Kelsing grow in 2024?", "kelsing grew") == 0.5
    assert number_coverage("Did Kelsing grow in 2024?", "kelsing grew") == 0.0
    assert number_coverage("Did Kelsing grow in 2024?", "in 2024") == 1.0


# --- the gate ------------------------------------------------------------------------------

WEIGHTS = (1.0, 3.0, 4.0, 6.0, 7.0, 8.0)
SIGNALS = Signals(1.0, 0.25, 1.0, 1.0, 0.0, 1.0)


def test_signals_vector_is_in_feature_order() -> None:
    assert FEATURES == (
        "best",
        "dense",
        "agreement",
        "key_coverage",
        "number_coverage",
        "type_match",
    )
    assert SIGNALS.vector() == (1.0, 0.25, 1.0, 1.0, 0.0, 1.0)
    assert list(SIGNALS.to_dict()) == list(FEATURES)


def test_confidence_is_bias_plus_weighted_signals() -> None:
    gate = LogisticGate(WEIGHTS, -2.0, threshold=0.5)
    assert gate.confidence(SIGNALS) == pytest.approx(-2.0 + 1 + 0.75 + 4 + 6 + 8)
    assert gate.threshold == 0.5
    assert LogisticGate(WEIGHTS, 0.0).threshold == 0.0


def test_with_threshold_keeps_the_model() -> None:
    gate = LogisticGate(WEIGHTS, -2.0, threshold=0.5).with_threshold(-1.0)
    assert gate == LogisticGate(WEIGHTS, -2.0, threshold=-1.0)


def test_the_gate_validates_its_numbers() -> None:
    with pytest.raises(ConfigError, match="needs 6 weights"):
        LogisticGate(WEIGHTS[:5], 0.0)
    with pytest.raises(ConfigError, match="non-finite"):
        LogisticGate((*WEIGHTS[:5], math.inf), 0.0)
    with pytest.raises(ConfigError, match="non-finite"):
        LogisticGate(WEIGHTS, math.nan)
    with pytest.raises(ConfigError, match="non-finite"):
        LogisticGate(WEIGHTS, 0.0, threshold=math.nan)
    # An infinite threshold is a policy (never / always refuse), not an error.
    assert LogisticGate(WEIGHTS, 0.0, threshold=-math.inf).threshold == -math.inf


def test_to_dict_and_from_dict_round_trip() -> None:
    gate = LogisticGate(WEIGHTS, -2.0, threshold=0.5)
    assert gate.to_dict() == {
        "features": list(FEATURES),
        "weights": list(WEIGHTS),
        "bias": -2.0,
        "threshold": 0.5,
    }
    assert LogisticGate.from_dict(gate.to_dict(), "x") == gate


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features": ["best"]}, r"m\.json: features \['best'\] are not"),
        ({"bias": "high"}, r"m\.json is not a valid abstention model"),
        ({"weights": None}, r"m\.json is not a valid abstention model"),
        ({"threshold": None}, r"m\.json is not a valid abstention model"),
    ],
)
def test_from_dict_refuses_a_malformed_model(change: dict[str, object], message: str) -> None:
    data = {**LogisticGate(WEIGHTS, 0.0).to_dict(), **change}
    with pytest.raises(ConfigError, match=message):
        LogisticGate.from_dict(data, "m.json")


def test_from_dict_refuses_a_model_with_a_missing_field() -> None:
    data = LogisticGate(WEIGHTS, 0.0).to_dict()
    del data["bias"]
    with pytest.raises(ConfigError, match=r"m\.json is not a valid abstention model: 'bias'"):
        LogisticGate.from_dict(data, "m.json")


def test_load_reads_a_file_and_explains_a_bad_one(tmp_path: Path) -> None:
    gate = LogisticGate(WEIGHTS, -2.0, threshold=0.5)
    path = tmp_path / "gate.json"
    path.write_text(json.dumps(gate.to_dict()), encoding="utf-8")
    assert LogisticGate.load(path) == gate
    with pytest.raises(ConfigError, match="cannot be read as an abstention model"):
        LogisticGate.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read as an abstention model"):
        LogisticGate.load(tmp_path / "bad.json")


def test_the_packaged_model_loads() -> None:
    gate = LogisticGate.packaged()
    assert len(gate.weights) == len(FEATURES)
    assert math.isfinite(gate.threshold)


def test_the_documents_name_counts_as_context_for_names_and_numbers() -> None:
    # "Varna" is nowhere in the passage up to the answer, but the document is named for it.
    passages = [make_passage(HOME, (6.0, 8.0, None), dense_rank=1, bm25_rank=1)]
    citation = replace(citation_of(HOME, 1, score=8.0), source="varna-bridge.txt")
    s = answer_signals(("Did Varna get 9,000 cars?",), passages, [citation], NO_ENTITIES)
    assert must(s).key_coverage == 1.0
    s = answer_signals(
        ("Did Varna get 9,000 cars?",), passages, [citation_of(HOME, 1)], NO_ENTITIES
    )
    assert must(s).key_coverage == pytest.approx(2 / 3)


def test_signals_are_read_off_the_best_scoring_citation_not_the_first() -> None:
    passages = [make_passage(HOME, (6.0, 8.0, None), dense_rank=1, bm25_rank=1)]
    lead, best = citation_of(HOME, 0, score=6.0), citation_of(HOME, 1, marker=2, score=8.0)
    s = answer_signals((QUESTION,), passages, [lead, best], NO_ENTITIES)
    assert must(s).best == 8.0
    assert must(s).type_match == 1.0  # "9,000" is in the best sentence, not in the lead-in


def test_a_legacy_model_loads_when_the_removed_signals_weigh_nothing() -> None:
    # Models written before the margin and coverage signals were removed list eight features.
    legacy = dict(zip(LEGACY_FEATURES, (1.0, 0.0, 3.0, 4.0, 0.0, 6.0, 7.0, 8.0), strict=True))
    data = {"features": list(LEGACY_FEATURES), "weights": list(legacy.values()), "bias": -2.0,
            "threshold": 0.5}  # fmt: skip
    assert LogisticGate.from_dict(data, "old.json") == LogisticGate(WEIGHTS, -2.0, threshold=0.5)
    data["weights"] = [1.0, 2.0, 3.0, 4.0, 0.0, 6.0, 7.0, 8.0]  # margin weighed 2.0
    with pytest.raises(ConfigError, match=r"old\.json weighs margin, signals the gate no longer"):
        LogisticGate.from_dict(data, "old.json")


def test_the_messages_name_every_feature() -> None:
    with pytest.raises(ConfigError) as short:
        LogisticGate(WEIGHTS[:5], 0.0)
    assert str(short.value) == (
        f"The abstention model needs 6 weights ({', '.join(FEATURES)}). Currently, it has 5."
    )
    data = {"features": list(LEGACY_FEATURES), "weights": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0],
            "bias": -2.0, "threshold": 0.5}  # fmt: skip
    with pytest.raises(ConfigError) as weighed:
        LogisticGate.from_dict(data, "old.json")
    assert str(weighed.value) == (
        "old.json weighs margin, coverage, signals the gate no longer computes. Fit it again "
        f"(benchmarks/fit_abstention.py) over the features {', '.join(FEATURES)}."
    )
    data["features"] = ["x", "y"]
    with pytest.raises(ConfigError) as other:
        LogisticGate.from_dict(data, "old.json")
    assert str(other.value).startswith("old.json: features ['x', 'y'] are not (")
    assert str(other.value).count("old.json") == 1


def test_a_model_with_too_few_weights_is_named_once_with_one_full_stop() -> None:
    data = {"features": list(FEATURES), "weights": [1.0] * 5, "bias": 0.0, "threshold": 0.0}
    with pytest.raises(ConfigError) as short:
        LogisticGate.from_dict(data, "m.json")
    assert str(short.value) == (
        "m.json is not a valid abstention model: The abstention model needs 6 weights "
        f"({', '.join(FEATURES)}). Currently, it has 5."
    )


def test_a_model_of_todays_features_with_as_many_weights_as_the_legacy_one_is_refused() -> None:
    data = {"features": list(FEATURES), "weights": [0.0] * len(LEGACY_FEATURES), "bias": 0.0,
            "threshold": 0.0}  # fmt: skip
    with pytest.raises(ConfigError, match="needs 6 weights"):
        LogisticGate.from_dict(data, "m.json")


def test_a_file_that_is_no_valid_model_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "gate.json"
    path.write_text(json.dumps({"features": ["best"], "weights": [], "bias": 0, "threshold": 0}))
    with pytest.raises(ConfigError) as raised:
        LogisticGate.load(path)
    assert f"{path}: features ['best'] are not" in str(raised.value)
