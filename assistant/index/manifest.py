"""The source manifest: one record per ingested file, kept in Chroma beside the chunks.

A file counts as ingested only when its record says ``complete``: ingest marks the files it is
about to change ``writing`` before it touches their chunks and ``complete`` after, so a run that
dies in between leaves records that the next run redoes. The manifest lives in a second Chroma
collection (``<collection>__files``) so that every client of one Chroma server sees the same
one, and carries a *generation* token that every writer replaces: a reader compares one token
to know whether anything changed; it is replaced in the same upsert as the records it covers.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

State = Literal["complete", "writing", "unverified"]

_GENERATION_ID = "generation"
_PREFIX = "file:"
_VECTOR = [1.0]  # Chroma stores a vector per record; the manifest needs none of its own.
_PAGE = 2000


def digest(ids: Iterable[str]) -> str:
    """Order-independent digest of a set of chunk ids."""
    return hashlib.sha256("".join(f"{i}\n" for i in sorted(ids)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class FileEntry:
    """What the store holds of one source file."""

    source: str
    content_hash: str
    chunk_ids: tuple[str, ...]
    state: State = "complete"
    # How the chunks were cut and embedded: a change of either means the file is redone.
    chunking: str = ""
    embedder: str = ""
    # The file's size and modification time when it was read: when both are unchanged, an
    # ingest trusts the record without reading the file again.
    size: int = -1
    mtime_ns: int = -1
    # Characters in the document's text (-1: not recorded, a store from before).
    length: int = -1

    @property
    def chunks(self) -> int:
        return len(self.chunk_ids)

    @property
    def digest(self) -> str:
        return digest(self.chunk_ids)

    def marked(self, state: State) -> FileEntry:
        return replace(self, state=state)

    def to_metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "hash": self.content_hash,
            "state": self.state,
            "chunking": self.chunking,
            "embedder": self.embedder,
            "chunks": len(self.chunk_ids),
            "ids": json.dumps(list(self.chunk_ids)),
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "length": self.length,
        }

    @classmethod
    def from_metadata(cls, meta: Mapping[str, Any]) -> FileEntry:
        state = str(meta.get("state", "unverified"))
        return cls(
            source=str(meta["source"]),
            content_hash=str(meta.get("hash", "")),
            chunk_ids=tuple(json.loads(str(meta.get("ids", "[]")))),
            state=state if state in ("complete", "writing") else "unverified",  # type: ignore[arg-type]
            chunking=str(meta.get("chunking", "")),
            embedder=str(meta.get("embedder", "")),
            size=int(meta.get("size", -1)),
            mtime_ns=int(meta.get("mtime_ns", -1)),
            length=int(meta.get("length", -1)),
        )


Record = tuple[str, Mapping[str, Any] | None]  # a Chroma record's id and metadata


def entries_from_records(records: Iterable[Record]) -> dict[str, FileEntry]:
    """The file records among a manifest collection's (id, metadata) records."""
    found: dict[str, FileEntry] = {}
    for record_id, meta in records:
        if record_id.startswith(_PREFIX) and meta:
            entry = FileEntry.from_metadata(meta)
            found[entry.source] = entry
    return found


class Manifest:
    """The file records of one Chroma collection (``collection`` is a Chroma collection)."""

    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def entries(self) -> dict[str, FileEntry]:
        found: dict[str, FileEntry] = {}
        offset = 0
        while True:
            got = self._collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
            records = zip(got["ids"], got["metadatas"] or [], strict=False)
            found.update(entries_from_records(records))
            if len(got["ids"]) < _PAGE:
                return found
            offset += _PAGE

    def put(self, entries: Sequence[FileEntry]) -> None:
        """Write records; each call also replaces the generation token, in the same upsert,
        so no reader can see changed records under an unchanged generation."""
        for lo in range(0, len(entries), _PAGE):
            batch = entries[lo : lo + _PAGE]
            self._collection.upsert(
                ids=[_GENERATION_ID, *(_PREFIX + e.source for e in batch)],
                metadatas=[{"token": uuid.uuid4().hex}, *(e.to_metadata() for e in batch)],
                embeddings=[_VECTOR for _ in range(len(batch) + 1)],
            )

    def remove(self, sources: Sequence[str]) -> None:
        """Drop records. Callers mark them "writing" first (a ``put``), which readers already
        leave out, so dropping them needs no new generation."""
        if sources:
            self._collection.delete(ids=[_PREFIX + s for s in sources])

    def generation(self) -> str:
        """A token that every write replaces ("" before the first write)."""
        got = self._collection.get(ids=[_GENERATION_ID], include=["metadatas"])
        metas = got["metadatas"] or []
        return str(metas[0].get("token", "")) if metas and metas[0] else ""
