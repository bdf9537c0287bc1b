"""Fast unit tests of "bold means sure" (assistant/answer/bold.py): the features the model reads
of a short answer, and the policy that decides whether it is shown."""

from __future__ import annotations

import math
from typing import Any

import pytest

from assistant.answer.bold import ALWAYS, BASES, FEATURES, BoldPolicy, features
from assistant.errors import ConfigError
from assistant.types import Citation, ShortAnswer


def citation(marker: int, score: float) -> Citation:
    quote = "Xi Jinping attended the parade in Red Square on May 9."
    return Citation(marker, "brief.txt", 1, 0, len(quote), quote, score, 0, len(quote), quote)


def short(text: str = "Red Square", basis: str = "entity", marker: int = 1) -> ShortAnswer:
    return ShortAnswer(text, marker, 34, 34 + len(text), "place", basis)


def named(values: tuple[float, ...]) -> dict[str, float]:
    assert len(values) == len(FEATURES)
    return dict(zip(FEATURES, values, strict=True))


CITED = (citation(1, 6.0), citation(2, 3.0))


def test_features_of_a_gated_short_answer() -> None:
    values = named(features("Where was the parade held?", short(), CITED, 2.5))
    assert values == {
        "confidence": 0.25,  # the gate's log-odds / 10
        "gated": 1.0,
        "score": 0.5,  # its sentence's score / 12
        "top": 1.0,  # its sentence is the best cited
        "entity": 1.0, "pattern": 0.0, "phrase": 0.0, "no": 0.0, "yes": 0.0, "role": 0.0,
        "words": 0.2,  # two words / 10
        "asked": 0.0,  # neither word is in the question
    }  # fmt: skip


@pytest.mark.parametrize("basis", BASES)
def test_the_basis_is_one_hot(basis: str) -> None:
    values = named(features("q", short(basis=basis), CITED, None))
    assert [values[b] for b in BASES] == [float(b == basis) for b in BASES]


def test_a_verdict_is_split_into_no_and_yes() -> None:
    no = named(features("Did he go?", short("No", "verdict"), CITED, 1.0))
    yes = named(features("Did he go?", short("yes", "verdict"), CITED, 1.0))
    assert (no["no"], no["yes"]) == (1.0, 0.0)
    assert (yes["no"], yes["yes"]) == (0.0, 1.0)
    assert named(features("q", short("NO", "verdict"), CITED, 1.0))["no"] == 1.0


def test_numbers_are_clipped() -> None:
    big = named(features("q", short(" ".join(["word"] * 30)), (citation(1, 40.0),), 99.0))
    assert (big["confidence"], big["score"], big["words"]) == (1.0, 1.0, 1.0)
    small = named(features("q", short(), (citation(1, -40.0),), -99.0))
    assert (small["confidence"], small["score"]) == (-1.0, -1.0)


def test_a_short_answer_without_the_gate_is_not_gated() -> None:
    for confidence in (None, math.inf, -math.inf, math.nan):
        values = named(features("q", short(), CITED, confidence))
        assert (values["gated"], values["confidence"]) == (0.0, 0.0), confidence


def test_top_is_whether_its_sentence_scored_best_of_those_cited() -> None:
    assert named(features("q", short(marker=2), CITED, 1.0))["top"] == 0.0
    assert named(features("q", short(marker=2), CITED, 1.0))["score"] == 0.25
    # A marker no citation has: score 0, and 0 is not the best of 6 and 3.
    lost = named(features("q", short(marker=9), CITED, 1.0))
    assert (lost["score"], lost["top"]) == (0.0, 0.0)
    assert named(features("q", short(), (), 1.0))["top"] == 1.0  # nothing to beat


def test_asked_is_the_share_of_its_words_the_question_already_says() -> None:
    assert named(features("Was it in Red Square?", short(), CITED, 1.0))["asked"] == 1.0
    assert named(features("Which square was it?", short(), CITED, 1.0))["asked"] == 0.5
    assert named(features("q", short("—"), CITED, 1.0))["asked"] == 0.0  # no words at all
    assert named(features("q", short("—"), CITED, 1.0))["words"] == 0.0


# --- the policy -------------------------------------------------------------------------------


def policy(threshold: float = 0.5, bias: float = 0.0) -> BoldPolicy:
    weights = tuple(1.0 if name == "top" else 0.0 for name in FEATURES)
    return BoldPolicy(weights, bias, threshold)


def test_shows_at_or_above_the_threshold() -> None:
    top = features("q", short(), CITED, 1.0)
    second = features("q", short(marker=2), CITED, 1.0)
    assert policy().confidence(top) == 1.0
    assert policy().shows(top)
    assert not policy().shows(second)  # confidence 0.0
    assert policy(threshold=1.0).shows(top)  # equal is enough
    assert not policy(threshold=1.0, bias=-0.01).shows(top)
    assert policy().with_threshold(-1.0).shows(second)
    assert policy().with_threshold(-1.0).weights == policy().weights
    assert ALWAYS.shows(second)
    assert ALWAYS.shows(top)


def test_a_model_of_the_wrong_size_or_with_non_finite_numbers_is_refused() -> None:
    with pytest.raises(ConfigError, match=f"needs {len(FEATURES)} weights"):
        BoldPolicy((1.0,), 0.0, 0.0)
    with pytest.raises(ConfigError, match="non-finite"):
        BoldPolicy((math.nan,) + (0.0,) * (len(FEATURES) - 1), 0.0, 0.0)
    with pytest.raises(ConfigError, match="non-finite"):
        BoldPolicy((0.0,) * len(FEATURES), math.inf, 0.0)
    with pytest.raises(ConfigError, match="non-finite"):
        BoldPolicy((0.0,) * len(FEATURES), 0.0, math.nan)
    assert BoldPolicy((0.0,) * len(FEATURES), 0.0, math.inf).threshold == math.inf


def test_to_dict_and_from_dict_round_trip() -> None:
    model = policy(threshold=0.75, bias=-0.5)
    assert BoldPolicy.from_dict(model.to_dict(), "model.json") == model


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features": ["confidence"]}, "model.json: features"),
        ({"weights": None}, "model.json is not a valid bold model"),
        ({"weights": ["heavy"] * len(FEATURES)}, "model.json is not a valid bold model"),
        ({"bias": "low"}, "model.json is not a valid bold model"),
        ({"threshold": None}, "model.json is not a valid bold model"),
        ({"weights": [1.0]}, "needs"),
    ],
)
def test_from_dict_names_what_is_wrong(change: dict[str, Any], message: str) -> None:
    data = {**policy().to_dict(), **change}
    with pytest.raises(ConfigError, match=message):
        BoldPolicy.from_dict(data, "model.json")


def test_from_dict_missing_a_key_or_not_a_mapping() -> None:
    data = policy().to_dict()
    del data["bias"]
    with pytest.raises(ConfigError, match=r"model\.json is not a valid bold model"):
        BoldPolicy.from_dict(data, "model.json")
    with pytest.raises(ConfigError, match=r"model\.json is not a valid bold model"):
        BoldPolicy.from_dict(None, "model.json")


def test_the_packaged_model_loads() -> None:
    model = BoldPolicy.packaged()
    assert len(model.weights) == len(FEATURES)
    assert math.isfinite(model.threshold)
    assert model.to_dict()["features"] == list(FEATURES)
    # It is a model that decides: some short answer passes, some does not.
    sure = features("Did he go?", short("No", "verdict"), CITED, 10.0)
    unsure = features("q", short(" ".join(["w"] * 10), "phrase", marker=2), CITED, -10.0)
    assert model.shows(sure)
    assert not model.shows(unsure)
