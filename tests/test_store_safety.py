"""The store under crashes, concurrent writers and stores from before the manifest.

Real Chroma in temp folders, real processes killed with SIGKILL; the embedder is the
word-hashing one of tests/crash_ingest.py (the model is not what these tests are about).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import IngestError, StoreError
from assistant.index.locks import ReadWriteLock
from tests.conftest import BRIEFING
from tests.crash_ingest import MOMENTS, assistant_for, drop_collection

ROOT = Path(__file__).resolve().parents[1]

NOTES = (
    "# Notes\n\nThe banquet menu was not published. Guests arrived at seven.\n\n"
    "The orchestra played until midnight. Nobody recorded the speeches.\n"
)
HARBOUR = "\n\n".join(
    f"Pier {n} of the harbour handles {n * 100} containers a day. Its crane is numbered "
    f"C-{n}. The pier opened in {1950 + n}. Its manager is Officer {chr(65 + n)}. "
    f"Ships wait {n} hours on average."
    for n in range(1, 9)
)


def corpus_v1(folder: Path) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(BRIEFING, folder / "briefing.txt")
    (folder / "notes.md").write_text(NOTES, encoding="utf-8")
    return folder


def corpus_v2(folder: Path) -> Path:
    """v1 with the briefing edited, notes removed and a 16-chunk file added."""
    folder.mkdir(parents=True)
    text = BRIEFING.read_text(encoding="utf-8")
    (folder / "briefing.txt").write_text(
        "Today " + text.replace("Over 150 guests", "Over 160 guests"), encoding="utf-8"
    )
    (folder / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    return folder


def snapshot(store: Path) -> dict[str, Any]:
    """Everything a question depends on: chunks, records, and the lexical index."""
    bot = assistant_for(store)
    entries = bot.store.entries()
    chunks = {
        c.id: (c.source, c.start, c.end, c.text, c.sentences)
        for source in entries
        for c in bot.store.chunks_of(source)
    }
    index = bot.store.lexical()
    return {
        "count": bot.store.count(),
        "chunks": chunks,
        "entries": {s: (e.content_hash, sorted(e.chunk_ids), e.state) for s, e in entries.items()},
        "lexical": {s: sorted(index.ids(s)) for s in index.sources()},
        "search": [index.search(q, 5) for q in ("guests banquet", "pier crane", "parade")],
    }


@pytest.fixture(scope="module")
def clean_v2(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("clean")
    store = root / "store"
    assistant_for(store).ingest([corpus_v2(root / "corpus")], prune=True)
    return snapshot(store)


@pytest.mark.integration
@pytest.mark.parametrize("moment", MOMENTS)
def test_an_ingest_killed_at_any_moment_is_finished_by_the_next_run(
    tmp_path: Path, moment: str, clean_v2: dict[str, Any]
) -> None:
    store = tmp_path / "store"
    assistant_for(store).ingest([corpus_v1(tmp_path / "v1")], prune=True)
    v2 = corpus_v2(tmp_path / "v2")
    run = subprocess.run(
        [sys.executable, "-m", "tests.crash_ingest", str(store), str(v2), moment],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == -9, run.stderr[-2000:]  # it really was killed at that moment
    report = assistant_for(store).ingest([v2], prune=True)
    assert report.files == 2
    assert snapshot(store) == clean_v2
    # And once repaired, nothing is left to do.
    again = assistant_for(store).ingest([v2], prune=True)
    assert (again.added, again.removed, again.updated) == (0, 0, 0)


@pytest.mark.integration
def test_a_partly_written_file_is_redone_not_reported_unchanged(tmp_path: Path) -> None:
    """The issue's case: a file left with some of its chunks must not count as ingested."""
    store = tmp_path / "store"
    v2 = corpus_v2(tmp_path / "v2")
    run = subprocess.run(
        [sys.executable, "-m", "tests.crash_ingest", str(store), str(v2), "add:2:after"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == -9
    bot = assistant_for(store)
    assert bot.store.count() == 6  # two batches of three
    report = bot.ingest([v2])
    assert report.unchanged == 6
    assert report.added == bot.store.count() - 6 > 0
    assert {e.state for e in bot.store.entries().values()} == {"complete"}


@pytest.mark.integration
def test_a_second_ingest_into_the_same_store_is_refused_with_a_clear_message(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    bot = assistant_for(store)
    corpus = corpus_v1(tmp_path / "v1")
    bot.ingest([corpus])
    with (
        bot.store.ingest_lock(),
        pytest.raises(IngestError, match=r"Another ingest into .* is running \(process \d+\)"),
    ):
        assistant_for(store).ingest([corpus])
    with bot.store.ingest_lock(), pytest.raises(IngestError, match="Another ingest"):
        assistant_for(store).remove("notes.md")
    assert [d.source for d in bot.documents()] == ["briefing.txt", "notes.md"]


@pytest.mark.integration
def test_a_store_from_before_the_manifest_is_migrated_without_losing_documents(
    tmp_path: Path,
) -> None:
    store = tmp_path / "store"
    bot = assistant_for(store)
    bot.ingest([corpus_v1(tmp_path / "v1")])
    # What an older version left: the chunks, no manifest, no lexical index.
    bot.store.lexical().close()
    bot.store.lexical_path.unlink()
    drop_collection(store, "briefings__files")
    old = assistant_for(store)
    assert not old.store.has_manifest
    assert [d.source for d in old.documents()] == ["briefing.txt", "notes.md"]
    assert old.store.bm25_search("banquet menu", 3)
    # A write (removing one document) records the rest first.
    old.remove("notes.md")
    fresh = assistant_for(store)
    assert fresh.store.has_manifest
    assert [d.source for d in fresh.documents()] == ["briefing.txt"]
    assert fresh.store.entries()["briefing.txt"].state == "unverified"
    fresh.ingest([tmp_path / "v1" / "briefing.txt"])
    assert fresh.store.entries()["briefing.txt"].state == "complete"


@pytest.mark.integration
def test_a_question_skips_lexical_hits_the_store_no_longer_has(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bot = assistant_for(store)
    bot.ingest([corpus_v1(tmp_path / "v1")])
    hits = bot.store.bm25_search("banquet menu published", 3)
    # Another writer deletes a chunk behind this process's back without telling anyone.
    bot.store.delete([hits[0].chunk_id])
    assert [h.chunk_id for h in bot.store.bm25_search("banquet menu published", 3)] == [
        h.chunk_id for h in hits
    ]
    passages = bot.retriever.passages("banquet menu published")
    assert hits[0].chunk_id not in {p.chunk.id for p in passages}


@pytest.mark.integration
def test_a_process_sees_what_another_process_ingested_and_removed(tmp_path: Path) -> None:
    """Two processes on one store: this one keeps answering while a CLI ingest writes."""
    store = tmp_path / "store"
    v1 = corpus_v1(tmp_path / "v1")
    bot = assistant_for(store)
    bot.ingest([v1])
    assert bot.store.bm25_search("banquet menu", 3)
    assert not bot.store.bm25_search("crane containers pier", 3)
    (v1 / "notes.md").unlink()
    (v1 / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from tests.crash_ingest import assistant_for;"
        "assistant_for(Path(sys.argv[1])).ingest([Path(sys.argv[2])], prune=True)"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(store), str(v1)], cwd=ROOT, check=True, timeout=300
    )
    hits = bot.store.bm25_search("crane containers pier", 3)
    assert hits
    assert all(bot.store.get([h.chunk_id]) for h in hits)
    assert not any(
        c.source == "notes.md" for c in bot.store.get([h.chunk_id for h in bot.store.bm25_search(
            "banquet menu", 5)]).values()
    )  # fmt: skip
    assert [d.source for d in bot.documents()] == ["briefing.txt", "harbour.txt"]


@pytest.mark.integration
def test_removing_an_unknown_document_says_so(tmp_path: Path) -> None:
    bot = assistant_for(tmp_path / "store")
    bot.ingest([corpus_v1(tmp_path / "v1")])
    with pytest.raises(StoreError, match=r"No document named 'nope\.txt'"):
        bot.remove("nope.txt")


@pytest.mark.unit
def test_a_writer_waits_for_readers_and_holds_back_new_ones() -> None:
    lock = ReadWriteLock()
    events: list[str] = []
    reading, writer_waiting, release_reader = (threading.Event() for _ in range(3))

    def reader() -> None:
        with lock.reading():
            events.append("read")
            reading.set()
            release_reader.wait(10)
        events.append("read done")

    def writer() -> None:
        writer_waiting.set()
        with lock.writing():
            events.append("write")

    def late_reader() -> None:
        with lock.reading():
            events.append("late read")

    first = threading.Thread(target=reader)
    first.start()
    reading.wait(10)
    second = threading.Thread(target=writer)
    second.start()
    writer_waiting.wait(10)
    while not lock.waiting_writers:  # the writer is queued behind the reader
        threading.Event().wait(0.001)
    third = threading.Thread(target=late_reader)
    third.start()
    assert events == ["read"]
    release_reader.set()
    for thread in (first, second, third):
        thread.join(10)
    assert events == ["read", "read done", "write", "late read"]


@pytest.mark.integration
def test_an_unchanged_rerun_reads_no_file_and_a_touched_one_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    import assistant.index.ingest

    reads: list[str] = []
    real = assistant.index.ingest.read_document

    def counting(path: Path, **kwargs: Any) -> Any:
        reads.append(Path(path).name)
        return real(path, **kwargs)

    monkeypatch.setattr(assistant.index.ingest, "read_document", counting)
    corpus = corpus_v1(tmp_path / "v1")
    bot = assistant_for(tmp_path / "store")
    bot.ingest([corpus])
    assert sorted(reads) == ["briefing.txt", "notes.md"]
    reads.clear()
    assert bot.ingest([corpus]).unchanged == 7
    assert reads == []
    os.utime(corpus / "notes.md", ns=(1, 2))  # touched, same text
    assert bot.ingest([corpus]).added == 0
    assert reads == ["notes.md"]
    reads.clear()
    bot.ingest([corpus])
    assert reads == []


@pytest.mark.integration
def test_the_document_view_fetches_only_the_chunks_around_the_citations(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "harbour.txt").write_text(HARBOUR * 20, encoding="utf-8")
    bot = assistant_for(tmp_path / "store")
    bot.ingest([corpus])
    whole = bot.document_text("harbour.txt")
    assert whole == (corpus / "harbour.txt").read_text(encoding="utf-8")
    span = (len(whole) // 2, len(whole) // 2 + 40)
    fetched: list[tuple[int, int]] = []
    real = bot.store.chunks_between

    def counting(source: str, start: int, end: int) -> Any:
        found = real(source, start, end)
        fetched.extend((c.start, c.end) for c in found)
        return found

    bot.store.chunks_between = counting  # type: ignore[method-assign]
    window = bot.document_text("harbour.txt", around=[span], context=300)
    assert len(window) == len(whole)
    assert window[span[0] - 300 : span[1] + 300] == whole[span[0] - 300 : span[1] + 300]
    assert set(window[:1000]) == {"\n"}
    assert 0 < len(fetched) < len(bot.store.entries()["harbour.txt"].chunk_ids) / 5


@pytest.mark.unit
def test_a_record_of_the_same_model_is_not_re_embedded_but_another_model_is() -> None:
    from assistant.index.vector_space import same_vectors

    assert same_vectors("", "all-MiniLM-L6-v2@bc1a")  # a store from before the record
    assert same_vectors("all-MiniLM-L6-v2", "all-MiniLM-L6-v2@bc1a")
    assert same_vectors("all-MiniLM-L6-v2@bc1a", "all-MiniLM-L6-v2@bc1a")
    assert not same_vectors("all-MiniLM-L6-v2@bc1a", "all-MiniLM-L6-v2@ffff")
    assert not same_vectors("all-MiniLM-L6-v2@bc1a", "all-MiniLM-L6-v2@bc1a+int8")
    assert not same_vectors("word-hash-64", "all-MiniLM-L6-v2@bc1a")


@pytest.mark.integration
def test_an_ingest_with_another_embedding_model_is_refused_before_touching_anything(
    tmp_path: Path,
) -> None:
    from tests.crash_ingest import WordHashEmbedder

    class OtherModel(WordHashEmbedder):
        model_id = "another-model@1234"

    store = tmp_path / "store"
    corpus = corpus_v1(tmp_path / "v1")
    assistant_for(store).ingest([corpus])
    before = snapshot(store)
    from assistant.app import Assistant

    other = Assistant(store_dir=store, embedder=OtherModel())
    (corpus / "notes.md").write_text(NOTES + "\nA new line.\n", encoding="utf-8")
    with pytest.raises(IngestError, match=r"another embedding model \(word-hash-64\).*--rebuild"):
        other.ingest([corpus])
    (corpus / "notes.md").write_text(NOTES, encoding="utf-8")
    assert snapshot(store) == before
