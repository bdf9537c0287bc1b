"""Checks on what users hand the API: questions and conversation history."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import TypeVar, cast

from assistant.errors import InvalidQuestionError
from assistant.types import Role, Turn

_Message = TypeVar("_Message", bound=Mapping[str, object] | Turn)

MAX_HISTORY_MESSAGES = 50
MAX_HISTORY_CHARS = 20_000

# Format characters (Unicode category Cf) that steer how text is shown rather than being part
# of it: bidirectional embeddings, overrides and isolates (which can make text read other
# than it is), deprecated format characters, interlinear annotations and the language tag.
# Every other format character is text: joiners (ZWJ in emoji sequences, ZWNJ in Persian),
# direction marks, soft hyphens, emoji tag sequences, …
_NOT_TEXT_FORMAT = frozenset(
    [*range(0x202A, 0x202F), *range(0x2066, 0x2070), *range(0xFFF9, 0xFFFC), 0xE0001]
)
_LINE_SPACE = frozenset("\t\n\r")


def _is_control(ch: str) -> bool:
    """Is ``ch`` a control character, not text: C0/C1 controls other than tabs and line
    breaks, surrogates, private-use characters and format characters that are not text?"""
    category = unicodedata.category(ch)
    if category == "Cf":
        return ord(ch) in _NOT_TEXT_FORMAT
    return category in {"Cc", "Cs", "Co"} and ch not in _LINE_SPACE


def _controls(text: str) -> str:
    """The control characters in ``text``, named ("U+202E, U+0000"), or "" when none."""
    found = dict.fromkeys(ch for ch in text if _is_control(ch))
    return ", ".join(f"U+{ord(ch):04X}" for ch in list(found)[:3])


def printable_name(name: str) -> str:
    """A file name as one line of a message: control characters, line breaks and tabs
    included, written as escapes ("bad\\nname\\x1b[31m.pdf"), so a name cannot forge a line
    or colour a terminal."""
    if not any(_is_control(ch) or ch in _LINE_SPACE for ch in name):
        return name
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if _is_control(ch) or ch in _LINE_SPACE
        else ch
        for ch in name
    )  # fmt: skip


def _visible(ch: str) -> bool:
    """Not space and not an invisible format character (U+200B zero width space, U+2060
    word joiner, U+FEFF byte order mark, …)."""
    return not ch.isspace() and unicodedata.category(ch) != "Cf"


def check_top_k(top_k: object) -> None:
    """A ``top_k`` given for one question is an int from 1 to 20 (``InvalidQuestionError``)."""
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 20
    ):
        raise InvalidQuestionError(f"top_k must be between 1 and 20. Currently, it is {top_k}")


def clean_question(question: object, *, max_chars: int) -> str:
    """The question stripped of surrounding space, or ``InvalidQuestionError`` saying why not."""
    if not isinstance(question, str):
        raise InvalidQuestionError(f"The question must be text, not {type(question).__name__}.")
    text = question.strip()
    if not any(_visible(ch) for ch in text):
        raise InvalidQuestionError("The question is empty: type a question about the briefing.")
    if len(text) > max_chars:
        raise InvalidQuestionError(
            f"The question is {len(text):,} characters long; the limit is {max_chars:,}."
        )
    if found := _controls(text):
        raise InvalidQuestionError(
            f"The question contains control characters ({found}); remove them."
        )
    return " ".join(text.split())


def parse_history(
    history: object,
    *,
    max_messages: int = MAX_HISTORY_MESSAGES,
    max_chars: int = MAX_HISTORY_CHARS,
) -> tuple[Turn, ...]:
    """Accept ``[{"role": "user"|"assistant", "content": str}, ...]`` or ``Turn``s: at most
    ``max_messages`` messages of ``max_chars`` characters in all (``recent_history`` keeps
    the newest that fit). User messages are held to the rules of questions; assistant ones,
    which quote the documents, may hold whatever a document may, except NUL."""
    if history is None:
        return ()
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise InvalidQuestionError("The history must be a list of {role, content} messages.")
    if len(history) > max_messages:
        raise InvalidQuestionError(
            f"The history has {len(history):,} messages; the limit is {max_messages:,}"
            " (send only the most recent ones)."
        )
    turns = tuple(_turn(item, position) for position, item in enumerate(history, start=1))
    total = sum(len(turn.content) for turn in turns)
    if total > max_chars:
        raise InvalidQuestionError(
            f"The history is {total:,} characters long; the limit is {max_chars:,}"
            " (send only the most recent messages)."
        )
    return turns


def _turn(item: object, position: int) -> Turn:
    if isinstance(item, Turn):
        turn = item
    elif not isinstance(item, Mapping):
        raise InvalidQuestionError(f"History message {position} is not a {{role, content}} map.")
    else:
        role, content = item.get("role"), item.get("content")
        if role not in ("user", "assistant"):
            raise InvalidQuestionError(
                f"History message {position} has role {role!r}; use 'user' or 'assistant'."
            )
        if not isinstance(content, str):
            raise InvalidQuestionError(f"History message {position} has no text content.")
        turn = Turn(cast(Role, role), content)
    found = _controls(turn.content) if turn.role == "user" else _nul(turn.content)
    if found:
        raise InvalidQuestionError(
            f"History message {position} contains control characters ({found}); remove them."
        )
    return turn


def _nul(text: str) -> str:
    """What no document can hold, so no answer quoting one either: NUL and lone surrogates."""
    found = dict.fromkeys(ch for ch in text if ch == "\x00" or unicodedata.category(ch) == "Cs")
    return ", ".join(f"U+{ord(ch):04X}" for ch in found)


def recent_history(
    history: Sequence[_Message],
    *,
    max_messages: int = MAX_HISTORY_MESSAGES,
    max_chars: int = MAX_HISTORY_CHARS,
) -> list[_Message]:
    """The newest messages of a chat that ``parse_history`` accepts by size, in order: what a
    long conversation should send along with its next question."""
    kept: list[_Message] = []
    total = 0
    for item in reversed(history[-max_messages:]):
        content = item.content if isinstance(item, Turn) else item.get("content")
        total += len(content) if isinstance(content, str) else 0
        if total > max_chars:
            break
        kept.append(item)
    return kept[::-1]
