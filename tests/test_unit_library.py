"""Fast unit tests of the library the answerers read (assistant/answerers/library.py): the sentence
index kept caught up with the store — nothing re-read when nothing changed, a damaged index
file rebuilt in place from the store, an error that is not damage reported in one line, and
``doctor``'s look at it — over a store whose records and chunks are kept in memory."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest

from assistant.answerers.library import IndexedLibrary
from assistant.documents.chunking import chunk_document
from assistant.errors import StoreError
from assistant.index.manifest import FileEntry
from assistant.index.sentences import SentenceIndex
from assistant.index.store import ChunkStore
from assistant.types import Chunk, Document
from tests.fakes import GazetteerRecognizer

pytestmark = pytest.mark.unit

NER = GazetteerRecognizer({"Isobel Marr": "PERSON", "Holmvik": "GPE"})
DAM = "Isobel Marr built the dam at Holmvik. The dam held in the flood. It was rebuilt in 1990."
FERRY = "The ferry sails at noon. Holmvik has one quay."


class MemoryStore(ChunkStore):
    """A ``ChunkStore`` whose file records and chunks are kept in memory (documents are cut
    by the ingestion chunker); its sentence index is a file under ``directory``. Every write
    is a new generation, and tells the followers, as the real store's writes do."""

    def __init__(self, directory: Path) -> None:  # no Chroma behind it: no super().__init__
        self.directory = directory
        self.followers = []
        self.records: dict[str, FileEntry] = {}
        self.stored: dict[str, Chunk] = {}
        self.writes = 0
        self.get_calls: list[list[str]] = []
        self.entries_calls = 0
        self.failing: Exception | None = None  # raised by ``get`` when set

    @property
    def sentences_path(self) -> Path:
        return self.directory / "sentences" / "memory.sqlite3"

    def write(self, documents: Mapping[str, str], *, notify: bool = False) -> None:
        for source, text in documents.items():
            digest = hashlib.sha256(text.encode()).hexdigest()
            chunks = chunk_document(Document(source, text, digest), chunk_size=2, chunk_overlap=0)
            self.stored.update((c.id, c) for c in chunks)
            self.records[source] = FileEntry(source, digest, tuple(c.id for c in chunks))
        self.writes += 1
        if notify:
            for follow in self.followers:
                follow(self.generation(), dict(self.records))

    def generation(self) -> str:
        return f"generation-{self.writes}"

    def entries(self) -> dict[str, FileEntry]:
        self.entries_calls += 1
        return dict(self.records)

    def get(self, ids: Sequence[str]) -> dict[str, Chunk]:
        self.get_calls.append(list(ids))
        if self.failing is not None:
            raise self.failing
        return {i: self.stored[i] for i in ids if i in self.stored}


@pytest.fixture
def store(tmp_path: Path) -> MemoryStore:
    made = MemoryStore(tmp_path)
    made.write({"dam.txt": DAM})
    return made


