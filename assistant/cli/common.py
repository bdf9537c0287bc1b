"""What every command shares: the assistant the arguments name, the exit codes, an answer
as the terminal shows it."""

from __future__ import annotations

import argparse
import atexit
from typing import TYPE_CHECKING

from assistant.errors import AssistantError
from assistant.factory import DEFAULT_MODE
from assistant.validation import printable_name

if TYPE_CHECKING:
    from assistant.app import Assistant
    from assistant.types import Answer

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def assistant_for(args: argparse.Namespace, *, check_early: bool = True) -> Assistant:
    """The assistant the arguments name. ``check_early``: start the store's check now, so
    the child process checks it while the rest is imported (``doctor`` runs its own)."""
    from assistant.config import load_settings
    from assistant.index.store import store_for

    settings = load_settings(store_dir=args.store, chroma_url=args.chroma_url, **llm_settings(args))
    store = store_for(settings)
    if check_early:
        store.start_check()
        # A command that fails before the store is touched leaves no check running.
        atexit.register(store.stop_check)
    from assistant.app import Assistant

    return Assistant(
        settings=settings, store=store, mode=getattr(args, "mode", None) or DEFAULT_MODE
    )


def llm_settings(args: argparse.Namespace) -> dict[str, str | None]:
    """``--llm-url``/``--llm-model``/``--llm-key-env`` as settings (None: from the environment);
    given without ``--mode llm`` they are a mistake, not something to ignore."""
    given = {
        "llm_url": getattr(args, "llm_url", None),
        "llm_model": getattr(args, "llm_model", None),
        "llm_key_env": getattr(args, "llm_key_env", None),
    }
    if any(v is not None for v in given.values()) and getattr(args, "mode", None) != "llm":
        raise AssistantError("--llm-url, --llm-model and --llm-key-env go with --mode llm.")
    return given


def format_answer(answer: Answer) -> str:
    lines = [answer.text]
    if answer.abstained and not answer.citations:
        if answer.passages:
            lines.append("Closest passages:")
            for p in answer.passages:
                snippet = " ".join(p.chunk.text.split())
                where = f"{printable_name(p.chunk.source)}, paragraph {p.chunk.paragraph}"
                lines.append(f"  - {where}: {snippet}")
        return "\n".join(lines)
    for c in answer.citations:
        lines.append(
            f"[{c.marker}] {printable_name(c.source)}, {c.location()}, chars {c.start}–{c.end}: "
            f"\u201c{' '.join(c.quote.split())}\u201d"
        )
    if answer.fell_back:
        lines.append("(The LLM's draft did not hold against the passages: the extractive answer.)")
    elif answer.dropped:
        lines.append(
            f"({len(answer.dropped)} sentence(s) of the LLM's draft dropped: "
            "no passage supports them.)"
        )
    return "\n".join(lines)
