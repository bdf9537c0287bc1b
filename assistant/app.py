"""``Assistant``: the facade the UI, CLI and evaluation use; the one place components are built."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.answer.abstention import LogisticGate
from assistant.answer.citations import split_cited, with_marker
from assistant.config import Settings, load_settings
from assistant.documents.view import document_view
from assistant.errors import AssistantError, LLMServerError, StoreError
from assistant.factory import DEFAULT_MODE, Components
from assistant.index.corpus import Corpus
from assistant.index.ingest import Ingestor
from assistant.index.locks import ReadWriteLock
from assistant.index.store import SourceInfo, store_named
from assistant.index.vector_space import MODEL_NAME
from assistant.preloading import load_in_background, warm
from assistant.protocols import (
    AbstentionPolicy,
    Embedder,
    EntityRecognizer,
    Parser,
    Reader,
    Reranker,
    Store,
)
from assistant.streaming import streamed
from assistant.types import Answer, IngestReport, Named
from assistant.validation import check_top_k, clean_question, parse_history

if TYPE_CHECKING:
    from langchain_core.runnables import Runnable

    from assistant.answer.bold import BoldPolicy
    from assistant.answerers.compose import Answerer
    from assistant.answerers.library import IndexedLibrary
    from assistant.converse.spelling import Mender
    from assistant.index.doctor import Finding
    from assistant.intent.kinds import Intent
    from assistant.retrieve.hybrid import HybridRetriever
    from assistant.stages import Asked

logger = logging.getLogger(__name__)


class Assistant:
    """Ask questions about ingested briefings and get cited answers.

    The models not given (``embedder=``, …) and the answer modes come from ``components``
    (``assistant.factory``): the process's unless given, so assistants share their models.

    >>> bot = Assistant(store_dir="vectorstore")      # or Assistant(chroma_url="http://…:8000")
    >>> bot.ingest(["corpus"])
    >>> bot.ask("Who attended the parade?").text
    """

    def __init__(
        self,
        *,
        store_dir: str | Path | None = None,
        chroma_url: str | None = None,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        reranker: Reranker | None = None,
        gate: AbstentionPolicy | None = None,
        recognizer: EntityRecognizer | None = None,
        reader: Reader | None = None,
        mode: str = DEFAULT_MODE,
        writer: Reader | None = None,
        store: Store | None = None,
        parser: Parser | None = None,
        components: Components | None = None,
    ) -> None:
        base = settings or load_settings()
        updates: dict[str, Any] = {}
        if store_dir is not None:
            updates["store_dir"] = Path(store_dir)
        if chroma_url is not None:
            updates["chroma_url"] = chroma_url
        self.settings = base.model_copy(update=updates) if updates else base
        self.components = components or Components.shared()
        self._embedder = embedder
        self._reranker = reranker
        self._gate = gate
        self._recognizer = recognizer
        self._reader = reader
        self._parser = parser
        # The answer mode: a registered reader's name, or the injected reader's class. The
        # extractive reader (or the injected one) answers and the gate judges its answer; the
        # reader of any other mode writes the answer after that (``writer``).
        self.mode = mode if reader is None else type(reader).__name__
        if reader is None and mode not in self.components.reader_modes():
            self.components.reader(mode, self.settings, self.recognizer)  # raises: no such mode
        if writer is None and reader is None and mode != DEFAULT_MODE:
            writer = self.components.reader(mode, self.settings, self.recognizer)  # checks it
        elif writer is not None:
            self.mode = type(writer).__name__
        self.writer: Reader | None = writer
        # ``store``: one made from these settings already (see ``store_named``).
        self.store = store_named(self.settings, store)
        # Questions read while ingest/remove write (within this process; other processes are
        # seen through the store's generation).
        self._lock = ReadWriteLock()

    @property
    def name(self) -> str:
        return f"briefing-assistant ({self.mode})"

    def describe(self) -> dict[str, Any]:
        """The settings that shape answers, as plain JSON data."""
        data = self.settings.model_dump(mode="json")
        data["abstain_threshold"] = self.gate.threshold
        data["mode"] = self.mode
        return data

    # -- components -------------------------------------------------------------------------

    @property
    def embedder(self) -> Embedder:
        return self._embedder or self.components.embedder()

    @property
    def embedder_id(self) -> str:
        """The vector space the embedder writes (known without loading it when it is the
        packaged model in fp32)."""
        if self._embedder is None:
            return self.components.embedder_id()
        return str(getattr(self._embedder, "model_id", MODEL_NAME))

    @property
    def reranker(self) -> Reranker:
        return self._reranker or self.components.reranker(
            self.settings.onnx_threads, self.settings.rerank_batch_size
        )

    @property
    def recognizer(self) -> EntityRecognizer:
        return self._recognizer or self.components.recognizer()

    @cached_property
    def retriever(self) -> HybridRetriever:
        # Imported here, as the chain is: LangChain's runnables cost ingest 0.6 s to import.
        from assistant.retrieve.hybrid import FusionConfig, HybridRetriever

        return HybridRetriever(
            store=self.store,
            embedder=self.embedder,
            reranker=self.reranker,
            recognizer=self.recognizer,
            config=FusionConfig.from_settings(self.settings),
            aliases=self.components.gazetteer(),
        )

    @cached_property
    def reader(self) -> Reader:
        """The injected reader, else the extractive one (whose answer the gate judges)."""
        if self._reader is not None:
            return self._reader
        return self.components.reader(DEFAULT_MODE, self.settings, self.recognizer)

    @cached_property
    def gate(self) -> AbstentionPolicy:
        """The packaged abstention model; its threshold replaced by a setting or calibration."""
        if self._gate is not None:
            return self._gate
        gate = LogisticGate.packaged()
        threshold = self.settings.threshold()
        return gate if threshold is None else gate.with_threshold(threshold)

    @cached_property
    def library(self) -> IndexedLibrary:
        """The documents as the answerers of reader's questions read them."""
        from assistant.answerers.library import IndexedLibrary

        return IndexedLibrary(self.store, self.recognizer)

    @cached_property
    def answerers(self) -> dict[Intent, Answerer]:
        """One answerer per intent other than the look-up."""
        from assistant.answerers.registry import answerers

        parts = (self.library, self.retriever, self.reranker, self.parser)
        return answerers(*parts, self.components.gazetteer(), embedder=self.retriever.embedder)

    @cached_property
    def readers(self) -> dict[Intent, Reader]:
        """Readers of the look-up path for an intent: "why" questions read for a cause."""
        from assistant.answer.reason import ReasonReader
        from assistant.intent.kinds import Intent

        if self._reader is not None:
            return {}  # an injected reader reads every question
        return {Intent.REASON: ReasonReader(self.parser)}

    @property
    def parser(self) -> Parser:
        return self._parser or self.components.parser()

    @cached_property
    def mender(self) -> Mender | None:
        """Mends a question's misspelt words into the documents' (None: no vocabulary)."""
        from assistant.converse.spelling import mender_of

        return mender_of(self.store, self.components.english())

    @cached_property
    def chain(self) -> Runnable[Asked, Answer]:
        from assistant.chain import build_chain

        return build_chain(
            self.retriever,
            self.reader,
            self.gate,
            self.recognizer,
            writer=self.writer,
            writer_passages=self.settings.llm_passages,
            guard=self._lock.reading,  # ingest and remove wait for retrieval, not for a writer
            answerers=self.answerers,
            readers=self.readers,
            bold=self.bold,
            mender=self.mender,
        )

    @cached_property
    def bold(self) -> BoldPolicy:
        """When a short answer is shown (``bold_threshold=-inf``: always)."""
        from assistant.answerers.registry import bold_policy

        return bold_policy(self.settings.bold_threshold)

    def preload(self) -> threading.Thread:
        """Start loading the ONNX models (embedder and cross-encoder) in a background thread,
        overlapping the imports and the store opening a first question needs too."""
        return load_in_background("preload-models", lambda: self.embedder, lambda: self.reranker)

    def warm_up(self) -> None:
        """Load the models and open the store now (its check, vector index and lexical index),
        so that the first question costs what the next ones do. A store that is missing,
        empty or damaged is left for the first question to report."""
        self.store.start_check()  # runs in a child process while the models load
        self.preload()
        words = (self.components.gazetteer(), self.components.english())
        warm(self.embedder, self.reranker, self.recognizer, self.parser, *words)
        _ = self.chain
        try:
            with self._lock.reading():
                self.store.dense_search(self.embedder.embed_query("warm-up"), 1)
                self.store.bm25_search("warm-up", 1)
                self.library.current()  # the sentence index caught up with the store
        except AssistantError:
            logger.info("warm-up: the store is not ready; the first question will say why")

    # -- corpus -----------------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        prune: bool = False,
        progress: bool = False,
        rebuild: bool = False,
    ) -> IngestReport:
        """Bring the store in line with the files under ``paths`` (idempotent; crash-safe:
        a run that dies part-way is finished by the next). ``rebuild`` empties the store first.

        A file that cannot be read is refused and the others are ingested; then
        ``RefusedFilesError`` says why, one line a file, its ``report`` what was written."""
        _ = self.library  # follows the write: indexes the sentences of what changed
        return self.corpus.ingest(
            [Path(p) for p in paths], prune=prune, progress=progress, rebuild=rebuild
        )

    @cached_property
    def corpus(self) -> Corpus:
        """The store's writer: every ingest, removal and restore goes through it."""
        return Corpus(self.store, ingestor=self._ingestor, write_lock=self._lock.writing)

    def _ingestor(self, corpus: Corpus) -> Ingestor:
        return Ingestor(
            self.store,
            lambda: self.embedder,
            embedder_id=self.embedder_id,
            chunk_size=self.settings.chunk_size,
            chunk_overlap=self.settings.chunk_overlap,
            max_file_bytes=self.settings.max_file_bytes,
            corpus=corpus,
            limits=self.settings.read_limits(),
        )

    def documents(self) -> list[SourceInfo]:
        """The ingested sources with their chunk counts (empty when nothing is ingested)."""
        try:
            return sorted(self.store.sources().values(), key=lambda s: s.source)
        except StoreError:
            return []

    def remove(self, source: str) -> int:
        """Remove one source's chunks; returns how many were removed."""
        return self.corpus.remove(source)

    def entities(self, kinds: Iterable[str] | None = None) -> dict[str, tuple[Named, ...]]:
        """What the documents name, by kind ("people", "countries", "places",
        "organisations", "dates", "years", "money", "amounts"; all when ``kinds`` is None):
        each once, at its first mention, with how often it is named — a person with the role
        the documents give them. Built from the entity index made at ingest."""
        from assistant.answerers.named import named

        with self._lock.reading():
            return named(self.library, self.parser, self.components.gazetteer(), kinds)

    def diagnose(self) -> list[Finding]:
        """Check the store (database, vector index, files, lexical and sentence indexes);
        see ``doctor``."""
        from assistant.index.doctor import diagnose

        return diagnose(self.store, self.library)

    def repair(self) -> list[str]:
        """Repair what the store can repair by itself; returns what was done."""
        return self.corpus.repair(self.library)

    def document_text(
        self, source: str, *, around: Sequence[tuple[int, int]] = (), context: int = 2000
    ) -> str:
        """A document's text rebuilt from its chunks at their exact offsets (gaps as newlines).
        With ``around`` (character spans), only the text within ``context`` characters of
        them is fetched; the rest reads as newlines (the offsets stay those of the document)."""
        return self.document_view(source, around=around, context=context)[0]

    def document_view(
        self, source: str, *, around: Sequence[tuple[int, int]] = (), context: int = 2000
    ) -> tuple[str, tuple[tuple[int, int], ...]]:
        """``document_text``, and ``(offset, page)`` where each page begins within the text
        fetched (the first sentence the chunks place on that page; empty without pages)."""
        return document_view(self.store, source, around=around, context=context)

    # -- questions --------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        history: object = None,
        *,
        top_k: int | None = None,
        write: bool = True,
        on_text: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer ``question`` (with the chat so far in ``history``) from the ingested corpus.

        ``top_k`` overrides how many passages are read for this question. With a writer
        (``--mode llm``): ``write=False`` gives the extractive answer, ``on_text`` hears the
        writer's text as it comes (unchecked), and a failing writer raises ``LLMServerError``
        carrying the extractive answer."""
        text = clean_question(question, max_chars=self.settings.max_question_chars)
        turns = parse_history(history)
        check_top_k(top_k)
        if self.store.stale():  # another process wrote: re-open, with no question in flight
            with self._lock.writing():
                self.store.reopen()
        from assistant.stages import Asked

        answer = self.chain.invoke(Asked(text, tuple(turns), top_k, write=write, on_text=on_text))
        # Checked only when nothing came back, to keep a store round-trip off every question.
        if not answer.passages and self.store.count() == 0:
            raise StoreError(
                f"The store at {self.store.location} is empty: ingest documents first."
            )
        if answer.writer_error is not None:
            raise LLMServerError(answer.writer_error, answer=answer)
        return answer

    def stream(
        self,
        question: str,
        history: object = None,
        *,
        top_k: int | None = None,
        write: bool = True,
    ) -> Iterator[str | Answer]:
        """Yield the answer text piece by piece, then the final ``Answer``: one cited sentence
        at a time, or, from a writer, its text as it comes (unchecked: the final ``Answer``
        holds what survived the check and replaces it)."""
        if self.writer is None or not write:
            answer = self.ask(question, history, top_k=top_k, write=write)
            if answer.layout == "list":  # a lead, then one cited item a line
                for index, line in enumerate(answer.text.split("\n")):
                    yield line if index == 0 else f"\n{line}"
            else:
                for index, piece in enumerate(split_cited(answer.text)):
                    text = with_marker(piece.text, piece.marker) if piece.marker else piece.text
                    yield text if index == 0 else f" {text}"
            yield answer
            return
        yield from streamed(lambda hear: self.ask(question, history, top_k=top_k, on_text=hear))
