"""Which words are English words: the whole-word entries of the packaged cross-encoder's
WordPiece vocabulary (about 21,000 lower-case words; read once, on first use). A word that the
tokenizer must cut into pieces ("summerize" → "summer", "##ize") is not among them."""

from __future__ import annotations

import json
import re
from functools import lru_cache

_WORD = re.compile(r"^[a-z]+$")


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    from assistant.retrieve.rerank import packaged_reranker_dir

    path = packaged_reranker_dir() / "tokenizer.json"
    vocabulary = json.loads(path.read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocabulary if _WORD.match(w))


def is_word(word: str) -> bool:
    """Is ``word`` (any case) an English word the vocabulary holds whole?"""
    return word.lower() in english_words()
