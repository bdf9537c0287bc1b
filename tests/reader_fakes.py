"""Real, small implementations of the protocols the answerers of reader's questions read:
a ``Library`` over plain document strings, a ``PassageFinder`` over it, a rule-based
``Parser``, and a country gazetteer built from synthetic ``countryinfo``-like records.

Not mocks: each does its protocol's job with rules simple enough that a test can predict every
result. The library cuts each document with the ingestion chunker and indexes it with the real
``SentenceIndex`` (in a directory the test owns), so sentences, headings, list items,
centrality and named entities are what the assistant itself would hold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.documents.chunking import chunk_document
from assistant.index.manifest import FileEntry
from assistant.index.sentences import Mention, Sentence, SentenceIndex
from assistant.language.gazetteer import Gazetteer
from assistant.language.lexicon import FUNCTION_WORDS, TITLES
from assistant.language.syntax import Analysis
from assistant.protocols import EntityRecognizer, Reranker
from assistant.types import Chunk, Document, Passage, Span


class InMemoryLibrary:
    """A ``Library`` of ``documents`` (name → text): each cut into chunks of ``chunk_size``
    sentences by the ingestion chunker, indexed by a ``SentenceIndex`` at ``directory`` with
    ``recognizer`` as its NER."""

    def __init__(
        self,
        documents: Mapping[str, str],
        directory: Path,
        recognizer: EntityRecognizer,
        *,
        chunk_size: int = 3,
        chunk_overlap: int = 0,
    ) -> None:
        self.documents = dict(documents)
        self.by_source: dict[str, list[Chunk]] = {}
        self._chunks: dict[str, Chunk] = {}
        entries: dict[str, FileEntry] = {}
        for source, text in self.documents.items():
            digest = hashlib.sha256(text.encode()).hexdigest()
            chunks = chunk_document(
                Document(source, text, digest), chunk_size=chunk_size, chunk_overlap=chunk_overlap
            )
            self.by_source[source] = chunks
            self._chunks.update((c.id, c) for c in chunks)
            entries[source] = FileEntry(source, digest, tuple(c.id for c in chunks))
        # Every call to ``chunks`` (the ids asked for), so a test can see what was read.
        self.chunk_calls: list[tuple[str, ...]] = []
        self.index = SentenceIndex(directory / "sentences.sqlite3", recognizer)
        self.index.sync("generation-1", entries, self._fetch)

    def sources(self) -> list[str]:
        return self.index.sources()

    def sentences(self, source: str) -> list[Sentence]:
        return self.index.sentences(source)

    def central(self, per_source: int) -> list[Sentence]:
        return self.index.central(per_source)

    def containing(self, words: str, limit: int = 500, *, phrase: bool = True) -> list[Sentence]:
        return self.index.containing(words, limit, phrase=phrase)

    def mentions(self, labels: Collection[str] | None = None) -> list[Mention]:
        return self.index.mentions(labels)

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        self.chunk_calls.append(tuple(ids))
        return self._fetch(ids)

    def _fetch(self, ids: Sequence[str]) -> dict[str, Chunk]:
        return {i: self._chunks[i] for i in ids if i in self._chunks}

    def sentence(self, text: str) -> Sentence:
        """The one indexed sentence whose text is ``text`` (a test's handle on it)."""
        found = [s for source in self.sources() for s in self.sentences(source) if s.text == text]
        if len(found) != 1:
            raise LookupError(f"{len(found)} sentences read {text!r}")
        return found[0]

    def close(self) -> None:
        self.index.close()


class LibraryFinder:
    """A ``PassageFinder`` over an ``InMemoryLibrary``: every chunk, each sentence scored by
    ``reranker`` against the query; the ``top_k`` chunks of best sentence score (ties in
    document order), like the retriever's last stage."""

    def __init__(self, library: InMemoryLibrary, reranker: Reranker, top_k: int = 10) -> None:
        self.library = library
        self.reranker = reranker
        self.top_k = top_k
        self.queries: list[str] = []

    def passages(
        self, query: str, top_k: int | None = None, question: str | None = None
    ) -> list[Passage]:
        self.queries.append(query)
        found = []
        for chunks in self.library.by_source.values():
            for chunk in chunks:
                scores = self.reranker.score(query, list(chunk.sentence_texts()))
                found.append(Passage(chunk=chunk, score=max(scores), sentence_scores=tuple(scores)))
        ranked = sorted(found, key=lambda p: -p.score)  # stable: document order on ties
        return ranked[: top_k or self.top_k]


# -- a rule-based parser -----------------------------------------------------------------------

# The verbs the parser knows: the subject of a sentence is the phrase before the first of them.
VERBS = frozenset(
    [
        "said",
        "says",
        "say",
        "accused",
        "accuses",
        "warned",
        "warns",
        "announced",
        "announces",
        "proposed",
        "proposes",
        "urged",
        "urges",
        "criticised",
        "criticized",
        "criticises",
        "called",
        "calls",
        "visited",
        "met",
        "attended",
        "leads",
        "led",
        "opened",
        "closed",
        "signed",
        "denied",
        "denies",
        "promised",
        "promises",
        "rejected",
        "reported",
        "told",
        "asked",
        "wants",
        "wanted",
        "resigned",
        "rose",
        "fell",
        "praised",
        "blamed",
        "demanded",
        "commands",
        "launched",
        "approved",
        "argued",
        "added",
        "insisted",
        "confirmed",
        "cut",
        "failed",
        "flooded",
        "blocked",
        "designed",
        "built",
    ]
)
_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[\w'’-]+|[,;:]")
_OPENERS = frozenset(
    {"the", "a", "an", "he", "she", "it", "they", "this", "that", "his", "her", "their", "its"}
)
_CAUSE = re.compile(
    rf"\b(?:since|after|once)\s+(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:{'|'.join(VERBS)})\b",
    re.IGNORECASE,
)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


class RuleParser:
    """A ``Parser`` by rules over the words of a sentence:

    - subjects: the phrase between the last comma (or the sentence's start) and the first verb
      of ``VERBS`` ("China" in "According to the U.S., China accused …"); when a comma stands
      right before the verb, the phrase before the first comma ("Isobel Marr" in "Isobel
      Marr, the chief engineer, said …");
    - names: runs of capitalised words, leading titles and sentence openers left out;
    - a name's role: the title words right before it ("Ambassador Dorothy Shea"), else the
      words between the commas right after it ("Isobel Marr, the chief engineer, said …",
      article dropped), else the predicate of "<name> is a/the …";
    - a cause: "since"/"after"/"once" and a clause whose verb is one of ``VERBS``.
    """

    def __init__(self) -> None:
        self.analysed: list[str] = []

    def analyse(self, text: str) -> Analysis:
        self.analysed.append(text)
        tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
        names = self._names(tokens)
        subjects = self._subjects(tokens)
        roles = tuple(
            (name, role) for name in names if (role := self._role(text, tokens, name)) is not None
        )
        return Analysis(subjects, roles, names, bool(_CAUSE.search(text)))

    @staticmethod
    def _subjects(tokens: Sequence[tuple[str, int, int]]) -> tuple[Span, ...]:
        for index, (word, _, _) in enumerate(tokens):
            if word.lower() in VERBS:
                commas = [at for at in range(index) if tokens[at][0] == ","]
                if commas and commas[-1] == index - 1:
                    # "Isobel Marr, the chief engineer, said": the phrase before the appositive
                    opening, closing = 0, commas[0]
                else:
                    opening, closing = (commas[-1] + 1 if commas else 0), index
                if opening < closing:
                    return (Span(tokens[opening][1], tokens[closing - 1][2]),)
                return ()
        return ()

    @staticmethod
    def _names(tokens: Sequence[tuple[str, int, int]]) -> tuple[Span, ...]:
        names: list[Span] = []
        run: list[tuple[str, int, int]] = []

        def close() -> None:
            while run and (
                run[0][0].lower().rstrip(".") in TITLES
                or run[0][0].lower() in _OPENERS
                or run[0][0].lower() in FUNCTION_WORDS
            ):
                run.pop(0)
            if run:
                names.append(Span(run[0][1], run[-1][2]))
            run.clear()

        for token in tokens:
            if _capitalised(token[0]) and (not run or token[1] == run[-1][2] + 1):
                run.append(token)
            else:
                close()
                if _capitalised(token[0]):
                    run.append(token)
        close()
        return tuple(names)

    @staticmethod
    def _role(text: str, tokens: Sequence[tuple[str, int, int]], name: Span) -> Span | None:
        first = next(i for i, t in enumerate(tokens) if t[1] == name.start)
        titles: list[tuple[str, int, int]] = []
        at = first - 1
        while (
            at >= 0
            and tokens[at][0].lower().rstrip(".") in TITLES
            and (tokens[at][2] + 1 == tokens[at + 1][1])
        ):
            titles.insert(0, tokens[at])
            at -= 1
        if titles:
            return Span(titles[0][1], titles[-1][2])
        after = text[name.end :]
        appositive = re.match(r", (?:the |a |an )?([a-z][^,;]*?),", after)
        if appositive is not None:
            return Span(name.end + appositive.start(1), name.end + appositive.end(1))
        predicate = re.match(r" (?:is|was) (?:the |a |an )([^,;.]+)", after)
        if predicate is not None:
            return Span(name.end + predicate.start(1), name.end + predicate.end(1))
        return None


# -- a synthetic gazetteer ---------------------------------------------------------------------


def country(
    name: str,
    *,
    alt: Sequence[str] = (),
    capital: str | None = None,
    demonym: str | None = None,
    alpha2: str = "",
    alpha3: str = "",
    population: float = 1_000_000,
) -> dict[str, Any]:
    """A ``countryinfo``-like record."""
    return {
        "name": name,
        "altSpellings": list(alt),
        "capital": capital,
        "demonym": demonym,
        "ISO": {"alpha2": alpha2, "alpha3": alpha3},
        "population": population,
    }


# A small world, partly real-looking, partly invented: enough for every gazetteer rule.
WORLD: tuple[dict[str, Any], ...] = (
    country(
        "United States", alt=["US", "USA", "United States of America"],
        capital="Washington D.C.", demonym="American", alpha2="US", alpha3="USA",
        population=331_000_000,
    ),
    country(
        "American Samoa", alt=["AS", "Amerika Sāmoa"], capital="Pago Pago",
        demonym="American", alpha2="AS", alpha3="ASM", population=55_000,
    ),
    country(
        "China", alt=["CN", "People's Republic of China", "Zhōngguó"], capital="Beijing",
        demonym="Chinese", alpha2="CN", alpha3="CHN", population=1_400_000_000,
    ),
    country(
        "North Korea", alt=["KP", "Democratic People's Republic of Korea"],
        capital="Pyongyang", demonym="North Korean", alpha2="KP", alpha3="PRK",
        population=25_000_000,
    ),
    country(
        "South Korea", alt=["KR", "Republic of Korea"], capital="Seoul",
        demonym="South Korean", alpha2="KR", alpha3="KOR", population=51_000_000,
    ),
    country(
        "Russia", alt=["RU", "Russian Federation"], capital="Moscow", demonym="Russian",
        alpha2="RU", alpha3="RUS", population=144_000_000,
    ),
    country(
        "United Kingdom", alt=["GB", "UK", "Great Britain"], capital="London",
        demonym="British", alpha2="GB", alpha3="GBR", population=67_000_000,
    ),
    country(
        "India", alt=["IN", "Bhārat"], capital="New Delhi", demonym="Indian", alpha2="IN",
        alpha3="IND", population=1_380_000_000,
    ),
    country(
        "Ukraine", alt=["UA", "Ukrayina"], capital="Kyiv", demonym="Ukrainian", alpha2="UA",
        alpha3="UKR", population=41_000_000,
    ),
    country(
        "Norland", alt=["NL", "Federated Provinces of Norland"], capital="Carston, D.C.",
        demonym="Norlander", alpha2="NL", alpha3="NRL", population=9_000_000,
    ),
)  # fmt: skip


def world_gazetteer(*extra: dict[str, Any]) -> Gazetteer:
    """A gazetteer of ``WORLD`` and ``extra`` records."""
    return Gazetteer(records=[*WORLD, *extra])
