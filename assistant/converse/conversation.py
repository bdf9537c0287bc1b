"""Turn a follow-up question into a standalone query using the conversation so far (no LLM)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer.citations import MARKER
from assistant.converse.coref import PERSONAL, substitute_personal
from assistant.index.lexical import tokenize
from assistant.language.entities import people, things
from assistant.language.lexicon import POINTING_BACK, POSSESSIVES, alternation
from assistant.policy import POLICY
from assistant.protocols import EntityRecognizer
from assistant.types import Turn

# Words that point back into the conversation (``POINTING_BACK``).
_REFERRING = re.compile(rf"\b({POINTING_BACK})\b", re.IGNORECASE)
_POSSESSIVE = re.compile(rf"\b({alternation(POSSESSIVES)})\b", re.IGNORECASE)
_CONTINUATION = re.compile(
    r"^\s*(and|also|what about|how about|and what about|what else)\b", re.IGNORECASE
)
# A name or a number makes a short question stand on its own ("What is the capital of France?").
_NAME_OR_NUMBER = re.compile(r"(?<=\s)[A-Z]|\d")


def needs_context(question: str) -> bool:
    """Does the question lean on earlier turns: a pronoun or demonstrative, an opening "and…"
    or "what about…", or almost no content of its own ("Why?", "Where exactly?")?"""
    if _REFERRING.search(question) or _CONTINUATION.search(question):
        return True
    return len(tokenize(question)) <= POLICY.elliptical_words and not _NAME_OR_NUMBER.search(
        question
    )


def _last_person(
    question: str, history: Sequence[Turn], recognizer: EntityRecognizer
) -> str | None:
    """The first person named in the newest turn that names one the question does not."""
    for turn in reversed(history):
        for person in people(recognizer, MARKER.sub("", turn.content)):
            if person.lower() not in question.lower():
                return person
    return None


def condense(question: str, history: Sequence[Turn], recognizer: EntityRecognizer) -> str:
    """A standalone version of ``question``: the question with its pronoun resolved, then
    any borrowed context in parentheses (see ``resolve``)."""
    return standalone(*resolve(question, history, recognizer))


def standalone(resolved: str, context: str) -> str:
    """The query retrieval sees: the resolved question, then the borrowed context."""
    return f"{resolved} ({context})" if context else resolved


def resolve(
    question: str, history: Sequence[Turn], recognizer: EntityRecognizer
) -> tuple[str, str]:
    """``(question with its pronoun resolved, context borrowed from the chat or "")``.

    A personal pronoun is replaced by the person the last answer (else the last question,
    else the turns before, newest first) names. Any other reliance on context is resolved by
    borrowing the previous question and the places, organisations and things the last answer
    names, which carry the topic.
    """
    question = question.strip()
    users = [t.content for t in history if t.role == "user"]
    if not users or not needs_context(question):
        return question, ""
    previous = users[-1].strip()
    replies = [t.content for t in history if t.role == "assistant"]
    reply = MARKER.sub("", replies[-1]) if replies else ""
    if PERSONAL.search(question):
        if _POSSESSIVE.search(question) and people(recognizer, question):
            # "What did Starmer say about his plans?": the possessive is the named person's.
            if not _REFERRING.search(_POSSESSIVE.sub("", question)):
                return question, ""
        elif named := _last_person(question, history, recognizer):
            question = substitute_personal(question, named)
            if not _REFERRING.search(question):
                return question, ""
    said = f"{question} {previous}".lower()
    topic = [t for t in things(recognizer, reply) if t.lower() not in said]
    return question, " ".join([previous, *dict.fromkeys(topic)])
