"""The LCEL runnable: condense → retrieve → read → cite."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.citations import verify
from assistant.conversation import condense
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


def build_chain(retriever: BaseRetriever, reader: Reader) -> Runnable[State, Answer]:
    """Input ``{"question": str, "history": Sequence[Turn]}``; output an ``Answer``.

    Timings (milliseconds) are recorded per stage in ``Answer.timings``.
    """

    def condense_step(state: State) -> State:
        history: Sequence[Turn] = state.get("history", ())
        return {**state, "query": condense(state["question"], history)}

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
        abstained = draft.abstained or not citations
        return {
            **state,
            "text": ABSTAIN_TEXT if abstained else text,
            "citations": () if abstained else citations,
            "abstained": abstained,
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
            timings=timings,
        )

    return (
        _timed("condense", condense_step)
        | _timed("retrieve", retrieve_step)
        | _timed("read", read_step)
        | _timed("cite", cite_step)
        | RunnableLambda(finish, name="answer")
    )
