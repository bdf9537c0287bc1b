"""The Gradio app: built by a function from an ``Assistant``; no globals."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.app import Assistant
from assistant.errors import AssistantError
from assistant.loading import SUPPORTED_SUFFIXES
from assistant.offline import ensure_offline
from assistant.types import Answer, Turn
from assistant.validation import clean_question
from ui.render import answer_markdown, document_html, plain_text, sources_html
from ui.static import CSS, HEAD

logger = logging.getLogger(__name__)

EXAMPLES = (
    "Who attended the parade?",
    "Did Kim Jong Un go?",
    "What did Dorothy Shea accuse Moscow of?",
    "How many guests attended the banquet in Pyongyang?",
    "What is the capital of France?",
)
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
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
        if role in ("user", "assistant"):
            turns.append(Turn(role, plain_text(_content_text(message.get("content")))))
    return turns


def _message_index(index: int | tuple[int, int]) -> int:
    return index if isinstance(index, int) else index[0]


def safe_upload_name(name: str) -> str:
    """A file name that cannot escape the corpus folder or hide itself."""
    base = re.sub(r"[^\w.-]", "_", Path(name).name).lstrip(".")
    return base or "document.txt"


class ChatApp:
    """Event handlers bound to one assistant and corpus folder."""

    def __init__(self, assistant: Assistant, corpus_dir: Path) -> None:
        self.assistant = assistant
        self.corpus_dir = corpus_dir

    # -- chat -------------------------------------------------------------------------------

    def _ask(self, question: str, history: Sequence[Turn], top_k: int) -> Iterator[str | Answer]:
        try:
            yield from self.assistant.stream(question, history, top_k=int(top_k))
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def respond(
        self, message: str, history: Messages | None, top_k: int, show_scores: bool
    ) -> Iterator[tuple[Any, ...]]:
        try:
            clean_question(message, max_chars=self.assistant.settings.max_question_chars)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        turns = history_turns(history)
        shown: Messages = [*(history or []), {"role": "user", "content": message}]
        shown.append({"role": "assistant", "content": "…"})
        yield shown, gr.skip(), gr.skip(), ""
        partial = ""
        answer: Answer | None = None
        try:
            for item in self._ask(message, turns, top_k):
                if isinstance(item, Answer):
                    answer = item
                else:
                    partial += item
                    shown[-1] = {"role": "assistant", "content": partial}
                    yield shown, gr.skip(), gr.skip(), ""
        except gr.Error:
            yield list(history or []), gr.skip(), gr.skip(), message  # give the question back
            raise
        assert answer is not None
        shown[-1] = {"role": "assistant", "content": answer_markdown(answer)}
        yield shown, sources_html(answer, show_scores=show_scores), self._document(answer), ""

    def _document(self, answer: Answer) -> str:
        if not answer.citations:
            return ""
        source = answer.citations[0].source
        try:
            text = self.assistant.document_text(source)
        except AssistantError:
            return ""
        return document_html(source, text, answer.citations)

    def api_chat(
        self, question: str, history: list[dict[str, str]] | None
    ) -> tuple[dict[str, Any], list[dict[str, str]]]:
        """``/chat``: the answer and its citations as JSON data; the session keeps history."""
        history = list(history or [])
        try:
            answer = self.assistant.ask(question, history)
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None
        history += [
            {"role": "user", "content": question},
            {"role": "assistant", "content": answer.text},
        ]
        data = {
            "answer": answer.text,
            "abstained": answer.abstained,
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

    def document_rows(self) -> list[list[Any]]:
        return [[d.source, d.chunks] for d in self.assistant.documents()]

    def _documents_update(self, status: str) -> tuple[str, Any, Any]:
        rows = self.document_rows()
        choices = [row[0] for row in rows]
        return status, rows, gr.update(choices=choices, value=None)

    def upload(self, files: list[str] | None) -> tuple[str, Any, Any]:
        saved: list[Path] = []
        problems: list[str] = []
        for file in files or []:
            path = Path(file)
            name = safe_upload_name(path.name)
            if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(f"{name}: only .txt, .md and .html files can be added.")
                continue
            if path.stat().st_size > MAX_UPLOAD_BYTES:
                problems.append(f"{name}: larger than the 5 MB limit.")
                continue
            self.corpus_dir.mkdir(parents=True, exist_ok=True)
            target = self.corpus_dir / name
            shutil.copyfile(path, target)
            saved.append(target)
        status = " ".join(problems)
        if saved:
            try:
                report = self.assistant.ingest(saved)
                status = f"Added: {report.summary()}. {status}".strip()
            except AssistantError as exc:
                for target in saved:
                    target.unlink(missing_ok=True)
                status = f"Not added: {exc} {status}".strip()
        return self._documents_update(status or "No file was added.")

    def reindex(self) -> tuple[str, Any, Any]:
        try:
            report = self.assistant.ingest([self.corpus_dir], prune=True)
            return self._documents_update(f"Re-indexed: {report.summary()}")
        except AssistantError as exc:
            return self._documents_update(f"Re-index failed: {exc}")

    def remove(self, source: str | None) -> tuple[str, Any, Any]:
        if not source:
            return self._documents_update("Pick a document to remove.")
        try:
            removed = self.assistant.remove(source)
        except AssistantError as exc:
            return self._documents_update(str(exc))
        candidate = (self.corpus_dir / source).resolve()
        if candidate.is_file() and self.corpus_dir.resolve() in candidate.parents:
            candidate.unlink()
        return self._documents_update(f"Removed {source} ({removed} chunks).")


def corpus_title(assistant: Assistant) -> str:
    names = [d.source for d in assistant.documents()]
    if not names:
        return "Briefing Assistant"
    if len(names) == 1:
        return f"Briefing Assistant · {names[0]}"
    return f"Briefing Assistant · {len(names)} documents"


def build_app(
    assistant: Assistant, *, corpus_dir: str | Path = "corpus", examples: Sequence[str] = EXAMPLES
) -> Any:
    """The whole UI as a ``gr.Blocks`` (launch it with ``launch_options()``)."""
    ensure_offline()
    app = ChatApp(assistant, Path(corpus_dir))
    title = corpus_title(assistant)
    with gr.Blocks(title=title, fill_height=True) as demo:
        gr.Markdown(f"# {title}\nAsk about the briefing: every answer cites the passage it quotes.")
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
                    with gr.Accordion("Whole document", open=True):
                        document = gr.HTML("", elem_id="document-view")
            with gr.Accordion("Settings", open=False):
                top_k = gr.Slider(
                    1, 8, value=assistant.settings.top_k, step=1, label="Passages to read"
                )
                show_scores = gr.Checkbox(value=True, label="Show scores")
                # One answer mode (extractive) today: a mode selector appears with a second.
        with gr.Tab("Documents"):
            status = gr.Markdown("")
            table = gr.Dataframe(
                value=app.document_rows(),
                headers=["Document", "Chunks"],
                interactive=False,
                elem_id="documents",
            )
            uploads = gr.File(
                label="Add .txt, .md or .html documents (5 MB each)",
                file_count="multiple",
                file_types=sorted(SUPPORTED_SUFFIXES),
                elem_id="uploads",
            )
            with gr.Row():
                reindex = gr.Button("Re-index corpus folder")
                choice = gr.Dropdown(
                    choices=[row[0] for row in app.document_rows()], label="Document"
                )
                remove = gr.Button("Remove document", variant="stop")

        chat_outputs = [chatbot, sources, document, question]
        chat_inputs = [question, chatbot, top_k, show_scores]
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
        uploads.upload(app.upload, [uploads], docs_outputs, api_visibility="private")
        reindex.click(app.reindex, None, docs_outputs, api_visibility="private")
        remove.click(app.remove, [choice], docs_outputs, api_visibility="private")

        api_question = gr.Textbox(visible=False)
        api_result = gr.JSON(visible=False)
        api_history = gr.State([])
        api_trigger = gr.Button(visible=False)
        api_trigger.click(
            app.api_chat, [api_question, api_history], [api_result, api_history], api_name="chat"
        )
    demo.queue(default_concurrency_limit=2, max_size=200)
    return demo


def launch_options() -> dict[str, Any]:
    """Arguments for ``demo.launch``: local theme assets, our CSS/script, no sharing."""
    return {
        "css": CSS,
        "head": HEAD,
        "share": False,
        "ssr_mode": False,
        "max_file_size": MAX_UPLOAD_BYTES,
        "footer_links": ["api"],
        "enable_monitoring": False,
    }
