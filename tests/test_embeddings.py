from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.index.embeddings import EmbeddingError, SentenceTransformerEmbedder
from assistant.index.vector_space import MODEL_NAME, default_space_id, packaged_minilm_path
from tests.conftest import BRIEFING, PARADE_SENTENCE

TEXTS = ["Who attended the parade?", PARADE_SENTENCE, "coal and iron ore"]


def _documents() -> list[str]:
    """Texts of very different lengths (so batches pad), one past the 256-token limit."""
    paragraphs = [p for p in BRIEFING.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return [*TEXTS, *paragraphs[:6], " ".join(paragraphs), "x"]


@pytest.fixture(scope="module")
def exported(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[SentenceTransformerEmbedder, Path | None, list[str], Path]:
    """An embedder whose ONNX model was exported into an empty cache, with the warnings the
    export raised."""
    cache = tmp_path_factory.mktemp("onnx-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_CACHE_DIR", str(cache))
        embedder = SentenceTransformerEmbedder()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = embedder.prepare_query_model()
            embedder.embed_query("load the session while the cache is set")
    return embedder, path, [f"{w.category.__name__}: {w.message}" for w in caught], cache


@pytest.mark.integration
def test_the_export_raises_no_warnings(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
) -> None:
    embedder, path, caught, cache = exported
    assert path == cache / f"minilm-{embedder.weights_key}.onnx"
    assert caught == []


@pytest.mark.integration
def test_onnx_vectors_equal_the_sentence_transformers_ones(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
) -> None:
    embedder = exported[0]
    texts = _documents()
    reference = embedder.encode_with_torch(texts)
    documents = embedder.encode(texts)
    assert documents.shape == (len(texts), 384)
    assert documents.dtype == np.float32
    assert np.allclose(np.linalg.norm(documents, axis=1), 1.0, atol=1e-5)
    assert (documents * reference).sum(axis=1).min() > 1 - 1e-5
    assert documents == pytest.approx(reference, abs=1e-4)
    assert np.asarray(embedder.embed_documents(texts)) == pytest.approx(documents, abs=1e-7)
    queries = np.array([embedder.embed_query(t) for t in TEXTS])
    assert (queries * reference[: len(TEXTS)]).sum(axis=1).min() > 1 - 1e-5


@pytest.mark.integration
def test_batching_and_order_do_not_change_the_vectors(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
) -> None:
    embedder = exported[0]
    texts = _documents()
    whole = embedder.encode(texts)
    batch_size = embedder.batch_size
    try:
        embedder.batch_size = 1
        one_by_one = embedder.encode(texts)
        embedder.batch_size = 4
        reversed_in_fours = embedder.encode(texts[::-1])
    finally:
        embedder.batch_size = batch_size
    assert one_by_one == pytest.approx(whole, abs=1e-5)
    assert reversed_in_fours[::-1] == pytest.approx(whole, abs=1e-5)


@pytest.mark.integration
def test_many_texts_go_through_torch_with_the_same_vectors(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
) -> None:
    embedder = exported[0]
    texts = _documents()
    assert embedder.torch_from == 512
    assert len(texts) < 512
    onnx = embedder.encode(texts)
    try:
        embedder.torch_from = 4
        bulk = embedder.encode(texts[::-1])[::-1]
    finally:
        embedder.torch_from = 512
    assert bulk == pytest.approx(embedder.encode_with_torch(texts), abs=1e-7)
    assert bulk == pytest.approx(onnx, abs=1e-4)
    assert (bulk * onnx).sum(axis=1).min() > 1 - 1e-5


@pytest.mark.unit
@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_no_texts_need_no_model(precision: str) -> None:
    embedder = SentenceTransformerEmbedder("/nowhere", precision=precision)  # type: ignore[arg-type]
    assert embedder.encode([]).shape == (0, 0)
    assert embedder.embed_documents([]) == []


@pytest.mark.integration
def test_model_id_names_the_weights_and_the_precision(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
) -> None:
    embedder = exported[0]
    assert embedder.model_id == f"{MODEL_NAME}@{embedder.weights_key}"
    assert SentenceTransformerEmbedder(packaged_minilm_path()).model_id == embedder.model_id
    assert default_space_id() == embedder.model_id  # what an ingest records without the model
    int8 = SentenceTransformerEmbedder(precision="int8")
    assert int8.model_id == f"{MODEL_NAME}@{embedder.weights_key}+int8"


@pytest.mark.integration
def test_int8_is_close_but_its_own_vector_space(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fp32, _, _, cache = exported
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(cache))
    int8 = SentenceTransformerEmbedder(precision="int8", torch_from=1)  # never torch
    with caplog.at_level(logging.WARNING), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert int8.prepare_query_model() == cache / f"minilm-{fp32.weights_key}.int8.onnx"
    assert [r.getMessage() for r in caplog.records] == []
    assert [str(w.message) for w in caught] == []
    texts = _documents()
    cosines = (int8.encode(texts) * fp32.encode(texts)).sum(axis=1)
    assert cosines.min() > 0.95
    assert cosines.mean() < 1 - 1e-4  # not the same vectors: a store must not mix them
    query = np.array(int8.embed_query(TEXTS[0]))
    assert query == pytest.approx(int8.encode(TEXTS[:1])[0], abs=1e-6)
    # Dynamic quantisation scales activations per batch: a text's vector depends on its
    # batch-mates (one reason fp32 stays the default).
    assert 0.95 < float(query @ int8.encode(TEXTS)[0]) < 1 - 1e-4
    with pytest.raises(EmbeddingError, match="int8"):
        int8.encode_with_torch(TEXTS)


def _blocked_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(blocker))


@pytest.mark.integration
def test_both_paths_fall_back_to_torch_when_no_export_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _blocked_cache(tmp_path, monkeypatch)
    embedder = SentenceTransformerEmbedder()
    with caplog.at_level(logging.WARNING, logger="assistant.index.embeddings"):
        assert embedder.prepare_query_model() is None
    assert "using torch" in caplog.text
    reference = embedder.encode_with_torch(TEXTS)
    assert embedder.encode(TEXTS) == pytest.approx(reference, abs=1e-6)
    vector = np.array(embedder.embed_query(TEXTS[0]))
    assert float(vector @ reference[0]) > 1 - 1e-5


class _NoExport(SentenceTransformerEmbedder):
    """An embedder on a machine where the ONNX model cannot be built (``prepare_query_model``
    says so with None, as when the export fails)."""

    def prepare_query_model(self) -> Path | None:
        return None


@pytest.mark.unit
def test_int8_refuses_to_fall_back_to_other_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _blocked_cache(tmp_path, monkeypatch)
    with pytest.raises(EmbeddingError, match="Could not build the int8 embedding model"):
        _NoExport(precision="int8").encode(TEXTS)
    with pytest.raises(EmbeddingError, match="Could not build the int8 embedding model"):
        _NoExport(precision="int8").embed_query(TEXTS[0])


@pytest.mark.unit
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"batch_size": 0}, "batch_size must be greater than 0. Currently, it is 0"),
        ({"threads": -1}, "threads must be greater than 0. Currently, it is -1"),
        ({"precision": "fp16"}, "precision must be one of fp32, int8. Currently, it is 'fp16'"),
        ({"torch_from": 0}, "torch_from must be greater than 0 or None. Currently, it is 0"),
    ],
)
def test_bad_settings_are_named(arguments: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        SentenceTransformerEmbedder(**arguments)  # type: ignore[arg-type]


@pytest.mark.integration
def test_documents_hand_their_arena_back_and_questions_do_not(
    exported: tuple[SentenceTransformerEmbedder, Path | None, list[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch of documents grows onnxruntime's arena by hundreds of MB that a serving process
    would otherwise keep; one question's run is left alone (shrinking costs time)."""
    embedder = exported[0]
    session = embedder.session  # onnxruntime's, loaded by the fixture
    run = session.run
    shrinking: list[bool] = []  # per run of the session: whether it asked the arena to shrink

    def noting_run(names: object, feeds: object, options: Any = None) -> Any:
        entry = "memory.enable_memory_arena_shrinkage"
        shrinking.append(options is not None and options.get_run_config_entry(entry) == "cpu:0")
        return run(names, feeds, options)

    monkeypatch.setattr(session, "run", noting_run)
    texts = _documents()
    vectors = embedder.encode(texts)
    assert shrinking[-1] is True  # the last run releases the arena
    assert not any(shrinking[:-1])
    assert vectors.shape == (len(texts), 384)
    shrinking.clear()
    embedder.embed_query("Who attended the parade?")
    assert shrinking == [False]
