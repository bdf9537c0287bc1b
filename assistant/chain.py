"""The LCEL runnable over a frozen ``ChainState``: condense → intent, then by what the question
asks for either a look-up — retrieve → read → cite → gate → write — or the intent's answerer
(an overview, a profile, …): compose → cite → lay out.

``write`` runs only with a writer (``--mode llm``) and only for a question the gate let
through: the writer's draft is checked sentence by sentence against the passages
(``assistant.answer.grounding``) and replaces the extractive text when any of it holds."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer.abstention import Signals, answer_signals
from assistant.answer.bold import ALWAYS, BoldPolicy, features
from assistant.answer.citations import split_cited, verify, verify_short, with_marker, with_short
from assistant.answer.compose import Answerer, Composed, Layout, Request
from assistant.answer.grounding import carry_short, ground
from assistant.answer.intent import LOOKUP, Intent, Reading, read_intent
from assistant.answer.reader import ABSTAIN_TEXT, Draft, ReadRequest
from assistant.converse.conversation import resolve, standalone
from assistant.errors import LLMServerError
from assistant.protocols import AbstentionPolicy, EntityRecognizer, Reader
from assistant.retrieve.hybrid import document_to_passage
from assistant.retrieve.similarity import key_terms, word_set
from assistant.types import Answer, Citation, DroppedSentence, Passage, ShortAnswer, Turn

_NO_TIMINGS: Mapping[str, float] = MappingProxyType({})
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ChainState:
    """What flows through the chain; each step returns a copy with its part filled in."""

    question: str
    history: tuple[Turn, ...] = ()
    top_k: int | None = None
    # whether a writer (if the chain has one) writes this answer, and who hears its text
    write: bool = True
    on_text: Callable[[str], None] | None = None
    # condense: the question with its pronoun resolved, and the standalone query
    resolved: str = ""
    query: str = ""
    # intent: what the question asks for
    reading: Reading = LOOKUP
    # compose (an intent's answerer): its own framing sentence, and how the answer is laid out
    lead: str = ""
    layout: Layout = "prose"
    # bold: what the bold model read of the short answer it weighed (shown or not)
    short_features: tuple[float, ...] = ()
    # retrieve
    passages: tuple[Passage, ...] = ()
    # read
    draft: Draft | None = None
    # cite: the verified text and citations, and the short answer if it survived
    text: str = ""
    citations: tuple[Citation, ...] = ()
    short: ShortAnswer | None = None
    # gate
    abstained: bool = False
    signals: Signals | None = None
    confidence: float = float("-inf")
    # write
    written: bool = False
    fell_back: bool = False
    dropped: tuple[DroppedSentence, ...] = ()
    writer_error: str | None = None
    timings: Mapping[str, float] = field(default_factory=lambda: _NO_TIMINGS)


def _timed(name: str, step: Callable[[ChainState], ChainState]) -> Runnable[ChainState, ChainState]:
    def run(state: ChainState) -> ChainState:
        began = time.perf_counter()
        out = step(state)
        timings = {**state.timings, name: (time.perf_counter() - began) * 1000}
        return replace(out, timings=MappingProxyType(timings))

    return RunnableLambda(run, name=name)


def build_chain(
    retriever: BaseRetriever,
    reader: Reader,
    gate: AbstentionPolicy,
    recognizer: EntityRecognizer,
    *,
    writer: Reader | None = None,
    writer_passages: int = 3,
    guard: Callable[[], AbstractContextManager[object]] = nullcontext,
    answerers: Mapping[Intent, Answerer] | None = None,
    readers: Mapping[Intent, Reader] | None = None,
    bold: BoldPolicy = ALWAYS,
) -> Runnable[ChainState, Answer]:
    """Input a ``ChainState`` with the question, history and (optionally) ``top_k``; output
    an ``Answer``. Timings (milliseconds) are recorded per stage in ``Answer.timings``.

    ``writer`` (optional) rewrites an answer the gate let through from the best
    ``writer_passages`` passages; its markers number those passages. ``guard()`` is held
    while retrieval (or an answerer) reads the store. ``answerers``: one per intent other
    than the look-up; a question whose intent has none, or whose answerer cannot tell, is
    answered as a look-up. ``readers``: a reader of the look-up path for an intent ("why"
    questions) instead of ``reader``. ``bold`` decides whether a short answer is shown."""
    by_intent: Mapping[Intent, Answerer] = answerers or {}
    reader_of: Mapping[Intent, Reader] = readers or {}

    def condense_step(state: ChainState) -> ChainState:
        resolved, context = resolve(state.question, state.history, recognizer)
        return replace(state, query=standalone(resolved, context), resolved=resolved)

    def intent_step(state: ChainState) -> ChainState:
        return replace(state, reading=read_intent(state.resolved or state.question))

    def retrieve_step(state: ChainState) -> ChainState:
        with guard():
            documents = retriever.invoke(state.query, top_k=state.top_k, question=state.question)
        return replace(state, passages=tuple(document_to_passage(d) for d in documents))

    def read_step(state: ChainState) -> ChainState:
        request = ReadRequest(state.question, state.query, state.history, state.passages)
        chosen = reader_of.get(state.reading.intent, reader)
        return replace(state, draft=chosen.read(request))

    def cite_step(state: ChainState) -> ChainState:
        draft = _draft(state)
        text, citations = verify(draft.text, draft.citations)
        short = verify_short(draft.short, draft.citations, citations)
        return replace(state, text=text, citations=citations, short=short)

    def gate_step(state: ChainState) -> ChainState:
        # The question as typed and with its pronoun resolved, never the borrowed context:
        # words of the previous question must not make an answer look on-topic.
        questions = (state.question, state.resolved)
        signals = answer_signals(questions, state.passages, state.citations, recognizer)
        confidence = gate.confidence(signals) if signals else float("-inf")
        draft = _draft(state)
        confident = signals is not None and confidence >= gate.threshold
        if draft.abstained and draft.lead and confident and state.citations:
            # A precise refusal ("The documents do not say why; they report: …") on the
            # question: what the documents do say stays, cited.
            return replace(
                state,
                text=f"{draft.lead} {state.text}",
                short=None,
                abstained=True,
                signals=signals,
                confidence=confidence,
            )
        # A "No" read off a clause that denies what the question says of someone it names
        # ("…, not Kim Jong Un") is precise whatever the gate thinks of the passage.
        precise = denies(state.question, state.short, state.citations)
        abstained = draft.abstained or not (confident or precise)
        short, weighed = (None, ()) if abstained else weigh(state, confidence)
        return replace(
            state,
            text=ABSTAIN_TEXT if abstained else with_short(state.text, short),
            citations=() if abstained else state.citations,
            short=short,
            abstained=abstained,
            signals=signals,
            confidence=confidence,
            short_features=weighed,
        )

    def weigh(
        state: ChainState, confidence: float | None
    ) -> tuple[ShortAnswer | None, tuple[float, ...]]:
        """The short answer if the bold model is sure enough of it, and what it read."""
        if state.short is None:
            return None, ()
        values = features(state.question, state.short, state.citations, confidence)
        shown = bold.shows(state.question, state.short, state.citations, confidence)
        return (state.short if shown else None), values

    def write_step(state: ChainState) -> ChainState:
        if writer is None or not state.write or state.abstained:
            return state  # no call when the gate refused
        passages = state.passages[:writer_passages]
        # kept sentences must be about the question as typed or with its pronoun resolved
        topic = f"{state.question} {state.resolved}"
        heard = None if state.on_text is None else _checked(state.on_text, passages, topic)
        request = ReadRequest(state.question, state.query, state.history, passages, on_text=heard)
        try:
            draft = writer.read(request)
            if draft.abstained:
                return replace(state, fell_back=True)
            grounded = ground(draft.text, passages, topic)
        except LLMServerError as exc:
            return replace(state, fell_back=True, writer_error=str(exc))
        except Exception as exc:  # a writer's own fault: the extractive answer, and why
            logger.exception("the answer writer failed")
            return replace(state, fell_back=True, writer_error=f"The answer writer failed: {exc}")
        if not grounded.citations:  # nothing held: the extractive answer stands
            return replace(state, fell_back=True, dropped=grounded.dropped)
        short = carry_short(state.short, state.citations, grounded.citations)
        return replace(
            state,
            text=with_short(grounded.text, short),
            citations=grounded.citations,
            short=short,
            written=True,
            dropped=grounded.dropped,
        )

    def finish(state: ChainState) -> Answer:
        timings = dict(state.timings)
        timings["total"] = sum(timings.values())
        draft = _draft(state)
        return Answer(
            question=state.question,
            query=state.query,
            text=state.text,
            citations=state.citations,
            passages=state.passages,
            abstained=state.abstained,
            intent=state.reading.intent.value,
            layout=state.layout,
            short_features=state.short_features,
            reader_score=draft.score,
            reader_score_kind=draft.score_kind,
            short=state.short,
            confidence=state.confidence,
            signals=state.signals,
            timings=timings,
            written=state.written,
            fell_back=state.fell_back,
            dropped=state.dropped,
            writer_error=state.writer_error,
        )

    def compose(state: ChainState, answerer: Answerer) -> Composed | None:
        request = Request(state.question, state.resolved, state.query, state.history, state.reading)
        with guard():
            return answerer.answer(request)

    def composed_steps(composed: Composed) -> Runnable[ChainState, ChainState]:
        def take(state: ChainState) -> ChainState:
            return replace(
                state,
                passages=composed.passages,
                draft=composed.draft,
                lead=composed.lead,
                layout=composed.layout,
            )

        def lay_out(state: ChainState) -> ChainState:
            draft = _draft(state)
            if not state.citations and not draft.abstained:  # nothing held: nothing to say
                return replace(state, text=ABSTAIN_TEXT, abstained=True, short=None)
            short, weighed = weigh(state, None)
            state = replace(state, short=short, short_features=weighed)
            body = layout(state.text, state.short, state.layout)
            text = (
                f"{state.lead}\n{body}"
                if state.layout == "list" and state.lead
                else (" ".join(t for t in (state.lead, body) if t))
            )
            return replace(state, text=text, abstained=draft.abstained)

        return _timed("compose", take) | _timed("cite", cite_step) | _timed("lay out", lay_out)

    looked_up = (
        _timed("retrieve", retrieve_step)
        | _timed("read", read_step)
        | _timed("cite", cite_step)
        | _timed("gate", gate_step)
    )
    if writer is not None:
        looked_up = looked_up | _timed("write", write_step)

    def route(state: ChainState) -> ChainState:
        answerer = by_intent.get(state.reading.intent)
        if answerer is not None:
            began = time.perf_counter()
            composed = compose(state, answerer)
            spent = {**state.timings, "compose": (time.perf_counter() - began) * 1000}
            state = replace(state, timings=MappingProxyType(spent))
            if composed is not None:
                return composed_steps(composed).invoke(state)
        return looked_up.invoke(state)

    steps = (
        _timed("condense", condense_step)
        | _timed("intent", intent_step)
        | RunnableLambda(route, name="route")
    )
    return steps | RunnableLambda(finish, name="answer")


def denies(question: str, short: ShortAnswer | None, citations: Sequence[Citation]) -> bool:
    """Is ``short`` a "No" whose deciding clause (its span in its citation) names someone or
    something the question names?"""
    if short is None or short.basis != "verdict" or short.text != "No":
        return False
    cited = next((c for c in citations if c.marker == short.marker), None)
    if cited is None:
        return False
    clause = cited.quote[short.start - cited.start : short.end - cited.start]
    names = {t for t in key_terms(question) if not any(ch.isdigit() for ch in t)}
    return bool(names & word_set(clause))


def layout(text: str, short: ShortAnswer | None, how: Layout) -> str:
    """Verified answer text as the reader sees it: prose with the short answer in front, or
    (a ``list`` of two or more cited pieces) one piece a line, each a "- " bullet."""
    pieces = split_cited(text)
    if how != "list" or len(pieces) < 2:
        return with_short(text, short)
    lines = [with_marker(_unmarked(p.text), p.marker) if p.marker else p.text for p in pieces]
    return "\n".join(f"- {line}" for line in lines)


_LIST_MARKER = re.compile(r"^(?:[-*•+–]|\d{1,3}[.)])\s+")


def _unmarked(text: str) -> str:
    """A list item's text without the marker a quote may still carry ("- Water: …")."""
    return _LIST_MARKER.sub("", text, count=1)


def _checked(
    hear: Callable[[str], None], passages: tuple[Passage, ...], topic: str
) -> Callable[[str], None]:
    """What a streaming writer calls with its raw text: passes on each finished sentence that
    the check keeps (its marker left out: the final answer renumbers them), nothing else —
    no unchecked text reaches the listener."""
    buffer: list[str] = []
    finished = 0
    said = False

    def take(piece: str) -> None:
        nonlocal finished, said
        buffer.append(piece)
        pieces = split_cited("".join(buffer))
        for done in pieces[finished : len(pieces) - 1]:  # the last may still be growing
            if done.marker is not None:
                kept = ground(with_marker(done.text, done.marker), passages, topic)
                if kept.citations:
                    hear(f" {done.text}" if said else done.text)
                    said = True
        finished = max(finished, len(pieces) - 1)

    return take


def _draft(state: ChainState) -> Draft:
    if state.draft is None:
        raise RuntimeError("The chain's read step has not run.")
    return state.draft
