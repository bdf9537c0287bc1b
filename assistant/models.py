"""The models, one of each per process, loaded on first use: the embedder, the NER, the
parser and the cross-encoder (per thread and batch setting)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from assistant.language.entities import SpacyRecognizer
from assistant.retrieve.rerank import OnnxCrossEncoder

if TYPE_CHECKING:
    from assistant.index.embeddings import SentenceTransformerEmbedder
    from assistant.language.syntax import SpacyParser

T = TypeVar("T")

_models_lock = threading.Lock()
_shared_models: dict[str, Any] = {}


def _shared(key: str, make: Callable[[], T]) -> T:
    """One instance per process under ``key``, made on first use."""
    with _models_lock:
        if key not in _shared_models:
            _shared_models[key] = make()
        model: T = _shared_models[key]
        return model


def shared_embedder() -> SentenceTransformerEmbedder:
    """One embedding model per process, loaded on first use."""
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return _shared("embedder", SentenceTransformerEmbedder)


def shared_recognizer() -> SpacyRecognizer:
    """One NER pipeline per process, loaded on first use."""
    return _shared("recognizer", SpacyRecognizer)


def shared_parser() -> SpacyParser:
    """One parser (spaCy's tagger and dependency parser) per process, loaded on first use."""
    from assistant.language.syntax import SpacyParser

    return _shared("parser", SpacyParser)


def shared_reranker(threads: int, batch_size: int = 4) -> OnnxCrossEncoder:
    """One cross-encoder per process (and setting), loaded on first use."""
    return _shared(
        f"reranker-{threads}-{batch_size}",
        lambda: OnnxCrossEncoder(threads=threads, batch_size=batch_size),
    )
