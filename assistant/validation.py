"""Checks on what users hand the API: questions and conversation history."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import cast

from assistant.errors import InvalidQuestionError
from assistant.types import Role, Turn


def clean_question(question: object, *, max_chars: int) -> str:
    """The question stripped of surrounding space, or ``InvalidQuestionError`` saying why not."""
    if not isinstance(question, str):
        raise InvalidQuestionError(f"The question must be text, not {type(question).__name__}.")
    text = question.strip()
    if not text:
        raise InvalidQuestionError("The question is empty: type a question about the briefing.")
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,}."
        )
    if any(
        unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co"} and ch not in "\t\n" for ch in text
    ):
        raise InvalidQuestionError("The question contains control characters; remove them.")
    return " ".join(text.split())


def parse_history(history: object) -> tuple[Turn, ...]:
    """Accept ``[{"role": "user"|"assistant", "content": str}, ...]`` or ``Turn``s."""
    if history is None:
        return ()
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise InvalidQuestionError("The history must be a list of {role, content} messages.")
    turns: list[Turn] = []
    for position, item in enumerate(history, start=1):
        if isinstance(item, Turn):
            turns.append(item)
            continue
        if not isinstance(item, Mapping):
            raise InvalidQuestionError(
                f"History message {position} is not a {{role, content}} map."
            )
        role, content = item.get("role"), item.get("content")
        if role not in ("user", "assistant"):
            raise InvalidQuestionError(
                f"History message {position} has role {role!r}; use 'user' or 'assistant'."
            )
        if not isinstance(content, str):
            raise InvalidQuestionError(f"History message {position} has no text content.")
        turns.append(Turn(cast(Role, role), content))
    return tuple(turns)
