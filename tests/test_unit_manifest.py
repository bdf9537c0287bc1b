"""Fast unit tests of the source manifest (assistant/index/manifest.py) over an in-memory collection
that implements the part of Chroma's collection API the manifest uses."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from assistant.index.manifest import FileEntry, Manifest, digest, entries_from_records

pytestmark = pytest.mark.unit


@dataclass
class MemoryCollection:
    """Records kept in insertion order, as Chroma pages them; every call is logged."""

    records: dict[str, tuple[Mapping[str, Any] | None, list[float]]] = field(default_factory=dict)
    calls: list[tuple[str, int]] = field(default_factory=list)  # (method, records touched)

    def get(
        self,
        ids: Sequence[str] | None = None,
        include: Sequence[str] = ("metadatas",),
        limit: int | None = None,
        offset: int = 0,
    ) -> dict[str, Any]:
        assert list(include) == ["metadatas"]
        chosen = [i for i in self.records if ids is None or i in ids]
        chosen = chosen[offset : None if limit is None else offset + limit]
        self.calls.append(("get", len(chosen)))
        return {"ids": chosen, "metadatas": [self.records[i][0] for i in chosen]}

    def upsert(
        self,
        ids: Sequence[str],
        metadatas: Sequence[Mapping[str, Any]],
        embeddings: Sequence[list[float]],
    ) -> None:
        assert len(ids) == len(metadatas) == len(embeddings)
        assert len(set(ids)) == len(ids)  # Chroma refuses duplicate ids in one call
        for record_id, meta, vector in zip(ids, metadatas, embeddings, strict=True):
            self.records[record_id] = (dict(meta), list(vector))
        self.calls.append(("upsert", len(ids)))

    def delete(self, ids: Sequence[str]) -> None:
        for record_id in ids:
            self.records.pop(record_id, None)
        self.calls.append(("delete", len(ids)))


def entry(source: str, *ids: str, **fields: Any) -> FileEntry:
    return FileEntry(source=source, content_hash=f"hash-{source}", chunk_ids=ids, **fields)


def test_digest_is_of_the_set_of_ids_not_their_order() -> None:
    assert digest(["b", "a"]) == digest(["a", "b"])
    assert digest(["a", "b"]) != digest(["a", "b", "c"])
    assert digest(["ab"]) != digest(["a", "b"])  # ids are kept apart
    # Kept in the lexical index's file: the same digest whatever version wrote it.
    assert digest(["b", "a"]) == hashlib.sha256(b"a\nb\n").hexdigest()
    assert entry("x.txt", "b", "a").digest == digest(["a", "b"])
    assert entry("x.txt", "b", "a").chunks == 2


def test_a_record_keeps_every_field_through_its_metadata() -> None:
    full = entry(
        "notes.md",
        "c1",
        "c2",
        state="writing",
        chunking="sentences-3",
        embedder="minilm@1",
        size=120,
        mtime_ns=7,
        length=99,
    )
    meta = full.to_metadata()
    assert meta["chunks"] == 2
    assert meta["hash"] == "hash-notes.md"
    assert FileEntry.from_metadata(meta) == full
    assert full.marked("complete") == entry(
        "notes.md",
        "c1",
        "c2",
        state="complete",
        chunking="sentences-3",
        embedder="minilm@1",
        size=120,
        mtime_ns=7,
        length=99,
    )


def test_a_record_from_an_older_store_gets_the_defaults_and_is_unverified() -> None:
    old = FileEntry.from_metadata({"source": "a.txt"})
    assert old == FileEntry("a.txt", "", (), "unverified", "", "", -1, -1, -1)
    assert FileEntry.from_metadata({"source": "a.txt", "state": "broken"}).state == "unverified"
    for state in ("complete", "writing"):
        assert FileEntry.from_metadata({"source": "a.txt", "state": state}).state == state
    assert FileEntry("a.txt", "h", ()).state == "complete"  # a new record is complete


def test_only_file_records_with_metadata_are_entries() -> None:
    one = entry("a.txt", "1")
    records = [
        ("generation", {"token": "t"}),
        ("file:a.txt", one.to_metadata()),
        ("file:b.txt", None),
        ("file:c.txt", {}),
        ("a.txt", entry("z.txt").to_metadata()),  # not a file record's id
    ]
    assert entries_from_records(records) == {"a.txt": one}


def test_put_remove_and_the_generation() -> None:
    collection = MemoryCollection()
    manifest = Manifest(collection)
    assert manifest.generation() == ""
    assert manifest.entries() == {}
    first = [entry("a.txt", "1"), entry("b.txt", "2", "3")]
    manifest.put(first)
    collection.calls.clear()
    token = manifest.generation()
    assert collection.calls == [("get", 1)]  # the token alone is read
    assert len(token) == 32
    assert manifest.entries() == {e.source: e for e in first}
    assert collection.records["file:a.txt"][1] == [1.0]  # a vector Chroma needs, one number
    # Each write replaces the token in the same upsert as the records it covers.
    collection.calls.clear()
    manifest.put([first[0].marked("writing")])
    assert collection.calls == [("upsert", 2)]
    assert manifest.generation() not in ("", token)
    assert manifest.entries()["a.txt"].state == "writing"
    # Removing needs no new token (the records were marked writing first).
    token = manifest.generation()
    manifest.remove(["a.txt"])
    assert manifest.generation() == token
    assert list(manifest.entries()) == ["b.txt"]
    collection.calls.clear()
    manifest.remove([])
    manifest.put([])
    assert collection.calls == []  # nothing to do: no call


def test_many_records_are_written_and_read_in_pages() -> None:
    collection = MemoryCollection()
    manifest = Manifest(collection)
    many = [entry(f"doc-{i:05d}.txt", f"c{i}") for i in range(4001)]
    manifest.put(many)
    upserts = [n for call, n in collection.calls if call == "upsert"]
    assert upserts == [2001, 2001, 2]  # pages of 2,000 records, each with the token
    collection.calls.clear()
    found = manifest.entries()
    assert found == {e.source: e for e in many}
    assert collection.calls == [("get", 2000), ("get", 2000), ("get", 2)]
    # A last page that is exactly full is followed by an empty one, not taken for the end.
    manifest.remove([e.source for e in many[:2]])
    collection.calls.clear()
    assert len(manifest.entries()) == 3999
    assert collection.calls == [("get", 2000), ("get", 2000), ("get", 0)]
