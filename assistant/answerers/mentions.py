"""Where the documents speak of someone or something: the sentences that name the subject of
a profile or statements question — by its name, a shorter form of it, another name for the
same country — and the sentences right after those that refer back to a person by "he" or
"she".

Forms of a subject, most to least sure:
- the name as asked ("Dorothy Shea", "Tidewell Relief");
- a country's other names, capital and demonym, from the gazetteer ("US" → "U.S.",
  "United States", "Washington", "American");
- a person's surname alone ("Shea"), but only in a document that names the person in full and
  names no other person of that surname;
- a title and a surname as asked ("Colonel Fenwick") settle which person of a surname is
  meant: the one the documents give that title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from assistant.answerers.library import Library
from assistant.index.sentences import Sentence
from assistant.language.gazetteer import Gazetteer
from assistant.language.lexicon import (
    GROUP_DESCRIPTIONS,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    STOPWORDS,
    TITLES,
    alternation,
)
from assistant.language.names import bare, person_words
from assistant.policy import POLICY
from assistant.protocols import Parser
from assistant.types import Span

_ASKS = re.compile(r"\?\s*[\"”’)]?\s*$|^\s*Q\s*[:.]", re.IGNORECASE)
_PERSONAL = re.compile(rf"\b(?:{alternation(PERSONAL_PRONOUNS)})\b", re.IGNORECASE)
_THEY = re.compile(rf"\b(?:{alternation(PLURAL_PRONOUNS)})\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"^[A-Z0-9]")
# A description of several people that opens a paragraph ("Both leaders", "The two men").
_BOTH = re.compile(rf"^(?:{GROUP_DESCRIPTIONS})\s+[a-z]+s\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){1,4}[A-Z]?\.?$|^[A-Z]{2,6}$")
# The most sentences read for one subject (``Policy.max_mentions``).
MAX_SENTENCES = POLICY.max_mentions


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom or what a question asks about: as asked, and the forms the documents may use."""

    asked: str
    forms: tuple[str, ...]
    # Does it read as a proper name (its words capitalised)? Only a name can be "not
    # mentioned"; a description ("the two leaders") is left to the look-up.
    named: bool
    person: bool
    # Several named together ("Putin and Xi"): "they" refers back to them.
    group: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    """A sentence about the subject: where in it the subject is named (or referred to), and
    how ("name", "alias", "surname", "pronoun")."""

    sentence: Sentence
    span: Span  # offsets inside ``sentence.text``
    how: str


def _is_named(text: str) -> bool:
    words = [w for w in re.findall(r"[\w.'’-]+", text) if w.lower() not in {"the", "of", "and"}]
    return bool(words) and all(_CAPITALISED.match(w) for w in words)


