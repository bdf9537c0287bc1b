"""Staged uploads (assistant/documents/uploads.py): nothing in the corpus changes until a file is
known
good, a taken name is never overwritten unasked, and a failed ingest puts everything back."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import Assistant
from assistant.documents.uploads import (
    STAGING_DIR,
    UploadError,
    add_uploads,
    free_name,
    safe_upload_name,
    stage_upload,
)
from assistant.errors import StoreError, UnsupportedFileError
from tests.conftest import BRIEFING
from tests.ui_server import free_port

OLD = BRIEFING.read_bytes()
NEW = "The harbour pilot is named Ilse Varga. She retired in spring.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "briefing.txt").write_bytes(OLD)
    return folder


def upload_file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    folder = tmp_path / "browser-upload"
    folder.mkdir(exist_ok=True)
    path = folder / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def corpus_files(corpus: Path) -> dict[str, bytes]:
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in corpus.rglob("*")
            if p.is_file()}  # fmt: skip


@pytest.mark.unit
def test_upload_names_are_sanitised() -> None:
    assert safe_upload_name("../../etc/passwd") == "passwd"
    assert safe_upload_name(".hidden notes.md") == "hidden_notes.md"
    assert safe_upload_name(".staging") == "staging"  # cannot land in the staging folder
    assert safe_upload_name("...") == "document.txt"


@pytest.mark.unit
def test_free_name_counts_up_from_two() -> None:
    taken = {"notes.txt", "notes-2.txt"}
    assert free_name("notes.txt", taken.__contains__) == "notes-3.txt"
    assert free_name("other.txt", taken.__contains__) == "other.txt"


@pytest.mark.unit
def test_a_binary_file_named_like_a_document_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    binary = upload_file(tmp_path, "briefing.txt", b"\x00\x01\x02" * 100)
    for on_clash in ("rename", "replace"):
        with pytest.raises(UnsupportedFileError, match=r"briefing\.txt looks like a binary file"):
            stage_upload(binary, corpus, on_clash=on_clash)
    assert corpus_files(corpus) == {"briefing.txt": OLD}
    assert not (corpus / STAGING_DIR).exists()


@pytest.mark.unit
def test_wrong_types_and_oversized_files_are_refused_before_anything_is_copied(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    with pytest.raises(UploadError, match=r"^a.rtf: only \.txt, \.md, \.html, \.pdf and \.docx"):
        stage_upload(upload_file(tmp_path, "a.rtf", b"{\\rtf1}"), corpus)
    big = upload_file(tmp_path, "big.txt", b"a" * 1001)
    with pytest.raises(UploadError, match=r"^big.txt: larger than the 0.001 MB limit\.$"):
        stage_upload(big, corpus, max_bytes=1000)
    assert not corpus.exists()


@pytest.mark.unit
def test_a_good_file_is_staged_out_of_sight_then_moved_in(corpus: Path, tmp_path: Path) -> None:
    staged = stage_upload(upload_file(tmp_path, "harbour notes.md", NEW), corpus)
    assert staged.name == "harbour_notes.md"
    assert staged.document.text == NEW
    assert staged.staged.parent.parent == corpus / STAGING_DIR  # hidden: re-index skips it
    assert not staged.target.exists()
    staged.install()
    staged.commit()
    assert corpus_files(corpus) == {"briefing.txt": OLD, "harbour_notes.md": NEW.encode()}


@pytest.mark.unit
def test_a_taken_name_keeps_both_by_default(corpus: Path, tmp_path: Path) -> None:
    staged = stage_upload(upload_file(tmp_path, "briefing.txt", NEW), corpus)
    assert (staged.name, staged.requested, staged.renamed) == (
        "briefing-2.txt", "briefing.txt", True
    )  # fmt: skip
    staged.install()
    staged.commit()
    assert corpus_files(corpus) == {"briefing.txt": OLD, "briefing-2.txt": NEW.encode()}


@pytest.mark.unit
def test_names_in_the_store_or_earlier_in_the_batch_count_as_taken(
    corpus: Path, tmp_path: Path
) -> None:
    staged = stage_upload(upload_file(tmp_path, "notes.txt", NEW), corpus, taken={"notes.txt"})
    assert staged.name == "notes-2.txt"
    staged.rollback()


@pytest.mark.unit
def test_refuse_names_the_clash_and_replace_waits_for_install(corpus: Path, tmp_path: Path) -> None:
    new = upload_file(tmp_path, "briefing.txt", NEW)
    with pytest.raises(UploadError, match=r"A document named briefing\.txt exists already"):
        stage_upload(new, corpus, on_clash="refuse")
    staged = stage_upload(new, corpus, on_clash="replace")
    assert staged.replaces
    assert (corpus / "briefing.txt").read_bytes() == OLD  # nothing replaced yet
    staged.install()
    assert (corpus / "briefing.txt").read_bytes() == NEW.encode()
    staged.commit()
    assert corpus_files(corpus) == {"briefing.txt": NEW.encode()}


@pytest.mark.unit
def test_rollback_after_install_restores_the_replaced_file_byte_for_byte(
    corpus: Path, tmp_path: Path
) -> None:
    replacing = stage_upload(upload_file(tmp_path, "briefing.txt", NEW), corpus, on_clash="replace")
    adding = stage_upload(upload_file(tmp_path, "notes.txt", NEW), corpus)
    replacing.install()
    adding.install()
    adding.rollback()
    replacing.rollback()
    assert corpus_files(corpus) == {"briefing.txt": OLD}


@pytest.mark.integration
def test_a_failed_ingest_puts_every_file_back(corpus: Path, tmp_path: Path) -> None:
    unreachable = Assistant(
        store_dir=tmp_path / "store", chroma_url=f"http://127.0.0.1:{free_port()}"
    )
    staged = [
        stage_upload(upload_file(tmp_path, "briefing.txt", NEW), corpus, on_clash="replace"),
        stage_upload(upload_file(tmp_path, "notes.txt", NEW), corpus),
    ]
    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        add_uploads(staged, unreachable.ingest)
    assert corpus_files(corpus) == {"briefing.txt": OLD}
