"""Fast unit tests of assistant/factory.py: the models an ``Assistant`` is built from, made once
per ``Components`` and shared by every assistant built on it (the process's by default)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.app import Assistant
from assistant.factory import Components
from assistant.index.vector_space import MODEL_NAME, default_space_id
from tests.fakes import NO_ENTITIES, GazetteerRecognizer, KeywordEmbedder, WordOverlapReranker
from tests.reader_fakes import RuleParser

pytestmark = pytest.mark.unit

MODELS = ("embedder", "reranker", "recognizer", "parser")


def counting() -> tuple[Components, Counter[str]]:
    """Components of fakes, and how often each was made."""
    made: Counter[str] = Counter()

    def maker(name: str, make: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            made[name] += 1
            return make(*args)

        return counted

    components = Components(
        embedder=maker("embedder", lambda: KeywordEmbedder(("parade",))),
        recognizer=maker("recognizer", lambda: GazetteerRecognizer({})),
        parser=maker("parser", RuleParser),
        reranker=maker("reranker", lambda threads, batch: WordOverlapReranker()),
    )
    return components, made


def test_assistants_built_on_the_same_components_share_each_model(tmp_path: Path) -> None:
    components, made = counting()
    one = Assistant(store_dir=tmp_path / "one", components=components)
    two = Assistant(store_dir=tmp_path / "two", components=components)
    for name in MODELS:
        assert getattr(one, name) is getattr(two, name), name
    assert made == dict.fromkeys(MODELS, 1)
    other, _ = counting()
    three = Assistant(store_dir=tmp_path / "one", components=other)
    for name in MODELS:
        assert getattr(three, name) is not getattr(one, name), name


def test_a_cross_encoder_is_made_per_thread_and_batch_setting(tmp_path: Path) -> None:
    components, made = counting()
    assert components.reranker(2, 4) is components.reranker(2, 4)
    assert components.reranker(1, 4) is not components.reranker(2, 4)
    assert components.reranker(2, 0) is not components.reranker(2, 4)
    assert made["reranker"] == 3


def test_a_model_given_to_an_assistant_is_used_and_the_others_come_from_its_components(
    tmp_path: Path,
) -> None:
    components, made = counting()
    mine = WordOverlapReranker()
    bot = Assistant(store_dir=tmp_path / "s", components=components, reranker=mine)
    assert bot.reranker is mine
    assert bot.parser is components.parser()
    assert made["reranker"] == 0


def test_assistants_not_given_components_share_the_process_s(tmp_path: Path) -> None:
    one = Assistant(store_dir=tmp_path / "one", recognizer=NO_ENTITIES)
    two = Assistant(store_dir=tmp_path / "two", recognizer=NO_ENTITIES)
    assert one.components is two.components is Components.shared()
    # Known without making (let alone loading) the packaged embedder.
    assert one.embedder_id == default_space_id()


def test_the_vector_space_of_another_embedder_is_its_own(tmp_path: Path) -> None:
    class Named(KeywordEmbedder):
        model_id = "keywords@1"

    named = Components(embedder=lambda: Named(("parade",)))
    assert Assistant(store_dir=tmp_path / "s", components=named).embedder_id == "keywords@1"
    plain, _ = counting()
    assert Assistant(store_dir=tmp_path / "s", components=plain).embedder_id == MODEL_NAME
