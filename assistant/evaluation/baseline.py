"""The plain LangChain recipe our pipeline is measured against.

RecursiveCharacterTextSplitter(1000, 200) → HuggingFaceEmbeddings(MiniLM) → Chroma, top 4;
the top chunk is the answer; LangChain's relevance score under 0.25 means "abstain".
"""

from __future__ import annotations

import tempfile
import time
import warnings
from collections.abc import Sequence
from typing import Any

from assistant.answer.reader import ABSTAIN_TEXT
from assistant.extras import require_extra
from assistant.index.vector_space import packaged_minilm_path
from assistant.offline import ensure_offline
from assistant.types import Answer, Chunk, Citation, Document, Passage, Span, Turn

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
RELEVANCE_THRESHOLD = 0.25
# What the recipe's score is: LangChain's relevance score, here the cosine similarity.
SCORE_KIND = "cosine relevance"


def recipe_embeddings() -> Any:
    require_extra("eval")
    from langchain_huggingface import HuggingFaceEmbeddings

    return HuggingFaceEmbeddings(
        model_name=packaged_minilm_path(),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True},
    )


class BaselineRecipe:
    """The recipe as a ``QASystem``; it keeps its own throw-away Chroma collection."""

    name = "langchain-recipe (baseline)"

    def __init__(self, documents: Sequence[Document], *, embeddings: Any = None) -> None:
        ensure_offline()
        require_extra("eval")
        from langchain_chroma import Chroma
        from langchain_core.documents import Document as LCDocument
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
        )
        pieces = splitter.split_documents(
            [LCDocument(page_content=d.text, metadata={"source": d.source}) for d in documents]
        )
        self._dir = tempfile.TemporaryDirectory(prefix="baseline-chroma-")
        from assistant.index.chroma_client import client_settings

        self.store = Chroma(
            collection_name="baseline",
            embedding_function=embeddings or recipe_embeddings(),
            persist_directory=self._dir.name,
            client_settings=client_settings(is_persistent=True),
            # Cosine space, so LangChain's relevance score is the cosine similarity and its
            # 0.25 threshold means what the recipe intends (Chroma's default, squared L2,
            # yields negative "relevance" for normalised MiniLM vectors).
            collection_metadata={"hnsw:space": "cosine"},
        )
        if pieces:
            self.store.add_documents(pieces)

    def describe(self) -> dict[str, Any]:
        return {
            "splitter": "RecursiveCharacterTextSplitter",
            "chunk_size": CHUNK_SIZE,
            "chunk_overlap": CHUNK_OVERLAP,
            "embeddings": "HuggingFaceEmbeddings(all-MiniLM-L6-v2)",
            "vectorstore": "Chroma",
            "top_k": TOP_K,
            "relevance_threshold": RELEVANCE_THRESHOLD,
        }

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        began = time.perf_counter()
        with warnings.catch_warnings():  # LangChain warns on negative cosine "relevance"
            warnings.simplefilter("ignore", UserWarning)
            hits = self.store.similarity_search_with_relevance_scores(question, k=TOP_K)
        passages = tuple(
            Passage(chunk=_chunk(doc, i), score=float(score)) for i, (doc, score) in enumerate(hits)
        )
        best = passages[0].score if passages else float("-inf")
        timings = {"total": (time.perf_counter() - began) * 1000}
        if not passages or best < RELEVANCE_THRESHOLD:
            return Answer(
                question, question, ABSTAIN_TEXT, (), passages, True,
                reader_score=best, reader_score_kind=SCORE_KIND, timings=timings,
            )  # fmt: skip
        top = passages[0].chunk
        citation = Citation(
            marker=1,
            source=top.source,
            paragraph=0,
            start=top.start,
            end=top.end,
            quote=top.text,
            score=best,
            passage_start=top.start,
            passage_end=top.end,
            passage_text=top.text,
        )
        text = " ".join(top.text.split()) + " [1]"
        return Answer(
            question, question, text, (citation,), passages, False, reader_score=best,
            timings=timings,
        )  # fmt: skip

    def close(self) -> None:
        self._dir.cleanup()


def _chunk(document: Any, index: int) -> Chunk:
    start = int(document.metadata.get("start_index", 0))
    end = start + len(document.page_content)
    return Chunk(
        id=f"baseline-{index}",
        source=str(document.metadata.get("source", "")),
        paragraph=0,
        start=start,
        end=end,
        text=document.page_content,
        sentences=(Span(start, end),),
    )