def damage(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is no database at all, only words " * 200)


def test_the_library_follows_the_stores_writes(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    assert store.followers == [library.follow]


def test_every_read_is_of_the_index_caught_up_with_the_store(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    assert library.sources() == ["dam.txt"]
    assert [s.text for s in library.sentences("dam.txt")] == [
        "Isobel Marr built the dam at Holmvik.",
        "The dam held in the flood.",
        "It was rebuilt in 1990.",
    ]
    assert [s.text for s in library.containing("flood")] == ["The dam held in the flood."]
    assert [s.text for s in library.containing("dam held", phrase=True)] == [
        "The dam held in the flood."
    ]
    assert len(library.containing("dam", limit=1)) == 1
    assert [s.text for s in library.containing("held flood", phrase=False)] == [
        "The dam held in the flood."
    ]
    assert [(m.text, m.label) for m in library.mentions({"PERSON"})] == [("Isobel Marr", "PERSON")]
    assert {m.text for m in library.mentions()} == {"Isobel Marr", "Holmvik"}
    assert len(library.central(1)) == 1
    assert library.current().generation == "generation-1"
    store.write({"ferry.txt": FERRY})
    assert library.sources() == ["dam.txt", "ferry.txt"]
    assert [len(library.central(per_source)) for per_source in (1, 2)] == [2, 4]


def test_nothing_is_read_again_while_the_store_is_unchanged(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    library.sources()
    reads = (len(store.get_calls), store.entries_calls)
    library.sentences("dam.txt")
    library.mentions()
    assert (len(store.get_calls), store.entries_calls) == reads
    store.write({"ferry.txt": FERRY})
    library.sources()
    assert store.entries_calls == reads[1] + 1


def test_a_write_of_this_process_is_indexed_from_the_records_it_gives(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    library.sources()
    calls = store.entries_calls
    store.write({"ferry.txt": FERRY}, notify=True)
    assert store.entries_calls == calls  # the records came with the write
    assert library.sources() == ["dam.txt", "ferry.txt"]
    assert store.entries_calls == calls


def test_chunks_are_fetched_once_each_in_batches_of_500(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    first = next(iter(store.stored))
    assert list(library.chunks([first, first])) == [first]
    assert store.get_calls[-1] == [first]
    store.get_calls.clear()
    ids = [f"id-{n}" for n in range(1201)]
    assert library.chunks(ids) == {}
    assert [len(call) for call in store.get_calls] == [500, 500, 201]
    assert store.get_calls[1][0] == "id-500"


def test_a_damaged_index_file_is_rebuilt_from_the_store(
    store: MemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    damage(store.sentences_path)
    library = IndexedLibrary(store, NER)
    with caplog.at_level(logging.WARNING, logger="assistant.answerers.library"):
        assert library.sources() == ["dam.txt"]
    assert [r.getMessage() for r in caplog.records] == [
        f"sentence index {store.sentences_path} is damaged (file is not a database): "
        "rebuilding it from the store"
    ]
    assert library.current().generation == "generation-1"
    assert library._rebuilds == 1


def test_a_damaged_file_that_cannot_be_rebuilt_is_one_line(store: MemoryStore) -> None:
    damage(store.sentences_path)
    library = IndexedLibrary(store, NER)
    store.failing = OSError("the disk is gone")
    with pytest.raises(StoreError) as raised:
        library.sources()
    assert str(raised.value) == (
        f"The sentence index at {store.sentences_path} is damaged (file is not a database) and"
        " could not be rebuilt: the disk is gone."
    )
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_an_error_that_is_not_damage_is_reported_not_rebuilt(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    store.failing = OSError("permission denied")
    with pytest.raises(StoreError) as raised:
        library.sources()
    assert str(raised.value) == (
        f"Cannot use the sentence index at {store.sentences_path}: permission denied."
    )
    assert library._rebuilds == 0
    assert len(store.get_calls) == 1  # no second try at a rebuild


def test_a_rebuild_asked_for_indexes_every_file_again(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    library.sources()
    store.get_calls.clear()
    library.rebuild()
    assert store.get_calls  # read from the store again, though nothing changed
    assert library._rebuilds == 1
    assert library.sources() == ["dam.txt"]
    store.failing = OSError("the disk is gone")
    with pytest.raises(StoreError) as raised:
        library.rebuild()
    assert str(raised.value) == (
        f"The sentence index at {store.sentences_path} is damaged and could not be rebuilt:"
        " the disk is gone."
    )


class _FlakyRead:
    """A read of the index that meets damage the first ``failures`` times."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, index: SentenceIndex) -> list[str]:
        self.calls += 1
        if self.calls <= self.failures:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return index.sources()


def test_damage_met_while_reading_rebuilds_once_and_reads_again(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    read: Callable[[SentenceIndex], list[str]] = _FlakyRead(1)
    assert library._read(read) == ["dam.txt"]
    assert library._rebuilds == 1
    again = _FlakyRead(2)
    with pytest.raises(StoreError) as raised:
        library._read(again)
    assert str(raised.value) == (
        f"The sentence index at {store.sentences_path} is unreadable even after rebuilding it"
        " (database disk image is malformed)."
    )
    assert again.calls == 2
    assert library._rebuilds == 2


def test_no_rebuild_when_another_thread_rebuilt_it_meanwhile(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)

    def rebuilt_meanwhile(index: SentenceIndex) -> list[str]:
        if library._rebuilds == 0:
            library.rebuild()  # another thread's rebuild, done before this one looks
            raise sqlite3.DatabaseError("database disk image is malformed")
        return index.sources()

    assert library._read(rebuilt_meanwhile) == ["dam.txt"]
    assert library._rebuilds == 1


def test_doctor_finds_nothing_wrong_with_an_index_not_built_or_behind(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    assert library.problem(store.entries()) == ""  # not built yet
    library.sources()
    assert library.problem(store.entries()) == ""
    store.write({"ferry.txt": FERRY})
    assert library.problem(store.entries()) == ""  # behind: caught up at the next question


def test_doctor_finds_files_missing_or_indexed_from_other_chunks(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    library.sources()
    entries = store.entries()
    extra = FileEntry("ferry.txt", "0" * 64, ("ferry.txt#0",))
    assert library.problem({**entries, "ferry.txt": extra}) == (
        "indexes 1 files, the manifest lists 2"
    )
    writing = FileEntry("ferry.txt", "0" * 64, ("ferry.txt#0",), state="writing")
    assert library.problem({**entries, "ferry.txt": writing}) == ""
    other = FileEntry("dam.txt", "0" * 64, ("dam.txt#other",))
    assert library.problem({"dam.txt": other}) == (
        "dam.txt is indexed with other chunks than the store has"
    )


def test_doctor_reports_a_damaged_file(store: MemoryStore) -> None:
    library = IndexedLibrary(store, NER)
    library.sources()
    library._sentence_index().close()
    damage(store.sentences_path)
    assert library.problem(store.entries()) == "unreadable (file is not a database)"
