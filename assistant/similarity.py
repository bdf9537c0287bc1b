"""Cheap lexical similarity used to suppress near-duplicate passages and sentences."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")


def word_set(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_near_duplicate(words: frozenset[str], kept: list[frozenset[str]], threshold: float) -> bool:
    return any(jaccard(words, other) >= threshold for other in kept)


def shared_run(a: str, b: str, length: int) -> bool:
    """Do the texts share ``length`` consecutive words (a templated refrain)?"""
    words_a = _WORD.findall(a.lower())
    words_b = _WORD.findall(b.lower())
    grams = {tuple(words_a[i : i + length]) for i in range(len(words_a) - length + 1)}
    return any(tuple(words_b[i : i + length]) in grams for i in range(len(words_b) - length + 1))


REFRAIN_WORDS = 7


def repeats(text: str, others: list[str], threshold: float) -> bool:
    """Is a sentence a near-repeat of one of ``others``: mostly the same words, or the same
    run of ``REFRAIN_WORDS`` words (the briefing's "Russia and China denounce sanctions on
    North Korea…" refrain)?"""
    words = word_set(text)
    return any(
        jaccard(words, word_set(other)) >= threshold or shared_run(text, other, REFRAIN_WORDS)
        for other in others
    )
