"""Uploads staged beside the corpus: validated first, moved in atomically, undone on failure.

A new file is copied into its own folder under ``<corpus>/.staging/`` (the same filesystem,
and hidden, so ``discover`` never ingests it), read there with ``read_document`` and only
then moved into the corpus with ``os.replace``. A file it replaces waits in the staging
folder until the caller commits (the ingest succeeded) or rolls back (it failed): the old
document comes back byte for byte. A name already taken is never overwritten silently.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, TypeVar

from assistant.documents.formats import DOCX_SUFFIXES, PDF_SUFFIXES, SUPPORTED_SUFFIXES
from assistant.documents.limits import ReadLimits
from assistant.documents.loading import read_document
from assistant.errors import IngestError
from assistant.types import Document

STAGING_DIR = ".staging"
BINARY_SUFFIXES = PDF_SUFFIXES | DOCX_SUFFIXES
UPLOAD_KINDS = ".txt, .md, .html, .pdf and .docx"
OnClash = Literal["rename", "replace", "refuse"]
ON_CLASH: tuple[OnClash, ...] = ("rename", "replace", "refuse")

T = TypeVar("T")


class UploadError(IngestError):
    """An uploaded file was refused; the corpus is unchanged."""


def safe_upload_name(name: str) -> str:
    """A file name that cannot escape the corpus folder or hide itself."""
    base = re.sub(r"[^\w.-]", "_", Path(unicodedata.normalize("NFC", name)).name).lstrip(".")
    return base or "document.txt"


def free_name(name: str, taken: Callable[[str], bool]) -> str:
    """``name`` itself if it is free, else ``stem-2.suffix``, ``stem-3.suffix``, …"""
    if not taken(name):
        return name
    path = Path(name)
    for n in itertools.count(2):
        candidate = f"{path.stem}-{n}{path.suffix}"
        if not taken(candidate):
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class StagedUpload:
    """A validated upload waiting in ``folder`` to become ``corpus_dir / name``.

    ``install`` moves it in; then ``commit`` (keep it) or ``rollback`` (put back whatever
    was there before). ``rollback`` is also safe before ``install``: it only cleans up.
    """

    name: str
    requested: str
    target: Path
    folder: Path
    replaces: bool
    document: Document

    @property
    def staged(self) -> Path:
        return self.folder / f"new{self.target.suffix}"

    @property
    def backup(self) -> Path:
        return self.folder / f"old{self.target.suffix}"

    @property
    def renamed(self) -> bool:
        return self.name != self.requested

    def install(self) -> None:
        """Move the validated copy into the corpus, keeping a copy of the file it replaces."""
        if self.target.exists():
            if not self.replaces:
                raise UploadError(f"{self.name} appeared in the corpus meanwhile: upload it again.")
            shutil.copy2(self.target, self.backup)
        os.replace(self.staged, self.target)

    def commit(self) -> None:
        """Keep the installed file; forget the old one."""
        _remove_folder(self.folder)

    def rollback(self) -> None:
        """Undo ``install`` (if it happened): the replaced file back byte for byte, or none."""
        installed = not self.staged.exists()
        if installed:
            if self.backup.exists():
                os.replace(self.backup, self.target)
            else:
                self.target.unlink(missing_ok=True)
        _remove_folder(self.folder)


def stage_upload(
    src: Path,
    corpus_dir: Path,
    *,
    name: str | None = None,
    on_clash: OnClash = "rename",
    taken: Collection[str] = (),
    max_bytes: int = 5_000_000,
    limits: ReadLimits | None = None,
) -> StagedUpload:
    """Copy ``src`` into the staging folder and read it there; refuse what cannot be added.

    ``name`` is the name it was uploaded as (default: ``src``'s); ``taken`` holds names in
    use besides the corpus folder's files (the store's documents, earlier files of the same
    batch). On a clash ``on_clash`` decides: ``"rename"`` keeps both (``name-2.txt``),
    ``"replace"`` replaces the old document once the new one is in, ``"refuse"`` raises.
    """
    requested = safe_upload_name(name or src.name)
    if Path(requested).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise UploadError(f"{requested}: only {UPLOAD_KINDS} files can be added.")
    if on_clash not in ON_CLASH:
        raise UploadError(f"on_clash must be one of {', '.join(ON_CLASH)}, not {on_clash!r}.")
    limits = limits or ReadLimits(max_bytes=max_bytes)
    if Path(requested).suffix.lower() in BINARY_SUFFIXES:
        max_bytes = limits.max_document_bytes
    else:
        max_bytes = limits.max_bytes
    try:
        size = src.stat().st_size
    except OSError as exc:
        raise UploadError(f"{requested} cannot be read: {exc.strerror or exc}.") from None
    if size > max_bytes:
        raise UploadError(f"{requested}: larger than the {max_bytes / 1e6:.3g} MB limit.")

    def in_use(candidate: str) -> bool:
        return candidate in taken or (corpus_dir / candidate).exists()

    clash = in_use(requested)
    if clash and on_clash == "refuse":
        raise UploadError(
            f"A document named {requested} exists already: choose to replace it or keep both."
        )
    final = free_name(requested, in_use) if clash and on_clash == "rename" else requested
    root = corpus_dir / STAGING_DIR
    created = not corpus_dir.exists()  # a refused upload leaves no corpus folder behind
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="upload-", dir=root))
    staged = folder / f"new{Path(final).suffix}"
    try:
        shutil.copyfile(src, staged)
        # Named as uploaded in any complaint; named as it will be in the corpus once read.
        document = replace(read_document(staged, source=requested, limits=limits), source=final)
    except BaseException:
        _remove_folder(folder)
        if created:
            with contextlib.suppress(OSError):
                corpus_dir.rmdir()
        raise
    return StagedUpload(
        name=final,
        requested=requested,
        target=corpus_dir / final,
        folder=folder,
        replaces=clash and on_clash == "replace",
        document=document,
    )


def _remove_folder(folder: Path) -> None:
    """Remove one upload's staging folder, and the shared one once it is empty."""
    shutil.rmtree(folder, ignore_errors=True)
    with contextlib.suppress(OSError):  # others' uploads are still in it
        folder.parent.rmdir()


def add_uploads(uploads: Sequence[StagedUpload], ingest: Callable[[list[Path]], T]) -> T:
    """Install every staged upload and ``ingest`` them; on any failure put everything back."""
    try:
        for upload in uploads:
            upload.install()
        result = ingest([upload.target for upload in uploads])
    except BaseException:
        for upload in reversed(uploads):
            upload.rollback()
        raise
    for upload in uploads:
        upload.commit()
    return result
