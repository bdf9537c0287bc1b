"""Briefing Assistant: cited answers to questions about a set of briefings, offline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.errors import AssistantError
    from assistant.types import Answer, Citation, Passage

__all__ = ["Answer", "Assistant", "AssistantError", "Citation", "Passage"]


def __getattr__(name: str) -> Any:
    """Import lazily: ``import assistant`` loads no model and no heavy library."""
    if name == "Assistant":
        from assistant.app import Assistant

        return Assistant
    if name == "AssistantError":
        from assistant.errors import AssistantError

        return AssistantError
    if name in {"Answer", "Citation", "Passage"}:
        from assistant import types

        return getattr(types, name)
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
