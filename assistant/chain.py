"""The answer chain: a LangChain (LCEL) runnable of stages. Each stage is a plain function
from the frozen type the stage before it returns to a type of its own (the types are in
``assistant.stages``), so a question's route reads off the signatures:

    condense     Asked → Condensed
    intent       Condensed → Routed
    route        to the intent's answerer when there is one and it can tell, else the look-up
      look-up    retrieve   Routed → Retrieved
                 read       Retrieved → Read
                 cite       Read → Cited[Read]
                 gate       Cited[Read] → Gated
                 write      Gated → Answer
      answerer   compose    Routed → Composition (None: it cannot tell; the look-up answers)
                 cite       Composition → Cited[Composition]
                 lay out    Cited[Composition] → Answer

``write`` calls the writer only with one (``--mode llm``) and only for a question the gate let
through: the writer's draft is checked sentence by sentence against the passages
(``assistant.answer.grounding``) and replaces the extractive text when any of it holds.
Without a writer it hands the gate's answer on, untimed.

LangChain stays at the edge: ``_stage`` wraps a stage in a ``RunnableLambda`` that passes its
result on in a ``Timed`` envelope holding every stage's time so far, and ``|`` strings them
(mypy checks that each stage takes what the one before gives)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import partial
from types import MappingProxyType
from typing import Generic, TypeVar

from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer.abstention import answer_signals
from assistant.answer.bold import ALWAYS, BoldPolicy, features
from assistant.answer.citations import split_cited, verify, verify_short, with_marker, with_short
from assistant.answer.grounding import carry_short, ground
from assistant.answer.reader import ABSTAIN_TEXT, ReadRequest
from assistant.answerers.compose import Answerer, Layout, Request
from assistant.converse.conversation import resolve, standalone
from assistant.errors import LLMServerError
from assistant.intent.classifier import read_intent
from assistant.intent.kinds import Intent
from assistant.protocols import AbstentionPolicy, EntityRecognizer, QuestionMender, Reader
from assistant.retrieve.hybrid import document_to_passage
from assistant.retrieve.similarity import key_terms, word_set
from assistant.stages import (
    Asked,
    Cited,
    Composition,
    Condensed,
    Drafted,
    Gated,
    Read,
    Retrieved,
    Routed,
)
from assistant.types import Answer, Citation, Passage, ShortAnswer

logger = logging.getLogger(__name__)
In = TypeVar("In")
Out = TypeVar("Out")


@dataclass(frozen=True, slots=True)
class Timed(Generic[In]):
    """A stage's result, and how long each stage so far took (milliseconds)."""

    value: In
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


def _run(name: str, stage: Callable[[In], Out], timed: Timed[In]) -> Timed[Out]:
    began = time.perf_counter()
    out = stage(timed.value)
    spent = (time.perf_counter() - began) * 1000
    return Timed(out, MappingProxyType({**timed.timings, name: spent}))