class MentionFinder:
    """See the module's words."""

    def __init__(self, library: Library, gazetteer: Gazetteer, parser: Parser) -> None:
        self.library = library
        self.gazetteer = gazetteer
        self.parser = parser

    def subject(self, asked: str) -> Subject:
        text = bare(asked)
        country = self.gazetteer.country(text)
        if country is not None:
            dotted = {".".join(f) + "." for f in country.forms if re.fullmatch(r"[A-Z]{2,4}", f)}
            forms = sorted(country.forms | dotted | {text}, key=len, reverse=True)
            return Subject(text, tuple(forms), named=True, person=False)
        words = person_words(text)
        titled = len(words) < len(text.split())
        return Subject(
            text,
            (text,),
            named=_is_named(text),
            person=bool(words) and (len(words) >= 2 or titled) and _is_named(text),
        )

    def resolve(self, description: str) -> Subject | None:
        """The person a description stands for ("the medical director", "the dam's
        engineer"): the one name the documents give a role holding all its content words
        ("Dr Ann Lee, Medical Director", "Chief Engineer at Garrow Dam Marcus Brannigan");
        None when no name or several do."""
        words = _content(description)
        if not words or len(words) > 4:
            return None
        stems = {w[:5] for w in words}
        names: dict[str, int] = {}
        for sentence in self.library.containing(" ".join(words), limit=60, phrase=False):
            analysis = self.parser.analyse(sentence.text)
            for name, role in analysis.roles:
                if stems <= _role_words(sentence.text[role.start : role.end], description):
                    found = bare(sentence.text[name.start : name.end])
                    names[found] = names.get(found, 0) + 1
        people = {n for n in names if person_words(n)}
        if len(people) != 1:
            return None
        return self.subject(next(iter(people)))

    def find(self, subject: Subject) -> list[Found]:
        """The sentences about ``subject``, in document order (at most ``MAX_SENTENCES``)."""
        found: dict[tuple[str, int], Found] = {}
        for form in subject.forms:
            how = "name" if form == subject.asked else "alias"
            for sentence, span in self._containing(form):
                found.setdefault((sentence.source, sentence.start), Found(sentence, span, how))
        if not subject.person and len(_content(subject.asked)) >= 2:
            # A thing named in other words ("the parade" after "Victory Day celebrations"):
            # a sentence holding every content word of its name.
            for sentence, span in self._holding(subject.asked):
                found.setdefault((sentence.source, sentence.start), Found(sentence, span, "words"))
        if subject.person:
            for item in self._by_surname(subject, found.values()):
                found.setdefault((item.sentence.source, item.sentence.start), item)
        named = sorted(found.values(), key=lambda f: (f.sentence.source, f.sentence.position))
        if subject.person or subject.group:
            named = self._with_pronouns(named, _THEY if subject.group else _PERSONAL)
        return named[:MAX_SENTENCES]

    def _containing(self, form: str) -> Iterable[tuple[Sentence, Span]]:
        """Sentences holding ``form`` as whole words (an abbreviation in capitals only)."""
        pattern = re.compile(
            rf"(?<![\w.]){re.escape(form)}(?!\w)",
            0 if _ABBREVIATION.match(form) else re.IGNORECASE,
        )
        for sentence in self.library.containing(form, limit=MAX_SENTENCES):
            if _ASKS.search(sentence.text):
                continue  # a question ("Q: Who is …?") says nothing of the subject
            match = pattern.search(sentence.text)
            if match is not None:
                yield sentence, Span(match.start(), match.end())

    def _holding(self, name: str) -> Iterable[tuple[Sentence, Span]]:
        """Sentences holding every content word of ``name`` (the span: its first one)."""
        words = _content(name)
        for sentence in self.library.containing(" ".join(words), limit=MAX_SENTENCES, phrase=False):
            lower = sentence.text.lower()
            at = [lower.find(w) for w in words]
            if all(a >= 0 for a in at):
                first = min(at)
                yield sentence, Span(first, first + len(words[at.index(first)]))

    def _by_surname(self, subject: Subject, named: Iterable[Found]) -> list[Found]:
        """Sentences naming the person by surname or first name (or title and surname)
        alone, in the documents that name them in full and name nobody else of that
        name."""
        words = person_words(subject.forms[0])
        parts = bare(subject.forms[0]).split()
        surname = parts[-1]
        title = next((w for w in bare(subject.forms[0]).lower().split() if w in TITLES), None)
        full = {f.sentence.source for f in named if f.how == "name"} if len(words) >= 2 else set()
        out = self._short_form(surname, words, full, title, last=True)
        if len(words) >= 2 and parts[0].lower() not in TITLES:
            out += self._short_form(parts[0], words, full, None, last=False)
        return out

    def _short_form(
        self, form: str, words: Sequence[str], full: set[str], title: str | None, *, last: bool
    ) -> list[Found]:
        out = []
        others = self._namesakes(form, words, last=last)
        for sentence, span in self._containing(form):
            source = sentence.source
            if len(words) >= 2 and (source not in full or source in others):
                continue
            if not last and not _stands_alone(sentence.text, span):
                continue  # "Edda Marrow" is the full name, not "Edda" alone
            if len(words) < 2 and title is not None:
                # "Colonel Fenwick": the title stands before the surname, a first name
                # perhaps between ("Colonel Oliver Fenwick").
                before = [w.lower().rstrip(".,") for w in sentence.text[: span.start].split()[-3:]]
                if title not in before:
                    continue
            out.append(Found(sentence, span, "surname" if last else "first name"))
        return out

    def _namesakes(self, form: str, words: Sequence[str], *, last: bool) -> set[str]:
        """Documents that name another person of the same surname (first name)."""
        out = set()
        name = re.escape(form)
        pattern = rf"\b([A-Z][\w'’-]+)\s+{name}\b" if last else rf"\b{name}\s+([A-Z][\w'’-]+)\b"
        other = words[0] if last else words[-1]
        for sentence, _ in self._containing(form):
            for match in re.finditer(pattern, sentence.text):
                word = match.group(1).lower()
                if word not in TITLES and len(words) >= 2 and word != other:
                    out.add(sentence.source)
        return out

    def _with_pronouns(self, named: list[Found], pronouns: re.Pattern[str]) -> list[Found]:
        """Add each sentence right after one where the subject is the grammatical subject (or
        the only name), in its paragraph, that refers back to it with he/she (they, for
        several) and names no other person before the pronoun — and so on while sentences
        keep doing so (what a stretch of text is about is what its pronouns take up, Grosz
        et al. 1995)."""
        out: dict[tuple[str, int], Found] = {
            (f.sentence.source, f.sentence.start): f for f in named
        }
        by_source: dict[str, list[Sentence]] = {}
        for item in named:
            analysis = self.parser.analyse(item.sentence.text)
            if item.how == "words" or not (
                analysis.is_subject(item.span) or analysis.only_name(item.span)
            ):
                continue  # "he"/"she" next is more likely someone else
            sentences = by_source.get(item.sentence.source)
            if sentences is None:
                sentences = by_source[item.sentence.source] = self.library.sentences(
                    item.sentence.source
                )
            _chain(sentences, item.sentence.position + 1, pronouns, out)
        if pronouns is _THEY:
            self._described(named, pronouns, out)
        return sorted(out.values(), key=lambda f: (f.sentence.source, f.sentence.position))

    def _described(
        self, named: list[Found], pronouns: re.Pattern[str], out: dict[tuple[str, int], Found]
    ) -> None:
        """Several people named in a paragraph go on in the next when it opens with a
        description of them ("Both leaders …", "The two presidents …"), and in its "they"
        after that."""
        places = {(f.sentence.source, f.sentence.paragraph) for f in named}
        for source in sorted({source for source, _ in places}):
            sentences = self.library.sentences(source)
            for before, sentence in pairwise(sentences):
                opening = _BOTH.match(sentence.text)
                if (
                    opening is None
                    or sentence.paragraph == before.paragraph
                    or (source, before.paragraph) not in places
                ):
                    continue
                key = (source, sentence.start)
                out.setdefault(key, Found(sentence, Span(0, opening.end()), "pronoun"))
                _chain(sentences, sentence.position + 1, pronouns, out)


