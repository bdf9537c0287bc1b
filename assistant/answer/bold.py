"""Bold means sure: whether to show a short answer ("**Moscow** — …") at all.

A short answer is the first thing the eye reads, so a wrong one costs more than none. Each
short answer gets a confidence — a logistic model over what is known of it (``FEATURES``: what
found it, the abstention gate's confidence in the answer, the cross-encoder's score of the
sentence holding it and whether that sentence is the best, how long it is, how much of it the
question already says) — fitted on the evaluation suite's dev halves
(``benchmarks/fit_bold.py``) and shipped as ``bold.json``; below its threshold, chosen there
for a precision of at least 0.95, the answer reads without it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from assistant.errors import ConfigError
from assistant.types import Citation, ShortAnswer

PACKAGED_MODEL = "bold.json"
BASES = ("entity", "pattern", "phrase", "no", "yes", "role")
FEATURES: tuple[str, ...] = ("confidence", "gated", "score", "top", *BASES, "words", "asked")
_WORD = re.compile(r"\w+")


def features(
    question: str,
    short: ShortAnswer,
    citations: Sequence[Citation],
    confidence: float | None,
) -> tuple[float, ...]:
    """The numbers the model reads for ``short`` (``FEATURES``, in order). ``confidence``:
    the gate's log-odds when the answer went through the gate (a look-up), else None."""
    cited = next((c for c in citations if c.marker == short.marker), None)
    score = cited.score if cited is not None else 0.0
    best = max((c.score for c in citations), default=score)
    basis = short.basis
    if basis == "verdict":
        basis = "no" if short.text.lower() == "no" else "yes"
    words = _WORD.findall(short.text.lower())
    asked = set(_WORD.findall(question.lower()))
    gated = confidence is not None and math.isfinite(confidence)
    return (
        max(-10.0, min(10.0, confidence)) / 10 if gated and confidence is not None else 0.0,
        float(gated),
        max(-12.0, min(12.0, score)) / 12,
        float(score >= best),
        *(float(basis == b) for b in BASES),
        min(len(words), 10) / 10,
        sum(w in asked for w in words) / len(words) if words else 0.0,
    )


@dataclass(frozen=True, slots=True)
class BoldPolicy:
    """``confidence = bias + Σ weight·feature``; a short answer is shown at ``threshold`` or
    above (-inf: always)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ConfigError(
                f"The bold model needs {len(FEATURES)} weights ({', '.join(FEATURES)}). "
                f"Currently, it has {len(self.weights)}."
            )
        if not all(math.isfinite(v) for v in (*self.weights, self.bias)) or math.isnan(
            self.threshold
        ):
            raise ConfigError("The bold model holds a non-finite number.")

    def confidence(self, values: Sequence[float]) -> float:
        return self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))

    def shows(self, values: Sequence[float]) -> bool:
        return self.confidence(values) >= self.threshold

    def with_threshold(self, threshold: float) -> BoldPolicy:
        return BoldPolicy(self.weights, self.bias, threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
        }

    @classmethod
    def from_dict(cls, data: Any, where: str) -> BoldPolicy:
        try:
            if list(data["features"]) != list(FEATURES):
                raise ConfigError(f"{where}: features {data['features']} are not {FEATURES}.")
            return cls(
                tuple(float(w) for w in data["weights"]),
                float(data["bias"]),
                float(data["threshold"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{where} is not a valid bold model: {exc}.") from None

    @classmethod
    def packaged(cls) -> BoldPolicy:
        """The model fitted on the suite's dev halves, shipped with the package."""
        text = (
            resources.files("assistant.answer").joinpath(PACKAGED_MODEL).read_text(encoding="utf-8")
        )
        return cls.from_dict(json.loads(text), PACKAGED_MODEL)


ALWAYS = BoldPolicy((0.0,) * len(FEATURES), 0.0, -math.inf)
