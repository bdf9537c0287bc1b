from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import SentenceTransformerEmbedder
from tests.conftest import PARADE_SENTENCE

TEXTS = ["Who attended the parade?", PARADE_SENTENCE, "coal and iron ore"]


def test_onnx_query_vectors_equal_the_sentence_transformers_ones() -> None:
    embedder = SentenceTransformerEmbedder()
    reference = embedder.encode(TEXTS)
    assert embedder.prepare_query_model() == embedder.onnx_path
    fast = np.array([embedder.embed_query(t) for t in TEXTS])
    assert fast.shape == (3, 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    assert (fast * reference).sum(axis=1).min() > 0.9999
    assert np.asarray(embedder.embed_documents(TEXTS)) == pytest.approx(reference, abs=1e-6)


def test_queries_fall_back_to_torch_when_no_export_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(blocker))
    embedder = SentenceTransformerEmbedder()
    assert embedder.prepare_query_model() is None
    vector = np.array(embedder.embed_query(TEXTS[0]))
    assert float(vector @ embedder.encode([TEXTS[0]])[0]) > 0.9999
