"""Unit tests of the ingest (assistant/index/ingest.py) through the corpus service, over Chroma in
memory (tests/store_fakes.py), a folder of real files and a word-hashing embedder: what one run
writes, what a second run leaves alone, what an edit, a removal, a refused file, a crash
between two writes and another embedding model do to the store and its records."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

import assistant.index.ingest
from assistant.documents.chunking import CHUNKER_VERSION
from assistant.documents.loading import SUPPORTED_SUFFIXES, content_hash
from assistant.errors import (
    DamagedStoreError,
    EmptyCorpusError,
    IngestError,
    RefusedFilesError,
    StoreError,
)
from assistant.types import IngestReport
from tests.store_fakes import MODEL, OLD, Checks, Library, MemoryChroma, install, install_checks

pytestmark = pytest.mark.unit


HARBOUR = "The harbour opened in May. A ferry crosses twice a day.\n\n" + (
    "The bridge was closed for repairs.\n"
)
MARKET = "The market sells fish. Prices rose in June.\n"
BINARY = b"\x00\x01\x02 not text"


@pytest.fixture
def chroma(monkeypatch: pytest.MonkeyPatch) -> MemoryChroma:
    return install(monkeypatch)


@pytest.fixture
def library(tmp_path: Path, chroma: MemoryChroma) -> Library:
    return Library(tmp_path, chroma)


def counts(report: IngestReport) -> tuple[int, int, int, int, int]:
    return report.files, report.added, report.unchanged, report.removed, report.updated


# -- a first ingest ------------------------------------------------------------------------------


def test_a_first_ingest_writes_every_chunk_and_records_every_file(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("notes/market.md", MARKET)
    report = library.ingest()
    assert counts(report) == (2, 5, 0, 0, 0)
    assert report.refused == ()
    assert 0.0 <= report.read_seconds <= report.seconds < 60.0
    assert library.texts("harbour.txt") == [
        "The harbour opened in May.",
        "A ferry crosses twice a day.",
        "The bridge was closed for repairs.",
    ]
    assert library.texts("notes/market.md") == ["The market sells fish.", "Prices rose in June."]
    entries = library.store.entries()
    harbour = entries["harbour.txt"]
    assert harbour.state == "complete"
    assert harbour.chunk_ids == tuple(c.id for c in library.store.chunks_of("harbour.txt"))
    assert harbour.chunking == f"v{CHUNKER_VERSION}:1:0"
    assert harbour.embedder == MODEL
    assert (harbour.size, harbour.mtime_ns) == (len(HARBOUR), OLD)
    assert harbour.length == len(HARBOUR)
    assert entries["notes/market.md"].chunks == 2
    # Embedded once, folded texts, and the query model made afterwards.
    assert library.made == 1
    assert sorted(t for batch in library.embedder.encoded for t in batch) == sorted(
        c.text for s in ("harbour.txt", "notes/market.md") for c in library.store.chunks_of(s)
    )
    assert library.embedder.prepared == 1
    # The vectors are the embedder's: the chunk's own text is its nearest.
    ferry = library.store.chunks_of("harbour.txt")[1]
    nearest, score = library.store.dense_search(library.embedder.embed_query(ferry.text), 1)[0]
    assert nearest.id == ferry.id
    assert score == pytest.approx(1.0)
    # The lexical index followed, and the whole write was one hold of the write lock.
    assert [h.chunk_id for h in library.store.bm25_search("ferry", 3)] == [ferry.id]
    assert library.lock.taken == 1


def test_files_are_marked_writing_before_their_chunks_and_complete_after(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    writes = library.writes()
    assert writes == [
        ("docs__files", "upsert", 2),  # the token and harbour.txt, "writing"
        ("docs", "add", 3),
        ("docs__files", "upsert", 2),  # the token and harbour.txt, "complete"
    ]


def test_a_file_newer_than_the_last_write_loads_the_model_ahead(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()  # the store had never been written: loaded ahead
    assert library.embedder.loaded_in == ["load-embedder"]
    since = library.store.last_write_ns()
    assert since is not None
    library.put("market.txt", MARKET, mtime=since + 1)
    library.ingest()
    assert library.embedder.loaded_in == ["load-embedder"] * 2
    assert library.made == 2
    # A file copied in with an old time is still added (the model loaded when needed).
    library.put("old.txt", "An old note about the harbour.\n")
    report = library.ingest()
    assert report.added == 1
    assert library.embedder.loaded_in == ["load-embedder"] * 2
    assert library.made == 3


# -- a second ingest ------------------------------------------------------------------------------


def test_an_unchanged_corpus_writes_nothing_and_loads_no_model(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    library.chroma.writes.clear()
    library.made = 0
    report = library.ingest()
    assert counts(report) == (2, 0, 5, 0, 0)
    assert library.writes() == []
    assert library.made == 0
    assert library.lock.taken == 1  # no write transaction this time


def test_an_unchanged_corpus_is_known_from_the_records_without_opening_chroma(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    library.open()  # a new process
    library.made = 0
    opened = list(library.chroma.opened)
    library.chroma.calls.clear()
    report = library.ingest()
    assert counts(report) == (2, 0, 5, 0, 0)
    assert library.chroma.opened == opened  # no client made
    assert library.chroma.calls == [("docs__files", "read_records")]
    assert library.made == 0
    # And to prune, when the store holds nothing else.
    assert counts(library.ingest(prune=True)) == (2, 0, 5, 0, 0)
    assert library.chroma.opened == opened


def test_the_records_are_not_trusted_when_a_file_changed_since_the_last_write(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    since = library.store.last_write_ns()
    assert since is not None
    library.open()
    library.put("harbour.txt", HARBOUR, mtime=since + 1)  # touched, not changed
    library.chroma.calls.clear()
    report = library.ingest()
    assert counts(report) == (1, 0, 3, 0, 0)
    assert ("docs__files", "read_records") not in library.chroma.calls
    assert library.chroma.opened[-1] == str(library.store_dir.resolve())  # opened to look
    # Not re-embedded, but the new time is recorded: the next run need not read it.
    assert library.embedder.encoded == [library.texts("harbour.txt")]
    assert library.store.entries()["harbour.txt"].mtime_ns == since + 1


def test_a_file_dated_in_the_future_does_not_keep_the_records_away(library: Library) -> None:
    future = 4_000_000_000_000_000_000
    library.put("harbour.txt", HARBOUR, mtime=future)
    library.ingest()
    library.open()
    library.chroma.calls.clear()
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert library.chroma.calls == [("docs__files", "read_records")]


@pytest.mark.parametrize("reason", ["another file", "another model", "a file missing", "prune"])
def test_the_records_read_ahead_decide_nothing_they_cannot(library: Library, reason: str) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    if reason == "another model":
        library.embedder_id = "other-model@w2"
    library.open()
    library.chroma.calls.clear()
    if reason == "another file":
        library.put("new.txt", "A new note.\n")
        assert library.ingest().added == 1
    elif reason == "another model":
        with pytest.raises(IngestError, match="another embedding model"):
            library.ingest()
    elif reason == "a file missing":
        (library.folder / "market.txt").unlink()
        (library.folder / "other.txt").write_text("Other.\n")
        os.utime(library.folder / "other.txt", ns=(OLD, OLD))
        assert library.ingest().added == 1
    else:
        (library.folder / "market.txt").unlink()
        assert counts(library.ingest(prune=True)) == (1, 0, 3, 2, 0)
    assert ("docs__files", "get") in library.chroma.calls  # the usual path decided


def test_a_touched_file_is_read_once_and_not_re_embedded(library: Library) -> None:
    path = library.put("harbour.txt", HARBOUR)
    library.ingest()
    os.utime(path, ns=(OLD + 5, OLD + 5))
    library.chroma.writes.clear()
    report = library.ingest()
    assert counts(report) == (1, 0, 3, 0, 0)
    assert library.writes() == [
        ("docs__files", "upsert", 2),  # marked writing
        ("docs__files", "upsert", 2),  # recorded with the new time
    ]
    assert library.store.entries()["harbour.txt"].mtime_ns == OLD + 5
    assert library.made == 1  # only the first run's
    library.chroma.writes.clear()
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert library.writes() == []


# -- edits and removals ---------------------------------------------------------------------------


def test_an_edited_file_replaces_only_its_changed_chunks(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    before = library.store.chunks_of("harbour.txt")
    library.embedder.encoded.clear()
    library.chroma.writes.clear()
    edited = HARBOUR.replace("twice a day", "every hour")
    library.put("harbour.txt", edited, mtime=OLD + 1)
    report = library.ingest()
    # One chunk new, one gone; the two unchanged ones moved (same text, new document hash).
    assert counts(report) == (2, 1, 4, 1, 2)
    after = library.store.chunks_of("harbour.txt")
    assert [c.text for c in after] == [
        "The harbour opened in May.",
        "A ferry crosses every hour.",
        "The bridge was closed for repairs.",
    ]
    assert (after[0].id, after[2].id) == (before[0].id, before[2].id)
    assert after[0].document_hash != before[0].document_hash
    assert after[2].start == before[2].start - len("twice a day") + len("every hour")
    assert library.embedder.encoded == [["A ferry crosses every hour."]]
    assert library.chunks()["harbour.txt"] == set(library.store.entries()["harbour.txt"].chunk_ids)
    assert library.writes() == [
        ("docs__files", "upsert", 2),
        ("docs", "delete", 1),
        ("docs", "add", 1),
        ("docs", "update", 2),
        ("docs__files", "upsert", 2),
    ]
    assert [h.chunk_id for h in library.store.bm25_search("hour", 3)] == [after[1].id]
    assert library.store.bm25_search("twice", 3) == []


def test_a_file_gone_is_removed_only_when_pruning(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    market = library.put("market.txt", MARKET)
    library.ingest()
    market.unlink()
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert set(library.chunks()) == {"harbour.txt", "market.txt"}
    library.chroma.writes.clear()
    report = library.ingest(prune=True)
    assert counts(report) == (1, 0, 3, 2, 0)
    assert set(library.chunks()) == {"harbour.txt"}
    assert list(library.store.entries()) == ["harbour.txt"]
    assert library.writes() == [
        ("docs__files", "upsert", 2),  # market.txt marked writing
        ("docs", "delete where {'source': 'market.txt'}", 0),
        ("docs__files", "delete", 1),  # its record dropped
    ]
    assert library.store.bm25_search("fish", 3) == []


# -- refusals -------------------------------------------------------------------------------------


def test_a_file_that_cannot_be_read_is_refused_and_the_others_written(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("blob.txt", BINARY)
    with pytest.raises(RefusedFilesError) as caught:
        library.ingest()
    assert str(caught.value) == "blob.txt looks like a binary file, not text."
    report = caught.value.report
    assert isinstance(report, IngestReport)
    assert counts(report) == (2, 3, 0, 0, 0)
    assert report.refused == (("blob.txt", "blob.txt looks like a binary file, not text."),)
    assert set(library.chunks()) == {"harbour.txt"}


def test_a_known_file_that_can_no_longer_be_read_keeps_its_chunks(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    library.put("market.txt", BINARY, mtime=OLD + 1)
    library.put("harbour.txt", BINARY, mtime=OLD + 1)
    library.chroma.writes.clear()
    with pytest.raises(RefusedFilesError) as caught:
        library.ingest(prune=True)
    assert str(caught.value).splitlines() == [
        "harbour.txt looks like a binary file, not text.",
        "market.txt looks like a binary file, not text.",
    ]
    assert counts(caught.value.report) == (2, 0, 5, 0, 0)  # type: ignore[arg-type]
    assert library.writes() == []
    assert library.texts("market.txt") == ["The market sells fish.", "Prices rose in June."]


def test_an_empty_corpus_is_refused_naming_the_kinds_and_where(
    library: Library, tmp_path: Path
) -> None:
    kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
    with pytest.raises(EmptyCorpusError) as caught:
        library.ingest()
    assert str(caught.value) == f"No {kinds} files found in {library.folder}."
    other = tmp_path / "other"
    other.mkdir()
    with pytest.raises(EmptyCorpusError, match=re.escape(f"in {library.folder}, {other}.")):
        library.corpus.ingest([library.folder, other])
    with pytest.raises(EmptyCorpusError, match=re.escape("files found in (no path).")):
        library.corpus.ingest([])
    assert not library.store_dir.exists()


def test_two_files_of_one_name_are_refused_before_anything_is_written(
    library: Library, tmp_path: Path
) -> None:
    library.put("b.txt", MARKET)
    library.put("a.txt", HARBOUR)
    twin = tmp_path / "twin"
    twin.mkdir()
    for name in ("a.txt", "b.txt"):
        (twin / name).write_text("Another text.\n")
    with pytest.raises(IngestError) as caught:
        library.corpus.ingest(
            [library.folder / "a.txt", library.folder / "b.txt", twin / "b.txt", twin / "a.txt"]
        )
    assert str(caught.value) == "Two files would share the source name a.txt; rename one."
    with pytest.raises(IngestError) as caught:  # a.txt given once: b.txt is the one named
        library.corpus.ingest([library.folder / "a.txt", library.folder / "b.txt", twin / "b.txt"])
    assert str(caught.value) == "Two files would share the source name b.txt; rename one."
    assert library.writes() == []


def test_a_store_of_another_embedding_model_is_refused_untouched(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    library.embedder_id = "other-model@w2"
    library.chroma.writes.clear()
    library.put("market.txt", MARKET)
    with pytest.raises(IngestError) as caught:
        library.ingest()
    assert str(caught.value) == (
        f"The store at {library.store_dir} was built with another embedding model ({MODEL});"
        " run 'assistant ingest --rebuild CORPUS' to rebuild it."
    )
    assert library.writes() == []
    # --rebuild does: every chunk embedded again with the new model.
    report = library.ingest(rebuild=True)
    assert counts(report) == (2, 5, 0, 0, 0)
    assert {e.embedder for e in library.store.entries().values()} == {"other-model@w2"}


@pytest.mark.parametrize(
    ("recorded", "current", "same"),
    [
        ("", "all-MiniLM-L6-v2@abc", True),  # a record from before the embedder was recorded
        ("all-MiniLM-L6-v2@abc", "all-MiniLM-L6-v2@abc", True),
        ("all-MiniLM-L6-v2", "all-MiniLM-L6-v2@abc", True),  # no weights recorded
        ("all-MiniLM-L6-v2@abc", "all-MiniLM-L6-v2", True),
        ("all-MiniLM-L6-v2@abc", "all-MiniLM-L6-v2@def", False),  # other weights
        ("all-MiniLM-L6-v2@abc", "other-model@abc", False),
        ("all-MiniLM-L6-v2@abc+int8", "all-MiniLM-L6-v2@abc", False),
        ("all-MiniLM-L6-v2@abc", "all-MiniLM-L6-v2@abc+int8", False),
        ("all-MiniLM-L6-v2", "all-MiniLM-L6-v2@abc+int8", False),
        ("all-MiniLM-L6-v2@abc+int8", "all-MiniLM-L6-v2@abc+int8", True),
    ],
)
def test_which_recorded_embedders_can_be_searched_with_the_current_one(
    library: Library, recorded: str, current: str, same: bool
) -> None:
    assert searchable(library, recorded, current) is same


def searchable(library: Library, recorded: str, current: str) -> bool:
    """Whether an ingest embedding with ``current`` takes a store whose file was recorded by
    ``recorded`` (else it refuses, naming the other model)."""
    library.put("harbour.txt", HARBOUR)
    library.embedder_id = recorded
    library.ingest()
    library.embedder_id = current
    library.put("market.txt", MARKET)
    refused = ""
    try:
        library.ingest()
    except IngestError as exc:
        refused = str(exc)
    finally:
        library.embedder_id = MODEL
    assert not refused or "another embedding model" in refused
    return not refused


# -- rebuilds -------------------------------------------------------------------------------------


def test_a_rebuild_reads_every_file_first_then_writes_the_store_afresh(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    library.embedder.encoded.clear()
    report = library.ingest(rebuild=True)
    assert counts(report) == (2, 5, 0, 0, 0)
    assert len(library.embedder.encoded[0]) == 5
    assert set(library.chunks()) == {"harbour.txt", "market.txt"}
    assert [h.chunk_id for h in library.store.bm25_search("fish", 3)] == [
        library.store.chunks_of("market.txt")[0].id
    ]


def test_a_rebuild_with_a_file_that_cannot_be_read_leaves_the_store_as_it_was(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    library.put("blob.txt", BINARY)
    library.chroma.writes.clear()
    with pytest.raises(IngestError, match=r"blob\.txt looks like a binary file"):
        library.ingest(rebuild=True)
    assert library.writes() == []
    assert set(library.chunks()) == {"harbour.txt"}


# -- crashes --------------------------------------------------------------------------------------


def test_a_write_that_fails_between_two_batches_is_finished_by_the_next_run(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assistant.index.ingest, "_WRITE_BATCH", 2)
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.chroma.fail("add", RuntimeError("database or disk is full"), nth=2)
    with pytest.raises(StoreError, match="database or disk is full"):
        library.ingest()
    assert not library.lock.held
    # The files are marked writing: nothing claims to be complete.
    assert {e.state for e in library.store.entries().values()} == {"writing"}
    assert library.store.sources() == {}
    assert sum(len(ids) for ids in library.chunks().values()) == 2  # the first batch only
    library.chroma.writes.clear()
    report = library.ingest()
    assert counts(report) == (2, 3, 2, 0, 0)
    assert library.writes() == [
        ("docs__files", "upsert", 3),
        ("docs", "add", 2),
        ("docs", "add", 1),
        ("docs__files", "upsert", 3),
    ]
    entries = library.store.entries()
    assert {e.state for e in entries.values()} == {"complete"}
    assert library.chunks() == {s: set(e.chunk_ids) for s, e in entries.items()}


def test_the_writes_go_in_batches(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assistant.index.ingest, "_WRITE_BATCH", 2)
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    library.put(
        "harbour.txt",
        "Weather was fine.\n\nNew start. " + HARBOUR.replace("May", "April"),
        mtime=OLD + 1,
    )
    library.put("market.txt", "Fish.\n\n" + MARKET.replace("June", "July"), mtime=OLD + 1)
    library.chroma.writes.clear()
    report = library.ingest()
    assert counts(report) == (2, 5, 3, 2, 3)
    assert library.writes() == [
        ("docs__files", "upsert", 3),
        ("docs", "delete", 2),
        ("docs", "add", 2),
        ("docs", "add", 2),
        ("docs", "add", 1),
        ("docs", "update", 2),
        ("docs", "update", 1),
        ("docs__files", "upsert", 3),
    ]


def test_a_store_from_before_the_manifest_is_recorded_by_an_unchanged_run(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    # What an older version left: the chunks, no manifest.
    del library.chroma.databases[str(library.store_dir.resolve())]["docs__files"]
    library.open()
    assert not library.store.has_manifest
    library.chroma.writes.clear()
    report = library.ingest()
    assert counts(report) == (1, 0, 3, 0, 0)  # the same chunks, recorded
    assert library.store.has_manifest
    entry = library.store.entries()["harbour.txt"]
    assert (entry.state, entry.embedder) == ("complete", MODEL)
    assert library.writes()[0] == ("docs__files", "upsert", 2)  # what the store held first


def test_a_record_marked_writing_is_redone_though_its_file_is_unchanged(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    entry = library.store.entries()["harbour.txt"]
    with library.lock.writing():
        library.store.record([entry.marked("writing")])
        library.store.delete([entry.chunk_ids[0]])  # lost with the crash
    library.embedder.encoded.clear()
    report = library.ingest()
    assert counts(report) == (1, 1, 2, 0, 0)
    assert library.embedder.encoded == [["The harbour opened in May."]]
    assert library.store.entries()["harbour.txt"] == entry
    assert library.chunks() == {"harbour.txt": set(entry.chunk_ids)}


def test_a_record_of_another_chunking_is_redone(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    entry = library.store.entries()["harbour.txt"]
    with library.lock.writing():
        library.store.record([replace(entry, chunking="v1:5:1")])
    report = library.ingest()
    assert counts(report) == (1, 0, 3, 0, 0)
    assert library.store.entries()["harbour.txt"] == entry


# -- what the survivors of mutation testing asked for (docs/mutation.md) -------------------------


class Clock:
    """The ingest's ``time``: ``perf_counter`` steps one second a call, ``time_ns`` is now."""

    def __init__(self, now: int) -> None:
        self.now = now
        self.ticks = 0.0

    def perf_counter(self) -> float:
        self.ticks += 1.0
        return self.ticks

    def time_ns(self) -> int:
        return self.now


