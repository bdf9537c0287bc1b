"""Optional dependencies: which extra brings which modules, and the error that says so.

The core library (ingest, ask, chat, the Python API) needs none of them; ``./scripts/setup.sh``
installs them all.
"""

from __future__ import annotations

import importlib.util

from assistant.errors import AssistantError

# extra -> (modules it brings, what needs them)
EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "ui": (("gradio", "starlette"), "The chat UI (assistant serve)"),
    "eval": (
        ("langchain_chroma", "langchain_huggingface", "langchain_text_splitters", "matplotlib"),
        "The evaluation baseline and the report's plots",
    ),
    "llm": (("langchain_openai", "openai"), "The llm answer mode (--mode llm)"),
}


class MissingExtraError(AssistantError, ImportError):
    """An optional dependency is not installed; the message names the extra that brings it."""


def require_extra(extra: str) -> None:
    """Raise ``MissingExtraError`` with an install hint unless every module of ``extra`` can be
    imported (checked without importing them)."""
    try:
        modules, purpose = EXTRAS[extra]
    except KeyError:
        raise ValueError(
            f"extra must be one of {', '.join(EXTRAS)}. Currently, it is {extra!r}"
        ) from None
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtraError(
            f"{purpose} needs the optional '{extra}' packages ({', '.join(missing)} "
            f"not installed): run ./scripts/setup.sh, or "
            f"pip install -e '.[{extra}]' -c constraints.txt"
        )
