"""Overview: "Summarize the briefing.", "Key points?", "tl;dr", "Summarize the article on
Holmvik.", "Summarize what the documents say about sanctions." — a cited extractive summary.

Three scopes:
- one document (the only one, or the one the question names): its most central sentences
  (LexRank, computed at ingest), at most one per paragraph, none that repeats a chosen one,
  none that leans on the sentence before it, at most ``max_sentences``, in document order;
- every document (several): one line per document, its most central sentence, for at most
  ``max_documents`` documents — those most central among all the documents' lines;
- a topic: the sentences the cross-encoder finds most about the topic (a section whose
  heading is about it brings its sentences along), within ``margin`` of the best and none
  repeating another, in document order; nothing scoring ``floor`` or more: the documents say
  nothing about it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from assistant.answer.citations import with_marker
from assistant.answer.reader import Draft
from assistant.answerers.compose import Composed, Request
from assistant.answerers.library import Library
from assistant.answerers.overview_parts import (
    _OPEN_HEADING,
    Part,
    _in_context,
    _parts,
    _rating_headings,
    _refrain,
    _summarisable,
    _summary_section,
    _unit,
)
from assistant.answerers.quoting import cite, passages
from assistant.answerers.scope import KIND_OF_DOCUMENT, heading_text, named_document, titles
from assistant.documents.chunking import fold
from assistant.index.centrality import centrality, tfidf
from assistant.index.sentences import Sentence
from assistant.intent.classifier import asks_what_is_open
from assistant.language.lexicon import LEANING_OPENERS
from assistant.policy import POLICY
from assistant.protocols import QueryEmbedder, Reranker
from assistant.retrieve.similarity import shared_run
from assistant.types import Passage

# A sentence opening like this leans on the one before it ("They also …", "This trade …").
_LEANS = re.compile(rf"^\W*(?:{LEANING_OPENERS})\b", re.IGNORECASE)


# Heading embeddings kept between questions (the cache starts afresh past this many).
_MAX_HEADING_VECTORS = 5000


class PassageFinder(Protocol):
    """Ranked passages for a query, each sentence scored by the cross-encoder."""

    def passages(
        self, query: str, top_k: int | None = None, question: str | None = None
    ) -> list[Passage]: ...


@dataclass(frozen=True, slots=True)
class OverviewPolicy:
    """The overview's numbers (chosen on the suite's dev halves)."""

    max_sentences: int = 6
    max_chars: int = 1200
    # One document: at most one sentence a paragraph when it has this many paragraphs.
    min_paragraphs: int = 3
    # Several documents: at most this many lines, in this many characters.
    max_documents: int = 10
    max_document_chars: int = 1600
    # A chosen sentence's TF-IDF cosine to another chosen one stays under this.
    repeat: float = 0.5
    # One document: a sentence's weight is its centrality plus these for opening the
    # document, opening its paragraph, and standing early (falling linearly to 0 at the end).
    lead_bonus: float = 1.0
    paragraph_lead_bonus: float = 0.3
    early_bonus: float = 0.3
    # Taken off the weight of a sentence that leans on the one before it.
    lean_penalty: float = 0.5
    # A topic overview: passages read, the cross-encoder score the best part must reach, and
    # the parts kept (within this of the best one, at most so many).
    top_k: int = 10
    floor: float = 0.0
    part_margin: float = 4.0
    max_parts: int = 3
    # A heading alone is rated by the cross-encoder only when the embedding of the topic is
    # at least this close to the heading's (cosine); otherwise with the prose under it.
    heading_similarity: float = 0.3
    # The most headings read with their prose by the cross-encoder (the nearest the topic).
    max_rated_headings: int = 40


class OverviewAnswerer:
    """See the module's words."""

    def __init__(
        self,
        library: Library,
        finder: PassageFinder,
        reranker: Reranker,
        policy: OverviewPolicy | None = None,
        embedder: QueryEmbedder | None = None,
    ) -> None:
        self.library = library
        self.finder = finder
        self.reranker = reranker
        self.policy = policy or OverviewPolicy()
        self.embedder = embedder
        self._heading_vectors: dict[str, NDArray[np.float64]] = {}

    def answer(self, request: Request) -> Composed | None:
        sources = self.library.sources()
        if not sources:
            return None  # an empty store: the look-up says so
        topic = request.reading.topic
        if not topic:
            if len(sources) == 1:
                return self._document(sources[0])
            # "Summarize the briefing" among several documents: the one that is a briefing.
            for noun in KIND_OF_DOCUMENT.findall(request.question):
                named = named_document(noun, sources, titles(self.library, sources), kind=True)
                if named is not None:
                    return self._document(named)
            return self._documents(sources)
        named = named_document(topic, sources, titles(self.library, sources))
        if named is not None:
            return self._document(named)
        return self._topic(topic)

    # -- one document -----------------------------------------------------------------------

    def _document(self, source: str) -> Composed:
        sentences = self.library.sentences(source)
        summary = _summary_section(sentences)
        if summary:
            chosen = self._pick(summary, [0.0] * len(summary), one_per_paragraph=False)
            return self._compose(chosen, lead="")
        prose = [s for s in sentences if _summarisable(s)]
        # One sentence a paragraph, unless the document has too few paragraphs for that.
        spread = len({s.paragraph for s in prose}) >= self.policy.min_paragraphs
        chosen = self._pick(prose, self._weights(prose), one_per_paragraph=spread)
        return self._compose(chosen, lead="")

    def _weights(self, prose: Sequence[Sentence]) -> list[float]:
        """Centrality, and the place a sentence stands: the document's opening sentence, a
        paragraph's opening sentence, early in the document (see ``OverviewPolicy``)."""
        policy = self.policy
        if not prose:
            return []
        last = max(s.position for s in prose) or 1
        opened: set[tuple[str, int]] = set()
        weights = []
        for index, sentence in enumerate(prose):
            place = (sentence.source, sentence.paragraph)
            weight = sentence.centrality + policy.early_bonus * (1 - sentence.position / last)
            if index == 0:
                weight += policy.lead_bonus
            if place not in opened:
                weight += policy.paragraph_lead_bonus
                opened.add(place)
            if _LEANS.search(sentence.text):
                weight -= policy.lean_penalty
            weights.append(weight)
        return weights

    # -- every document ---------------------------------------------------------------------

    def _documents(self, sources: Sequence[str]) -> Composed:
        """One line per document: the sentence that weighs most in it (its opening sentence,
        as often as not); for many documents, the lines most central among them all."""
        lines = []
        for source in sources:
            prose = [s for s in self.library.sentences(source) if _summarisable(s)]
            if prose:
                weights = self._weights(prose)
                lines.append(prose[max(range(len(prose)), key=lambda i: (weights[i], -i))])
        weights = centrality([fold(s.text) for s in lines]) if lines else []
        chosen = self._pick(
            lines, weights, one_per_paragraph=False, limit=self.policy.max_documents,
            max_chars=self.policy.max_document_chars,
        )  # fmt: skip
        chosen.sort(key=lambda s: sources.index(s.source))
        lead = (
            f"{len(sources)} documents; the gist of {len(chosen)} of them:"
            if len(chosen) < len(sources)
            else f"{len(sources)} documents, one line each:"
        )
        return self._compose(chosen, lead=lead)

    # -- a topic ----------------------------------------------------------------------------

    def _topic(self, topic: str) -> Composed:
        """The parts of the documents most about the topic, quoted in order. A part is a
        section (under a Markdown heading) where a document has them, else a paragraph; its
        score is the best of its heading's and its sentences' cross-encoder scores (a
        templated refrain aside). The parts within ``part_margin`` of the best (at most
        ``max_parts``) are quoted; a long part by its best sentences. A question about what
        is still open takes the section headed so ("## Open questions"), when there is one."""
        policy = self.policy
        if asks_what_is_open(topic):
            for source in self.library.sources()[:200]:
                for part in _parts(self.library.sentences(source)):
                    heading = part.heading
                    if heading is not None and _OPEN_HEADING.search(heading.text):
                        return self._quote_parts([part], {})
        scores: dict[tuple[str, int], float] = {}
        for passage in self.finder.passages(topic, top_k=policy.top_k):
            chunk = passage.chunk
            for span, score in zip(chunk.sentences, passage.sentence_scores, strict=False):
                if score is not None:
                    key = (chunk.source, span.start)
                    scores[key] = max(score, scores.get(key, score))
        documents = {source: self.library.sentences(source) for source, _ in scores}
        parts = [part for sentences in documents.values() for part in _parts(sentences)]
        headings = list({(h.source, h.start): h for p in parts for h in p.headings}.values())
        as_section, as_label = self._rate(topic, headings, documents)
        rating: dict[int, float] = {}
        for index, part in enumerate(parts):
            own = [
                scores[(s.source, s.start)]
                for s in part.sentences
                if (s.source, s.start) in scores and not _refrain(s, documents[s.source])
            ]
            own += [
                (as_section if h == part.heading else as_label)[(h.source, h.start)]
                for h in _rating_headings(part)
            ]
            if own:
                rating[index] = max(own)
        if not rating or max(rating.values()) < policy.floor:
            return Composed(
                Draft("", (), abstained=True),
                lead=(
                    "The documents do not say what is still open."
                    if asks_what_is_open(topic)
                    else f"The documents say nothing about {topic.rstrip('.?!')}."
                ),
            )
        best = max(rating.values())
        chosen = sorted(
            (i for i in rating if rating[i] >= best - policy.part_margin),
            key=lambda i: -rating[i],
        )[: policy.max_parts]
        return self._quote_parts([parts[i] for i in sorted(chosen)], scores)

    def _rate(
        self,
        topic: str,
        headings: Sequence[Sentence],
        documents: Mapping[str, Sequence[Sentence]],
    ) -> tuple[dict[tuple[str, int], float], dict[tuple[str, int], float]]:
        """Each heading's rating for the topic as the heading of its own section, and as the
        label over the sections below it ("## Health" over "### Acute watery diarrhoea").

        As a label: the cross-encoder's score of the heading alone — when the topic's
        embedding is near the heading's (a heading of a word or two is a text too short for
        the cross-encoder to rate reliably: "General safety" rated far above "Mains power
        and batteries" for "batteries"; the embeddings place it well). Of its own section:
        that, or the score of the heading with the first sentence under it (rated as a
        passage: "Mains power and batteries: Use only the 5 V mains adapter …"), the higher —
        read so for the ``max_rated_headings`` headings the embeddings put nearest the topic.
        """
        keys = [(h.source, h.start) for h in headings]
        if not headings:
            return {}, {}
        texts = [heading_text(h.text) for h in headings]
        if self.embedder is None:
            cosines = [1.0] * len(texts)
            read = list(range(len(texts)))
        else:
            cosines = self._cosines(topic, texts)
            # With its prose, the cross-encoder reads only the headings nearest the topic.
            read = sorted(range(len(texts)), key=lambda i: -cosines[i])
            read = read[: self.policy.max_rated_headings]
        label = dict.fromkeys(keys, -math.inf)
        alone = [i for i, c in enumerate(cosines) if c >= self.policy.heading_similarity]
        if alone:
            bare = self.reranker.score(topic, [texts[i] for i in alone])
            for i, score in zip(alone, bare, strict=True):
                label[keys[i]] = score
        section = dict(label)
        in_context = self.reranker.score(topic, [_in_context(headings[i], documents) for i in read])
        for i, score in zip(read, in_context, strict=True):
            section[keys[i]] = max(score, label[keys[i]])
        return section, label

    def _cosines(self, topic: str, texts: Sequence[str]) -> list[float]:
        """The cosine of the topic's embedding and each text's (the texts' kept between
        questions)."""
        assert self.embedder is not None
        asked = _unit(self.embedder.embed_query(topic))
        vectors = self._heading_vectors
        if len(vectors) > _MAX_HEADING_VECTORS:
            vectors.clear()
        for text in texts:
            if text not in vectors:
                vectors[text] = _unit(self.embedder.embed_query(text))
        return [float(asked @ vectors[t]) for t in texts]

    def _quote_parts(
        self, parts: Sequence[Part], scores: Mapping[tuple[str, int], float]
    ) -> Composed:
        """The parts' prose in order (of a list, the opening sentence of each item); more of it
        than the budget holds: its best sentences (those the cross-encoder rated, best first;
        the others in order)."""
        sentences: list[Sentence] = []
        weights: list[float] = []
        for part in parts:
            prose = [s for s in part.sentences if _summarisable(s)]
            items = [s for s in prose if s.item]
            if len(items) >= 2:
                prose = items
            for rank, sentence in enumerate(prose):
                sentences.append(sentence)
                rated = scores.get((sentence.source, sentence.start))
                weights.append(rated if rated is not None else -100.0 - rank)
        if len(sentences) <= self.policy.max_sentences:
            weights = [0.0] * len(sentences)
        chosen = self._pick(sentences, weights, one_per_paragraph=False)
        return self._compose(chosen, lead="")

    # -- choosing and quoting ---------------------------------------------------------------

    def _pick(
        self,
        sentences: Sequence[Sentence],
        weights: Sequence[float],
        *,
        one_per_paragraph: bool,
        limit: int | None = None,
        max_chars: int | None = -1,
    ) -> list[Sentence]:
        """Greedy by weight: a sentence is taken unless its paragraph has one already (when
        asked), it repeats a chosen one, or the budget is spent."""
        limit = self.policy.max_sentences if limit is None else limit
        budget = self.policy.max_chars if max_chars == -1 else max_chars
        if not sentences:
            return []
        vectors = tfidf([fold(s.text) for s in sentences])
        order = sorted(
            range(len(sentences)),
            key=lambda i: (-weights[i], sentences[i].source, sentences[i].start),
        )
        chosen: list[int] = []
        paragraphs: set[tuple[str, int]] = set()
        length = 0
        for i in order:
            if len(chosen) >= limit:
                break
            sentence = sentences[i]
            place = (sentence.source, sentence.paragraph)
            if one_per_paragraph and place in paragraphs:
                continue
            if chosen and (
                float(np.max(vectors[chosen] @ vectors[i])) >= self.policy.repeat
                or any(
                    shared_run(sentences[j].text, sentence.text, POLICY.refrain_words)
                    for j in chosen
                )
            ):
                continue  # says again what a chosen sentence says, or repeats its refrain
            if budget is not None and chosen and length + len(sentence.text) > budget:
                continue
            chosen.append(i)
            paragraphs.add(place)
            length += len(sentence.text)
        return sorted((sentences[i] for i in chosen), key=lambda s: (s.source, s.position))

    def _compose(self, chosen: Sequence[Sentence], *, lead: str) -> Composed:
        if not chosen:
            return Composed(Draft("", (), abstained=True), lead="The documents do not say.")
        chunks = self.library.chunks([s.chunk for s in chosen])
        citations = cite(chosen, chunks)
        text = " ".join(with_marker(fold(c.quote), c.marker) for c in citations)
        return Composed(
            Draft(text, citations, abstained=False),
            passages(citations, chunks),
            lead=lead,
            layout="list",
        )
