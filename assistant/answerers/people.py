"""Profiles and statements: "Who is Dorothy Shea?", "Tell me about Tidewell Relief.", "What
did the US say about China?" — every sentence about the subject, or every sentence in which
the subject says or does something, ranked by the cross-encoder against the question and
quoted in document order; the role the documents give a person in bold ("**Ambassador** —
Ambassador Dorothy Shea accused Moscow …").

Refusals are precise: a name the documents never use is "not mentioned"; a subject that is
mentioned but says nothing on what is asked is said to be mentioned, and where. A subject that
is a description rather than a name ("the two leaders") is left to the look-up.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer.citations import with_marker
from assistant.answer.reader import Draft
from assistant.answerers.compose import Composed, Request
from assistant.answerers.library import Library
from assistant.answerers.mentions import Found, MentionFinder, Subject
from assistant.answerers.quoting import cite, passages
from assistant.answerers.scope import named_document, titles
from assistant.converse.coref import substitute_personal
from assistant.documents.chunking import fold
from assistant.index.centrality import tfidf
from assistant.language.lexicon import (
    ATTRIBUTING_NOUNS,
    HONORIFICS,
    PLURAL_POSSESSIVES,
    POSSESSIVE_DETERMINERS,
    POSSESSIVES,
    PRONOUN_SUBJECTS,
    REPORTING,
    SAID_OR_DONE,
    SAYING,
    alternation,
)
from assistant.protocols import Parser, Reranker
from assistant.types import Citation, ShortAnswer, Span

# Documents read for their titles to find the one on a profile's subject (``titles`` reads
# none beyond 200).
_MAX_TITLED = 200
_PRONOUN_SUBJECT = re.compile(rf"^(?:{PRONOUN_SUBJECTS})$", re.IGNORECASE)
# Words before a name that make it the source of what follows ("According to the U.S., …",
# "strong criticism from the U.S.").
_ATTRIBUTED = re.compile(
    rf"(?:\baccording to|\b(?:{ATTRIBUTING_NOUNS})s? (?:from|by|of))\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(alternation(POSSESSIVES + PLURAL_POSSESSIVES), re.IGNORECASE)
_REPORTING = re.compile(REPORTING, re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PeoplePolicy:
    """The profile's and the statements' numbers (chosen on the suite's dev halves)."""

    max_sentences: int = 5
    max_chars: int = 900
    # Statements on a topic: the cross-encoder score the best must reach, and how far under
    # it another may score.
    floor: float = -2.0
    margin: float = 6.0
    # Added to the score of the sentence that first names a profile's subject; taken off one
    # that refers to the subject only by "his"/"her".
    introduction_bonus: float = 2.0
    possessive_penalty: float = 2.0
    # A sentence whose TF-IDF cosine to a chosen one reaches this says it again.
    repeat: float = 0.5


class _Answerer:
    def __init__(
        self,
        library: Library,
        finder: MentionFinder,
        reranker: Reranker,
        parser: Parser,
        policy: PeoplePolicy | None = None,
    ) -> None:
        self.library = library
        self.finder = finder
        self.reranker = reranker
        self.parser = parser
        self.policy = policy or PeoplePolicy()
        self._titles: dict[str, str] = {}

    def _subject(self, request: Request) -> Subject | None:
        asked = request.reading.subject.strip()
        if not asked or _PRONOUN_SUBJECT.match(asked):
            return None  # a pronoun the conversation did not resolve: the look-up reads it
        subject = self.finder.subject(asked)
        if not subject.named:  # a description: the person it stands for, when one does
            return self.finder.resolve(asked) or subject
        return subject

    def _scored(self, question: str, found: Sequence[Found], subject: Subject) -> list[float]:
        """The cross-encoder's score of each sentence for ``question``, read in its document:
        after the document's title (which often holds the year or the place a sentence
        leaves out), its he/she replaced by the subject's name."""
        titles = {f.sentence.source: self._title(f.sentence.source) for f in found}
        texts = [
            titles[f.sentence.source]
            + (
                substitute_personal(fold(f.sentence.text), subject.asked)
                if f.how == "pronoun"
                else fold(f.sentence.text)
            )
            for f in found
        ]
        return self.reranker.score(question, texts) if texts else []

    def _title(self, source: str) -> str:
        """ "<title>: " — the document's first line when it is a heading — or ""."""
        if source not in self._titles:
            first = next(iter(self.library.sentences(source)), None)
            heading = first is not None and first.heading and first.position == 0
            self._titles[source] = f"{fold(first.text).lstrip('# ')}: " if heading and first else ""
        return self._titles[source]

    def _budget(
        self, ranked: Sequence[tuple[float, Found]], *, first: str | None = None
    ) -> list[Found]:
        """The best-ranked sentences that fit the budget, none saying again what a better
        one says (TF-IDF cosine of ``repeat`` or more: "Sollen was born in Kelsing in 1841"
        after "Sollen was born in Kelsing on 9 April 1841"), in document order (``first``'s
        sentences first). A heading ("# Marit Sollen") is quoted only when nothing else
        names the subject."""
        ranked = [(s, f) for s, f in ranked if not f.sentence.heading] or list(ranked)
        vectors = tfidf([fold(item.sentence.text) for _, item in ranked])
        chosen: list[int] = []
        length = 0
        for i, (_, item) in enumerate(ranked):
            if len(chosen) >= self.policy.max_sentences:
                break
            if chosen and length + len(item.sentence.text) > self.policy.max_chars:
                continue
            if chosen and float(np.max(vectors[chosen] @ vectors[i])) >= self.policy.repeat:
                continue
            chosen.append(i)
            length += len(item.sentence.text)
        return sorted(
            (ranked[i][1] for i in chosen),
            key=lambda f: (f.sentence.source != first, f.sentence.source, f.sentence.position),
        )

    def _compose(
        self, chosen: Sequence[Found], *, lead: str = "", abstained: bool = False,
        short: tuple[Found, str, int, int] | None = None, layout: str = "prose",
        ranked: Sequence[tuple[float, Found]] = (),
    ) -> Composed:  # fmt: skip
        chunks = self.library.chunks([f.sentence.chunk for f in chosen])
        score_of = {id(f): score for score, f in ranked}
        scores = [score_of.get(id(f), 0.0) for f in chosen]
        citations = cite([f.sentence for f in chosen], chunks, scores)
        text = " ".join(with_marker(fold(c.quote), c.marker) for c in citations)
        answer = None
        if short is not None and not abstained:
            answer = _short(short, chosen, citations)
        return Composed(
            Draft(text, citations, abstained=abstained, short=answer),
            passages(citations, chunks),
            lead=lead,
            layout="list" if layout == "list" else "prose",
        )

    def _not_mentioned(self, subject: Subject) -> Composed:
        return Composed(
            Draft("", (), abstained=True), lead=f"The documents do not mention {subject.asked}."
        )


def _short(
    role: tuple[Found, str, int, int], chosen: Sequence[Found], citations: Sequence[Citation]
) -> ShortAnswer | None:
    found, text, start, end = role
    for item, citation in zip(chosen, citations, strict=True):
        if item.sentence.start == found.sentence.start and item.sentence.source == (
            found.sentence.source
        ):
            offset = found.sentence.start
            return ShortAnswer(text, citation.marker, offset + start, offset + end, "role", "role")
    return None


class ProfileAnswerer(_Answerer):
    """ "Who is X?", "What is X?", "Tell me about X": the sentences about X the cross-encoder
    ranks best for the question (the one giving X's role among them), in document order, the
    role in bold."""

    def answer(self, request: Request) -> Composed | None:
        subject = self._subject(request)
        if subject is None:
            return None
        found = self.finder.find(subject)
        if not found:
            return self._not_mentioned(subject) if subject.named else None
        scores = self._scored(request.resolved or request.question, found, subject)
        # The sentence that first names the subject introduces it: it counts for more; one
        # that only names something of theirs ("Her father, …") counts for less.
        first = next((i for i, f in enumerate(found) if f.how != "pronoun"), 0)
        scores[first] += self.policy.introduction_bonus
        for i, item in enumerate(found):
            if item.how == "pronoun" and _POSSESSIVE.fullmatch(item.sentence.text[
                item.span.start : item.span.end
            ]):  # fmt: skip
                scores[i] -= self.policy.possessive_penalty
        ranked = sorted(zip(scores, found, strict=True), key=lambda p: -p[0])
        article = self._article(subject)
        if article:
            # The document on the subject opens with who or what it is: that comes first, and
            # the role it gives.
            places = {(f.sentence.source, f.sentence.start) for f in article}
            top = max(score for score, _ in ranked)
            ranked = [
                *((top + len(article) - i, f) for i, f in enumerate(article)),
                *((s, f) for s, f in ranked if (f.sentence.source, f.sentence.start) not in places),
            ]
            home = article[0].sentence.source
            found = sorted(found, key=lambda f: f.sentence.source != home)
        role = self._role(found)
        chosen = self._budget(ranked, first=article[0].sentence.source if article else None)
        if role is not None and role[0].sentence not in [f.sentence for f in chosen]:
            chosen = sorted(
                [*chosen[: self.policy.max_sentences - 1], role[0]],
                key=lambda f: (f.sentence.source, f.sentence.position),
            )
        return self._compose(chosen, short=role, ranked=ranked)

    def _article(self, subject: Subject) -> list[Found]:
        """The opening paragraph of the document on the subject — the one whose name or title
        is the subject's name ("marit-sollen.md", "# Marit Sollen") — among several; [] when
        there is none."""
        sources = self.library.sources()
        if not subject.named or len(sources) < 2 or len(sources) > _MAX_TITLED:
            return []
        source = named_document(
            subject.asked, sources, titles(self.library, sources), exact_only=True
        )
        if source is None:
            return []
        prose = [s for s in self.library.sentences(source) if not s.heading and not s.item]
        if not prose or not any(
            form.lower() in prose[0].text.lower() for form in subject.forms
        ):  # its opening is a table, a list, or not on the subject: no opening to quote
            return []
        opening = [s for s in prose if s.paragraph == prose[0].paragraph]
        return [Found(s, Span(0, 0), "article") for s in opening]

    def _role(self, found: Sequence[Found]) -> tuple[Found, str, int, int] | None:
        """The role the documents give the subject: from the first sentence (in document
        order) that names it and gives one."""
        for item in found:
            if item.how == "pronoun":
                continue
            role = self.parser.analyse(item.sentence.text).role_of(item.span)
            if role is not None:
                # "our Chief Operating Officer": the role, without whose it is.
                start = role.start + _whose_length(item.sentence.text[role.start : role.end])
                text = item.sentence.text[start : role.end]
                if not text or all(w.lower() in HONORIFICS for w in text.split()):
                    continue  # "Dr", "Prof Sir": a form of address, not a role
                return item, fold(text), start, role.end
        return None


_WHOSE = re.compile(rf"(?:{POSSESSIVE_DETERMINERS})\s+", re.IGNORECASE)


def _whose_length(role: str) -> int:
    """How long the possessive that opens a role is ("our " of "our Chief Operating
    Officer"); 0 when none does."""
    match = _WHOSE.match(role)
    return match.end() if match else 0


class StatementsAnswerer(_Answerer):
    """ "What did X say (about Y)?", "How did X respond?": the sentences in which X (by name,
    another name, or "he"/"she" right after) is the subject, or the source ("according to
    X"), ranked by the cross-encoder against the question; on a topic, or for a particular
    verb, only those within ``margin`` of the best and above ``floor``."""

    def answer(self, request: Request) -> Composed | None:
        subject = self._subject(request)
        if subject is None:
            return None
        members = _members(subject, self.finder)
        # Every place the subject (any of its members) is named in a sentence: the subject
        # acts in the sentence when it does at any of them.
        places: dict[tuple[str, int], list[Found]] = {}
        for member in members:
            for item in self.finder.find(member):
                places.setdefault((item.sentence.source, item.sentence.start), []).append(item)
        found = sorted(
            (items[0] for items in places.values()),
            key=lambda f: (f.sentence.source, f.sentence.position),
        )
        if not found:
            return self._not_mentioned(subject) if subject.named else None
        question = request.resolved or request.question
        reading = request.reading
        focused = bool(reading.topic) or reading.verb not in SAID_OR_DONE
        # Anything the subject said or did: the sentences where it is the one acting. One
        # act, or a topic: any sentence about the subject that is about that.
        saying = reading.verb in SAYING

        def acts(item: Found) -> bool:
            places_of = places[(item.sentence.source, item.sentence.start)]
            return any(self._speaks(p, saying=saying) for p in places_of)

        said = [f for f in found if acts(f)]
        kept: list[tuple[float, Found]] = []
        if said:
            scores = self._scored(question, said, subject)
            ranked = sorted(zip(scores, said, strict=True), key=lambda p: -p[0])
            if focused:
                # On a topic (or for one kind of act), what the sentences say must be about it:
                # scored against the topic (or the question) without the subject's name.
                focus = self._focus(reading.topic) if reading.topic else question
                on = dict(
                    zip((id(f) for f in said), self._scored(focus, said, subject), strict=True)
                )
                best = max(on.values())
                names = self._topic_names(reading.topic)
                kept = [
                    (s, f) for s, f in ranked
                    if (on[id(f)] >= self.policy.floor and on[id(f)] >= best - self.policy.margin)
                    or (names is not None and names.search(f.sentence.text))
                ]  # fmt: skip
            else:
                kept = ranked
        if not kept:
            if not subject.named:
                return None  # a description: the look-up reads the question as asked
            about = f" about {reading.topic}" if reading.topic else ""
            lead = (
                f"The documents mention {subject.asked} but report nothing they said or did"
                f"{about}. They mention {subject.asked} here:"
            )
            return self._compose(found[:2], lead=lead, abstained=True)
        return self._compose(self._budget(kept), layout="list", ranked=kept)

    def _topic_names(self, topic: str) -> re.Pattern[str] | None:
        """A topic that is a country, by any of its names ("Washington" for the United
        States): a sentence naming it is on the topic, however the cross-encoder rates it;
        None for any other topic."""
        country = self.finder.gazetteer.country(topic) if topic else None
        if country is None:
            return None
        forms = sorted(country.forms | country.capitals, key=len, reverse=True)
        return re.compile(rf"(?<![\w.])(?:{'|'.join(map(re.escape, forms))})(?!\w)")

    def _focus(self, topic: str) -> str:
        """A topic as the cross-encoder reads it: a country with its other names ("the United
        States (U.S., Washington)") — the documents may use any of them."""
        country = self.finder.gazetteer.country(topic)
        if country is None:
            return topic
        others = sorted(country.names | country.capitals, key=len)[:4]
        return f"{topic} ({', '.join(others)})"

    def _speaks(self, item: Found, *, saying: bool) -> bool:
        """Is the subject the one saying (``saying``) or doing what the sentence reports?"""
        before = item.sentence.text[: item.span.start]
        if _ATTRIBUTED.search(before):
            return True
        if saying and not _REPORTING.search(item.sentence.text):
            return False  # it acts, but says nothing
        if item.how == "pronoun" and _POSSESSIVE.fullmatch(
            item.sentence.text[item.span.start : item.span.end]
        ):
            return False  # "Her father built …": someone of theirs acts, not they
        return self.parser.analyse(item.sentence.text).is_subject(item.span)


def _members(subject: Subject, finder: MentionFinder) -> list[Subject]:
    """A subject of several names ("Putin and Xi") as each of them, and as a whole (whom
    "they" refers back to)."""
    parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", subject.asked) if p.strip()]
    if len(parts) < 2:
        return [subject]
    return [replace(subject, group=True), *(finder.subject(p) for p in parts)]
