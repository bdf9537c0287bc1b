"""Bold means sure: whether to show a short answer ("**Moscow** — …") at all.

A short answer is the first thing the eye reads, so a wrong one costs more than none; on the
suite, the short-answer picker is right about half the time, and no learned model over what
is known of its answers found a share it is right on at 0.95 that held out of sample (see
docs/evaluation.md). So a short answer is shown only when all of these hold:

- a name, number or date (``KINDS``: a person, place, organisation, number or date was
  asked for) is read off the best-scored sentence of the answer, that sentence scores at
  least ``min_score`` with the cross-encoder and the abstention gate's confidence in the
  answer is at least ``min_confidence``; no other span of that kind stands in the cited
  sentences (a pick among several is a guess); every number the question gives stands in
  the passage (an answer about 2024 to a question about 2023 is none); the answer shares no
  word with the question;
- or a "No" read off a clause that names what the question names ("…, not Kim Jong Un"), the
  gate confident in it; a "Yes" that meets the name-and-number conditions above;
- or a role the documents give a person ("Ambassador"): a noun phrase, no clause, no figure.

A phrase picked from the best sentence ("the words after the question's") is never bold.
``min_score`` and ``min_confidence`` are chosen on the dev halves (benchmarks/fit_bold.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.similarity import key_terms, number_terms, word_set
from assistant.types import Citation, ShortAnswer

# The kinds of answer whose short answer may be bold (``AnswerType`` values).
KINDS = frozenset({"number", "date", "person", "place", "organization"})
# What the policy read of a short answer, recorded in run files (``Answer.short_features``).
FEATURES: tuple[str, ...] = ("confidence", "score", "top", "rivals", "numbers_held", "asked")
_CLAUSE_ROLE = re.compile(r"^(?:who|which|that|whose|whom|where|when)\b|\d", re.IGNORECASE)
_WORD = re.compile(r"\w+")


def features(
    question: str,
    short: ShortAnswer,
    citations: Sequence[Citation],
    confidence: float | None,
) -> tuple[float, ...]:
    """The facts the policy reads of ``short`` (``FEATURES``, in order). ``confidence``: the
    gate's log-odds when the answer went through the gate (a look-up), else None (nan)."""
    cited = next((c for c in citations if c.marker == short.marker), None)
    score = cited.score if cited is not None else float("-inf")
    best = max((c.score for c in citations), default=score)
    passage = f"{cited.passage_text} {cited.source}" if cited is not None else ""
    numbers = number_terms(question)
    words = set(_WORD.findall(short.text.lower()))
    return (
        math.nan if confidence is None else confidence,
        score,
        float(score >= best),
        float(short.rivals),
        float(numbers <= word_set(passage)),
        float(bool(words & set(_WORD.findall(question.lower())))),
    )


@dataclass(frozen=True, slots=True)
class BoldPolicy:
    """See the module's words. ``always``: show every short answer (to measure them)."""

    # Chosen on the dev halves (benchmarks/fit_bold.py): the lowest pair whose pooled
    # precision reaches 0.95 (22 of 180 short answers shown, 0.95 right; 0.86 at worst with
    # one corpus left out).
    min_score: float = 7.0
    min_confidence: float = 0.0
    always: bool = False

    def shows(
        self,
        question: str,
        short: ShortAnswer,
        citations: Sequence[Citation],
        confidence: float | None,
    ) -> bool:
        if self.always:
            return True
        confidence_, score, top, rivals, numbers_held, asked = features(
            question, short, citations, confidence
        )
        sure = math.isnan(confidence_) or confidence_ >= self.min_confidence
        if short.basis == "role":
            return not _CLAUSE_ROLE.search(short.text) and len(short.text.split()) <= 8
        if short.basis == "verdict":
            if short.text == "No":
                return sure and _names_decide(question, short, citations)
            return sure and score >= self.min_score and bool(numbers_held)
        if short.basis not in {"entity", "pattern"} or short.kind not in KINDS:
            return False
        return (
            sure
            and bool(top)
            and score >= self.min_score
            and rivals == 0
            and bool(numbers_held)
            and not asked
        )


def _names_decide(question: str, short: ShortAnswer, citations: Sequence[Citation]) -> bool:
    """Does the clause that decided a "No" name a name the question gives?"""
    cited = next((c for c in citations if c.marker == short.marker), None)
    if cited is None:
        return False
    clause = cited.quote[short.start - cited.start : short.end - cited.start]
    names = {t for t in key_terms(question) if not any(ch.isdigit() for ch in t)}
    return bool(names & word_set(clause))


ALWAYS = BoldPolicy(always=True)
