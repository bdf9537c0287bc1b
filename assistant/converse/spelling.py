"""Misspelt words of a question, mended to words the documents use: "Why was the apeal target
raised?" is read as "… appeal target …", "How much mony has the appeal brought in?" as
"… money …". A misspelling the documents never contain finds no passage by its words, and the
models read it as noise; mended, the question is answered like the one its asker meant.

Only what is surely a slip is mended, and only into something the documents say:

- a word of at least ``min_letters`` lower-case letters (a capitalised word is a name, or may
  be one: "Fenaway" is never turned into another place; nor are codes, numbers or
  contractions: "shouldn't");
- that is neither in the documents (by its stem, as the lexical index holds it) nor an
  English word (the word list of ``pyspellchecker``, a maintained MIT-licensed package of
  English word frequencies: "marla" and "convener" stay);
- into the English word one edit away (a letter added, dropped, changed, or two swapped) that
  the documents contain — when they hold the typed word's own stem (a name of theirs, or the
  Snowball stemmer's "perman" for "permanant"), only a word of that stem — and only when all
  such words are one (one stem: "mony" may be "money" or "many" and stays).

Nothing is mended when no such word exists, and the rest of the question is kept as typed.
Misspellings two edits away are left: finding them costs pyspellchecker most of a second a
word, and a name the question gives in lower case ("dulcross") would pay it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from assistant.index.lexical import tokenize
from assistant.protocols import StemCounts


class Vocabulary(Protocol):
    """The documents' words: in how many chunks each word's stem occurs."""

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

    def frequency(self, word: str) -> float:
        """How common ``word`` is in the language (0 when unknown)."""
        ...


@dataclass(frozen=True, slots=True)
class SpellingPolicy:
    """Which words are mended (see the module's words)."""

    min_letters: int = 4


# A lower-case word standing alone: not part of a contraction ("shouldn't") or a code ("e03").
_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")


class Mender:
    """Mends a question's misspelt words (see the module's words)."""

    def __init__(
        self, vocabulary: Vocabulary, words: WordList, policy: SpellingPolicy | None = None
    ) -> None:
        self.vocabulary = vocabulary
        self.words = words
        self.policy = policy or SpellingPolicy()

    def mend(self, question: str) -> str:
        """``question`` with each surely misspelt word replaced (see the module's words)."""
        slips = [m for m in _WORD.finditer(question) if len(m.group()) >= self.policy.min_letters]
        if not slips:
            return question
        typed = list(dict.fromkeys(m.group() for m in slips))
        english = self.words.known(typed)
        mended = {w: m for w in typed if w not in english and (m := self._meant(w)) is not None}
        if not mended:
            return question
        return _WORD.sub(lambda m: mended.get(m.group(), m.group()), question)

    def _meant(self, word: str) -> str | None:
        """The word of the documents that ``word`` surely misspells, if one is."""
        near = sorted(self.words.near(word))
        chunks = self.vocabulary.frequencies(near) if near else {}
        used = [w for w in near if chunks.get(w)]
        if self.vocabulary.frequencies([word]):
            # The documents hold the word's stem: a name of theirs, or this very word
            # misspelt within its stem ("permanant" for "permanent", both "perman").
            own = self.vocabulary.stem(word)
            used = [w for w in used if self.vocabulary.stem(w) == own]
        if len({self.vocabulary.stem(w) for w in used}) != 1:
            return None  # none, or several words it may stand for ("mony": money, many)
        return max(used, key=lambda w: (self.words.frequency(w), w))


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

    def frequency(self, word: str) -> float:
        return float(self._checker.word_usage_frequency(word))


class StemVocabulary:
    """``Vocabulary`` over a lexical index's stems: ``counts(stems)`` says in how many chunks
    each stem occurs (``ChunkStore.stem_counts``). A stop word has no stem there: it counts as
    not in the documents."""

    def __init__(self, counts: Callable[[Sequence[str]], Mapping[str, int]]) -> None:
        self.counts = counts

    def stem(self, word: str) -> str:
        return next(iter(tokenize(word)), "")

    def frequencies(self, words: Sequence[str]) -> Mapping[str, int]:
        stems = {w: stem for w in words if (stem := self.stem(w))}
        found = self.counts(sorted(set(stems.values())))
        return {w: found[s] for w, s in stems.items() if found.get(s)}


def mender_of(store: object, words: WordList) -> Mender | None:
    """A mender into the words of ``store`` (None when it keeps no vocabulary)."""
    if not isinstance(store, StemCounts):
        return None
    return Mender(StemVocabulary(store.stem_counts), words)