def test_the_report_times_the_run_and_its_reads(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assistant.index.ingest, "time", Clock(OLD + 10**12))
    library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    report = library.ingest()
    # One tick to begin, two around each of the two reads, one to end.
    assert (report.seconds, report.read_seconds) == (5.0, 2.0)


def test_the_records_are_trusted_up_to_the_last_write_and_not_after_now(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    since = library.store.last_write_ns()
    assert since is not None
    clock = Clock(since + 100)
    monkeypatch.setattr(assistant.index.ingest, "time", clock)
    # Modified at the very time of the last write: not after it.
    path = library.put("harbour.txt", HARBOUR, mtime=since)
    with library.lock.writing():
        library.store.record([replace(library.store.entries()["harbour.txt"], mtime_ns=since)])
    library.open()
    library.embedder.loaded_in.clear()
    library.chroma.calls.clear()
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert library.chroma.calls == [("docs__files", "read_records")]
    assert library.embedder.loaded_in == []  # not loaded ahead either
    # Modified now exactly: after the last write.
    since = library.store.last_write_ns()
    assert since is not None
    clock.now = since + 100
    os.utime(path, ns=(clock.now, clock.now))
    library.open()
    library.chroma.calls.clear()
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert ("docs__files", "read_records") not in library.chroma.calls


def test_a_file_over_the_size_limit_is_refused(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("big.txt", "A word. " * 251)  # 2,008 bytes; the limit is 2,000
    with pytest.raises(RefusedFilesError) as caught:
        library.ingest()
    assert str(caught.value) == "big.txt is 2,008 bytes; the limit is 2,000 bytes a file."
    assert set(library.chunks()) == {"harbour.txt"}


def test_a_refused_file_is_logged_by_its_name(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    library.put("notes/blob.txt", BINARY)
    library.put("harbour.txt", HARBOUR)
    with (
        caplog.at_level(logging.INFO, logger="assistant.index.ingest"),
        pytest.raises(RefusedFilesError),
    ):
        library.ingest()
    assert "refused notes/blob.txt: notes/blob.txt looks like a binary file, not text." in [
        r.getMessage() for r in caplog.records
    ]


def test_a_rebuild_names_the_file_that_cannot_be_read_by_its_source_name(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.put("notes/blob.txt", BINARY)
    with pytest.raises(IngestError) as caught:
        library.ingest(rebuild=True)
    assert str(caught.value) == "notes/blob.txt looks like a binary file, not text."


def test_the_progress_wish_and_the_records_reach_the_embedder_and_the_followers(
    library: Library,
) -> None:
    seen: list[object] = []
    library.store.followers.append(lambda generation, entries: seen.append(entries))
    library.put("harbour.txt", HARBOUR)
    library.ingest(progress=True)
    library.put("market.txt", MARKET)
    library.ingest()
    assert library.embedder.progress == [True, False]
    assert seen[-1] == library.store.entries()
    assert len(seen) == 2


def test_a_file_rewritten_with_its_size_and_time_is_trusted_unread(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    library.put("harbour.txt", HARBOUR.replace("May", "Jun"))  # same size, same time
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert library.texts("harbour.txt")[0] == "The harbour opened in May."


def test_a_record_of_another_model_is_refused_even_for_a_file_not_given(
    library: Library,
) -> None:
    harbour = library.put("harbour.txt", HARBOUR)
    library.put("market.txt", MARKET)
    library.ingest()
    market = library.store.entries()["market.txt"]
    with library.lock.writing():
        library.store.record([replace(market, embedder="other-model@w2")])
    library.open()
    with pytest.raises(IngestError, match=r"another embedding model \(other-model@w2\)"):
        library.corpus.ingest([harbour])


def test_a_store_from_before_the_manifest_is_recorded_though_its_file_is_refused(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    del library.chroma.databases[str(library.store_dir.resolve())]["docs__files"]
    library.open()
    library.put("harbour.txt", BINARY, mtime=OLD + 1)
    with pytest.raises(RefusedFilesError):
        library.ingest()
    assert library.store.has_manifest
    assert library.store.entries()["harbour.txt"].state == "unverified"
    assert len(library.chunks()["harbour.txt"]) == 3


@pytest.mark.parametrize(
    ("recorded", "current"),
    [("all-MiniLM-L6-v2@abc+int8", "all-MiniLM-L6-v2"), ("all-MiniLM-L6-v2", "m@abc+int8")],
)
def test_an_int8_store_is_not_searched_with_an_fp32_model_of_no_weights(
    tmp_path: Path, chroma: MemoryChroma, recorded: str, current: str
) -> None:
    for n, (first, then) in enumerate([(recorded, current), (current, recorded)]):
        (tmp_path / str(n)).mkdir()
        assert not searchable(Library(tmp_path / str(n), chroma), first, then)


# -- a damaged vector index ------------------------------------------------------------------------

DAMAGE = "hnsw segment reader: index file is truncated"


@pytest.fixture
def checked(tmp_path: Path, chroma: MemoryChroma, monkeypatch: pytest.MonkeyPatch) -> Library:
    """A library whose store checks its vector index on open (the check's verdict faked)."""
    library = Library(tmp_path, chroma, check=True)
    library.checks = install_checks(monkeypatch)  # type: ignore[attr-defined]
    return library


def test_an_unchanged_run_waits_for_the_check_without_importing_chromadb(
    checked: Library,
) -> None:
    checks: Checks = checked.checks  # type: ignore[attr-defined]
    checked.put("harbour.txt", HARBOUR)
    checked.ingest()  # a new store: nothing to check
    assert checks.started == []
    checked.open()
    checked.chroma.calls.clear()
    assert counts(checked.ingest()) == (1, 0, 3, 0, 0)
    assert checks.started == ["docs"]
    assert checks.imports == 0
    assert checked.chroma.calls == [("docs__files", "read_records")]


def test_a_damaged_vector_index_is_rebuilt_from_every_file_given(
    checked: Library, caplog: pytest.LogCaptureFixture
) -> None:
    checks: Checks = checked.checks  # type: ignore[attr-defined]
    checked.put("harbour.txt", HARBOUR)
    checked.put("market.txt", MARKET)
    checked.ingest()
    checked.open()
    checks.problem = DAMAGE
    checked.put("market.txt", MARKET.replace("fish", "bread"), mtime=OLD + 1)
    with caplog.at_level(logging.WARNING, logger="assistant.index.ingest"):
        report = checked.ingest()
    assert counts(report) == (2, 5, 0, 0, 0)
    assert [r.getMessage() for r in caplog.records] == [
        f"the vector index of {checked.store_dir} is damaged: rebuilding it from the 2 file(s)"
        " given"
    ]
    assert checked.texts("market.txt") == ["The market sells bread.", "Prices rose in June."]
    assert set(checked.store.entries()) == {"harbour.txt", "market.txt"}


def test_a_damaged_vector_index_with_documents_not_given_is_refused_unless_pruning(
    checked: Library,
) -> None:
    checks: Checks = checked.checks  # type: ignore[attr-defined]
    harbour = checked.put("harbour.txt", HARBOUR)
    checked.put("market.txt", MARKET)
    checked.ingest()
    checked.open()
    checks.problem = DAMAGE
    harbour.touch()
    with pytest.raises(DamagedStoreError) as caught:
        checked.corpus.ingest([harbour])
    assert str(caught.value) == (
        f"The vector store at {checked.store_dir} is damaged: {DAMAGE}. Run 'assistant ingest"
        " --rebuild CORPUS' to rebuild it from your documents."
    )
    assert set(checked.store.entries()) == {"harbour.txt", "market.txt"}
    report = checked.corpus.ingest([harbour], prune=True, progress=True)
    assert counts(report) == (1, 3, 0, 0, 0)
    assert set(checked.store.entries()) == {"harbour.txt"}
    assert checked.embedder.progress[-1] is True


def test_a_touched_file_is_not_re_chunked_and_its_new_size_is_recorded(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    known = library.store.entries()["harbour.txt"]
    assert known.content_hash == content_hash(HARBOUR)
    # The same text behind a byte-order mark: another size, the same document.
    path = library.folder / "harbour.txt"
    path.write_bytes(b"\xef\xbb\xbf" + HARBOUR.encode())
    os.utime(path, ns=(OLD + 9, OLD + 9))
    library.chroma.calls.clear()
    assert counts(library.ingest()) == (1, 0, 3, 0, 0)
    assert library.store.entries()["harbour.txt"] == replace(
        known, size=len(HARBOUR) + 3, mtime_ns=OLD + 9
    )
    assert ("docs", "get") not in library.chroma.calls[
        : library.chroma.calls.index(("docs__files", "upsert"))
    ]  # its chunks were not read to plan it


def test_a_new_file_is_written_whole_whatever_chunks_of_its_name_linger(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    chunks = library.store.chunks_of("harbour.txt")
    with library.lock.writing():
        library.store.record([], removed=["harbour.txt"])  # the record gone, not the chunks
    report = library.ingest()
    assert counts(report) == (1, 3, 0, 0, 0)
    assert library.store.chunks_of("harbour.txt") == chunks


def test_a_pruning_that_fails_half_way_leaves_the_file_gone_marked_writing(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    market = library.put("market.txt", MARKET)
    library.ingest()
    market.unlink()
    library.chroma.fail("delete", RuntimeError("disk I/O error"))
    with pytest.raises(StoreError, match="disk I/O error"):
        library.ingest(prune=True)
    assert library.store.entries()["market.txt"].state == "writing"
    assert list(library.store.sources()) == ["harbour.txt"]
    assert counts(library.ingest(prune=True)) == (1, 0, 3, 2, 0)


def test_a_write_is_logged_with_what_it_changed(
    library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    library.put("harbour.txt", HARBOUR)
    market = library.put("market.txt", MARKET)
    library.ingest()
    market.unlink()
    library.put("harbour.txt", HARBOUR.replace("twice a day", "every hour"), mtime=OLD + 1)
    with caplog.at_level(logging.INFO, logger="assistant.index.ingest"):
        library.ingest(prune=True)
    assert [r.getMessage() for r in caplog.records] == [
        "wrote 1 file(s): 1 chunk(s) added, 1 deleted, 1 source(s) removed"
    ]


def test_an_ingest_asked_for_nothing_else_neither_prunes_nor_rebuilds(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    market = library.put("market.txt", MARKET)
    library.ingest()
    market.unlink()
    library.put("new.txt", "A new note.\n")
    ingestor = library.ingestor(library.corpus)
    assert counts(ingestor.ingest([library.folder])) == (2, 1, 3, 0, 0)
    assert set(library.chunks()) == {"harbour.txt", "market.txt", "new.txt"}
    assert library.embedder.progress == [False, False]


def test_a_rebuild_of_an_unchanged_corpus_rebuilds_all_the_same(library: Library) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    library.open()  # the records could tell it unchanged
    assert counts(library.ingest(rebuild=True)) == (1, 3, 0, 0, 0)
    assert len(library.embedder.encoded) == 2


def test_a_file_of_the_last_write_s_time_does_not_load_the_model_ahead(
    library: Library,
) -> None:
    library.put("harbour.txt", HARBOUR)
    library.ingest()
    since = library.store.last_write_ns()
    assert since is not None
    library.embedder.loaded_in.clear()
    library.put("harbour.txt", HARBOUR, mtime=since)  # touched at the write's very time
    library.put("market.txt", MARKET)  # copied in with an old time
    assert library.ingest().added == 2
    assert library.embedder.loaded_in == []
