"""``Components``: what an ``Assistant`` is built from — its models, made on first use and kept
(one of each; the cross-encoder one per thread and batch setting), and the readers of the
answer modes (``register_reader``).

An ``Assistant`` is given its ``Components`` or takes the process's own
(``Components.shared()``, made on first use): every assistant of a process that is not given
others shares its models, so a second assistant loads none again. A test builds its own
``Components`` — with fakes for makers, or readers registered on it alone — and nothing of it
outlives the test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar

from assistant.errors import ConfigError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.converse.spelling import EnglishWords
    from assistant.language.gazetteer import Gazetteer
    from assistant.protocols import Embedder, EntityRecognizer, Parser, Reader, Reranker

T = TypeVar("T")

# Makes the reader of an answer mode from the settings and the entity recognizer.
ReaderFactory: TypeAlias = "Callable[[Settings, EntityRecognizer], Reader]"
DEFAULT_MODE = "extractive"


def _extractive(settings: Settings, recognizer: EntityRecognizer) -> Reader:
    from assistant.answer.reader import ExtractiveReader

    return ExtractiveReader(
        delta=settings.answer_delta,
        max_sentences=settings.max_answer_sentences,
        recognizer=recognizer,
    )


def _llm(settings: Settings, recognizer: EntityRecognizer) -> Reader:
    from assistant.answer.chat_reader import chat_reader

    return chat_reader(settings)


# The answer modes every ``Components`` starts with.
BUILT_IN_READERS: Mapping[str, ReaderFactory] = MappingProxyType(
    {"extractive": _extractive, "llm": _llm}
)


def packaged_embedder() -> Embedder:
    """The packaged MiniLM (``assistant.index.embeddings``); nothing is loaded yet."""
    from assistant.index.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


def packaged_recognizer() -> EntityRecognizer:
    """spaCy's small English NER (``assistant.language.entities``), loaded on first use."""
    from assistant.language.entities import SpacyRecognizer

    return SpacyRecognizer()


def packaged_parser() -> Parser:
    """spaCy's tagger and dependency parser (``assistant.language.syntax``), on first use."""
    from assistant.language.syntax import SpacyParser

    return SpacyParser()


def packaged_reranker(threads: int, batch_size: int) -> Reranker:
    """The ONNX cross-encoder (``assistant.retrieve.rerank``), loaded on first use."""
    from assistant.retrieve.rerank import OnnxCrossEncoder

    return OnnxCrossEncoder(threads=threads, batch_size=batch_size)


class Components:
    """The models and answer modes assistants are built from (see the module's words)."""

    _shared: ClassVar[Components | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        *,
        embedder: Callable[[], Embedder] = packaged_embedder,
        recognizer: Callable[[], EntityRecognizer] = packaged_recognizer,
        parser: Callable[[], Parser] = packaged_parser,
        reranker: Callable[[int, int], Reranker] = packaged_reranker,
        readers: Mapping[str, ReaderFactory] = BUILT_IN_READERS,
    ) -> None:
        """Each model's maker (the packaged model by default), called once, on first use;
        ``readers``: the answer modes, by name (more are added with ``register_reader``)."""
        self._make_embedder = embedder
        self._make_recognizer = recognizer
        self._make_parser = parser
        self._make_reranker = reranker
        self._models: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._readers: dict[str, ReaderFactory] = dict(readers)

    @classmethod
    def shared(cls) -> Components:
        """The process's own, made on first use: what every ``Assistant`` not given others
        is built from."""
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    # -- models ---------------------------------------------------------------------------

    def _one(self, key: str, make: Callable[[], T]) -> T:
        """The model kept under ``key``, made now if it is not yet."""
        with self._lock:
            if key not in self._models:
                self._models[key] = make()
            model: T = self._models[key]
            return model

    def embedder(self) -> Embedder:
        return self._one("embedder", self._make_embedder)

    def embedder_id(self) -> str:
        """The vector space the embedder writes, known without loading the packaged model
        (fp32); another embedder is made and asked (its ``model_id``)."""
        from assistant.index.vector_space import MODEL_NAME, default_space_id

        if self._make_embedder is packaged_embedder:
            return default_space_id()
        return str(getattr(self.embedder(), "model_id", MODEL_NAME))

    def recognizer(self) -> EntityRecognizer:
        return self._one("recognizer", self._make_recognizer)

    def parser(self) -> Parser:
        return self._one("parser", self._make_parser)

    def gazetteer(self) -> Gazetteer:
        """The packaged countries, their names, capitals and demonyms (read on first use)."""
        from assistant.language.gazetteer import Gazetteer

        return self._one("gazetteer", Gazetteer)

    def english(self) -> EnglishWords:
        """The English word list a question's misspelt words are checked against (read on
        first use)."""
        from assistant.converse.spelling import EnglishWords

        return self._one("english", EnglishWords)

    def reranker(self, threads: int, batch_size: int = 4) -> Reranker:
        """One per thread and batch setting."""
        return self._one(
            f"reranker-{threads}-{batch_size}", lambda: self._make_reranker(threads, batch_size)
        )

    # -- answer modes ---------------------------------------------------------------------

    def register_reader(self, mode: str, factory: ReaderFactory) -> None:
        """Make ``factory(settings, recognizer)`` the reader of answer mode ``mode``."""
        with self._lock:
            self._readers[mode] = factory

    def reader_modes(self) -> tuple[str, ...]:
        """The registered answer modes, the default first."""
        with self._lock:
            return tuple(sorted(self._readers, key=lambda m: (m != DEFAULT_MODE, m)))

    def reader(self, mode: str, settings: Settings, recognizer: EntityRecognizer) -> Reader:
        """The reader of answer mode ``mode``, made now."""
        with self._lock:
            factory = self._readers.get(mode)
        if factory is None:
            raise ConfigError(
                f"No answer mode named {mode!r}. The modes are: {', '.join(self.reader_modes())}."
            )
        return factory(settings, recognizer)


def register_reader(mode: str, factory: ReaderFactory) -> None:
    """Make ``factory(settings, recognizer)`` the reader of answer mode ``mode`` for every
    ``Assistant`` built on the process's components (``Components.shared()``)."""
    Components.shared().register_reader(mode, factory)
