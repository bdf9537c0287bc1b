"""Chunks in Chroma (embedded or client/server) with the BM25 index kept in sync beside it."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.errors import StoreError
from assistant.lexical import Bm25Index, fingerprint
from assistant.offline import ensure_offline
from assistant.types import Chunk, Span

logger = logging.getLogger(__name__)

_GET_BATCH = 2000


@dataclass(frozen=True, slots=True)
class SourceInfo:
    source: str
    document_hash: str
    chunks: int


@dataclass(frozen=True, slots=True)
class Hit:
    chunk_id: str
    score: float


def _metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "source": chunk.source,
        "paragraph": chunk.paragraph,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps([[s.start, s.end] for s in chunk.sentences]),
        "document_hash": chunk.document_hash,
    }


def _chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        id=chunk_id,
        source=str(meta["source"]),
        paragraph=int(meta["paragraph"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        sentences=tuple(Span(int(a), int(b)) for a, b in json.loads(str(meta["sentences"]))),
        document_hash=str(meta.get("document_hash", "")),
    )


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.hostname:
        raise StoreError(f"The Chroma URL '{url}' is not of the form http://HOST:PORT.")
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 8000)
    except ValueError:
        raise StoreError(f"The Chroma URL '{url}' has an invalid port.") from None
    return parsed.hostname, port, parsed.scheme == "https"


class ChunkStore:
    """The one place that talks to Chroma. Embeddings are always supplied by us."""

    def __init__(self, store_dir: Path, *, chroma_url: str | None = None, collection: str) -> None:
        self.store_dir = Path(store_dir)
        self.chroma_url = chroma_url
        self.collection_name = collection
        self._client: Any = None
        self._collection: Any = None
        self._bm25: Bm25Index | None = None

    # -- connection -------------------------------------------------------------------------

    @property
    def location(self) -> str:
        return self.chroma_url or str(self.store_dir)

    @property
    def _bm25_dir(self) -> Path:
        if self.chroma_url:
            key = hashlib.sha256(f"{self.chroma_url}|{self.collection_name}".encode()).hexdigest()
            return self.store_dir / "bm25-remote" / key[:16]
        return self.store_dir / "bm25" / self.collection_name

    def _connect(self, *, create: bool) -> Any:
        if self._client is not None:
            return self._client
        ensure_offline()
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.chroma_url:
            host, port, ssl = parse_chroma_url(self.chroma_url)
            try:
                self._client = chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
            except Exception as exc:
                raise StoreError(
                    f"Cannot reach the Chroma server at {self.chroma_url}: {exc}"
                ) from None
        else:
            if not create and not (self.store_dir / "chroma.sqlite3").is_file():
                raise StoreError(
                    f"No vector store at {self.store_dir}: run 'assistant ingest' first."
                )
            self.store_dir.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(path=str(self.store_dir), settings=settings)
        return self._client

    def collection(self, *, create: bool = False) -> Any:
        if self._collection is not None:
            return self._collection
        client = self._connect(create=create)
        try:
            if create:
                # embedding_function=None: Chroma's default one would download a model.
                self._collection = client.get_or_create_collection(
                    self.collection_name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            else:
                self._collection = client.get_collection(
                    self.collection_name, embedding_function=None
                )
        except Exception as exc:
            if "does not exist" in str(exc):
                raise StoreError(
                    f"The store at {self.location} has no collection '{self.collection_name}':"
                    " run 'assistant ingest' first."
                ) from None
            raise StoreError(f"The vector store at {self.location} failed: {exc}") from None
        return self._collection

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.collection().count())

    def _get(self, **kwargs: Any) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        ids: list[str] = []
        docs: list[str] = []
        metas: list[dict[str, Any]] = []
        include = kwargs.pop("include", ["documents", "metadatas"])
        offset = 0
        while True:
            got = self.collection().get(include=include, limit=_GET_BATCH, offset=offset, **kwargs)
            ids.extend(got["ids"])
            docs.extend(got["documents"] or [""] * len(got["ids"]))
            metas.extend(got["metadatas"] or [{}] * len(got["ids"]))
            if len(got["ids"]) < _GET_BATCH:
                return ids, docs, metas
            offset += _GET_BATCH

    def sources(self) -> dict[str, SourceInfo]:
        """Every ingested source with its content hash and chunk count."""
        _, _, metas = self._get(include=["metadatas"])
        found: dict[str, SourceInfo] = {}
        for meta in metas:
            name = str(meta["source"])
            prev = found.get(name)
            found[name] = SourceInfo(
                name, str(meta.get("document_hash", "")), (prev.chunks if prev else 0) + 1
            )
        return found

    def chunks_of(self, source: str) -> list[Chunk]:
        ids, docs, metas = self._get(where={"source": source})
        chunks = [_chunk(i, d, m) for i, d, m in zip(ids, docs, metas, strict=True)]
        return sorted(chunks, key=lambda c: c.start)

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self.collection().get(ids=list(ids), include=["documents", "metadatas"])
        return {
            i: _chunk(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }

    def dense_search(self, embedding: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, best first."""
        got = self.collection().query(
            query_embeddings=[list(embedding)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (_chunk(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0],
                strict=True,
            )
        ]  # fmt: skip

    def bm25_search(self, query: str, k: int) -> list[Hit]:
        return [Hit(i, s) for i, s in self.lexical().search(query, k)]

    def lexical(self) -> Bm25Index:
        """The BM25 index, rebuilt from Chroma whenever it does not match the stored chunks."""
        if self._bm25 is None:
            ids, _, _ = self._get(include=[])
            saved = Bm25Index.load(self._bm25_dir)
            if saved is not None and saved.fingerprint == fingerprint(ids):
                self._bm25 = saved
            else:
                logger.info("BM25 index out of date for %s: rebuilding", self.location)
                self._bm25 = self.rebuild_lexical()
        return self._bm25

    # -- writing ----------------------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk], embeddings: Any) -> None:
        """Store chunks with their embeddings (one row per chunk)."""
        if chunks:
            self.collection(create=True).add(
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=[_metadata(c) for c in chunks],
                embeddings=[[float(x) for x in e] for e in embeddings],
            )

    def update_positions(self, chunks: Sequence[Chunk]) -> None:
        """Rewrite the offsets of chunks whose text did not change (no re-embedding)."""
        if chunks:
            self.collection(create=True).update(
                ids=[c.id for c in chunks], metadatas=[_metadata(c) for c in chunks]
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection(create=True).delete(ids=list(ids))

    def rebuild_lexical(self) -> Bm25Index:
        ids, docs, _ = self._get()
        index = Bm25Index.build(ids, docs)
        try:
            index.save(self._bm25_dir)
        except OSError as exc:  # a read-only store still answers; it rebuilds next time
            logger.warning("could not save the BM25 index to %s: %s", self._bm25_dir, exc)
        self._bm25 = index
        return index
