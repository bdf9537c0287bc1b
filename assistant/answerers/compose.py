"""What an answerer of a reader's question is given and what it gives back.

Every intent but the look-up has an answerer (``Answerer``): it reads the question
(``Request``) and composes an answer from quoted sentences (``Composed``): a draft whose every
sentence cites its quote (checked afterwards like any other), the passages it came from, and
a ``lead`` of its own — a sentence that frames the quotes but asserts nothing about the
documents beyond what the check can see ("The documents do not mention Kim Yo Jong."). A
many-item answer (an overview, an inventory, a list of statements) is laid out as a list.
An answerer that cannot tell returns None and the question is answered as a look-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from assistant.answer.reader import Draft
from assistant.intent.kinds import Reading
from assistant.types import Passage, Turn

Layout = Literal["prose", "list"]


@dataclass(frozen=True, slots=True)
class Request:
    """A question as an answerer sees it: as typed, with its pronoun resolved, as the
    standalone query (with context borrowed from the chat), the chat so far, and what the
    question asks for."""

    question: str
    resolved: str
    query: str
    history: tuple[Turn, ...]
    reading: Reading


@dataclass(frozen=True, slots=True)
class Composed:
    """An answerer's answer before its quotes are checked (see the module's words)."""

    draft: Draft
    passages: tuple[Passage, ...] = ()
    lead: str = ""
    layout: Layout = "prose"


class Answerer(Protocol):
    def answer(self, request: Request) -> Composed | None: ...
