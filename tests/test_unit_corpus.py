"""Unit tests of the corpus service (assistant/index/corpus.py), the one owner of a store's
write transactions, over Chroma in memory (tests/store_fakes.py): removing a document, the
restore after a failed upload, the repairs of ``doctor --repair``, emptying, and one ingest's
writes in order and in batches, each under the process's write lock."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.index.corpus import Corpus
from assistant.index.manifest import FileEntry
from assistant.index.store import ChunkStore
from tests.fakes import make_chunk
from tests.store_fakes import OLD, Library, MemoryChroma, install

pytestmark = pytest.mark.unit

URL = "http://chroma.example:8000"
HARBOUR = "The harbour opened in May. A ferry crosses twice a day.\n\nThe bridge was closed.\n"
MARKET = "The market sells fish. Prices rose in June.\n"


@pytest.fixture
def chroma(monkeypatch: pytest.MonkeyPatch) -> MemoryChroma:
    return install(monkeypatch)


@pytest.fixture
def library(tmp_path: Path, chroma: MemoryChroma) -> Library:
    return Library(tmp_path, chroma)


@pytest.fixture
def server(tmp_path: Path, chroma: MemoryChroma) -> Library:
    """A library over a Chroma server (``doctor`` opens no child process for one)."""
    return Library(tmp_path, chroma, chroma_url=URL)


def ingested(library: Library) -> Library:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    library.chroma.writes.clear()
    library.lock.taken = 0
    return library


# -- remove ---------------------------------------------------------------------------------------


def test_remove_marks_the_file_then_drops_its_chunks_and_record(library: Library) -> None:
    ingested(library)
    seen: list[tuple[str, Mapping[str, FileEntry] | None]] = []
    library.store.followers.append(lambda generation, entries: seen.append((generation, entries)))
    assert library.corpus.remove("market.txt") == 2
    assert library.chroma.writes == [
        ("docs__files", "upsert", 2),  # marked writing, with a new generation
        ("docs", "delete where {'source': 'market.txt'}", 0),
        ("docs__files", "delete", 1),
    ]
    assert set(library.store.entries()) == {"harbour.txt"}
    assert set(library.chunks()) == {"harbour.txt"}
    assert library.lock.taken == 1
    assert seen == [(library.store.generation(), None)]  # the followers caught up
    assert library.store.bm25_search("fish", 3) == []
    # The ingest lock was held and let go: another writer may take it now.
    with library.store.ingest_lock():
        pass


def test_removing_a_document_the_store_does_not_have_says_so(library: Library) -> None:
    ingested(library)
    with pytest.raises(StoreError) as caught:
        library.corpus.remove("nowhere.txt")
    assert str(caught.value) == "No document named 'nowhere.txt' is in the store."
    assert library.chroma.writes == []
    assert library.lock.taken == 0
    with library.store.ingest_lock():  # let go after the error too
        pass


def test_a_removal_that_fails_half_way_leaves_the_file_marked_writing(library: Library) -> None:
    ingested(library)
    library.chroma.fail("delete", RuntimeError("disk I/O error"))
    with pytest.raises(StoreError, match="disk I/O error"):
        library.corpus.remove("market.txt")
    assert library.store.entries()["market.txt"].state == "writing"
    assert set(library.store.sources()) == {"harbour.txt"}
    assert not library.lock.held
    assert library.corpus.remove("market.txt") == 2


# -- restore --------------------------------------------------------------------------------------


def test_restore_removes_the_added_and_indexes_the_replaced_again(library: Library) -> None:
    ingested(library)
    library.put("upload.txt", "An uploaded note about tides.\n")
    library.put("market.txt", "The market is closed.\n", mtime=OLD + 1)
    library.ingest()  # the upload's ingest wrote both, then failed (say) after
    library.put("market.txt", MARKET, mtime=OLD + 2)  # the old file put back
    library.corpus.restore(["upload.txt", "never-written.txt"], [library.folder / "market.txt"])
    assert set(library.store.entries()) == {"harbour.txt", "market.txt"}
    assert [c.text for c in library.store.chunks_of("market.txt")] == [
        "The market sells fish.",
        "Prices rose in June.",
    ]


def test_restore_with_nothing_replaced_ingests_nothing(library: Library) -> None:
    ingested(library)
    library.corpus.restore([], [library.folder / "gone.txt"])
    assert library.chroma.writes == []
    assert library.lock.taken == 0


def test_a_restore_that_cannot_index_logs_and_does_not_raise(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    ingested(library)
    blob = library.put("market.txt", b"\x00\x01 binary", mtime=OLD + 1)
    with caplog.at_level(logging.WARNING, logger="assistant.index.corpus"):
        library.corpus.restore([], [blob])
    assert [r.getMessage() for r in caplog.records] == [
        "could not re-index the restored documents: market.txt looks like a binary file, not text."
    ]


# -- empty and write ------------------------------------------------------------------------------


def test_empty_drops_everything_under_the_write_lock(library: Library) -> None:
    ingested(library)
    library.corpus.empty()
    assert library.lock.taken == 1
    assert not library.chroma.has(library.store_dir, "docs")
    assert not library.chroma.has(library.store_dir, "docs__files")


def test_write_goes_in_order_and_in_batches_under_one_hold_of_the_lock(
    library: Library,
) -> None:
    ingested(library)
    store = library.store
    old = store.chunks_of("harbour.txt")
    new = [make_chunk(f"Line {n} of the log.", source="log.txt", start=20 * n) for n in range(5)]
    moved = [make_chunk(c.text, source=c.source, start=c.start + 1, id=c.id) for c in old]
    market = store.entries()["market.txt"]
    log = FileEntry("log.txt", "h", tuple(c.id for c in new))
    harbour = FileEntry("harbour.txt", "h2", tuple(c.id for c in old[1:]))
    seen: list[Mapping[str, FileEntry] | None] = []
    store.followers.append(lambda generation, entries: seen.append(entries))
    after = {"log.txt": log, "harbour.txt": harbour}
    library.corpus.write(
        [log.marked("writing"), harbour.marked("writing"), market.marked("writing")],
        gone=["market.txt"],
        deletes=[old[0].id],
        adds=new,
        embeddings=[[1.0, float(n)] for n in range(5)],
        moved=moved[1:],
        records=[log, harbour],
        after=after,
        batch=2,
    )
    assert library.chroma.writes == [
        ("docs__files", "upsert", 4),
        ("docs", "delete where {'source': 'market.txt'}", 0),
        ("docs", "delete", 1),
        ("docs", "add", 2),
        ("docs", "add", 2),
        ("docs", "add", 1),
        ("docs", "update", 2),
        ("docs__files", "upsert", 3),
        ("docs__files", "delete", 1),
    ]
    assert library.lock.taken == 1
    assert store.entries() == after
    assert store.chunk_ids_by_source() == {
        "harbour.txt": {c.id for c in old[1:]},
        "log.txt": {c.id for c in new},
    }
    assert [c.start for c in store.chunks_of("harbour.txt")] == [c.start for c in moved[1:]]
    assert seen == [after]
    assert [h.chunk_id for h in store.bm25_search("line 3", 1)] == [new[3].id]


def test_write_without_embeddings_adds_nothing(library: Library) -> None:
    ingested(library)
    entry = library.store.entries()["market.txt"]
    library.corpus.write(
        [entry.marked("writing")],
        gone=[],
        deletes=[],
        adds=[],
        embeddings=None,
        moved=[],
        records=[entry],
        after=library.store.entries(),
        batch=1000,
    )
    assert library.chroma.writes == [("docs__files", "upsert", 2), ("docs__files", "upsert", 2)]


def test_without_a_write_lock_the_corpus_writes_all_the_same(
    tmp_path: Path, chroma: MemoryChroma
) -> None:
    store = ChunkStore(tmp_path / "store", collection="docs", check_on_open=False)
    corpus = Corpus(store, ingestor=lambda corpus: pytest.fail("no ingest here"))  # type: ignore[arg-type, return-value]
    with corpus.writing():
        pass
    store.collection(create=True)
    entry = FileEntry("a.txt", "h", ())
    corpus.write(
        [entry.marked("writing")],
        gone=[],
        deletes=[],
        adds=[],
        embeddings=None,
        moved=[],
        records=[entry],
        after={"a.txt": entry},
        batch=10,
    )
    assert store.entries() == {"a.txt": entry}
    assert corpus.remove("a.txt") == 0
    assert store.entries() == {}


# -- repair ---------------------------------------------------------------------------------------


class Sentences:
    """The sentence index as ``repair`` sees it: the files it indexed, rebuilt from the
    store's records."""

    def __init__(self, store: ChunkStore, indexed: set[str]) -> None:
        self.store = store
        self.indexed = indexed
        self.rebuilt = 0

    def problem(self, entries: Mapping[str, FileEntry]) -> str:
        return "" if self.indexed == set(entries) else "indexes other files"

    def rebuild(self) -> None:
        self.indexed = set(self.store.entries())
        self.rebuilt += 1


