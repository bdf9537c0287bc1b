"""The Documents tab's event handlers: uploads staged, checked and added (or undone), the
corpus folder re-indexed, a document removed or downloaded; administrators only, when named."""

from __future__ import annotations

import dataclasses
import html
import logging
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app import Assistant
from assistant.documents.uploads import OnClash, StagedUpload, add_uploads, stage_upload
from assistant.errors import AssistantError, RefusedFilesError
from assistant.types import IngestReport

logger = logging.getLogger(__name__)

# Gradio's bound on any upload (a PDF or Word file); a text, Markdown or HTML file is held to
# MAX_TEXT_UPLOAD_BYTES (each also to its setting).
MAX_UPLOAD_BYTES = 50 * 1000 * 1000
MAX_TEXT_UPLOAD_BYTES = 5 * 1024 * 1024
READ_ONLY_NOTE = "Only an administrator can add, remove or re-index documents."


class DocumentHandlers:
    """The documents' event handlers, bound to one assistant and corpus folder
    (``ui.app.ChatApp`` holds them); ``admins``: who may change the documents (empty:
    everyone); ``_changing``: one upload, removal or re-index at a time."""

    assistant: Assistant
    corpus_dir: Path
    admins: frozenset[str]
    _changing: threading.Lock

    def may_change_documents(self, request: gr.Request | None) -> bool:
        if not self.admins:
            return True
        return request is not None and request.username in self.admins

    def permissions(self, request: gr.Request) -> tuple[Any, Any]:
        """On page load: the document controls for administrators, a note for the others."""
        allowed = self.may_change_documents(request)
        return gr.update(visible=allowed), gr.update(visible=not allowed)

    def document_rows(self) -> list[list[Any]]:
        return [[d.source, d.chunks] for d in self.assistant.documents()]

    def _documents_update(self, status: str) -> tuple[str, Any, Any]:
        rows = self.document_rows()
        choices = [row[0] for row in rows]
        text = html.escape(status, quote=False)
        return (
            f'<div class="documents-status">{text}</div>',
            rows,
            gr.update(choices=choices, value=None),
        )

    def upload(
        self,
        files: list[str] | None,
        on_clash: OnClash = "rename",
        request: gr.Request | None = None,
    ) -> tuple[str, Any, Any]:
        """Stage, check and add the uploaded files; a failure leaves the corpus as it was."""
        if not self.may_change_documents(request):
            return self._documents_update(READ_ONLY_NOTE)
        with self._changing:
            status = self._add_uploads([Path(f) for f in files or []], on_clash)
        return self._documents_update(status)

    def _add_uploads(self, files: Sequence[Path], on_clash: OnClash) -> str:
        settings = self.assistant.settings
        limits = dataclasses.replace(
            settings.read_limits(),
            max_bytes=min(MAX_TEXT_UPLOAD_BYTES, settings.max_file_bytes),
            max_document_bytes=min(MAX_UPLOAD_BYTES, settings.max_document_bytes),
        )
        taken = {d.source for d in self.assistant.documents()}
        staged: list[StagedUpload] = []
        problems: list[str] = []
        for file in files:
            try:
                upload = stage_upload(
                    file, self.corpus_dir, on_clash=on_clash, taken=taken, limits=limits
                )
            except AssistantError as exc:
                problems.append(str(exc))
                continue
            staged.append(upload)
            taken.add(upload.name)
        parts: list[str] = []
        if staged:
            try:
                report = add_uploads(staged, self.assistant.ingest)
            except Exception as exc:  # whatever failed, the corpus and store go back
                if not isinstance(exc, AssistantError | OSError):
                    logger.exception("adding uploads failed")
                problems.insert(0, str(exc))
                self._restore(staged)
            else:
                names = ", ".join(u.name for u in staged)
                parts.append(f"Added: {names} ({report.summary()}).")
                parts += [
                    f"{u.requested} was added as {u.name}: that name is taken."
                    for u in staged
                    if u.renamed
                ]
        if problems:
            parts.append("Not added: " + " ".join(problems))
        return " ".join(parts) or "No file was added."

    def _restore(self, uploads: Sequence[StagedUpload]) -> None:
        """After a failed ingest (which may have written part of its changes), bring the
        store back in line with the corpus: the replaced files again, no new names."""
        self.assistant.corpus.restore(
            added=[u.name for u in uploads if not u.replaces],
            replaced=[u.target for u in uploads if u.replaces],
        )

    def reindex(self, request: gr.Request | None = None) -> tuple[str, Any, Any]:
        if not self.may_change_documents(request):
            return self._documents_update(READ_ONLY_NOTE)
        with self._changing:
            try:
                report = self.assistant.ingest([self.corpus_dir], prune=True)
            except RefusedFilesError as exc:  # the other files were indexed
                done = exc.report.summary() if isinstance(exc.report, IngestReport) else ""
                return self._documents_update(f"Re-indexed: {done}. Not read: {exc}")
            except AssistantError as exc:
                return self._documents_update(f"Re-index failed: {exc}")
        return self._documents_update(f"Re-indexed: {report.summary()}")

    def remove(self, source: str | None, request: gr.Request | None = None) -> tuple[str, Any, Any]:
        if not self.may_change_documents(request):
            return self._documents_update(READ_ONLY_NOTE)
        if not source:
            return self._documents_update("Pick a document to remove.")
        with self._changing:
            try:
                removed = self.assistant.remove(source)
            except AssistantError as exc:
                return self._documents_update(str(exc))
            candidate = (self.corpus_dir / source).resolve()
            if candidate.is_file() and self.corpus_dir.resolve() in candidate.parents:
                candidate.unlink()
        return self._documents_update(f"Removed {source} ({removed} chunks).")

    def download(self, source: str | None) -> str | None:
        """A copy of the file ``source`` was read from, as it was uploaded or put in the corpus
        folder (None: no such file there)."""
        if not source:
            return None
        root = self.corpus_dir.resolve()
        candidate = (self.corpus_dir / source).resolve()
        if not candidate.is_file() or root not in candidate.parents:
            return None
        copy = Path(tempfile.mkdtemp(prefix="download-")) / candidate.name
        shutil.copyfile(candidate, copy)
        return str(copy)
