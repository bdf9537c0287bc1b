"""A lexical search's result (``Hit``), what the store's ``bm25_search`` gives (its protocol,
``Search``, is in ``assistant.protocols``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexical (BM25) search result: a chunk id and its score."""

    chunk_id: str
    score: float
