"""Lightweight reference resolution: which sentences lean on the one before them, and which
name a personal pronoun most likely stands for."""

from __future__ import annotations

import re

from assistant.chunking import fold
from assistant.types import Chunk

PERSONAL = re.compile(r"\b(she|he|her|him|his|hers)\b", re.IGNORECASE)
# A run of capitalised words (allowing initials like "U.N." and an inner "of"): a name, roughly.
_NAME = re.compile(r"\b(?:[A-Z][\w.’'-]*\s+(?:of\s+)?)*[A-Z][\w.’'-]*")
_TITLES = frozenset({"ambassador", "president", "presidents", "minister", "secretary", "general"})


def names(text: str) -> list[str]:
    """Multi-word capitalised names in order of appearance (single capitalised words, which are
    mostly sentence starts, are left out)."""
    return [m.group(0) for m in _NAME.finditer(text) if " " in m.group(0)]


def person_names(text: str) -> list[str]:
    """Names that look like people: preceded by a title, or two to three words none of which
    is an initialism."""
    found = []
    for name in names(text):
        words = name.split()
        if words[0].lower() in _TITLES or (
            len(words) <= 3 and not any("." in w or w.isupper() for w in words)
        ):
            found.append(name)
    return found


def substitute_personal(text: str, name: str) -> str:
    """Replace the first personal pronoun in ``text`` by ``name`` (possessive kept)."""

    def swap(match: re.Match[str]) -> str:
        return f"{name}'s" if match.group(0).lower() in {"his", "hers"} else name

    return PERSONAL.sub(swap, text, count=1)


def resolve_personal(sentence: str, previous: str) -> str | None:
    """``sentence`` with its first he/she replaced by the person named in ``previous``, or
    None when there is no such pronoun or no such name."""
    if not PERSONAL.search(sentence):
        return None
    people = person_names(previous)
    return substitute_personal(sentence, people[0]) if people else None


# A sentence that leans on the one before it ("She also…", "…in that conflict") is scored both
# alone and with that sentence in front, so the cross-encoder can resolve the reference.
_REFERRING = re.compile(
    r"\b(she|he|her|him|his|they|them|their|it|its|this|that|these|those|both|there)\b",
    re.IGNORECASE,
)


def leans_on_previous(chunk: Chunk, index: int) -> bool:
    return index > 0 and bool(_REFERRING.search(chunk.sentence_texts()[index]))


def with_context(chunk: Chunk, index: int) -> str:
    """Sentence ``index`` of a chunk with the sentence before it in front."""
    texts = chunk.sentence_texts()
    return f"{fold(texts[index - 1])} {fold(texts[index])}"