def _chain(
    sentences: list[Sentence],
    position: int,
    pronouns: re.Pattern[str],
    out: dict[tuple[str, int], Found],
) -> None:
    """From ``position`` on, within the paragraph of the sentence before it, the sentences
    that refer back with one of ``pronouns`` and name no other person before it."""
    if position <= 0 or position >= len(sentences):
        return
    paragraph = sentences[position - 1].paragraph
    while position < len(sentences):
        following = sentences[position]
        if following.paragraph != paragraph:
            break
        match = pronouns.search(following.text)
        if match is None or _names_someone_before(following.text, match.start()):
            break
        key = (following.source, following.start)
        if key not in out:
            out[key] = Found(following, Span(match.start(), match.end()), "pronoun")
        position += 1


def _stands_alone(text: str, span: Span) -> bool:
    """Is the word at ``span`` not followed by another capitalised word (a surname)?"""
    after = text[span.end :].split()
    return not after or not after[0][:1].isupper()


def _content(name: str) -> list[str]:
    """The content words of a name, lower case, a possessive's "s" left out ("the Victory
    Day parade" → victory, day, parade; "the dam's engineer" → dam, engineer)."""
    words = re.findall(r"\w+", _POSSESSIVE_S.sub("", name.lower()))
    return [w for w in words if w not in STOPWORDS]


# The "'s" of a possessive ("the dam's", "the Earl’s").
_POSSESSIVE_S = re.compile(r"(?<=\w)['’]s\b")


def _role_words(role: str, description: str = "") -> set[str]:
    """The words that say what a role is (their first five letters), not whose it is — "the
    Earl's only daughter" is a daughter, no earl — unless the description says whose too
    ("the Earl's daughter")."""
    role = role.lower()
    whose = {m.group(1) for m in _POSSESSOR.finditer(description.lower())}
    kept = _POSSESSOR.sub(lambda m: m.group(1) if m.group(1) in whose else "", role)
    return {w[:5] for w in re.findall(r"\w+", kept)}


# A possessor and its "'s" ("Earl's", "the company’s").
_POSSESSOR = re.compile(r"(\w+)['’]s\b")


def _names_someone_before(text: str, at: int) -> bool:
    """Does a capitalised name (not the sentence's first word) stand before ``at``?"""
    words = text[:at].split()[1:]
    return any(w[:1].isupper() and w.lower() not in TITLES for w in words)
