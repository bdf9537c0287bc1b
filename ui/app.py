"""The Gradio app: built by a function from an ``Assistant``; no globals."""

from __future__ import annotations

import dataclasses
import html
import logging
import shutil
import tempfile
import threading
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.app import Assistant
from assistant.documents.formats import SUPPORTED_SUFFIXES
from assistant.documents.uploads import OnClash, StagedUpload, add_uploads, stage_upload
from assistant.errors import AssistantError, LLMServerError, RefusedFilesError
from assistant.offline import ensure_offline
from assistant.types import Answer, IngestReport, Turn
from assistant.validation import clean_question, recent_history
from ui.gate import LoginRequiredMiddleware
from ui.login import ClientAddressMiddleware
from ui.render import (
    DOCUMENT_CONTEXT,
    answer_markdown,
    document_html,
    escape_markdown,
    fallback_note,
    partial_markdown,
    plain_text,
    sources_html,
)
from ui.static import CSS, HEAD
from ui.whos_who import build_tab as build_whos_who
from ui.whos_who import tables

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Who attended the parade?",
    "Did Kim Jong Un go?",
    "What did Dorothy Shea accuse Moscow of?",
    "How many guests attended the banquet in Pyongyang?",
    "What is the capital of France?",
)
# Gradio's bound on any upload (a PDF or Word file); a text, Markdown or HTML file is held to
# MAX_TEXT_UPLOAD_BYTES (each also to its setting).
MAX_UPLOAD_BYTES = 50 * 1000 * 1000
MAX_TEXT_UPLOAD_BYTES = 5 * 1024 * 1024
CLASH_CHOICES = [
    ("Keep both (the new one is renamed, e.g. notes-2.txt)", "rename"),
    ("Replace it", "replace"),
]
READ_ONLY_NOTE = "Only an administrator can add, remove or re-index documents."
EXTRACTIVE = "extractive"
Messages = list[dict[str, Any]]


