"""The parts of a document an overview reads: sections under its Markdown headings (else its
paragraphs), the headings that rate a part and how the cross-encoder reads one (with the prose
under it), a section that sums the document up; and which sentences an overview may quote."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from assistant.answerers.scope import heading_text
from assistant.documents.chunking import fold
from assistant.index.sentences import Sentence
from assistant.language.lexicon import OPEN_WORDS
from assistant.policy import POLICY
from assistant.retrieve.similarity import shared_run

_QUESTION = re.compile(r"\?\s*$")


@dataclass(frozen=True, slots=True)
class Part:
    """A section of a document (the headings above it, outermost first, and the sentences
    under it) or, in a document without headings, a paragraph."""

    headings: tuple[Sentence, ...]
    sentences: tuple[Sentence, ...]

    @property
    def heading(self) -> Sentence | None:
        return self.headings[-1] if self.headings else None


def _parts(sentences: Sequence[Sentence]) -> list[Part]:
    """A document cut into sections at its Markdown headings, else into paragraphs."""
    if any(s.heading and _level(s.text) for s in sentences):
        parts: list[Part] = []
        path: list[Sentence] = []
        body: list[Sentence] = []
        for sentence in sentences:
            level = _level(sentence.text) if sentence.heading else 0
            if level:
                if body:
                    parts.append(Part(tuple(path), tuple(body)))
                path = [h for h in path if _level(h.text) < level] + [sentence]
                body = []
            else:
                body.append(sentence)
        if body:
            parts.append(Part(tuple(path), tuple(body)))
        return parts
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    return [Part((), tuple(group)) for _, group in sorted(paragraphs.items())]


def _rating_headings(part: Part) -> tuple[Sentence, ...]:
    """The headings that speak for a part: its own and the one above it ("## Health" for
    "### Acute watery diarrhoea"), never a document's title ("# …" over its sections)."""
    headings = part.headings[-2:]
    if len(part.headings) > 1:
        headings = tuple(h for h in headings if _level(h.text) > 1)
    return headings


# Headings of a section of matters still open.
_OPEN_HEADING = re.compile(
    rf"\b(?:{OPEN_WORDS}|remaining|unknowns?|uncertainties|to be (?:decided|resolved|confirmed))\b",
    re.IGNORECASE,
)


def _refrain(sentence: Sentence, others: Sequence[Sentence]) -> bool:
    """Does the sentence share a run of ``POLICY.refrain_words`` words with another (a templated
    refrain repeated through the document)?"""
    return any(
        o.start != sentence.start and shared_run(o.text, sentence.text, POLICY.refrain_words)
        for o in others
    )


def _summarisable(sentence: Sentence) -> bool:
    """Prose of some length that states rather than asks."""
    return (
        not sentence.heading
        and len(sentence.text.split()) >= 5
        and not _QUESTION.search(sentence.text)
    )


# Headings of a section that sums the document up.
_SUMMARY_HEADING = re.compile(
    r"^\W*(?:executive summary|summary|overview|abstract|key points|main points|highlights|"
    r"at a glance|in brief|tl;?dr|synopsis|key findings|key messages)\W*$",
    re.IGNORECASE,
)


def _summary_section(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The prose of a section headed as a summary ("## Executive summary"), if any."""
    for heading in sentences:
        if heading.heading and _SUMMARY_HEADING.match(heading_text(heading.text)):
            return _section_body(sentences, heading)
    return []


def _section_body(sentences: Sequence[Sentence], heading: Sentence) -> list[Sentence]:
    """The prose under ``heading`` up to the next heading of the same or a higher level."""
    level = _level(heading.text) or 1
    body = []
    for sentence in sentences[heading.position + 1 :]:
        if sentence.heading and 0 < _level(sentence.text) <= level:
            break
        if _summarisable(sentence):
            body.append(sentence)
    return body


def _level(text: str) -> int:
    """A Markdown heading's level (1 for "#"); 0 for any other text."""
    match = re.match(r"^\s*(#{1,6})\s", text)
    return len(match.group(1)) if match else 0


def _in_context(heading: Sentence, documents: Mapping[str, Sequence[Sentence]]) -> str:
    """A heading as the cross-encoder rates it: with the first sentence of prose under it
    ("Mains power and batteries: Use only the 5 V mains adapter …"). Alone, a heading of two
    words is too short for it to rate ("General safety" rated far above "Mains power and
    batteries" for "batteries")."""
    after = next(
        (s for s in documents[heading.source] if s.start > heading.start and not s.heading),
        None,
    )
    text = heading_text(heading.text)
    return f"{text}: {fold(after.text)}" if after is not None else text


def _unit(vector: Sequence[float]) -> NDArray[np.float64]:
    array = np.asarray(vector, dtype=np.float64)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array
