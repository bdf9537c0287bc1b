"""Run a question-answering system over Q&A cases and score it."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.evaluation.dataset import EvalCase
from assistant.evaluation.metrics import (
    answer_text,
    case_metrics,
    intent_figures,
    summarize,
    type_figures,
)
from assistant.types import Answer, Turn


class QASystem(Protocol):
    """What the harness evaluates: the assistant, or the baseline recipe."""

    @property
    def name(self) -> str: ...

    def describe(self) -> dict[str, Any]: ...

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer: ...


class TextEmbedder(Protocol):
    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


@dataclass(frozen=True, slots=True)
class Report:
    system: str
    settings: dict[str, Any]
    summary: dict[str, float]
    cases: tuple[dict[str, Any], ...]
    # F1 and contains per kind of question (person, place, yes/no, list, …).
    by_type: dict[str, dict[str, float]] = field(default_factory=dict)
    # Per intent a case asks for: answered right, refused, short answers' precision/coverage.
    by_intent: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @property
    def primary_metric(self) -> str:
        return "answer_in_citation"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "settings": self.settings,
            "summary": self.summary,
            "by_type": self.by_type,
            "by_intent": self.by_intent,
            "cases": list(self.cases),
        }

    def write(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(
            json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            encoding="utf-8",
        )


def run_case(answer: Answer, case: EvalCase, latency_ms: float) -> dict[str, Any]:
    """The run-file record of one answered case (before metrics)."""
    return {
        "id": case.id,
        "question": case.question,
        "answer": answer.text,
        "short": answer.short.to_dict() if answer.short else None,
        "intent": answer.intent,
        "short_features": [x if math.isfinite(x) else None for x in answer.short_features],
        "abstained": answer.abstained,
        "citations": [
            {
                "marker": c.marker,
                "source": c.source,
                "start": c.passage_start,
                "end": c.passage_end,
                "text": c.passage_text,
                "score": c.score if math.isfinite(c.score) else None,
                "quote": c.quote,
                "quote_start": c.start,
                "quote_end": c.end,
                "page": c.page,
                "section": list(c.section),
            }
            for c in answer.citations
        ],
        "retrieved": [
            {
                "source": p.chunk.source,
                "start": p.chunk.start,
                "end": p.chunk.end,
                "text": p.chunk.text,
                "score": p.score if math.isfinite(p.score) else None,
            }
            for p in answer.passages
        ],
        "latency_ms": latency_ms,
        # --mode llm: the writer's checked text, or the extractive answer after it failed
        "written": answer.written,
        "fell_back": answer.fell_back,
        "dropped": len(answer.dropped),
    }


def semantic_similarity(embedder: TextEmbedder, prediction: str, answers: Sequence[str]) -> float:
    """Best cosine similarity between the answer and a gold answer (MiniLM embeddings)."""
    vectors = np.asarray(embedder.embed_documents([prediction, *answers]), dtype=np.float64)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    return float(max(vectors[1:] @ vectors[0]))


def evaluate(
    system: QASystem,
    cases: Sequence[EvalCase],
    *,
    embedder: TextEmbedder | None = None,
    progress: bool = False,
) -> Report:
    """Ask every case, score it, and summarise; ``embedder`` adds semantic similarity."""
    from tqdm import tqdm

    records: list[dict[str, Any]] = []
    for case in tqdm(cases, desc=system.name, disable=not progress, unit="case"):
        began = time.perf_counter()
        answer = system.ask(case.question, case.history)
        latency = (time.perf_counter() - began) * 1000
        record = run_case(answer, case, latency)
        metrics = case_metrics(case.to_dict(), record)
        score = answer.reader_score
        metrics["reader_score"] = score if score is not None and math.isfinite(score) else None
        metrics["confidence"] = answer.confidence if math.isfinite(answer.confidence) else None
        record["signals"] = answer.signals.to_dict() if answer.signals else None
        if embedder is not None and case.answerable and case.answers:
            metrics["semantic_similarity"] = (
                0.0
                if answer.abstained
                else semantic_similarity(embedder, answer_text(answer.text), case.answers)
            )
        record["metrics"] = metrics
        records.append(record)
    dicts = [c.to_dict() for c in cases]
    summary = summarize(dicts, records)
    return Report(
        system.name,
        system.describe(),
        summary,
        tuple(records),
        type_figures(dicts, records),
        intent_figures(dicts, records),
    )