def _content_text(content: Any) -> str:
    """Chatbot message content as text (Gradio may hand back a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_content_text(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    return str(content or "")


def history_turns(history: Sequence[dict[str, Any]] | None) -> list[Turn]:
    turns = []
    for message in history or []:
        role = message.get("role")
        content = _content_text(message.get("content"))
        if role == "assistant":
            turns.append(Turn(role, plain_text(content)))  # shown as escaped Markdown
        elif role == "user":
            turns.append(Turn(role, content))
    return turns


def _message_index(index: int | tuple[int, int]) -> int:
    return index if isinstance(index, int) else index[0]


class ChatApp:
    """Event handlers bound to one assistant and corpus folder.

    With ``admins`` given, only those logged-in users may change the documents: every
    handler that does checks the request's user itself (hidden buttons are not a guard).
    """

    def __init__(
        self, assistant: Assistant, corpus_dir: Path, *, admins: Collection[str] = ()
    ) -> None:
        self.assistant = assistant
        self.corpus_dir = corpus_dir
        self.admins = frozenset(admins)
        self._changing = threading.Lock()  # one upload, removal or re-index at a time

    # -- chat -------------------------------------------------------------------------------

    def _ask(
        self, question: str, history: Sequence[Turn], top_k: int, write: bool
    ) -> Iterator[str | Answer | LLMServerError]:
        """The answer's text as it comes, then the ``Answer``; when the LLM server fails, its
        error and then the extractive answer."""
        try:
            yield from self.assistant.stream(question, history, top_k=int(top_k), write=write)
        except LLMServerError as exc:
            if not isinstance(exc.answer, Answer):
                raise gr.Error(str(exc), print_exception=False) from None
            gr.Warning(str(exc))
            yield exc
            yield exc.answer
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def respond(
        self,
        message: str,
        history: Messages | None,
        top_k: int,
        show_scores: bool,
        mode: str = EXTRACTIVE,
    ) -> Iterator[tuple[Any, ...]]:
        try:
            clean_question(message, max_chars=self.assistant.settings.max_question_chars)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        turns = recent_history(history_turns(history))
        shown: Messages = [*(history or []), {"role": "user", "content": message}]
        shown.append({"role": "assistant", "content": "…"})
        yield shown, gr.skip(), gr.skip(), ""
        partial = ""
        answer: Answer | None = None
        failure: LLMServerError | None = None
        try:
            for item in self._ask(message, turns, top_k, write=mode != EXTRACTIVE):
                if isinstance(item, Answer):
                    answer = item
                elif isinstance(item, LLMServerError):
                    failure = item
                else:
                    partial += item
                    shown[-1] = {"role": "assistant", "content": partial_markdown(partial)}
                    yield shown, gr.skip(), gr.skip(), ""
        except Exception as exc:  # the draft shown so far goes: give the question back
            yield list(history or []), gr.skip(), gr.skip(), message
            if isinstance(exc, gr.Error):
                raise
            logger.exception("answering failed")
            raise gr.Error(
                "Something went wrong while answering; please ask again.", print_exception=False
            ) from None
        assert answer is not None
        content = answer_markdown(answer) + fallback_note(answer, failure)
        shown[-1] = {"role": "assistant", "content": content}
        yield shown, sources_html(answer, show_scores=show_scores), self._document(answer), ""

    def _document(self, answer: Answer) -> str:
        """The cited passages with some context: bounded, whatever the document's size."""
        if not answer.citations:
            return ""
        source = answer.citations[0].source
        try:
            text, pages = self.assistant.document_view(
                source,
                around=[(c.start, c.end) for c in answer.citations if c.source == source],
                context=DOCUMENT_CONTEXT,
            )
        except AssistantError:
            return ""
        return document_html(source, text, answer.citations, pages=pages)

    def api_chat(
        self, question: str, history: list[dict[str, str]] | None
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """``/chat``: the answer and its citations as JSON data; the session keeps history."""
        history = list(history or [])
        error: str | None = None
        try:
            answer = self.assistant.ask(question, recent_history(history))
        except LLMServerError as exc:
            if not isinstance(exc.answer, Answer):
                raise gr.Error(str(exc), print_exception=False) from None
            answer, error = exc.answer, str(exc)  # the extractive answer, and why
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
        data = {
            "answer": answer.text,
            "abstained": answer.abstained,
            "intent": answer.intent,
            "layout": answer.layout,
            "short": answer.short.to_dict() if answer.short else None,
            "written": answer.written,
            "fell_back": answer.fell_back,
            "error": error,
            "query": answer.query,
            "citations": [c.to_dict() for c in answer.citations],
            "passages": answer.to_dict()["passages"],
        }
        return data, history

    @staticmethod
    def undo(history: Messages, undo: gr.UndoData) -> tuple[Messages, str, str, str]:
        index = _message_index(undo.index)
        question = _content_text(history[index]["content"]) if index < len(history) else ""
        return history[:index], question, sources_html(None), ""

    @staticmethod
    def retry_prepare(history: Messages, retry: gr.RetryData) -> tuple[Messages, str]:
        index = _message_index(retry.index)
        return history[:index], _content_text(retry.value)

    # -- documents --------------------------------------------------------------------------

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


def corpus_title(assistant: Assistant) -> str:
    names = [d.source for d in assistant.documents()]
    if not names:
        return "Briefing Assistant"
    if len(names) == 1:
        return f"Briefing Assistant · {names[0]}"
    return f"Briefing Assistant · {len(names)} documents"


def build_app(
    assistant: Assistant,
    *,
    corpus_dir: str | Path = "corpus",
    examples: Sequence[str] = EXAMPLES,
    admins: Collection[str] = (),
) -> Any:
    """The whole UI as a ``gr.Blocks`` (launch it with ``launch_options()``).

    ``admins``: the logged-in users who may upload, remove and re-index documents (empty:
    everyone who can open the page, as without a login)."""
    ensure_offline()
    app = ChatApp(assistant, Path(corpus_dir), admins=admins)
    title = corpus_title(assistant)
    with gr.Blocks(title=title, fill_height=True) as demo:
        gr.Markdown(
            f"# {escape_markdown(title)}\n"  # a document's name is text, never a link
            "Ask about the briefing: every answer cites the passage it quotes."
        )
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        elem_id="chat",
                        label="Conversation",
                        height=460,
                        buttons=["copy"],
                        sanitize_html=True,
                        render_markdown=True,
                        feedback_options=None,
                        latex_delimiters=[],  # "$$" in a document is text, not a formula
                        placeholder="Ask a question about the briefing.",
                    )
                    question = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        placeholder="Ask a question and press Enter",
                        submit_btn=True,
                        max_length=assistant.settings.max_question_chars * 2,
                    )
                    gr.Examples(examples=[[e] for e in examples], inputs=question)
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html(None), elem_id="sources-panel")
                    with gr.Accordion("In the document", open=True):
                        document = gr.HTML("", elem_id="document-view")
            with gr.Accordion("Settings", open=False):
                top_k = gr.Slider(
                    1, 8, value=assistant.settings.top_k, step=1, label="Passages to read"
                )
                show_scores = gr.Checkbox(value=True, label="Show scores")
                # With --mode llm: the LLM's answer (checked) or the extractive one.
                writer_mode = assistant.mode if assistant.writer is not None else EXTRACTIVE
                mode = gr.Radio(
                    [writer_mode, EXTRACTIVE] if writer_mode != EXTRACTIVE else [EXTRACTIVE],
                    value=writer_mode,
                    label="Answer mode",
                    visible=writer_mode != EXTRACTIVE,
                    elem_id="answer-mode",
                )
        with gr.Tab("Documents"):
            status = gr.HTML("", elem_id="documents-status")
            table = gr.Dataframe(
                value=app.document_rows(),
                headers=["Document", "Chunks"],
                datatype=["str", "number"],  # names shown as text, not Markdown
                interactive=False,
                elem_id="documents",
            )
            read_only = gr.Markdown(READ_ONLY_NOTE, visible=False, elem_id="read-only-note")
            with gr.Column(visible=not app.admins, elem_id="manage-documents") as manage:
                on_clash = gr.Radio(
                    CLASH_CHOICES,
                    value="rename",
                    label="If a document with the same name exists",
                    elem_id="on-clash",
                )
                uploads = gr.File(
                    label="Add .txt, .md, .html (5 MB each), .pdf or .docx documents (50 MB)",
                    file_count="multiple",
                    file_types=sorted(SUPPORTED_SUFFIXES),
                    elem_id="uploads",
                )
                with gr.Row():
                    reindex = gr.Button("Re-index corpus folder", elem_id="reindex")
                    choice = gr.Dropdown(
                        choices=[row[0] for row in app.document_rows()],
                        label="Document",
                        elem_id="remove-choice",
                    )
                    remove = gr.Button("Remove document", variant="stop", elem_id="remove-document")
                download = gr.File(
                    label="Download the file as it was added", interactive=False, elem_id="download"
                )

        _, whos_who = build_whos_who(assistant)
        demo.load(lambda: tables(assistant), None, whos_who, api_visibility="private")

        chat_outputs = [chatbot, sources, document, question]
        chat_inputs = [question, chatbot, top_k, show_scores, mode]
        question.submit(
            app.respond, chat_inputs, chat_outputs, api_visibility="private",
            show_progress="minimal",
        )  # fmt: skip
        chatbot.retry(
            app.retry_prepare, [chatbot], [chatbot, question], api_visibility="private"
        ).then(app.respond, chat_inputs, chat_outputs, api_visibility="private")
        chatbot.undo(
            app.undo, [chatbot], [chatbot, question, sources, document], api_visibility="private"
        )
        chatbot.clear(
            lambda: (sources_html(None), ""), None, [sources, document], api_visibility="private"
        )
        docs_outputs = [status, table, choice]
        uploads.upload(app.upload, [uploads, on_clash], docs_outputs, api_visibility="private")
        reindex.click(app.reindex, None, docs_outputs, api_visibility="private")
        remove.click(app.remove, [choice], docs_outputs, api_visibility="private")
        choice.change(app.download, [choice], [download], api_visibility="private")
        if app.admins:
            demo.load(app.permissions, None, [manage, read_only], api_visibility="private")

        api_question = gr.Textbox(visible=False)
        api_result = gr.JSON(visible=False)
        api_history = gr.State([])
        api_trigger = gr.Button(visible=False)
        api_trigger.click(
            app.api_chat, [api_question, api_history], [api_result, api_history], api_name="chat"
        )
    demo.queue(default_concurrency_limit=2, max_size=200)
    return demo


def launch_options(*, login: bool = False) -> dict[str, Any]:
    """Arguments for ``demo.launch``: local theme assets, our CSS/script, no sharing. With
    ``login`` (``auth=`` given to launch), nothing but the login page answers before it."""
    return {
        "css": CSS,
        "head": HEAD,
        "share": False,
        "ssr_mode": False,
        "max_file_size": MAX_UPLOAD_BYTES,
        "footer_links": ["api"],
        "enable_monitoring": False,
        "app_kwargs": {
            "middleware": [
                # Refuses every request but the login page's without a session (ui/gate.py).
                Middleware(LoginRequiredMiddleware, required=login),
                # Tells the login throttle (ui/login.py) which address each attempt is from.
                Middleware(ClientAddressMiddleware),
            ]
        },
    }