def test_repair_of_a_sound_store_does_nothing(server: Library) -> None:
    ingested(server)
    sentences = Sentences(server.store, {"harbour.txt", "market.txt"})
    assert server.corpus.repair(sentences) == []  # type: ignore[arg-type]
    assert server.chroma.writes == []
    assert sentences.rebuilt == 0
    assert server.lock.taken == 1


def test_repair_marks_files_with_wrong_chunks_and_drops_unlisted_chunks(server: Library) -> None:
    ingested(server)
    store = server.store
    harbour = store.entries()["harbour.txt"]
    with server.lock.writing():
        store.delete([harbour.chunk_ids[0]])  # a chunk lost
        stray = make_chunk("A chunk no record lists.", source="stray.txt")
        store.add([stray], [[1.0, 0.0]])
    server.chroma.writes.clear()
    server.lock.taken = 0
    done = server.corpus.repair()
    assert done == [
        "marked 1 file(s) to be redone: run 'assistant ingest CORPUS'",
        "removed the chunks of 1 unlisted file(s)",
    ]
    assert server.chroma.writes == [
        ("docs", "delete where {'source': 'stray.txt'}", 0),
        ("docs__files", "upsert", 2),
    ]
    assert store.entries()["harbour.txt"] == harbour.marked("writing")
    assert set(store.chunk_ids_by_source()) == {"harbour.txt", "market.txt"}
    assert server.lock.taken == 1
    # The next ingest redoes the file marked.
    assert server.ingest().added == 1
    assert server.corpus.repair() == []


