"""An ingest that finds nothing to do decides it from the file records read without Chroma's
client (assistant/index/ingest.py ``_nothing_to_do``, store ``peek_entries``): it never imports
chromadb, and anything it cannot vouch for goes the usual way. Each run is a fresh process
(the shortcut is for a process that has not opened the store), with the word-hashing
embedder of tests/crash_ingest.py. (On a damaged store the usual path must still rebuild:
tests/test_store_damage.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.integration

SCRIPT = """
import json, sys
from pathlib import Path
from tests.crash_ingest import WordHashEmbedder
from assistant.app import Assistant

class OtherModel(WordHashEmbedder):
    model_id = "another-model@1234"

store, corpus, model, prune = sys.argv[1:5]
embedder = WordHashEmbedder() if model == "same" else OtherModel()
try:
    report = Assistant(store_dir=store, embedder=embedder).ingest(
        [Path(corpus)], prune=prune == "prune"
    )
    out = {"added": report.added, "unchanged": report.unchanged, "removed": report.removed,
           "updated": report.updated, "files": report.files}
except Exception as exc:
    out = {"error": type(exc).__name__, "message": str(exc)}
out["chromadb"] = "chromadb" in sys.modules
print(json.dumps(out))
"""

PARAGRAPH = "The {name} keeper lights the lamp at dusk. She logs ship {n} in the book. " * 3


def ingest(
    store: Path, corpus: Path, *, model: str = "same", prune: bool = False, **env: str
) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(store), str(corpus), model,
         "prune" if prune else "keep"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **env},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def write(folder: Path, name: str, n: int) -> Path:
    path = folder / name
    path.write_text(
        "\n\n".join(PARAGRAPH.format(name=name, n=n * 10 + p) for p in range(3)), encoding="utf-8"
    )
    return path


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, int]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        write(corpus, f"doc{n}.txt", n)
    store = tmp_path / "store"
    first = ingest(store, corpus)
    assert first["added"] > 0
    assert first["chromadb"]
    return store, corpus, first["added"]


def test_an_unchanged_corpus_is_known_unchanged_without_importing_chromadb(
    built: tuple[Path, Path, int],
) -> None:
    store, corpus, chunks = built
    again = ingest(store, corpus)
    assert again == {
        "added": 0, "unchanged": chunks, "removed": 0, "updated": 0, "files": 3,
        "chromadb": False,
    }  # fmt: skip
    # Chroma settings given: only Chroma's own client may open the store; same answer.
    usual = ingest(store, corpus, CHROMA_SERVER_NOFILE="4096")
    assert usual == {**again, "chromadb": True}


def test_a_file_copied_in_with_an_old_time_is_still_added(built: tuple[Path, Path, int]) -> None:
    store, corpus, chunks = built
    new = write(corpus, "copied.txt", 7)
    os.utime(new, ns=(1_000_000_000, 1_000_000_000))  # older than the last write
    report = ingest(store, corpus)
    assert report["added"] > 0
    assert report["unchanged"] == chunks
    assert report["chromadb"]
    assert ingest(store, corpus)["chromadb"] is False  # and then it is known


def test_a_file_gone_is_pruned_and_a_file_of_another_model_is_refused(
    built: tuple[Path, Path, int],
) -> None:
    store, corpus, chunks = built
    (corpus / "doc2.txt").unlink()
    kept = ingest(store, corpus)  # without --prune the store keeps it: nothing to do
    assert kept == {
        "added": 0, "unchanged": kept["unchanged"], "removed": 0, "updated": 0, "files": 2,
        "chromadb": False,
    }  # fmt: skip
    other = ingest(store, corpus, model="other")
    assert other["error"] == "IngestError"
    assert "another embedding model (word-hash-64)" in other["message"]
    pruned = ingest(store, corpus, prune=True)
    assert pruned["removed"] == chunks - kept["unchanged"] > 0
    assert pruned["chromadb"]


def test_the_records_are_peeked_at_only_when_it_can_pay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not when a file is newer than the last write (something is to do), nor in a process
    that has the store open already (its client reads them as cheaply)."""
    from assistant.index import store as store_module
    from tests.crash_ingest import assistant_for

    peeks: list[Path] = []
    read_records = store_module.read_records

    def counted(store_dir: Path, collection: str) -> Any:
        peeks.append(store_dir)
        return read_records(store_dir, collection)

    monkeypatch.setattr(store_module, "read_records", counted)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write(corpus, "doc0.txt", 0)
    store = tmp_path / "store"
    assistant_for(store).ingest([corpus])  # a new store: nothing to peek at
    assert peeks == []
    assert assistant_for(store).ingest([corpus]).unchanged > 0  # open in this process
    assert peeks == []
    fresh = tmp_path / "copy"
    shutil.copytree(store, fresh)  # a store this process has not opened
    assert assistant_for(fresh).ingest([corpus]).unchanged > 0
    assert peeks == [fresh]
    other = tmp_path / "copy2"
    shutil.copytree(store, other)
    write(corpus, "doc1.txt", 1)  # newer than the last write
    assert assistant_for(other).ingest([corpus]).added > 0
    assert peeks == [fresh]


def test_a_record_of_another_model_is_refused_even_for_a_file_not_given(
    built: tuple[Path, Path, int],
) -> None:
    """A store with such a record (an older or hand-made one): the usual path refuses it,
    whichever files are given, so the shortcut must not call it unchanged."""
    import chromadb
    from chromadb.config import Settings

    store, corpus, _ = built
    client = chromadb.PersistentClient(str(store), Settings(anonymized_telemetry=False))
    files = client.get_collection("briefings__files")
    meta = dict(files.get(ids=["file:doc0.txt"], include=["metadatas"])["metadatas"][0])
    meta.update(source="ghost.txt", embedder="other-model@x")
    files.upsert(ids=["file:ghost.txt"], metadatas=[meta], embeddings=[[1.0]])
    del files, client
    refused = ingest(store, corpus)
    assert refused["error"] == "IngestError"
    assert "another embedding model (other-model@x)" in refused["message"]


def test_a_file_dated_in_the_future_does_not_keep_the_shortcut_away(
    built: tuple[Path, Path, int],
) -> None:
    store, corpus, chunks = built
    future = 4_000_000_000 * 10**9  # the year 2096
    os.utime(corpus / "doc1.txt", ns=(future, future))
    first = ingest(store, corpus)  # its record has the old time: the usual path, which notes it
    assert first["unchanged"] == chunks
    assert first["chromadb"]
    again = ingest(store, corpus)
    assert again["unchanged"] == chunks
    assert again["chromadb"] is False
