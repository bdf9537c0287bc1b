"""Fast unit tests of assistant/protocols.py: the roles are checked where components are
handed over — a store given to an ``Assistant``, the four a ``HybridRetriever`` holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.app import Assistant
from assistant.config import load_settings
from assistant.index.store import store_for
from assistant.protocols import Search, SentenceSource, Store, lacking, members
from assistant.retrieve.hybrid import FusionConfig, HybridRetriever
from tests.fakes import NO_ENTITIES, InMemoryStore, KeywordEmbedder, WordOverlapReranker

pytestmark = pytest.mark.unit

CONFIG = FusionConfig(
    dense_k=5,
    bm25_k=5,
    rrf_k=60,
    dense_weight=1.0,
    bm25_weight=1.0,
    rerank_candidates=5,
    top_k=5,
    duplicate_threshold=0.6,
)


def test_a_protocol_s_members_include_those_it_extends() -> None:
    assert members(Search) == {"dense_search", "bm25_search", "get"}
    assert members(SentenceSource) == {
        "followers",
        "sentences_path",
        "generation",
        "entries",
        "get",
    }
    assert members(Search) | members(SentenceSource) < members(Store)
    assert {"store_dir", "has_manifest", "changing", "chunks_between"} <= members(Store)


def test_the_real_store_is_a_store_and_checking_it_opens_nothing(tmp_path: Path) -> None:
    store = store_for(load_settings(store_dir=tmp_path / "s"))
    # A property read would open the database (and import chromadb: a unit test may not).
    assert lacking(store, Store) == []
    assert store.opened == frozenset()


def test_an_assistant_says_what_a_store_given_to_it_lacks(tmp_path: Path) -> None:
    settings = load_settings(store_dir=tmp_path / "s")
    fake = InMemoryStore([], KeywordEmbedder(("parade",)))
    with pytest.raises(TypeError, match=r"not InMemoryStore \(it has no add, .*, wait_for_check\)"):
        Assistant(settings=settings, store=fake, recognizer=NO_ENTITIES)  # type: ignore[arg-type]
    assert "dense_search" not in lacking(fake, Store)


def test_the_retriever_holds_each_component_in_its_role() -> None:
    embedder = KeywordEmbedder(("parade",))
    parts = {
        "store": InMemoryStore([], embedder),
        "embedder": embedder,
        "reranker": WordOverlapReranker(),
        "recognizer": NO_ENTITIES,
    }
    retriever = HybridRetriever(**parts, config=CONFIG)  # type: ignore[arg-type]
    for name, part in parts.items():
        assert getattr(retriever, name) is part  # held, not copied
    for name in parts:
        wrong = {**parts, name: object()}
        with pytest.raises(ValidationError, match=name):
            HybridRetriever(**wrong, config=CONFIG)  # type: ignore[arg-type]
