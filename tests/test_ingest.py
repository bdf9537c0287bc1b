from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.app import Assistant
from assistant.errors import EmptyCorpusError, RefusedFilesError
from assistant.types import IngestReport
from tests.conftest import BRIEFING


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(BRIEFING, folder / "briefing.txt")
    (folder / "notes.md").write_text(
        "# Notes\n\nThe banquet menu was not published. Guests arrived at seven.\n",
        encoding="utf-8",
    )
    return folder


def _stored_texts(bot: Assistant) -> dict[str, list[str]]:
    return {s.source: [c.text for c in bot.store.chunks_of(s.source)] for s in bot.documents()}


@pytest.mark.integration
def test_reingesting_unchanged_files_writes_nothing(fresh_bot: Assistant, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    first = fresh_bot.ingest([corpus])
    # notes.md is one chunk: its "# Notes" heading is carried into the paragraph after it.
    assert (first.files, first.added, first.unchanged, first.removed) == (2, 6, 0, 0)
    sqlite = fresh_bot.settings.store_dir / "chroma.sqlite3"
    before = sqlite.stat().st_mtime_ns
    again = fresh_bot.ingest([corpus])
    assert (again.added, again.unchanged, again.removed, again.updated) == (0, 6, 0, 0)
    assert sqlite.stat().st_mtime_ns == before
    assert fresh_bot.store.count() == 6
    assert _stored_texts(fresh_bot)["notes.md"] == [
        "# Notes\n\nThe banquet menu was not published. Guests arrived at seven."
    ]


@pytest.mark.integration
def test_changed_file_replaces_its_chunks_without_orphans(
    fresh_bot: Assistant, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path)
    fresh_bot.ingest([corpus])
    path = corpus / "briefing.txt"
    text = path.read_text(encoding="utf-8")
    edited = "Today " + text.replace("Over 150 guests", "Over 160 guests")
    path.write_text(edited, encoding="utf-8")
    report = fresh_bot.ingest([corpus])
    # The two edited chunks are replaced; the other three kept their text but moved by six
    # characters: their offsets are rewritten without re-embedding.
    assert (report.added, report.removed, report.updated) == (2, 2, 3)
    chunks = fresh_bot.store.chunks_of("briefing.txt")
    assert len(chunks) == 5
    for chunk in chunks:
        assert edited[chunk.start : chunk.end] == chunk.text
    assert not any("Over 150 guests" in c.text for c in chunks)
    answer = fresh_bot.ask("How many guests attended the banquet?")
    assert "160" in answer.text
    assert sorted(fresh_bot.store.lexical().ids()) == _stored_ids(fresh_bot)


def _stored_ids(bot: Assistant) -> list[str]:
    return sorted(c.id for s in bot.documents() for c in bot.store.chunks_of(s.source))


@pytest.mark.integration
def test_prune_removes_documents_that_disappeared(fresh_bot: Assistant, tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    fresh_bot.ingest([corpus])
    (corpus / "notes.md").unlink()
    kept = fresh_bot.ingest([corpus])
    assert kept.removed == 0
    assert [d.source for d in fresh_bot.documents()] == ["briefing.txt", "notes.md"]
    pruned = fresh_bot.ingest([corpus], prune=True)
    assert pruned.removed == 1  # notes.md's one chunk (heading + body)
    assert [d.source for d in fresh_bot.documents()] == ["briefing.txt"]
    assert len(fresh_bot.store.lexical().ids()) == 5


@pytest.mark.integration
def test_a_bad_file_is_refused_and_the_rest_of_the_batch_ingested(
    fresh_bot: Assistant, tmp_path: Path
) -> None:
    corpus = _corpus(tmp_path)
    fresh_bot.ingest([corpus])
    (corpus / "briefing.txt").write_text("Changed entirely. Nothing else.", encoding="utf-8")
    (corpus / "zz-binary.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    with pytest.raises(RefusedFilesError) as refused:
        fresh_bot.ingest([corpus], prune=True)
    assert str(refused.value) == "zz-binary.txt looks like a binary file, not text."
    report = refused.value.report
    assert isinstance(report, IngestReport)
    assert report.refused == (("zz-binary.txt", str(refused.value)),)
    assert _stored_texts(fresh_bot)["briefing.txt"] == ["Changed entirely. Nothing else."]
    assert [d.source for d in fresh_bot.documents()] == ["briefing.txt", "notes.md"]
    # A file refused now keeps what an earlier run stored of it (even with --prune).
    (corpus / "notes.md").write_bytes(b"\x00" * 64)
    with pytest.raises(RefusedFilesError):
        fresh_bot.ingest([corpus], prune=True)
    assert [d.source for d in fresh_bot.documents()] == ["briefing.txt", "notes.md"]


@pytest.mark.unit
def test_empty_corpus_is_refused_and_creates_no_store(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    store = tmp_path / "store"
    with pytest.raises(EmptyCorpusError, match=r"No .* files found"):
        Assistant(store_dir=store).ingest([empty])
    assert not store.exists()


@pytest.mark.integration
@pytest.mark.parametrize("damage", ["deleted", "garbled"])
def test_lexical_index_is_rebuilt_when_missing_or_damaged(
    fresh_bot: Assistant, tmp_path: Path, damage: str
) -> None:
    corpus = _corpus(tmp_path)
    fresh_bot.ingest([corpus])
    path = fresh_bot.store.lexical_path
    assert path.is_file()
    fresh_bot.store.lexical().close()
    if damage == "deleted":
        path.unlink()
    else:
        path.write_bytes(b"not a database" * 1000)
    reopened = Assistant(store_dir=fresh_bot.settings.store_dir)
    assert sorted(reopened.store.lexical().ids()) == _stored_ids(fresh_bot)
    assert path.is_file()
    assert reopened.ask("Who attended the parade?").citations


@pytest.mark.integration
def test_an_unchanged_reingest_loads_no_embedding_model(briefing_store: Path) -> None:
    """Nothing to embed: neither the model nor LangChain is imported (each costs start-up)."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from assistant.app import Assistant\n"
        f"report = Assistant(store_dir={str(briefing_store)!r}).ingest([{str(BRIEFING)!r}])\n"
        "print(report.added, report.unchanged > 0,"
        " [m for m in ('assistant.index.embeddings', 'onnxruntime', 'torch')"
        " if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.split("\n")[0] == "0 True []"


@pytest.mark.integration
def test_a_writing_ingest_reads_the_file_records_once_and_the_lexical_index_follows(
    fresh_bot: Assistant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records as the write leaves them are known to the writer (it holds the store's
    ingest lock): the lexical index catches up from them, not from reading them back."""
    corpus = _corpus(tmp_path)
    fresh_bot.ingest([corpus])
    store = fresh_bot.store
    reads: list[int] = []
    read = store.entries

    def counted() -> object:
        reads.append(1)
        return read()

    monkeypatch.setattr(store, "entries", counted)

    def found(query: str) -> list[str]:
        return list(store.texts([h.chunk_id for h in store.bm25_search(query, 3)]).values())

    (corpus / "ferry.md").write_text("The ferry to Skye leaves at noon on Tuesdays.\n")
    changed = BRIEFING.read_text(encoding="utf-8") + "\nAn added line.\n"
    (corpus / "briefing.txt").write_text(changed)
    added = fresh_bot.ingest([corpus])
    assert added.added > 0
    assert any("ferry to Skye" in t for t in found("ferry Skye noon"))  # a new file
    assert any("An added line." in t for t in found("added line"))  # a changed one
    (corpus / "notes.md").unlink()
    assert fresh_bot.ingest([corpus], prune=True).removed == 1
    assert not any("menu was not published" in t for t in found("banquet menu published"))
    assert len(reads) == 2  # one per ingest
    monkeypatch.undo()
    lexical = [f for f in fresh_bot.diagnose() if "lexical" in f.check]
    assert lexical
    assert all(f.ok for f in lexical), [f.line() for f in lexical]


@pytest.mark.integration
def test_a_file_newer_than_the_last_write_starts_loading_the_model_early(tmp_path: Path) -> None:
    """The model loads in the background (overlapping the store's opening) only when a file
    was modified after the last write began: a guess, right or wrong the report is the same."""
    import os

    from assistant.index.embeddings import SentenceTransformerEmbedder

    corpus = _corpus(tmp_path)
    Assistant(store_dir=tmp_path / "store").ingest([corpus])
    embedder = SentenceTransformerEmbedder()
    bot = Assistant(store_dir=tmp_path / "store", embedder=embedder)
    assert bot.ingest([corpus]).added == 0
    assert embedder.session is None  # nothing newer than the last write: not loaded
    began = bot.store.last_write_ns()
    assert began is not None
    later = began + 1_000_000_000
    os.utime(corpus / "notes.md", ns=(later, later))  # touched, not changed
    report = bot.ingest([corpus])
    assert (report.added, report.unchanged) == (0, 6)
    assert embedder.session is not None  # loaded ahead, on the guess
