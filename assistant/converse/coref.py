"""Lightweight reference resolution: which sentences lean on the one before them, and which
person a personal pronoun most likely stands for."""

from __future__ import annotations

import re

from assistant.documents.chunking import fold
from assistant.language.entities import people
from assistant.language.lexicon import LEANING, PERSONAL_PRONOUNS, alternation
from assistant.protocols import EntityRecognizer
from assistant.types import Chunk

PERSONAL = re.compile(rf"\b({alternation(PERSONAL_PRONOUNS)})\b", re.IGNORECASE)


def substitute_personal(text: str, name: str) -> str:
    """Replace the first personal pronoun in ``text`` by ``name`` (possessive kept)."""

    def swap(match: re.Match[str]) -> str:
        return f"{name}'s" if match.group(0).lower() in {"his", "hers"} else name

    return PERSONAL.sub(swap, text, count=1)


def resolve_personal(sentence: str, previous: str, recognizer: EntityRecognizer) -> str | None:
    """``sentence`` with its first he/she replaced by the first person named in ``previous``,
    or None when there is no such pronoun or no such person."""
    if not PERSONAL.search(sentence):
        return None
    named = people(recognizer, previous)
    return substitute_personal(sentence, named[0]) if named else None


# A sentence that leans on the one before it ("She also…", "…in that conflict") is scored both
# alone and with that sentence in front, so the cross-encoder can resolve the reference.
_REFERRING = re.compile(rf"\b({LEANING})\b", re.IGNORECASE)


def leans_on_previous(chunk: Chunk, index: int) -> bool:
    return index > 0 and bool(_REFERRING.search(chunk.sentence_texts()[index]))


def with_context(chunk: Chunk, index: int) -> str:
    """Sentence ``index`` of a chunk with the sentence before it in front."""
    texts = chunk.sentence_texts()
    return f"{fold(texts[index - 1])} {fold(texts[index])}"
