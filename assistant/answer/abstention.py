"""Answer or refuse: a logistic model over signals that transfer across corpora.

No single score transfers: the cross-encoder's logit for a right answer ranges from about −11
to +8 depending on the genre and the question. So the decision combines signals, each cheap and
available for every answer — the best sentence's score, how close the nearest passage is in
embedding space, whether dense and lexical search agree on the answer's passage, how many of
the question's names and numbers the answer's passage holds, and whether the answer sentence
holds the kind of answer asked for — in a logistic model fitted on the dev halves of every
corpus of the evaluation suite (``benchmarks/fit_abstention.py``) and shipped as
``abstention.json`` beside this module.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.answer.answer_types import expected_type, holds_type
from assistant.errors import ConfigError
from assistant.protocols import EntityRecognizer
from assistant.retrieve.similarity import key_terms, number_terms, word_set
from assistant.types import Citation, Passage

PACKAGED_MODEL = "abstention.json"


@dataclass(frozen=True, slots=True)
class Signals:
    """What the gate sees of one answer."""

    best: float  # cross-encoder score of the answer's best-scoring sentence
    dense: float  # highest cosine similarity among the retrieved passages (0 when none)
    agreement: float  # 1 when dense and lexical search both found the answer's passage
    key_coverage: float  # share of the question's numbers and names found in its passage
    number_coverage: float  # share of the question's numbers ("2024") found in its passage
    type_match: float  # 1 when the answer sentence holds the kind of answer asked for

    def vector(self) -> tuple[float, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


FEATURES: tuple[str, ...] = tuple(f.name for f in fields(Signals))
# The feature list of models written before issue 20 removed two signals whose fitted weight
# was exactly 0.0 (the best sentence's margin over the runner-up, and the share of the
# question's content words in it): such a model still loads when those weights are 0.0.
LEGACY_FEATURES: tuple[str, ...] = (
    "best", "margin", "dense", "agreement", "coverage", "key_coverage", "number_coverage",
    "type_match",
)  # fmt: skip
REMOVED_FEATURES: tuple[str, ...] = ("margin", "coverage")


def key_coverage(question: str, passage: str) -> float:
    """Share of the question's numbers and names ("2024", "Kelsing") found in the passage;
    1 when the question has none. An answer about 2023 to a question about 2024 scores 0."""
    wanted = key_terms(question)
    if not wanted:
        return 1.0
    return len(wanted & word_set(passage)) / len(wanted)


def number_coverage(question: str, passage: str) -> float:
    """Share of the question's numbers found in the passage; 1 when it has none. A passage
    about 2023 does not answer a question about 2024."""
    wanted = number_terms(question)
    if not wanted:
        return 1.0
    return len(wanted & word_set(passage)) / len(wanted)


def answer_signals(
    questions: Sequence[str],
    passages: Sequence[Passage],
    citations: Sequence[Citation],
    recognizer: EntityRecognizer,
) -> Signals | None:
    """The signals of an answer, read off its best-scoring sentence; None without one.
    ``questions``: the question as typed and its standalone form (each coverage takes the
    better; the kind of answer asked for comes from the question as typed)."""
    if not citations:
        return None
    first = max(citations, key=lambda c: c.score)
    home = next(
        (
            p
            for p in passages
            if p.chunk.source == first.source and p.chunk.start <= first.start < p.chunk.end
        ),
        None,
    )
    typed = questions[0] if questions else ""
    # The passage up to the end of the answer sentence (its headings and the sentences that
    # lead up to it, where the year or name the sentence depends on is given), and the
    # document's name, which often carries what the text leaves implicit (the lighthouse an
    # article is about, a news story's date).
    lead_up = f"{first.passage_text[: first.end - first.passage_start]} {first.source}"
    dense = max((p.dense_score for p in passages if p.dense_score is not None), default=0.0)
    agreement = float(
        home is not None and home.dense_rank is not None and home.bm25_rank is not None
    )
    return Signals(
        best=first.score,
        dense=dense,
        agreement=agreement,
        key_coverage=max((key_coverage(q, lead_up) for q in questions), default=0.0),
        number_coverage=max((number_coverage(q, lead_up) for q in questions), default=0.0),
        type_match=float(
            holds_type(first.quote, expected_type(typed), recognizer, " ".join(questions))
        ),
    )


@dataclass(frozen=True, slots=True)
class LogisticGate:
    """``confidence = bias + Σ weight·signal`` (a log-odds that the question is answerable)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.0

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ConfigError(
                f"The abstention model needs {len(FEATURES)} weights ({', '.join(FEATURES)}). "
                f"Currently, it has {len(self.weights)}."
            )
        values = (*self.weights, self.bias)
        if not all(math.isfinite(v) for v in values) or math.isnan(self.threshold):
            raise ConfigError(
                f"The abstention model holds a non-finite number: {values}, "
                f"threshold {self.threshold}."
            )

    def confidence(self, signals: Signals) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, signals.vector(), strict=True))

    def with_threshold(self, threshold: float) -> LogisticGate:
        return LogisticGate(self.weights, self.bias, threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str) -> LogisticGate:
        try:
            weights = tuple(float(w) for w in data["weights"])
            features = list(data["features"])
            if features == list(LEGACY_FEATURES) and len(weights) == len(LEGACY_FEATURES):
                weights = _without_removed(weights, where)
            elif features != list(FEATURES):
                raise ConfigError(f"{where}: features {data['features']} are not {FEATURES}.")
            return cls(weights, float(data["bias"]), float(data["threshold"]))
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, ConfigError) and str(exc).startswith(where):
                raise  # already one sentence that names the file
            reason = str(exc).rstrip(".")
            raise ConfigError(f"{where} is not a valid abstention model: {reason}.") from None

    @classmethod
    def load(cls, path: Path) -> LogisticGate:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{path} cannot be read as an abstention model: {exc}.") from None
        return cls.from_dict(data, str(path))

    @classmethod
    def packaged(cls) -> LogisticGate:
        """The model fitted on the suite's dev halves, shipped with the package."""
        packaged = resources.files("assistant.answer").joinpath(PACKAGED_MODEL)
        text = packaged.read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text), PACKAGED_MODEL)


def _without_removed(weights: tuple[float, ...], where: str) -> tuple[float, ...]:
    """A legacy model's weights without those of ``REMOVED_FEATURES``, which must be 0.0 (so
    the gate decides exactly as before); a model that weighed them must be fitted again."""
    named = dict(zip(LEGACY_FEATURES, weights, strict=True))
    weighed = [f for f in REMOVED_FEATURES if named[f] != 0.0]
    if weighed:
        raise ConfigError(
            f"{where} weighs {', '.join(weighed)}, signals the gate no longer computes. "
            "Fit it again (benchmarks/fit_abstention.py) over the features "
            f"{', '.join(FEATURES)}."
        )
    return tuple(named[f] for f in FEATURES)
