"""What each stage of the answer chain (``assistant.chain``) hands the next: one frozen type a
stage, read top to bottom in the order a question goes through them.

    Asked ─condense→ Condensed ─intent→ Routed ─route→ one of two paths:
      look-up:   Routed ─retrieve→ Retrieved ─read→ Read ─cite→ Cited[Read] ─gate→ Gated
                 ─write→ Answer
      answerer:  Routed ─compose→ Composition ─cite→ Cited[Composition] ─lay out→ Answer

(An answerer that cannot tell composes nothing, and the question takes the look-up path.)
A type holds only what its stage found and what a later stage still needs: ``Routed`` (the
question as the rest of the chain sees it) rides along in ``Retrieved``, ``Read`` and
``Composition``; ``Cited`` holds the draft it checked; ``Gated`` the ``Read`` it judged (its
own text, citations and short answer replace the cited ones). The stages themselves, and
how they are strung into a LangChain runnable, are in ``assistant.chain``; this module holds
data only and imports no LangChain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from assistant.answer.abstention import Signals
from assistant.answer.reader import Draft
from assistant.answerers.compose import Layout
from assistant.intent.kinds import Reading
from assistant.types import Citation, Passage, ShortAnswer, Turn


@dataclass(frozen=True, slots=True)
class Asked:
    """The chain's input: the question, the chat so far, how many passages to read
    (``None``: the settings'), whether a writer (if the chain has one) writes this answer,
    and who hears its text as it comes."""

    question: str
    history: tuple[Turn, ...] = ()
    top_k: int | None = None
    write: bool = True
    on_text: Callable[[str], None] | None = None


@dataclass(frozen=True, slots=True)
class Condensed:
    """condense: the question with its pronoun resolved, and the standalone query (a
    follow-up with the context it borrows from the chat)."""

    asked: Asked
    resolved: str
    query: str


@dataclass(frozen=True, slots=True)
class Routed:
    """intent: what the question asks for, which decides the path. The question as every
    later stage sees it."""

    asked: Asked
    resolved: str
    query: str
    reading: Reading


# -- the look-up path ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Retrieved:
    """retrieve: the ranked passages, best first."""

    routed: Routed
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Read:
    """read: the reader's draft from those passages, its quotes not yet checked."""

    routed: Routed
    passages: tuple[Passage, ...]
    draft: Draft


# -- the answerers' path -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Composition:
    """compose: an intent's answerer's draft, the passages it quotes, its own framing
    sentence (``lead``) and how the answer is laid out."""

    routed: Routed
    passages: tuple[Passage, ...]
    draft: Draft
    lead: str
    layout: Layout


# -- both ------------------------------------------------------------------------------------

Drafted = TypeVar("Drafted", Read, Composition)


@dataclass(frozen=True, slots=True)
class Cited(Generic[Drafted]):
    """cite: the draft's text and citations with every quote checked against its passage,
    and its short answer if that survived."""

    drafted: Drafted
    text: str
    citations: tuple[Citation, ...]
    short: ShortAnswer | None


@dataclass(frozen=True, slots=True)
class Gated:
    """gate: whether the documents answer the question, and the answer as the gate lets it
    out — the cited text with the short answer in front, a precise refusal, or "The
    documents do not say." without citations; ``short_features``: what the bold model read
    of the short answer it weighed."""

    read: Read
    text: str
    citations: tuple[Citation, ...]
    short: ShortAnswer | None
    abstained: bool
    signals: Signals | None
    confidence: float
    short_features: tuple[float, ...] = ()
