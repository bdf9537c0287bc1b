"""The Chat tab's event handlers: a question answered as it is written, its sources and the
cited document beside it, undo and retry; and ``/chat``, the same answer as JSON data."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import gradio as gr

from assistant.app import Assistant
from assistant.errors import AssistantError, LLMServerError
from assistant.types import Answer, Turn
from assistant.validation import clean_question, recent_history
from ui.render import (
    DOCUMENT_CONTEXT,
    answer_markdown,
    document_html,
    fallback_note,
    partial_markdown,
    plain_text,
    sources_html,
)

logger = logging.getLogger(__name__)

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


class ChatHandlers:
    """The chat's event handlers, bound to one assistant (``ui.app.ChatApp`` holds them)."""

    assistant: Assistant

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
