"""The Chroma adapter: a store's two collections (the chunks with their vectors, and the file
manifest beside them), read and written with Chroma's failures translated into one line.
Embeddings are always supplied by us."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from assistant.errors import MissingStoreError, StoreError
from assistant.index.check import IndexCheck
from assistant.index.chroma_client import (
    EmbeddedChroma,
    client_settings,
    damaged,
    has_database,
    http_client,
    move_aside,
)
from assistant.index.manifest import FileEntry, Manifest
from assistant.types import Chunk, Span

_GET_BATCH = 2000
T = TypeVar("T")


def metadata_of(chunk: Chunk) -> dict[str, Any]:
    """A chunk's metadata as Chroma keeps it."""
    return {
        "source": chunk.source,
        "paragraph": chunk.paragraph,
        "start": chunk.start,
        "end": chunk.end,
        "sentences": json.dumps([[s.start, s.end] for s in chunk.sentences]),
        "document_hash": chunk.document_hash,
        "section": json.dumps(list(chunk.section), ensure_ascii=False),
        "pages": json.dumps(list(chunk.pages)),
    }


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """The chunk a row of the collection holds."""
    return Chunk(
        id=chunk_id,
        source=str(meta["source"]),
        paragraph=int(meta["paragraph"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        sentences=tuple(Span(int(a), int(b)) for a, b in json.loads(str(meta["sentences"]))),
        document_hash=str(meta.get("document_hash", "")),
        # A store written before chunks carried them reads as no section and no pages.
        section=tuple(str(h) for h in json.loads(str(meta.get("section") or "[]"))),
        pages=tuple(int(p) for p in json.loads(str(meta.get("pages") or "[]"))),
    )


class ChromaIndex:
    """One store's collections in Chroma, embedded (``store_dir``) or on a server."""

    def __init__(
        self, store_dir: Path, *, chroma_url: str | None, collection: str, check: IndexCheck
    ) -> None:
        self.store_dir = store_dir
        self.chroma_url = chroma_url
        self.collection_name = collection
        self.check = check
        self.client: Any = None
        self._epoch = 0
        self.chunks: Any = None  # the collection of chunks, once open
        self._files: Any = None

    @property
    def location(self) -> str:
        return self.chroma_url or str(self.store_dir)

    @property
    def embedded(self) -> EmbeddedChroma:
        return EmbeddedChroma.at(self.store_dir)

    def damaged(self, exc: BaseException) -> StoreError:
        return damaged(exc, store_dir=self.store_dir, chroma_url=self.chroma_url)

    def call(self, action: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return action(*args, **kwargs)
        except StoreError:
            raise
        except Exception as exc:
            if "does not exist" in str(exc):
                # Another process dropped and re-created the collection (ingest --rebuild):
                # the next call opens the new one.
                self.chunks = self._files = None
                raise StoreError(
                    f"The store at {self.location} was rebuilt by another process while in use;"
                    " ask again."
                ) from None
            raise self.damaged(exc) from None

    def forget(self) -> None:
        """Drop this object's client and collections (the next call opens them again)."""
        self.client = self.chunks = self._files = None

    def connect(self, *, create: bool) -> Any:
        if self.client is not None:
            if self.chroma_url or self._epoch == self.embedded.epoch:
                return self.client
            # Re-opened in this process since: take the new client and collections.
            self.forget()
        if self.chroma_url:
            self.client = http_client(self.chroma_url)
        else:
            settings = client_settings()
            if not create and not has_database(self.store_dir):
                raise MissingStoreError(
                    f"No vector store at {self.store_dir}: run 'assistant ingest' first."
                )
            self.store_dir.mkdir(parents=True, exist_ok=True)
            shared = self.embedded
            self.client = self.call(shared.client, settings)
            self._epoch = shared.epoch
        return self.client

    def reopen(self) -> None:
        """Re-open the embedded store (every store object of this process on it follows)."""
        if not self.chroma_url:
            self.embedded.reopen()
            self.forget()

    def collection(self, *, create: bool = False) -> Any:
        if self.chunks is not None:
            return self.chunks
        self.check.ensure()
        client = self.connect(create=create)
        try:
            if create:
                # embedding_function=None: Chroma's default one would download a model.
                self.chunks = client.get_or_create_collection(
                    self.collection_name,
                    embedding_function=None,
                    configuration={"hnsw": {"space": "cosine"}},
                )
            else:
                self.chunks = client.get_collection(self.collection_name, embedding_function=None)
        except Exception as exc:
            if "does not exist" in str(exc):
                raise StoreError(
                    f"The store at {self.location} has no collection '{self.collection_name}':"
                    " run 'assistant ingest' first."
                ) from None
            raise self.damaged(exc) from None
        return self.chunks

    def manifest(self, *, create: bool = False) -> Manifest | None:
        """The manifest, or None for a store written before there was one."""
        if self._files is None:
            client = self.connect(create=create)
            name = f"{self.collection_name}__files"
            try:
                if create:
                    self._files = client.get_or_create_collection(name, embedding_function=None)
                else:
                    self._files = client.get_collection(name, embedding_function=None)
            except Exception as exc:
                if "does not exist" in str(exc):
                    return None
                raise self.damaged(exc) from None
        return Manifest(self._files)

    # -- reading ----------------------------------------------------------------------------

    def count(self) -> int:
        return int(self.call(lambda: self.collection().count()))

    def rows(self, **kwargs: Any) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Every row ``kwargs`` select (``where``, ``include``), fetched in batches."""
        ids: list[str] = []
        docs: list[str] = []
        metas: list[dict[str, Any]] = []
        include = kwargs.pop("include", ["documents", "metadatas"])
        offset = 0
        collection = self.collection()
        while True:
            got = self.call(
                collection.get, include=include, limit=_GET_BATCH, offset=offset, **kwargs
            )
            ids.extend(got["ids"])
            docs.extend(got["documents"] or [""] * len(got["ids"]))
            metas.extend(got["metadatas"] or [{}] * len(got["ids"]))
            if len(got["ids"]) < _GET_BATCH:
                return ids, docs, metas
            offset += _GET_BATCH

    def legacy_entries(self) -> dict[str, FileEntry]:
        """The file records of a store without a manifest, read from its chunks' metadata."""
        self.collection()
        ids, _, metas = self.rows(include=["metadatas"])
        found: dict[str, tuple[str, list[str]]] = {}
        for chunk_id, meta in zip(ids, metas, strict=True):
            name = str(meta["source"])
            found.setdefault(name, (str(meta.get("document_hash", "")), []))[1].append(chunk_id)
        return {
            name: FileEntry(name, doc_hash, tuple(chunk_ids), state="unverified")
            for name, (doc_hash, chunk_ids) in found.items()
        }

    def chunk_ids_by_source(self) -> dict[str, set[str]]:
        """The ids of the chunks the collection holds, by the source their metadata names."""
        ids, _, metas = self.rows(include=["metadatas"])
        found: dict[str, set[str]] = {}
        for chunk_id, meta in zip(ids, metas, strict=True):
            found.setdefault(str(meta.get("source", "")), set()).add(chunk_id)
        return found

    def chunks_where(self, where: dict[str, Any]) -> list[Chunk]:
        """The chunks ``where`` selects, in document order."""
        ids, docs, metas = self.rows(where=where)
        chunks = [chunk_from(i, d, m) for i, d, m in zip(ids, docs, metas, strict=True)]
        return sorted(chunks, key=lambda c: c.start)

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        got = self.call(
            lambda: self.collection().get(ids=list(ids), include=["documents", "metadatas"])
        )
        return {
            i: chunk_from(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }

    def texts(self, ids: Sequence[str]) -> dict[str, str]:
        """Chunk texts by id; ids the store does not have are left out."""
        out: dict[str, str] = {}
        for lo in range(0, len(ids), _GET_BATCH):
            batch = list(ids[lo : lo + _GET_BATCH])
            got = self.call(self.collection().get, ids=batch, include=["documents"])
            out.update(zip(got["ids"], got["documents"], strict=True))
        return out

    def nearest(self, embedding: Sequence[float], k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, best first."""
        self.check.ensure()
        got = self.call(lambda: self.collection().query(
            query_embeddings=[list(embedding)],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        ))  # fmt: skip
        return [
            (chunk_from(i, d, m), 1.0 - float(dist))
            for i, d, m, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0],
                strict=True,
            )
            if m is not None and d is not None  # deleted by another process a moment ago
        ]  # fmt: skip

    # -- writing ----------------------------------------------------------------------------

    def _writable(self) -> Any:
        self.check.ensure()
        return self.collection(create=True)

    def add(self, chunks: Sequence[Chunk], embeddings: Any) -> None:
        if chunks:
            collection = self._writable()
            self.call(lambda: collection.add(
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                metadatas=[metadata_of(c) for c in chunks],
                embeddings=[[float(x) for x in e] for e in embeddings],
            ))  # fmt: skip

    def update_positions(self, chunks: Sequence[Chunk]) -> None:
        if chunks:
            collection = self._writable()
            self.call(lambda: collection.update(
                ids=[c.id for c in chunks], metadatas=[metadata_of(c) for c in chunks]
            ))  # fmt: skip

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            collection = self._writable()
            self.call(lambda: collection.delete(ids=list(ids)))

    def delete_source(self, source: str) -> None:
        collection = self._writable()
        self.call(lambda: collection.delete(where={"source": source}))

    def drop(self, before_move: Callable[[], None]) -> None:
        """Drop both collections (the manifest first: a kill between the two then leaves no
        record claiming chunks). A local store whose database cannot even be opened is moved
        aside (``<dir>.damaged-N``), after ``before_move`` lets go of files in it."""
        try:
            # Dropping a collection does not read its vector index: safe when it is damaged.
            client = self.connect(create=True)
            for name in (f"{self.collection_name}__files", self.collection_name):
                try:
                    client.delete_collection(name)
                except Exception as exc:
                    if "does not exist" not in str(exc):
                        raise
        except Exception as exc:
            if self.chroma_url:
                raise self.damaged(exc) from None
            before_move()
            move_aside(self.store_dir)
        self.forget()
