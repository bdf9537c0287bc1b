"""The Gradio app: built by a function from an ``Assistant``; no globals."""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from assistant.app import Assistant
from assistant.documents.formats import SUPPORTED_SUFFIXES
from assistant.offline import ensure_offline
from ui.chat import EXTRACTIVE, ChatHandlers
from ui.documents import MAX_UPLOAD_BYTES, READ_ONLY_NOTE, DocumentHandlers
from ui.gate import LoginRequiredMiddleware
from ui.login import ClientAddressMiddleware
from ui.render import escape_markdown, sources_html
from ui.static import CSS, HEAD
from ui.whos_who import build_tab as build_whos_who
from ui.whos_who import tables

EXAMPLES = (
    "Who attended the parade?",
    "Did Kim Jong Un go?",
    "What did Dorothy Shea accuse Moscow of?",
    "How many guests attended the banquet in Pyongyang?",
    "What is the capital of France?",
)
CLASH_CHOICES = [
    ("Keep both (the new one is renamed, e.g. notes-2.txt)", "rename"),
    ("Replace it", "replace"),
]


class ChatApp(ChatHandlers, DocumentHandlers):
    """Event handlers bound to one assistant and corpus folder: the chat's (``ui.chat``) and
    the documents' (``ui.documents``).

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
