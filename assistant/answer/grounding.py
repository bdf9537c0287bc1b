"""Check a free-written draft sentence by sentence against the passages it was written from.

A writer (an LLM, ``assistant.answer.chat_reader``) numbers its claims with ``[n]``, ``n`` a passage
of its request. A sentence is kept only when one sentence of a passage supports it
(``supports``) and that sentence is on the question (it shares a content word with the question
and its cross-encoder score is within ``POLICY.relevance_margin`` of the best). It is cited to
that sentence — of the passage its marker names when that passage supports it, else (a wrong
marker, or none) of the best passage that does: re-attached — and dropped otherwise, with the
reason recorded. Kept sentences are renumbered 1..n; at most ``POLICY.max_checked_sentences``.

Without an entailment model in a package here, "supports" is strict: the claim must be its
evidence sentence — the same text up to letter case, articles ("a", "an", "the"), spacing,
apostrophe and dash forms, and the closing full stop. Three rounds of an independent
tester's attacks showed why nothing looser holds: leaving words out ("approved the drug"
from "refused to approve the drug"), swapping forms of be/have/do ("has a lawyer" → "is a
lawyer"), stems ("was attacked" → "was an attacker"), symbols ("<5%" → ">5%") and digits
("1,5" for "15") all turned sentences round. So a kept sentence is a quote; anything else is
dropped and, when nothing is kept, the extractive answer stands in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answer.citations import split_cited, with_marker
from assistant.answer.short_answer import QUESTION_MARK
from assistant.documents.chunking import fold
from assistant.index.lexical import _stemmer
from assistant.language.lexicon import LIGHT_WORDS, STOPWORDS
from assistant.policy import POLICY
from assistant.types import Citation, DroppedSentence, Passage, ShortAnswer

# Numbers whole ("48,000" is not "48"; "-5" is not "5"), words with an apostrophe whole.
_TOKEN = re.compile(r"[-]?\d[\d,]*(?:\.\d+)?%?|[^\W\d_]+(?:'[^\W\d_]+)*")
# Words a restatement may add, drop or change: they carry no claim of their own.
_APOSTROPHES = str.maketrans(dict.fromkeys("’ʼ´`′‘", "'"))
_DASHES = str.maketrans(dict.fromkeys("−–—‒﹣－", "-"))
# "[1, 2]", "[1][2]", "[1] [2]" → the first number: the check finds the best passage anyway.
_MARKER_LIST = re.compile(r"\[(\d{1,3})(?:\s*[,;]\s*\d{1,3})+\]")
_MARKER_RUN = re.compile(r"(\[\d{1,3}\])(?:\s*\[\d{1,3}\])+")
# Invisible or direction-changing characters a draft must not carry into the answer.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def terms(text: str) -> list[str]:
    """The words of ``text`` in order, for comparing a claim with its evidence: numbers as
    written (commas out), words lower-cased and stemmed, ``LIGHT_WORDS`` out; "n't" is
    "not" (with any apostrophe)."""
    folded = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_DASHES)
    out: list[str] = []
    for match in _TOKEN.finditer(folded):
        token = match.group(0).lower()
        if token[0].isdigit() or token[0] == "-":
            out.append(token.replace(",", ""))
            continue
        negative = token.endswith("n't")
        word = token.removesuffix("n't").removesuffix("'s")
        if word and word not in LIGHT_WORDS:
            out.append(word)
        if negative:
            out.append("not")
    stems: list[str] = _stemmer().stemWords(out)
    return [o if _is_number(o) else s for o, s in zip(out, stems, strict=True)]


def _is_number(term: str) -> bool:
    return term[0].isdigit() or term[0] == "-"


_ARTICLE = re.compile(r"\b(?:a|an|the)\b", re.IGNORECASE)
_CLOSING_STOP = re.compile(r"[\s.!]+$")


def _as_quoted(text: str) -> str:
    """``text`` as the check compares it: NFC, one apostrophe and one dash form, lower case,
    without articles, single spaces, no closing full stop."""
    folded = unicodedata.normalize("NFC", text).translate(_APOSTROPHES).translate(_DASHES)
    bare = _ARTICLE.sub(" ", folded.casefold())
    return _CLOSING_STOP.sub("", " ".join(bare.split()))


def supports(evidence: str, claim: str) -> bool:
    """Is ``claim`` the sentence ``evidence``, quoted? (See the module's words.) A sentence
    holding a question mark supports nothing."""
    if QUESTION_MARK.search(evidence):
        return False
    quoted = _as_quoted(claim)
    return bool(quoted) and quoted == _as_quoted(evidence)


def content_words(text: str) -> set[str]:
    """Stemmed words of ``text`` that are not stop words (what a topic is made of)."""
    return {t for t in terms(text) if t not in STOPWORDS}


def clean_draft(text: str) -> str:
    """A draft without control, surrogate, private-use or direction-changing characters."""
    return "".join(
        ch
        for ch in text
        if ch not in _BIDI and (ch in "\n\t" or unicodedata.category(ch) not in {"Cc", "Cs", "Co"})
    )


@dataclass(frozen=True, slots=True)
class Grounded:
    """The kept sentences with their markers (1..n), their citations, and what was dropped."""

    text: str
    citations: tuple[Citation, ...]
    dropped: tuple[DroppedSentence, ...]
    reattached: int


@dataclass(frozen=True, slots=True)
class _Evidence:
    passage: Passage
    first: int  # index of the first sentence of the window
    last: int  # index of the last one (inclusive)
    score: float

    def citation(self, marker: int) -> Citation:
        chunk = self.passage.chunk
        start, end = chunk.sentences[self.first].start, chunk.sentences[self.last].end
        return Citation(
            marker=marker,
            source=chunk.source,
            paragraph=chunk.paragraph,
            start=start,
            end=end,
            quote=chunk.text[start - chunk.start : end - chunk.start],
            score=self.score,
            passage_start=chunk.start,
            passage_end=chunk.end,
            passage_text=chunk.text,
            page=chunk.page_at(start),
            section=chunk.section,
        )


def _evidence(claim: str, passage: Passage, on_topic: _OnTopic) -> _Evidence | None:
    """The sentence of ``passage`` that best supports ``claim`` among those on the topic."""
    texts = passage.chunk.sentence_texts()
    found = [
        _Evidence(passage, i, i, on_topic.score(passage, i))
        for i, text in enumerate(texts)
        if on_topic(passage, i) and supports(text, claim)
    ]
    return max(found, key=lambda e: e.score) if found else None


@dataclass(frozen=True, slots=True)
class _OnTopic:
    """Sentences a kept claim may rest on: scored by the cross-encoder within
    ``POLICY.relevance_margin`` of the best, and sharing a content word with the question."""

    question: frozenset[str]
    best: float

    @classmethod
    def of(cls, question: str, passages: Sequence[Passage]) -> _OnTopic:
        scores = [s for p in passages for s in p.sentence_scores if s is not None]
        return cls(frozenset(content_words(question)), max(scores) if scores else float("-inf"))

    def score(self, passage: Passage, index: int) -> float:
        scores = passage.sentence_scores
        value = scores[index] if index < len(scores) else None
        return float("-inf") if value is None else value

    def __call__(self, passage: Passage, index: int) -> bool:
        if self.score(passage, index) < self.best - POLICY.relevance_margin:
            return False
        return bool(self.question & content_words(passage.chunk.sentence_texts()[index]))


def ground(text: str, passages: Sequence[Passage], question: str) -> Grounded:
    """Keep each sentence of ``text`` that a passage supports (``[n]`` names ``passages[n-1]``),
    cited to its evidence and renumbered; record the others in ``dropped``. ``question``:
    the question as typed and its standalone form (what kept sentences must be about)."""
    text = _MARKER_RUN.sub(r"\1", _MARKER_LIST.sub(r"[\1]", fold(clean_draft(text))))
    on_topic = _OnTopic.of(question, passages)
    kept_text: list[str] = []
    citations: list[Citation] = []
    dropped: list[DroppedSentence] = []
    said: set[str] = set()
    reattached = 0
    for piece in split_cited(text):
        claim = piece.text
        marker = piece.marker
        if len(claim) > POLICY.max_claim_chars or len(kept_text) >= POLICY.max_checked_sentences:
            dropped.append(DroppedSentence(claim[: POLICY.max_claim_chars], marker, "too long"))
            continue
        named = passages[marker - 1] if marker is not None and 0 < marker <= len(passages) else None
        evidence = _evidence(claim, named, on_topic) if named is not None else None
        if evidence is None:  # the passage it names does not say it: does another?
            others = (_evidence(claim, p, on_topic) for p in passages if p is not named)
            candidates = [e for e in others if e is not None]
            evidence = max(candidates, key=lambda e: e.score) if candidates else None
            if evidence is not None:
                reattached += 1
        if evidence is None:
            dropped.append(DroppedSentence(claim, marker, _why(marker, named)))
            continue
        if _as_quoted(claim) in said:
            dropped.append(DroppedSentence(claim, marker, "a repeat"))
            continue
        said.add(_as_quoted(claim))
        cited = evidence.citation(len(citations) + 1)  # a repeat was dropped: a new sentence
        citations.append(cited)
        kept_text.append(with_marker(claim, cited.marker))
    return Grounded(" ".join(kept_text), tuple(citations), tuple(dropped), reattached)


def _why(marker: int | None, named: Passage | None) -> str:
    if marker is None:
        return "it cites no passage, and no sentence on the question supports it"
    if named is None:
        return f"its marker [{marker}] names no passage, and no sentence supports it"
    return "no sentence on the question supports it"


def carry_short(
    short: ShortAnswer | None, drafted: Sequence[Citation], kept: Sequence[Citation]
) -> ShortAnswer | None:
    """The extractive short answer (its marker names one of ``drafted``), re-marked to the
    kept citation of the same document whose quote holds its span; None when no kept
    citation does: a short answer stands inside its evidence."""
    if short is None:
        return None
    source = next((c.source for c in drafted if c.marker == short.marker), None)
    for citation in kept:
        if citation.source == source and citation.start <= short.start < short.end <= citation.end:
            return replace(short, marker=citation.marker)
    return None
