"""The answerers of reader's questions, one per intent, and the bold policy the settings ask
for: built here for ``Assistant`` from its components."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from assistant.answer.bold import ALWAYS, BoldPolicy
from assistant.intent.kinds import Intent

if TYPE_CHECKING:
    from assistant.answerers.compose import Answerer
    from assistant.answerers.library import IndexedLibrary
    from assistant.answerers.overview import PassageFinder
    from assistant.language.gazetteer import Gazetteer
    from assistant.protocols import Parser, QueryEmbedder, Reranker


def answerers(
    library: IndexedLibrary,
    retriever: PassageFinder,
    reranker: Reranker,
    parser: Parser,
    gazetteer: Gazetteer,
    embedder: QueryEmbedder | None = None,
) -> dict[Intent, Answerer]:
    """One answerer per intent other than the look-up."""
    from assistant.answerers.inventory import InventoryAnswerer
    from assistant.answerers.mentions import MentionFinder
    from assistant.answerers.overview import OverviewAnswerer
    from assistant.answerers.people import ProfileAnswerer, StatementsAnswerer

    finder = MentionFinder(library, gazetteer, parser)
    return {
        Intent.INVENTORY: InventoryAnswerer(library, gazetteer),
        Intent.OVERVIEW: OverviewAnswerer(library, retriever, reranker, embedder=embedder),
        Intent.PROFILE: ProfileAnswerer(library, finder, reranker, parser),
        Intent.STATEMENTS: StatementsAnswerer(library, finder, reranker, parser),
    }


def bold_policy(threshold: float | None) -> BoldPolicy:
    """When a short answer is shown: the policy's own (None), always (-inf), or from a
    cross-encoder score of ``threshold``."""
    if threshold is None:
        return BoldPolicy()
    return ALWAYS if math.isinf(threshold) else BoldPolicy(min_score=threshold)
