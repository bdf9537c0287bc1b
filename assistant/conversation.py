"""Turn a follow-up question into a standalone query using the conversation so far (no LLM)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.citations import MARKER
from assistant.coref import PERSONAL, person_names, substitute_personal
from assistant.lexical import tokenize
from assistant.types import Turn

_REFERRING = re.compile(
    r"\b(she|he|her|him|his|hers|they|them|their|theirs|it|its|there|that|this|these|those|"
    r"the event|the same)\b",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(r"^\s*(and|also|what about|how about|and what about)\b", re.IGNORECASE)
_FEW_CONTENT_WORDS = 4


def needs_context(question: str) -> bool:
    """Does the question lean on earlier turns (a pronoun, "and…", or hardly any content)?"""
    return bool(
        _REFERRING.search(question)
        or _CONTINUATION.search(question)
        or len(tokenize(question)) <= _FEW_CONTENT_WORDS
    )


def condense(question: str, history: Sequence[Turn]) -> str:
    """A standalone version of ``question``.

    A personal pronoun is replaced by the first person named in the last exchange; any other
    reliance on context is resolved by appending the previous question, which carries the topic.
    """
    question = question.strip()
    users = [t.content for t in history if t.role == "user"]
    if not users or not needs_context(question):
        return question
    previous = users[-1].strip()
    replies = [t.content for t in history if t.role == "assistant"]
    reply = MARKER.sub("", replies[-1]) if replies else ""
    if PERSONAL.search(question):
        people = [p for p in person_names(reply) + person_names(previous)
                  if p.lower() not in question.lower()]  # fmt: skip
        if people:
            question = substitute_personal(question, people[0])
            if not _REFERRING.search(question) and len(tokenize(question)) > _FEW_CONTENT_WORDS:
                return question
    return f"{question} ({previous})"
