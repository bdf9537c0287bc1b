"""What the documents name, by kind — the API's ``Assistant.entities()`` and the Who's who
tab: each item once, at its first mention, with how often it is named, a person with the role
the documents give them. Built from the entity index made at ingest."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.answerers.inventory import InventoryAnswerer
from assistant.answerers.library import Library
from assistant.intent.kinds import Kind
from assistant.language.gazetteer import Gazetteer
from assistant.protocols import Parser
from assistant.types import Named, Span


def named(
    library: Library, parser: Parser, gazetteer: Gazetteer, kinds: Iterable[str] | None = None
) -> dict[str, tuple[Named, ...]]:
    """By kind ("people", "countries", "places", "organisations", "dates", "years", "money",
    "amounts"; all when ``kinds`` is None), what the documents name."""
    wanted = [Kind(k) for k in kinds] if kinds is not None else list(Kind)
    inventory = InventoryAnswerer(library, gazetteer)
    out: dict[str, tuple[Named, ...]] = {}
    for kind in wanted:
        rows = []
        for item, count in inventory.counted(kind):
            at = item.start - item.sentence.start
            role = (
                _role(parser, item.sentence.text, at, len(item.text))
                if kind is Kind.PEOPLE
                else None
            )
            end = item.start + len(item.text)
            source, sentence = item.sentence.source, item.sentence.text
            rows.append(
                Named(kind.value, item.text, source, item.start, end, sentence, count, role)
            )
        out[kind.value] = tuple(rows)
    return out


def _role(parser: Parser, sentence: str, at: int, length: int) -> str | None:
    found = parser.analyse(sentence).role_of(Span(at, at + length))
    return None if found is None else sentence[found.start : found.end]
