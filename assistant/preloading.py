"""Loading models in a background thread, ahead of their first use.

onnxruntime builds a session without holding the GIL, so a model loaded here overlaps what
the caller does meanwhile (imports, opening the store). A model's first use waits for a load
still under way (the models lock themselves); a failure is left for that use to report.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)


def load_in_background(name: str, *models: Callable[[], object]) -> threading.Thread:
    """Start a thread that makes each model (``models`` give them) and calls its ``load()``
    when it has one. Not a daemon: a process does not end while native code is loading."""

    def load() -> None:
        try:
            for model in models:
                getattr(model(), "load", lambda: None)()
        except Exception:
            logger.debug("loading %s ahead failed", name, exc_info=True)

    thread = threading.Thread(target=load, name=name)
    thread.start()
    return thread


def warm(
    embedder: Any, reranker: Any, recognizer: Any, parser: Any, gazetteer: Any, english: Any
) -> None:
    """Run each model once (and load the word lists), so that the first question costs what
    the next ones do."""
    from assistant.language.vocabulary import english_words

    embedder.embed_query("warm-up")
    reranker.score("warm-up", ["A sentence to warm the cross-encoder up."])
    recognizer.entities("Warm-up in London on Monday with Ada Lovelace.")
    parser.analyse("Ambassador Ada Lovelace said the warm-up was needed.")
    gazetteer.country("UK")
    english.known(["warm"])  # the word list a question's misspellings are told by
    english_words()
