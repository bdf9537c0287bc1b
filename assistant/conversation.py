"""Turn a follow-up question into a standalone query using the conversation so far (no LLM)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.citations import MARKER
from assistant.lexical import tokenize
from assistant.types import Turn

_PERSONAL = re.compile(r"\b(she|he|her|him|his|hers)\b", re.IGNORECASE)
_REFERRING = re.compile(
    r"\b(she|he|her|him|his|hers|they|them|their|theirs|it|its|there|that|this|these|those|"
    r"the event|the same)\b",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(r"^\s*(and|also|what about|how about|and what about)\b", re.IGNORECASE)
# A run of capitalised words (allowing initials like "U.N." and inner "of"): a name, roughly.
_NAME = re.compile(r"\b(?:[A-Z][\w.’'-]*\s+(?:of\s+)?)*[A-Z][\w.’'-]*")
_FEW_CONTENT_WORDS = 4


def needs_context(question: str) -> bool:
    """Does the question lean on earlier turns (a pronoun, "and…", or hardly any content)?"""
    return bool(
        _REFERRING.search(question)
        or _CONTINUATION.search(question)
        or len(tokenize(question)) <= _FEW_CONTENT_WORDS
    )


def _names(text: str) -> list[str]:
    """Multi-word capitalised names, in order, without sentence-initial single words."""
    return [m.group(0) for m in _NAME.finditer(text) if " " in m.group(0)]


def condense(question: str, history: Sequence[Turn]) -> str:
    """A standalone version of ``question``.

    A personal pronoun is replaced by the first name mentioned in the last exchange; any other
    reliance on context is resolved by appending the previous question, which carries the topic.
    """
    question = question.strip()
    users = [t.content for t in history if t.role == "user"]
    if not users or not needs_context(question):
        return question
    previous = users[-1].strip()
    replies = [t.content for t in history if t.role == "assistant"]
    reply = MARKER.sub("", replies[-1]) if replies else ""
    if _PERSONAL.search(question):
        names = [n for n in _names(previous) + _names(reply) if n.lower() not in question.lower()]
        if names:
            name = names[0]
            question = _PERSONAL.sub(lambda m: _substitute(m.group(0), name), question, count=1)
            if not _REFERRING.search(question) and len(tokenize(question)) > _FEW_CONTENT_WORDS:
                return question
    return f"{question} ({previous})"


def _substitute(pronoun: str, name: str) -> str:
    return f"{name}'s" if pronoun.lower() in {"his", "hers"} else name
