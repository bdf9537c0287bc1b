"""Run an ingest that kills itself (SIGKILL, as ``kill -9``) at a chosen moment.

    python -m tests.crash_ingest STORE CORPUS MOMENT

MOMENT names a store call and when to die around it, e.g. ``add:2:after`` dies right after
the second batch of chunks was written. Used by tests/test_store_safety.py and
benchmarks/faults.py; the embedder is a word-hashing one so a run takes a second, not a model
load.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

_WORD = re.compile(r"\w+")
DIM = 64

# (object holding the function, attribute name) for each store call a moment can name.
MOMENTS = (
    "record:1:before",  # nothing written yet
    "record:1:after",  # files marked "writing", no chunk touched
    "delete:1:after",  # old chunks of an edited file deleted
    "delete_source:1:after",  # a pruned file's chunks deleted, its record still there
    "add:1:after",  # first batch of new chunks written
    "add:2:after",  # between two write batches
    "update_positions:1:before",  # chunks written, offsets of moved ones not yet
    "record:2:before",  # everything written, not yet marked complete
    "record:2:after",  # marked complete, this process's lexical index not caught up
    "insert:2:after",  # this process's lexical index half caught up
)


class WordHashEmbedder:
    """Bag of hashed words, unit length: a real (if crude) embedder for store tests."""

    model_id = "word-hash-64"

    def _embed(self, text: str) -> list[float]:
        vector = np.zeros(DIM, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            vector[hashlib.blake2s(word.encode(), digest_size=2).digest()[0] % DIM] += 1.0
        norm = float(np.linalg.norm(vector))
        return [float(x) for x in (vector / norm if norm else vector)]

    def encode(self, texts: list[str], *, show_progress: bool = False) -> NDArray[np.float32]:
        return np.array([self._embed(t) for t in texts], dtype=np.float32).reshape(-1, DIM)

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._embed(t) for t in texts]

    def prepare_query_model(self) -> None:
        return None


def _targets() -> dict[str, tuple[Any, str]]:
    import assistant.index.lexical
    from assistant.index.store import ChunkStore

    return {
        "record": (ChunkStore, "record"),
        "delete": (ChunkStore, "delete"),
        "delete_source": (ChunkStore, "delete_source"),
        "add": (ChunkStore, "add"),
        "update_positions": (ChunkStore, "update_positions"),
        "insert": (assistant.index.lexical, "_insert"),
    }


def arm(moment: str) -> None:
    """Make the process SIGKILL itself at ``moment``."""
    name, nth, when = moment.split(":")
    owner, attribute = _targets()[name]
    original: Callable[..., Any] = getattr(owner, attribute)
    calls = 0

    def die() -> None:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == int(nth) and when == "before":
            die()
        result = original(*args, **kwargs)
        if calls == int(nth) and when == "after":
            die()
        return result

    setattr(owner, attribute, wrapper)


def assistant_for(store: Path) -> Any:
    from assistant.app import Assistant

    return Assistant(store_dir=store, embedder=WordHashEmbedder())


def drop_collection(store: Path, name: str) -> None:
    """Drop one of the Chroma collections of the embedded store in ``store`` (what an older
    version, or damage, leaves), through the client this process holds on the folder."""
    from assistant.index.chroma_client import EmbeddedChroma, client_settings

    EmbeddedChroma.at(store).client(client_settings()).delete_collection(name)


def main(argv: list[str]) -> int:
    store, corpus, moment = Path(argv[0]), Path(argv[1]), argv[2]
    import assistant.index.ingest

    assistant.index.ingest._WRITE_BATCH = 3  # many small batches: moments between them exist
    arm(moment)
    assistant_for(store).ingest([corpus], prune=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
