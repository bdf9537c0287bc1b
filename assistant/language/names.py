"""Names as the answer policy compares them: the same person written "Vladimir Putin",
"President Putin", "Putin's" and "Putin"; a place written "the Korean Peninsula" or "Korean
Peninsula"; a sentence-opening word taken into a name by the NER ("Beyond Moscow")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.language.lexicon import FUNCTION_WORDS, TITLES

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_EDGE = ' \t\n,;:!?"“”()[]*_`'


_ABBREVIATED_END = re.compile(r"(?:\b[A-Z]\.)+$")  # "U.S.", "U.N."


def bare(text: str) -> str:
    """A name without "the" in front, a possessive after, or punctuation around it (the full
    stop of an abbreviation kept: "U.S.")."""
    text = _POSSESSIVE.sub("", " ".join(text.split()).strip(_EDGE)).strip(_EDGE)
    ends = text.rstrip(".")
    if text.endswith(".") and not _ABBREVIATED_END.search(text):
        text = ends
    return re.sub(r"^(?:the|The)\s+", "", text)


def without_lead(text: str) -> str:
    """``text`` without leading function words ("Beyond Moscow" → "Moscow")."""
    words = text.split()
    while words and words[0].lower() in FUNCTION_WORDS:
        words.pop(0)
    return " ".join(words)


def person_words(name: str) -> tuple[str, ...]:
    """A person's name as lower-case words, titles left out ("Ambassador Dorothy Shea" →
    ("dorothy", "shea"))."""
    words = [w.lower().strip(".") for w in bare(name).split()]
    return tuple(w for w in words if w and w not in TITLES)


def same_person(short: str, full: str) -> bool:
    """Does ``short`` name the person ``full`` names: the same words, or the last (or first)
    words of it ("Putin" in "Vladimir Putin", "Xi" in "Xi Jinping")?"""
    a, b = person_words(short), person_words(full)
    if not a or not b or len(a) > len(b):
        return False
    return a == b or a == b[-len(a) :] or a == b[: len(a)]


def group_people(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each name → the words of the fullest name of the same person among ``names``
    ("Putin" and "President Putin" → ("vladimir", "putin") when "Vladimir Putin" is there); a
    short form that two fuller names share ("Fenwick" of "Nadia Fenwick" and "Oliver Fenwick")
    stays its own."""
    keys = {name: person_words(name) for name in dict.fromkeys(names)}
    distinct = sorted({k for k in keys.values() if k}, key=len, reverse=True)
    fullest: dict[tuple[str, ...], tuple[str, ...]] = {}
    for key in distinct:  # longest first: a longer key is settled before a shorter uses it
        longer = {
            fullest.get(other, other)
            for other in distinct
            if len(other) > len(key) and (key == other[-len(key) :] or key == other[: len(key)])
        }
        fullest[key] = next(iter(longer)) if len(longer) == 1 else key
    return {name: fullest.get(key, key) for name, key in keys.items() if key}