def test_repair_rebuilds_a_lexical_index_missing_rows_and_a_wrong_sentence_index(
    server: Library,
) -> None:
    ingested(server)
    store = server.store
    store.lexical()
    with closing(sqlite3.connect(store.lexical_path)) as db, db:
        db.execute("DELETE FROM fts")
        db.execute("DELETE FROM chunk")
    sentences = Sentences(store, {"harbour.txt"})
    done = server.corpus.repair(sentences)  # type: ignore[arg-type]
    assert done == ["rebuilt the lexical index", "rebuilt the sentence index"]
    assert sentences.rebuilt == 1
    assert [h.chunk_id for h in store.bm25_search("fish", 1)] == [
        store.chunks_of("market.txt")[0].id
    ]
    assert server.chroma.writes == []


def test_repair_of_a_store_from_before_the_manifest_leaves_its_files(server: Library) -> None:
    ingested(server)
    del server.chroma.databases[URL]["docs__files"]
    server.store.reopen()
    server.open()
    assert server.corpus.repair() == []  # the next ingest records its files
    assert server.chroma.writes == []
    assert not server.store.has_manifest


def test_repair_of_a_store_that_cannot_be_read_does_nothing(server: Library) -> None:
    ingested(server)
    server.chroma.fail("count", RuntimeError("503 service unavailable"))
    assert server.corpus.repair() == []
    assert server.chroma.writes == []
    assert server.lock.taken == 1
