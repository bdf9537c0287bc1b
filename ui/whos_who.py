"""The "Who's who" tab: the people, places, organisations and dates the documents name, each
with where it is first named — from the entity index made at ingest (``Assistant.entities``).
Every cell is text (a name is shown as itself, never as Markdown or a link)."""

from __future__ import annotations

import logging
from typing import Any, Literal

from assistant.app import Assistant
from assistant.errors import AssistantError
from assistant.types import Named

logger = logging.getLogger(__name__)

# (kind, tab label, column headers)
TABLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("people", "People", ("Name", "Role", "First named in", "Mentions")),
    ("places", "Places", ("Place", "First named in", "Mentions")),
    ("organisations", "Organisations", ("Organisation", "First named in", "Mentions")),
    ("dates", "Dates", ("Date", "First named in", "Mentions")),
)


def _row(kind: str, named: Named) -> list[Any]:
    where = f"{named.source}: {' '.join(named.sentence.split())}"
    if kind == "people":
        return [named.name, named.role or "", where, named.mentions]
    return [named.name, where, named.mentions]


def tables(assistant: Assistant) -> list[list[list[Any]]]:
    """The rows of each of ``TABLES`` (empty when nothing is ingested or the store fails)."""
    try:
        found = assistant.entities([kind for kind, _, _ in TABLES])
    except AssistantError as exc:
        logger.info("who's who: %s", exc)
        return [[] for _ in TABLES]
    return [[_row(kind, named) for named in found.get(kind, ())] for kind, _, _ in TABLES]


def _types(columns: int) -> list[Literal["str", "number"]]:
    """Text in every column but the last (the count)."""
    kinds: list[Literal["str", "number"]] = ["str" for _ in range(columns - 1)]
    kinds.append("number")
    return kinds


def build_tab(assistant: Assistant) -> tuple[Any, list[Any]]:
    """Inside a ``gr.Blocks``: the tab's refresh button and its tables."""
    import gradio as gr

    with gr.Tab("Who's who"):
        gr.Markdown("People, places, organisations and dates the documents name.")
        refresh = gr.Button("Refresh", elem_id="whos-who-refresh")
        frames = []
        for kind, label, headers in TABLES:
            with gr.Accordion(label, open=kind == "people"):
                frames.append(
                    gr.Dataframe(
                        value=[],
                        headers=list(headers),
                        datatype=_types(len(headers)),
                        interactive=False,
                        wrap=True,
                        elem_id=f"whos-who-{kind}",
                    )
                )
    refresh.click(lambda: tables(assistant), None, frames, api_visibility="private")
    return refresh, frames
