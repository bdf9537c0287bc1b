"""Unit tests of ``ChunkStore`` (assistant/index/store.py) over Chroma in memory
(tests/store_fakes.py) and the real SQLite lexical index: what a write leaves in both
collections, what the reads return, how the lexical index and the followers catch up, and the
store's paths and one-line errors."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import MissingStoreError, ReadOnlyStoreError, StoreError
from assistant.index.chroma_client import EmbeddedChroma
from assistant.index.lexical import LexicalIndex
from assistant.index.manifest import FileEntry
from assistant.index.store import LEGACY_GENERATION, ChunkStore, SourceInfo, store_for
from assistant.types import Chunk
from tests.fakes import make_chunk
from tests.store_fakes import MemoryChroma, install, install_checks

pytestmark = pytest.mark.unit

URL = "http://chroma.example:8000"


@pytest.fixture
def chroma(monkeypatch: pytest.MonkeyPatch) -> MemoryChroma:
    return install(monkeypatch)


@pytest.fixture
def store(tmp_path: Path, chroma: MemoryChroma) -> ChunkStore:
    return ChunkStore(tmp_path / "store", collection="docs", check_on_open=False)


def vector(*weights: float) -> list[float]:
    return [*weights, *([0.0] * (4 - len(weights)))]


HARBOUR = make_chunk("The harbour opened in May.", source="a.txt", start=0)
FERRY = make_chunk("A ferry crosses twice a day.", source="a.txt", start=27, paragraph=2)
BRIDGE = make_chunk("The bridge was closed for repairs.", source="b.txt", start=0)


def entry(source: str, *chunks: Chunk, **fields: object) -> FileEntry:
    return FileEntry(source, f"hash-{source}", tuple(c.id for c in chunks), **fields)  # type: ignore[arg-type]


def write(store: ChunkStore, *chunks: Chunk, after: Mapping[str, FileEntry] | None = None) -> None:
    """Chunks in and their files recorded complete, as an ingest does it."""
    by_source: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_source.setdefault(c.source, []).append(c)
    entries = [entry(s, *cs) for s, cs in by_source.items()]
    store.collection(create=True)  # as an ingest opens it first
    with store.changing(after):
        store.record([e.marked("writing") for e in entries])
        store.add(chunks, [vector(1.0, float(n)) for n in range(len(chunks))])
        store.record(entries)


# -- where -------------------------------------------------------------------------------------


def test_an_embedded_store_keeps_its_files_in_its_folder(tmp_path: Path) -> None:
    store = ChunkStore(tmp_path / "s", collection="notes")
    assert store.location == str(tmp_path / "s")
    assert store.lexical_path == tmp_path / "s" / "lexical" / "notes.sqlite3"
    assert store.sentences_path == tmp_path / "s" / "sentences" / "notes.sqlite3"
    assert store.ingest_lock().path == tmp_path / "s" / ".notes.ingest.lock"
    assert store.ingest_lock().where == str(tmp_path / "s")


def test_a_server_store_keeps_its_local_files_under_a_key_of_url_and_collection(
    tmp_path: Path,
) -> None:
    store = ChunkStore(tmp_path / "s", chroma_url=URL, collection="notes")
    key = hashlib.sha256(f"{URL}|notes".encode()).hexdigest()[:16]
    local = tmp_path / "s" / "remote" / key
    assert store.location == URL
    assert store.lexical_path == local / "lexical" / "notes.sqlite3"
    assert store.sentences_path == local / "sentences" / "notes.sqlite3"
    assert store.ingest_lock().path == local / ".notes.ingest.lock"
    assert store.ingest_lock().where == URL
    other = ChunkStore(tmp_path / "s", chroma_url=URL, collection="other")
    assert other.lexical_path.parent.parent != local


def test_store_for_takes_the_folder_url_and_collection_of_the_settings(tmp_path: Path) -> None:
    settings = Settings(store_dir=tmp_path / "s", chroma_url=URL, collection="notes")
    store = store_for(settings)
    assert (store.store_dir, store.chroma_url, store.collection_name) == (
        tmp_path / "s",
        URL,
        "notes",
    )
    assert store.opened == frozenset()  # nothing opened yet


def test_the_last_write_is_the_time_the_lock_was_let_go(store: ChunkStore) -> None:
    assert store.last_write_ns() is None  # never written
    with store.ingest_lock():
        pass
    os.utime(store.ingest_lock().path, ns=(5_000, 7_000))
    assert store.last_write_ns() == 7_000


# -- reading and writing chunks ------------------------------------------------------------------


def test_a_collection_is_created_only_when_asked(store: ChunkStore, chroma: MemoryChroma) -> None:
    with pytest.raises(MissingStoreError):
        store.collection()
    assert store.collection(create=True) is store.collection()


def test_a_server_store_does_not_check_the_embedded_store_in_its_folder(
    tmp_path: Path, chroma: MemoryChroma, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = install_checks(monkeypatch)
    folder = tmp_path / "store"
    write(ChunkStore(folder, collection="docs", check_on_open=False), HARBOUR)
    remote = ChunkStore(folder, chroma_url=URL, collection="docs")
    remote.start_check()
    assert "checked" in remote.opened
    assert checks.started == []


def test_reading_a_store_never_written_says_to_ingest(
    store: ChunkStore, chroma: MemoryChroma
) -> None:
    with pytest.raises(
        MissingStoreError, match=r"No vector store at .*store: run 'assistant ingest' first\."
    ):
        store.count()
    assert chroma.opened == []  # nothing was created to find that out


def test_chunks_written_are_read_back_by_id_source_and_span(
    store: ChunkStore, chroma: MemoryChroma
) -> None:
    write(store, HARBOUR, FERRY, BRIDGE)
    assert store.count() == 3
    assert store.get([FERRY.id, "missing"]) == {FERRY.id: FERRY}
    assert store.get([]) == {}
    assert store.texts([HARBOUR.id, BRIDGE.id, "missing"]) == {
        HARBOUR.id: HARBOUR.text,
        BRIDGE.id: BRIDGE.text,
    }
    assert store.chunks_of("a.txt") == [HARBOUR, FERRY]
    assert store.chunks_of("c.txt") == []
    assert store.chunk_ids_by_source() == {"a.txt": {HARBOUR.id, FERRY.id}, "b.txt": {BRIDGE.id}}
    # Overlapping [start, end): the ferry chunk is 27..55.
    assert store.chunks_between("a.txt", 27, 28) == [FERRY]
    assert store.chunks_between("a.txt", 25, 27) == [HARBOUR]
    assert store.chunks_between("a.txt", 26, 27) == []
    assert store.chunks_between("a.txt", 0, 100) == [HARBOUR, FERRY]
    assert store.chunks_between("a.txt", 55, 60) == []
    assert store.chunks_between("b.txt", 0, 1) == [BRIDGE]
    # The chunks were made with cosine space and no embedding function of Chroma's.
    assert chroma.configurations["docs"] == {"hnsw": {"space": "cosine"}}


def test_dense_search_ranks_by_cosine_similarity(store: ChunkStore) -> None:
    store.collection(create=True)
    with store.changing():
        store.add([HARBOUR, FERRY, BRIDGE], [vector(1.0), vector(0.0, 1.0), vector(1.0, 1.0)])
    found = store.dense_search(vector(1.0), 2)
    assert [c.id for c, _ in found] == [HARBOUR.id, BRIDGE.id]
    assert found[0][1] == pytest.approx(1.0)
    assert found[1][1] == pytest.approx(2**-0.5)


def test_positions_move_without_new_chunks_and_deletes_take_ids_or_a_source(
    store: ChunkStore,
) -> None:
    write(store, HARBOUR, FERRY, BRIDGE)
    moved = make_chunk(FERRY.text, source="a.txt", start=40, paragraph=3, id=FERRY.id)
    store.update_positions([moved])
    assert store.get([FERRY.id])[FERRY.id] == moved
    assert store.count() == 3
    store.delete([HARBOUR.id])
    assert store.chunk_ids_by_source() == {"a.txt": {FERRY.id}, "b.txt": {BRIDGE.id}}
    store.delete_source("b.txt")
    assert store.chunk_ids_by_source() == {"a.txt": {FERRY.id}}
    store.delete([])  # nothing to do
    store.update_positions([])
    store.add([], [])
    assert store.count() == 1


# -- the manifest --------------------------------------------------------------------------------


def test_records_say_what_each_file_holds_and_writing_files_are_not_sources(
    store: ChunkStore,
) -> None:
    write(store, HARBOUR, FERRY, BRIDGE)
    assert store.has_manifest
    assert store.entries() == {
        "a.txt": entry("a.txt", HARBOUR, FERRY),
        "b.txt": entry("b.txt", BRIDGE),
    }
    assert store.sources() == {
        "a.txt": SourceInfo("a.txt", "hash-a.txt", 2),
        "b.txt": SourceInfo("b.txt", "hash-b.txt", 1),
    }
    with store.changing():
        store.record([entry("b.txt", BRIDGE).marked("writing")])
    assert store.entries()["b.txt"].state == "writing"
    assert list(store.sources()) == ["a.txt"]
    with store.changing():
        store.record([], removed=["b.txt"])
    assert list(store.entries()) == ["a.txt"]


def test_every_write_of_records_changes_the_generation(store: ChunkStore) -> None:
    write(store, HARBOUR)
    first = store.generation()
    assert len(first) == 32
    with store.changing():
        store.record([entry("a.txt", HARBOUR, state="writing")])
    second = store.generation()
    assert second != first
    assert store.generation() == second  # reading changes nothing


def test_a_store_from_before_the_manifest_reads_its_files_from_the_chunks(
    store: ChunkStore, chroma: MemoryChroma
) -> None:
    with store.changing():
        store.add([HARBOUR, FERRY, BRIDGE], [vector(1.0)] * 3)
    assert not store.has_manifest
    assert store.generation() == LEGACY_GENERATION == "legacy"
    assert store.entries() == {
        "a.txt": FileEntry(
            "a.txt", HARBOUR.document_hash, (HARBOUR.id, FERRY.id), state="unverified"
        ),
        "b.txt": FileEntry("b.txt", BRIDGE.document_hash, (BRIDGE.id,), state="unverified"),
    }
    # The first write of records keeps what the store held, then writes its own.
    new = entry("c.txt")
    with store.changing():
        store.record([new])
    assert store.has_manifest
    assert set(store.entries()) == {"a.txt", "b.txt", "c.txt"}
    assert store.entries()["a.txt"].state == "unverified"
    assert store.entries()["c.txt"] == new
    upserts = [m for c, m in chroma.calls if c == "docs__files" and m == "upsert"]
    assert len(upserts) == 2  # the store's files first, then the new record
    # Later writes do not copy them again.
    chroma.calls.clear()
    with store.changing():
        store.record([], removed=["c.txt"])
    assert ("docs__files", "upsert") not in chroma.calls
    assert set(store.entries()) == {"a.txt", "b.txt"}


def test_an_empty_write_of_records_still_creates_the_manifest(
    store: ChunkStore, chroma: MemoryChroma
) -> None:
    store.collection(create=True)  # no chunks, no manifest
    chroma.calls.clear()
    with store.changing():
        store.record([])
    assert store.has_manifest
    assert store.entries() == {}  # a store whose files are unknown records none
    assert ("docs__files", "upsert") not in chroma.calls


def test_peek_entries_reads_the_records_of_a_store_this_process_has_not_open(
    tmp_path: Path, chroma: MemoryChroma
) -> None:
    folder = tmp_path / "store"
    assert ChunkStore(folder, collection="docs", check_on_open=False).peek_entries() is None
    writer = ChunkStore(folder, collection="docs", check_on_open=False)
    write(writer, HARBOUR, BRIDGE)
    assert writer.peek_entries() is None  # open in this process: read it with its client
    EmbeddedChroma.at(folder).reopen()  # as another process sees it: not open
    chroma.calls.clear()
    reader = ChunkStore(folder, collection="docs", check_on_open=False)
    assert reader.peek_entries() == {
        "a.txt": entry("a.txt", HARBOUR),
        "b.txt": entry("b.txt", BRIDGE),
    }
    assert chroma.calls == [("docs__files", "read_records")]
    assert "checked" in reader.opened  # the check was started (here: nothing to check)
    # None when the records cannot be read that way.
    other = ChunkStore(folder, collection="other", check_on_open=False)
    assert other.peek_entries() is None
    remote = ChunkStore(folder, chroma_url=URL, collection="docs", check_on_open=False)
    assert remote.peek_entries() is None


# -- catching up after a write -------------------------------------------------------------------


def test_after_a_write_the_lexical_index_and_the_followers_catch_up(store: ChunkStore) -> None:
    seen: list[tuple[str, Mapping[str, FileEntry] | None]] = []
    store.followers.append(lambda generation, entries: seen.append((generation, entries)))
    after = {"a.txt": entry("a.txt", HARBOUR, FERRY)}
    write(store, HARBOUR, FERRY, after=after)
    assert seen == [(store.generation(), after)]
    assert [h.chunk_id for h in store.bm25_search("ferry", 5)] == [FERRY.id]
    assert store.lexical().generation == store.generation()
    assert store.opened == {"checked", "vectors", "lexical"}
    # A write this process made does not make its own store stale.
    assert not store.stale()


def test_the_records_given_are_trusted_on_an_embedded_store(store: ChunkStore) -> None:
    # ``after`` stands for every record (the writer holds the lock): the lexical index
    # follows it, not a read of the manifest.
    write(store, HARBOUR, BRIDGE, after={"b.txt": entry("b.txt", BRIDGE)})
    assert store.lexical().sources().keys() == {"b.txt"}
    assert store.bm25_search("harbour", 5) == []


def test_a_server_store_reads_the_records_back_after_a_write(
    tmp_path: Path, chroma: MemoryChroma
) -> None:
    store = ChunkStore(tmp_path / "s", chroma_url=URL, collection="docs", check_on_open=False)
    seen: list[object] = []
    store.followers.append(lambda generation, entries: seen.append(entries))
    write(store, HARBOUR, BRIDGE, after={"b.txt": entry("b.txt", BRIDGE)})
    assert seen == [None]  # another machine may have written meanwhile
    assert store.lexical().sources().keys() == {"a.txt", "b.txt"}
    assert [h.chunk_id for h in store.bm25_search("harbour", 5)] == [HARBOUR.id]
    assert not store.stale()  # a server's client always sees every write
    assert chroma.opened == [URL]


def test_a_write_of_another_process_makes_the_store_stale_until_reopened(
    tmp_path: Path, chroma: MemoryChroma
) -> None:
    folder = tmp_path / "store"
    store = ChunkStore(folder, collection="docs", check_on_open=False)
    assert not store.stale()  # no database yet
    write(store, HARBOUR)
    assert not store.stale()
    # Another process replaces the generation token (its write).
    chroma.collection(folder, "docs__files").upsert(
        ids=["generation"], metadatas=[{"token": "other"}], embeddings=[[1.0]]
    )
    assert store.stale()
    assert store.stale()  # until re-opened
    store.reopen()
    assert chroma.opened == [str(folder.resolve())] * 1
    assert store.count() == 1  # opened again, with the same data
    assert chroma.opened == [str(folder.resolve())] * 2
    assert not store.stale()


def test_a_store_whose_records_cannot_be_read_is_not_called_stale(
    store: ChunkStore, chroma: MemoryChroma
) -> None:
    write(store, HARBOUR)
    chroma.fail("get", RuntimeError("disk I/O error"))
    assert not store.stale()


# -- the lexical index ---------------------------------------------------------------------------


def test_the_lexical_index_is_rebuilt_from_the_store_when_asked(store: ChunkStore) -> None:
    write(store, HARBOUR, FERRY, BRIDGE)
    store.lexical()
    with closing(sqlite3.connect(store.lexical_path)) as db, db:
        db.execute("DELETE FROM fts")  # rows lost, the generation kept
        db.execute("DELETE FROM chunk")
    assert store.bm25_search("bridge", 5) == []  # the generation still matches
    store.rebuild_lexical()
    assert [h.chunk_id for h in store.bm25_search("bridge", 5)] == [BRIDGE.id]


def test_a_damaged_lexical_index_is_rebuilt_unless_repair_is_off(
    store: ChunkStore, tmp_path: Path
) -> None:
    write(store, HARBOUR, BRIDGE)
    store.reopen()
    # Another process's store object meets the file damaged.
    store = ChunkStore(tmp_path / "store", collection="docs", check_on_open=False)
    for suffix in ("-wal", "-shm"):
        Path(f"{store.lexical_path}{suffix}").unlink(missing_ok=True)
    store.lexical_path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        store.lexical(repair=False)
    other = ChunkStore(tmp_path / "store", collection="docs", check_on_open=False)
    index = other.lexical()
    assert index.generation == other.generation()
    assert [h.chunk_id for h in other.bm25_search("bridge", 5)] == [BRIDGE.id]


# -- errors --------------------------------------------------------------------------------------


def test_a_chroma_failure_is_one_line_naming_the_store(tmp_path: Path) -> None:
    store = ChunkStore(tmp_path / "s", collection="docs")
    error = store.damaged(RuntimeError("disk I/O error\nmore detail"))
    assert type(error) is StoreError
    assert str(error) == (
        f"The vector store at {tmp_path / 's'} is damaged or unreadable (disk I/O error):"
        " run 'assistant doctor' to check it, 'assistant ingest --rebuild' to rebuild it."
    )
    assert isinstance(
        store.damaged(OSError("attempt to write a readonly database")), ReadOnlyStoreError
    )
    remote = ChunkStore(tmp_path / "s", chroma_url=URL, collection="docs")
    assert str(remote.damaged(RuntimeError("503"))) == f"The Chroma server at {URL} failed: 503"


def test_a_write_that_fails_in_chroma_raises_the_one_line_error(
    store: ChunkStore, chroma: MemoryChroma
) -> None:
    write(store, HARBOUR)
    chroma.fail("add", RuntimeError("database or disk is full"))
    with pytest.raises(StoreError, match=r"damaged or unreadable \(database or disk is full\)"):
        store.add([BRIDGE], [vector(1.0)])
    chroma.fail("upsert", RuntimeError("database or disk is full"))
    with pytest.raises(StoreError, match="database or disk is full"):
        store.record([entry("b.txt", BRIDGE)])
    assert list(store.entries()) == ["a.txt"]


# -- opening and resetting -----------------------------------------------------------------------


def test_what_is_opened_is_told(tmp_path: Path, chroma: MemoryChroma) -> None:
    store = ChunkStore(tmp_path / "s", chroma_url=URL, collection="docs")
    assert store.opened == frozenset()
    store.start_check()  # a server's vector index is not checked here
    assert store.opened == {"checked"}
    store.stop_check()
    store.wait_for_check()
    assert store.opened == {"checked"}
    store.collection(create=True)
    assert store.opened == {"checked", "vectors"}
    store.lexical()
    assert store.opened == {"checked", "vectors", "lexical"}


def test_reset_drops_chunks_records_and_the_lexical_index(
    store: ChunkStore, chroma: MemoryChroma, tmp_path: Path
) -> None:
    write(store, HARBOUR, BRIDGE)
    assert store.bm25_search("bridge", 5)
    store.reset()
    assert not chroma.has(tmp_path / "store", "docs")
    assert not chroma.has(tmp_path / "store", "docs__files")
    assert store.opened == {"checked", "lexical"}
    assert LexicalIndex(store.lexical_path).sources() == {}
    store.collection(create=True)
    assert store.bm25_search("bridge", 5) == []
    # The next write starts a new store.
    write(store, FERRY)
    assert store.count() == 1
    assert list(store.entries()) == ["a.txt"]


def test_reset_of_a_database_that_cannot_be_opened_moves_it_aside(
    store: ChunkStore, chroma: MemoryChroma, tmp_path: Path
) -> None:
    write(store, HARBOUR)
    chroma.fail("delete_collection", RuntimeError("database disk image is malformed"))
    store.reset()
    aside = tmp_path / "store.damaged-1"
    assert (aside / "chroma.sqlite3").is_file()
    assert not (tmp_path / "store" / "chroma.sqlite3").exists()
    assert LexicalIndex(store.lexical_path).sources() == {}
    write(store, BRIDGE)
    assert store.chunk_ids_by_source() == {"b.txt": {BRIDGE.id}}


def test_reset_of_a_failing_server_says_so(tmp_path: Path, chroma: MemoryChroma) -> None:
    store = ChunkStore(tmp_path / "s", chroma_url=URL, collection="docs", check_on_open=False)
    write(store, HARBOUR)
    chroma.fail("delete_collection", RuntimeError("502 bad gateway"))
    with pytest.raises(StoreError, match=f"The Chroma server at {URL} failed: 502 bad gateway"):
        store.reset()
    assert store.count() == 1


def test_a_server_store_is_never_stale_though_its_folder_holds_an_embedded_one(
    tmp_path: Path, chroma: MemoryChroma
) -> None:
    folder = tmp_path / "store"
    write(ChunkStore(folder, collection="docs", check_on_open=False), HARBOUR)
    remote = ChunkStore(folder, chroma_url=URL, collection="docs", check_on_open=False)
    write(remote, BRIDGE)
    assert not remote.stale()


def test_bm25_hits_carry_their_scores_best_first(store: ChunkStore) -> None:
    ferry_twice = make_chunk("The ferry, the ferry at noon.", source="c.txt")
    write(store, HARBOUR, FERRY, BRIDGE, ferry_twice)
    hits = store.bm25_search("ferry", 5)
    assert [h.chunk_id for h in hits] == [ferry_twice.id, FERRY.id]
    assert hits[0].score > hits[1].score > 0.0