def _stage(
    name: str, stage: Callable[[In], Out], *, timed: bool = True
) -> Runnable[Timed[In], Timed[Out]]:
    """``stage`` as a runnable, its time recorded under ``name`` (unless not ``timed``)."""

    def run(before: Timed[In]) -> Timed[Out]:
        return _run(name, stage, before) if timed else Timed(stage(before.value), before.timings)

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
    mender: QuestionMender | None = None,
) -> Runnable[Asked, Answer]:
    """Input an ``Asked`` (the question, history and, optionally, ``top_k``); output an
    ``Answer``. Timings (milliseconds) are recorded per stage in ``Answer.timings``.

    ``writer`` (optional) rewrites an answer the gate let through from the best
    ``writer_passages`` passages; its markers number those passages. ``guard()`` is held
    while retrieval (or an answerer) reads the store. ``answerers``: one per intent other
    than the look-up; a question whose intent has none, or whose answerer cannot tell, is
    answered as a look-up. ``readers``: a reader of the look-up path for an intent ("why"
    questions) instead of ``reader``. ``bold`` decides whether a short answer is shown.
    ``mender`` mends the question's misspelt words first (``assistant.converse.spelling``):
    every stage, and the answer, sees the question as mended."""
    by_intent: Mapping[Intent, Answerer] = answerers or {}
    reader_of: Mapping[Intent, Reader] = readers or {}

    def condense(asked: Asked) -> Condensed:
        if mender is not None:
            with guard():
                asked = replace(asked, question=mender.mend(asked.question))
        resolved, context = resolve(asked.question, asked.history, recognizer)
        return Condensed(asked, resolved, standalone(resolved, context))

    def intent(condensed: Condensed) -> Routed:
        reading = read_intent(condensed.resolved or condensed.asked.question)
        return Routed(condensed.asked, condensed.resolved, condensed.query, reading)

    # -- the look-up path ------------------------------------------------------------------

    def retrieve(routed: Routed) -> Retrieved:
        asked = routed.asked
        with guard():
            documents = retriever.invoke(routed.query, top_k=asked.top_k, question=asked.question)
        return Retrieved(routed, tuple(document_to_passage(d) for d in documents))

    def read(retrieved: Retrieved) -> Read:
        routed, passages = retrieved.routed, retrieved.passages
        request = ReadRequest(routed.asked.question, routed.query, routed.asked.history, passages)
        chosen = reader_of.get(routed.reading.intent, reader)
        return Read(routed, passages, chosen.read(request))

    def cite(drafted: Drafted) -> Cited[Drafted]:
        draft = drafted.draft
        text, citations = verify(draft.text, draft.citations)
        short = verify_short(draft.short, draft.citations, citations)
        return Cited(drafted, text, citations, short)

    def gate_step(cited: Cited[Read]) -> Gated:
        drafted = cited.drafted
        question, draft = drafted.routed.asked.question, drafted.draft
        # The question as typed and with its pronoun resolved, never the borrowed context:
        # words of the previous question must not make an answer look on-topic.
        questions = (question, drafted.routed.resolved)
        signals = answer_signals(questions, drafted.passages, cited.citations, recognizer)
        confidence = gate.confidence(signals) if signals else float("-inf")
        confident = signals is not None and confidence >= gate.threshold
        if draft.abstained and draft.lead and confident and cited.citations:
            # A precise refusal ("The documents do not say why; they report: …") on the
            # question: what the documents do say stays, cited.
            text = f"{draft.lead} {cited.text}"
            return Gated(
                drafted,
                text,
                cited.citations,
                None,
                abstained=True,
                signals=signals,
                confidence=confidence,
            )
        # A "No" read off a clause that denies what the question says of someone it names
        # ("…, not Kim Jong Un") is precise whatever the gate thinks of the passage.
        precise = denies(question, cited.short, cited.citations)
        abstained = draft.abstained or not (confident or precise)
        short, weighed = (None, ()) if abstained else weigh(question, cited, confidence)
        return Gated(
            drafted,
            text=ABSTAIN_TEXT if abstained else with_short(cited.text, short),
            citations=() if abstained else cited.citations,
            short=short,
            abstained=abstained,
            signals=signals,
            confidence=confidence,
            short_features=weighed,
        )

    def weigh(
        question: str, cited: Cited[Drafted], confidence: float | None
    ) -> tuple[ShortAnswer | None, tuple[float, ...]]:
        """The short answer if the bold model is sure enough of it, and what it read."""
        if cited.short is None:
            return None, ()
        values = features(question, cited.short, cited.citations, confidence)
        shown = bold.shows(question, cited.short, cited.citations, confidence)
        return (cited.short if shown else None), values

    def write(gated: Gated) -> Answer:
        extractive = _answer(gated)
        routed = gated.read.routed
        asked = routed.asked
        if writer is None or not asked.write or gated.abstained:
            return extractive  # no call when the gate refused
        passages = gated.read.passages[:writer_passages]
        # kept sentences must be about the question as typed or with its pronoun resolved
        topic = f"{asked.question} {routed.resolved}"
        heard = None if asked.on_text is None else _checked(asked.on_text, passages, topic)
        request = ReadRequest(asked.question, routed.query, asked.history, passages, on_text=heard)
        try:
            draft = writer.read(request)
            if draft.abstained:
                return replace(extractive, fell_back=True)
            grounded = ground(draft.text, passages, topic)
        except LLMServerError as exc:
            return replace(extractive, fell_back=True, writer_error=str(exc))
        except Exception as exc:  # a writer's own fault: the extractive answer, and why
            logger.exception("the answer writer failed")
            error = f"The answer writer failed: {exc}"
            return replace(extractive, fell_back=True, writer_error=error)
        if not grounded.citations:  # nothing held: the extractive answer stands
            return replace(extractive, fell_back=True, dropped=grounded.dropped)
        short = carry_short(gated.short, gated.citations, grounded.citations)
        return replace(
            extractive,
            text=with_short(grounded.text, short),
            citations=grounded.citations,
            short=short,
            written=True,
            dropped=grounded.dropped,
        )

    # -- the answerers' path ---------------------------------------------------------------

    def compose(answerer: Answerer, routed: Routed) -> Composition | None:
        asked = routed.asked
        request = Request(
            asked.question, routed.resolved, routed.query, asked.history, routed.reading
        )
        with guard():
            composed = answerer.answer(request)
        if composed is None:
            return None
        return Composition(
            routed, composed.passages, composed.draft, composed.lead, composed.layout
        )

    def lay_out(cited: Cited[Composition]) -> Answer:
        """An answerer's answer, laid out (no gate judges it: no confidence, no signals)."""
        composition, routed = cited.drafted, cited.drafted.routed
        draft, lead, how = composition.draft, composition.lead, composition.layout
        weighed: tuple[float, ...]
        if not cited.citations and not draft.abstained:  # nothing held: nothing to say
            text, short, weighed, abstained = ABSTAIN_TEXT, None, (), True
        else:
            short, weighed = weigh(routed.asked.question, cited, None)
            body = layout(cited.text, short, how)
            lined = how == "list" and lead
            text = f"{lead}\n{body}" if lined else " ".join(t for t in (lead, body) if t)
            abstained = draft.abstained
        return Answer(
            question=routed.asked.question,
            query=routed.query,
            text=text,
            citations=cited.citations,
            passages=composition.passages,
            abstained=abstained,
            intent=routed.reading.intent.value,
            layout=how,
            short_features=weighed,
            reader_score=draft.score,
            reader_score_kind=draft.score_kind,
            short=short,
        )

    # -- the chain -------------------------------------------------------------------------

    cite_read: Callable[[Read], Cited[Read]] = cite
    cite_composition: Callable[[Composition], Cited[Composition]] = cite
    lookup_path: Runnable[Timed[Routed], Timed[Answer]] = (
        _stage("retrieve", retrieve)
        | _stage("read", read)
        | _stage("cite", cite_read)
        | _stage("gate", gate_step)
        | _stage("write", write, timed=writer is not None)  # without one, the gate's answer
    )
    answerer_path: Runnable[Timed[Composition], Timed[Answer]]
    answerer_path = _stage("cite", cite_composition) | _stage("lay out", lay_out)

    composers = {i: _stage("compose", partial(compose, a)) for i, a in by_intent.items()}

    def route(timed: Timed[Routed]) -> Timed[Answer]:
        composer = composers.get(timed.value.reading.intent)
        if composer is None:
            return lookup_path.invoke(timed)
        composed = composer.invoke(timed)
        if composed.value is None:  # the answerer cannot tell: a look-up
            return lookup_path.invoke(Timed(timed.value, composed.timings))
        return answerer_path.invoke(Timed(composed.value, composed.timings))

    def start(asked: Asked) -> Timed[Condensed]:
        return _run("condense", condense, Timed(asked))

    return (
        RunnableLambda(start, name="condense")
        | _stage("intent", intent)
        | RunnableLambda(route, name="route")
        | RunnableLambda(_finish, name="answer")
    )


def _answer(gated: Gated) -> Answer:
    """The look-up's answer as the gate let it out."""
    read = gated.read
    return Answer(
        question=read.routed.asked.question,
        query=read.routed.query,
        text=gated.text,
        citations=gated.citations,
        passages=read.passages,
        abstained=gated.abstained,
        intent=read.routed.reading.intent.value,
        short_features=gated.short_features,
        reader_score=read.draft.score,
        reader_score_kind=read.draft.score_kind,
        short=gated.short,
        confidence=gated.confidence,
        signals=gated.signals,
    )


def _finish(timed: Timed[Answer]) -> Answer:
    timings = dict(timed.timings)
    timings["total"] = sum(timings.values())
    return replace(timed.value, timings=timings)


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
