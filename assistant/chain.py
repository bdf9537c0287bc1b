"""The LCEL runnable: condense → retrieve → read → cite."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.abstention import AbstentionPolicy, answer_signals
from assistant.citations import verify
from assistant.conversation import resolve, standalone
from assistant.entities import EntityRecognizer
from assistant.reader import ABSTAIN_TEXT, Reader
from assistant.retrieval import document_to_passage
from assistant.types import Answer, Turn

State = dict[str, Any]


def _timed(name: str, step: Callable[[State], State]) -> Runnable[State, State]:
    def run(state: State) -> State:
        began = time.perf_counter()
        out = step(state)
        timings = {**state.get("timings", {}), name: (time.perf_counter() - began) * 1000}
        return {**out, "timings": timings}

    return RunnableLambda(run, name=name)


def build_chain(
    retriever: BaseRetriever,
    reader: Reader,
    gate: AbstentionPolicy,
    recognizer: EntityRecognizer,
) -> Runnable[State, Answer]:
    """Input ``{"question": str, "history": Sequence[Turn]}``; output an ``Answer``.

    Timings (milliseconds) are recorded per stage in ``Answer.timings``.
    """

    def condense_step(state: State) -> State:
        history: Sequence[Turn] = state.get("history", ())
        resolved, context = resolve(state["question"], history, recognizer)
        return {**state, "query": standalone(resolved, context), "resolved": resolved}

    def retrieve_step(state: State) -> State:
        documents = retriever.invoke(
            state["query"], top_k=state.get("top_k"), question=state["question"]
        )
        return {**state, "passages": tuple(document_to_passage(d) for d in documents)}

    def read_step(state: State) -> State:
        return {**state, "draft": reader.read(state["query"], state["passages"])}

    def cite_step(state: State) -> State:
        draft = state["draft"]
        text, citations = verify(draft.text, draft.citations)
        return {**state, "text": text, "citations": citations}

    def gate_step(state: State) -> State:
        # The question as typed and with its pronoun resolved, never the borrowed context:
        # words of the previous question must not make an answer look on-topic.
        questions = (state["question"], state["resolved"])
        signals = answer_signals(questions, state["passages"], state["citations"], recognizer)
        confidence = gate.confidence(signals) if signals else float("-inf")
        abstained = state["draft"].abstained or signals is None or confidence < gate.threshold
        return {
            **state,
            "text": ABSTAIN_TEXT if abstained else state["text"],
            "citations": () if abstained else state["citations"],
            "abstained": abstained,
            "signals": signals,
            "confidence": confidence,
        }

    def finish(state: State) -> Answer:
        timings = dict(state["timings"])
        timings["total"] = sum(timings.values())
        return Answer(
            question=state["question"],
            query=state["query"],
            text=state["text"],
            citations=state["citations"],
            passages=state["passages"],
            abstained=state["abstained"],
            best_score=state["draft"].best_score,
            confidence=state["confidence"],
            signals=state["signals"],
            timings=timings,
        )

    return (
        _timed("condense", condense_step)
        | _timed("retrieve", retrieve_step)
        | _timed("read", read_step)
        | _timed("cite", cite_step)
        | _timed("gate", gate_step)
        | RunnableLambda(finish, name="answer")
    )
