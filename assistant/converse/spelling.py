"""Misspelt words of a question, mended to words the documents use: "Why was the apeal target
raised?" is read as "… appeal target …", "How much mony has the appeal brought in?" as
"… money …". A misspelling the documents never contain finds no passage by its words, and the
models read it as noise; mended, the question is answered like the one its asker meant.

Only what is surely a slip is mended, and only into something the documents say:

- a word of at least ``POLICY.spelling_letters`` lower-case letters standing alone (a
  capitalised word is a name, or may be one: "Fenaway" is never turned into another place;
  nor are codes, numbers, contractions however their apostrophe is typed — "shouldn't",
  "shouldn`t" — or parts of an address or a path: "www.ferri.net", "/usr/lcoal");
- that is neither an English word (the word list of ``pyspellchecker``, a maintained
  MIT-licensed package of English word frequencies: "marla" and "convener" stay) nor a word
  of the documents, in any case ("hobb" for "Hobb Tallis" stays, "childrens" where they say
  "childrens");
- into the one English word one edit away (a letter added, dropped, changed, or two swapped)
  that the documents use in lower case — a common word of theirs, never a name ("jordon" does
  not become their "Jordan", nor "kelvan" their "Kelvin") — and only when there is exactly
  one such word ("mony" may be "money" or "many", "enginer" "engineer" or "engine": kept).
  When the documents hold the typed word's stem (the Snowball stemmer's "perman" for
  "permanant"), only a word of that stem may replace it;
- at most ``POLICY.spelling_words`` words of a question: one of many unknown words is no slip
  (a question in another language, a list of codes), and each costs a look-up.

Nothing is mended when no such word exists, and the rest of the question is kept as typed.
Misspellings two edits away are left: finding them costs pyspellchecker most of a second a
word. A slip one edit from another word of the documents becomes that word ("catle" for
"castle" where they speak only of cattle): the answer is then about what they say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from functools import cached_property
from typing import Any, Protocol

from assistant.index.lexical import tokenize
from assistant.policy import POLICY
from assistant.protocols import StemCounts


class Vocabulary(Protocol):
    """The documents' words: in how many chunks each word's stem occurs, and whether they use
    a word as it is."""

    def uses(self, word: str, *, lower_case: bool) -> bool:
        """Do the documents hold ``word`` as a whole word (only as written, in lower case,
        when ``lower_case``; else in any case)?"""
        ...

    def stem(self, word: str) -> str:
        """The form under which the documents' words are counted ("" for a stop word)."""
        ...

    def frequencies(self, words: Sequence[str]) -> Mapping[str, int]:
        """For each of ``words`` found in the documents (by its stem), how many chunks hold
        it; words not found are left out."""
        ...


class WordList(Protocol):
    """A language's word list: which words it knows, and the known words an edit or two
    away from a word."""

    def known(self, words: Collection[str]) -> set[str]: ...

    def near(self, word: str) -> set[str]:
        """The known words one edit (a letter added, dropped, changed, or two swapped) away
        from ``word``."""
        ...


# A lower-case word standing alone: not part of a contraction ("shouldn't", "shouldn`t"), a
# code ("e03"), an address or a path ("www.ferri.net", "/usr/lcoal"); a full stop may end it.
_JOINERS = r"\w'’‘`´\-"
_WORD = re.compile(rf"(?<![{_JOINERS}./@:\\])[a-z]+(?![{_JOINERS}])(?![./@:\\]\w)")


class Mender:
    """Mends a question's misspelt words (see the module's words)."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        words: WordList,
        *,
        min_letters: int = POLICY.spelling_letters,
        max_words: int = POLICY.spelling_words,
    ) -> None:
        self.vocabulary = vocabulary
        self.words = words
        self.min_letters = min_letters
        self.max_words = max_words

    def mend(self, question: str) -> str:
        """``question`` with each surely misspelt word replaced (see the module's words)."""
        slips = [m for m in _WORD.finditer(question) if len(m.group()) >= self.min_letters]
        if not slips:
            return question
        typed = list(dict.fromkeys(m.group() for m in slips))
        english = self.words.known(typed)
        unknown = [w for w in typed if w not in english][: self.max_words]
        mended = {w: m for w in unknown if (m := self._meant(w)) is not None}
        if not mended:
            return question
        return _WORD.sub(lambda m: mended.get(m.group(), m.group()), question)

    def _meant(self, word: str) -> str | None:
        """The word of the documents that ``word`` surely misspells, if one is."""
        vocabulary = self.vocabulary
        own = vocabulary.stem(word) if vocabulary.frequencies([word]) else None
        if own is not None and vocabulary.uses(word, lower_case=False):
            return None  # a word of the documents ("Hobb", "childrens")
        near = sorted(self.words.near(word))
        chunks = vocabulary.frequencies(near)
        used = [
            w for w in near
            if chunks.get(w) and own in (None, vocabulary.stem(w))
            and vocabulary.uses(w, lower_case=True)
        ]  # fmt: skip
        # None, or several it may stand for ("mony": money or many?).
        return used[0] if len(used) == 1 else None


class EnglishWords:
    """``WordList`` over ``pyspellchecker``'s English word frequencies (read on first use)."""

    @cached_property
    def _checker(self) -> Any:
        from spellchecker import SpellChecker

        return SpellChecker(language="en", distance=1)

    def known(self, words: Collection[str]) -> set[str]:
        return set(self._checker.known(words))

    def near(self, word: str) -> set[str]:
        checker = self._checker
        return set(checker.known(checker.edit_distance_1(word))) - {word}


class StemVocabulary:
    """``Vocabulary`` over a lexical index's stems: ``counts(stems)`` says in how many chunks
    each stem occurs (``ChunkStore.stem_counts``), ``texts(word)`` gives the texts of the
    chunks that best match a word (whether they use it as it is). A stop word has no stem
    there: it counts as not in the documents."""

    def __init__(
        self,
        counts: Callable[[Sequence[str]], Mapping[str, int]],
        texts: Callable[[str], Sequence[str]],
    ) -> None:
        self.counts = counts
        self.texts = texts

    def uses(self, word: str, *, lower_case: bool) -> bool:
        flags = re.NOFLAG if lower_case else re.IGNORECASE
        pattern = re.compile(rf"\b{re.escape(word)}\b", flags)
        return any(pattern.search(text) for text in self.texts(word))

    def stem(self, word: str) -> str:
        return next(iter(tokenize(word)), "")

    def frequencies(self, words: Sequence[str]) -> Mapping[str, int]:
        stems = {w: stem for w in words if (stem := self.stem(w))}
        found = self.counts(sorted(set(stems.values())))
        return {w: found[s] for w, s in stems.items() if found.get(s)}


def mender_of(
    store: object, words: WordList, *, reach: int = POLICY.spelling_reach
) -> Mender | None:
    """A mender into the words of ``store`` (None when it keeps no vocabulary); whether the
    documents use a word as it is is read in the ``reach`` chunks that best match it."""
    if not isinstance(store, StemCounts):
        return None

    def texts(word: str) -> list[str]:
        hits = store.bm25_search(word, reach)
        return [c.text for c in store.get([h.chunk_id for h in hits]).values()]

    return Mender(StemVocabulary(store.stem_counts, texts), words)
