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
  word with the question; its sentence holds at least half the question's words;
- or a "No" read off a clause that names what the question names ("…, not Kim Jong Un"), the
  gate confident in it. A "Yes" is never bold: a sentence holding the question's words does
  not show that they hold together ("Did Japan pledge 2 million euros?" beside "The EU
  pledged 2 million euros and Japan 500,000 dollars"), where a "No" is said in so many words;
- or a role the documents give a person ("Ambassador"): a noun phrase, no clause, no figure.

A phrase picked from the best sentence ("the words after the question's") is never bold.
``min_score`` and ``min_confidence`` are chosen on the dev halves (benchmarks/fit_bold.py).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.index.lexical import tokenize
from assistant.language.lexicon import ASKING_WORDS, RELATIVES
from assistant.policy import POLICY
from assistant.retrieve.similarity import key_terms, number_terms, word_set
from assistant.types import Citation, ShortAnswer

# The kinds of answer whose short answer may be bold (``AnswerType`` values).
KINDS = frozenset({"number", "date", "person", "place", "organization"})
# What the policy read of a short answer, recorded in run files (``Answer.short_features``).
FEATURES: tuple[str, ...] = ("confidence", "score", "top", "rivals", "numbers_held", "asked")
_CLAUSE_ROLE = re.compile(rf"\b(?:{RELATIVES})\b|\d", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# The words that ask, as the lexical index reads them: no part of what is asked about.
_WH_WORDS = frozenset(tokenize(ASKING_WORDS))


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
    min_score: float = POLICY.bold_min_score
    min_confidence: float = POLICY.bold_min_confidence
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
            return (
                not _CLAUSE_ROLE.search(short.text)
                and len(short.text.split()) <= POLICY.bold_role_words
                and not asked  # "Colonel" for "Who is Colonel Fenwick?" tells nothing
            )
        if short.basis == "verdict":
            return short.text == "No" and sure and _clause_decides(question, short, citations)
        if short.basis not in {"entity", "pattern"} or short.kind not in KINDS:
            return False
        return (
            sure
            and bool(top)
            and score >= self.min_score
            and rivals == 0
            and bool(numbers_held)
            and not asked
            and _counts_what_is_asked(question, short, citations)
            and _holds_what_is_asked(question, short, citations)
        )


def _span(short: ShortAnswer, citations: Sequence[Citation]) -> tuple[str, str] | None:
    """The quote the short answer was read off, and the short answer's span in it."""
    cited = next((c for c in citations if c.marker == short.marker), None)
    if cited is None:
        return None
    return cited.quote, cited.quote[short.start - cited.start : short.end - cited.start]


def _clause_decides(question: str, short: ShortAnswer, citations: Sequence[Citation]) -> bool:
    """Is the clause that decided a "No" about what is asked: it names a name the question
    gives and holds at least half of the question's words ("not Kim Jong Un" for "Did Kim
    Jong Un go?"; not "It had no support for the WS-3 Pro" for "Will version 3.1 be the last
    release for the WS-3?")?"""
    found = _span(short, citations)
    if found is None:
        return False
    clause = found[1]
    names = {t for t in key_terms(question) if not any(ch.isdigit() for ch in t)}
    asked = set(tokenize(question))
    held = asked & set(tokenize(clause))
    return bool(names & word_set(clause)) and len(held) >= POLICY.bold_no_share * len(asked)


# "How many schools …": the noun a count is of.
_COUNTED = re.compile(r"\bhow many\s+(?:\w+\s+)??(\w+)", re.IGNORECASE)


def _counts_what_is_asked(question: str, short: ShortAnswer, citations: Sequence[Citation]) -> bool:
    """For "how many X", does the number count X (X within a few words of it: "280 people"
    counts no schools)? True for any other question."""
    match = _COUNTED.search(question)
    found = _span(short, citations)
    if match is None or found is None:
        return True
    wanted = set(tokenize(match.group(1)))
    quote, span = found
    at = quote.find(span)
    around = (
        quote[max(0, at - POLICY.count_before_chars) : at + len(span) + POLICY.count_after_chars]
        if at >= 0
        else quote
    )
    return not wanted or bool(wanted & set(tokenize(around)))


def _holds_what_is_asked(
    question: str, short: ShortAnswer, citations: Sequence[Citation]
) -> bool:
    """Does the sentence the answer was read off hold at least ``POLICY.bold_asked_share`` of
    the question's words (its passage's title line counted)? A date read off "The mill pond
    was drained in 2004" answers nothing about "When was the mill wheel restored?"."""
    cited = next((c for c in citations if c.marker == short.marker), None)
    asked = {t for t in tokenize(question) if len(t) > 1 and t not in _WH_WORDS}
    if cited is None or not asked:
        return cited is not None
    held = asked & set(tokenize(f"{cited.quote} {cited.source}"))
    return len(held) >= POLICY.bold_asked_share * len(asked)


ALWAYS = BoldPolicy(always=True)
