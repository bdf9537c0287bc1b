"""LangChain's standard retriever tests (``langchain-tests``) for ``HybridRetriever``, built as
the assistant builds it, over the bundled briefing ingested with the packaged models into a
temp dir (the session's ``briefing_store``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.app import Assistant
from assistant.retrieve.hybrid import HybridRetriever

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def product_retriever(briefing_store: Path) -> HybridRetriever:
    """The retriever ``Assistant`` builds: the real store, embedder, cross-encoder and NER."""
    return Assistant(store_dir=briefing_store).retriever


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    # The standard suite asks for its constructor's parameters through properties, which
    # cannot take fixtures: this one hands them the product's retriever first.
    @pytest.fixture(autouse=True)
    def _built_by_the_assistant(self, product_retriever: HybridRetriever) -> None:
        self.built = product_retriever

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {name: getattr(self.built, name) for name in HybridRetriever.model_fields}

    @property
    def retriever_query_example(self) -> str:
        return "Who attended the parade?"

    @property
    def num_results_arg_name(self) -> str:
        return "top_k"
