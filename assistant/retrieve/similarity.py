"""Cheap lexical similarity used to suppress near-duplicate passages and sentences."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from assistant.language.lexicon import NEGATION_WORDS, QUANTITY_WORDS
from assistant.policy import POLICY

_WORD = re.compile(r"\w+")
# Words that tell otherwise similar sentences apart: any with a digit ("2024", "48,000" →
# "48", "000"), and capitalised words after the first ("… served Lake Varna …").
_KEY_WORD = re.compile(r"\w*\d\w*|(?<=\W)[A-Z]\w*")


# Sentences compared again and again (every candidate with every kept one, per question):
# their word and fact sets are kept for the most recent ones.
_CACHED = 8192


@lru_cache(maxsize=_CACHED)
def word_set(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@lru_cache(maxsize=_CACHED)
def key_terms(text: str) -> frozenset[str]:
    """Numbers and names: what makes "In 2024 the district served 51,000 residents." a
    different fact from "In 2023 the district served 48,000 residents."."""
    return frozenset(m.group(0).lower() for m in _KEY_WORD.finditer(text)) - {"i"}


# Numbers spelt out, and the words that turn a statement round: "six pounds" is not "five
# pounds", "no longer closed" is not "closed".
_NUMBER_WORD = re.compile(rf"\b(?:{QUANTITY_WORDS})\b", re.IGNORECASE)
_NEGATION = re.compile(NEGATION_WORDS, re.IGNORECASE)


@lru_cache(maxsize=_CACHED)
def quantity_terms(text: str) -> frozenset[str]:
    """Numbers, in digits or in words."""
    return number_terms(text) | {m.group(0).lower() for m in _NUMBER_WORD.finditer(text)}


@lru_cache(maxsize=_CACHED)
def fact_terms(text: str) -> frozenset[str]:
    """What makes two similar sentences different facts: numbers (in digits or words), names,
    and negation ("n't" counted as "not")."""
    negations = {"not" if m.group(0).lower() == "n't" else m.group(0).lower()
                 for m in _NEGATION.finditer(text)}  # fmt: skip
    return key_terms(text) | quantity_terms(text) | negations


def is_near_duplicate(text: str, kept: list[str], threshold: float) -> bool:
    """Mostly the same words as a kept text, and the same facts (``fact_terms``)."""
    words, facts = word_set(text), fact_terms(text)
    return any(
        jaccard(words, word_set(other)) >= threshold and facts == fact_terms(other)
        for other in kept
    )


def shared_run(a: str, b: str, length: int) -> bool:
    """Do the texts share ``length`` consecutive words (a templated refrain)?"""
    words_a = _WORD.findall(a.lower())
    words_b = _WORD.findall(b.lower())
    grams = {tuple(words_a[i : i + length]) for i in range(len(words_a) - length + 1)}
    return any(tuple(words_b[i : i + length]) in grams for i in range(len(words_b) - length + 1))


@lru_cache(maxsize=_CACHED)
def number_terms(text: str) -> frozenset[str]:
    """The numbers among ``key_terms``: years, counts, amounts."""
    return frozenset(t for t in key_terms(text) if any(ch.isdigit() for ch in t))


def repeats(
    text: str,
    others: list[str],
    threshold: float,
    *,
    facts: Callable[[str], frozenset[str]] = fact_terms,
) -> bool:
    """Is a sentence a near-repeat of one of ``others``: mostly the same words, or the same
    run of ``POLICY.refrain_words`` words (a templated refrain), and the same ``facts``? Retrieval
    counts numbers, names and negations as facts (never hide one); composing an answer counts
    only quantities (a refrain that adds "in Moscow on Thursday" is said once, a sentence with
    other figures is another fact).
    """
    words, mine = word_set(text), facts(text)
    return any(
        mine == facts(other)
        and (
            jaccard(words, word_set(other)) >= threshold
            or shared_run(text, other, POLICY.refrain_words)
        )
        for other in others
    )
