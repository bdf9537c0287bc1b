"""Fast unit tests of mending a question's misspelt words (assistant/converse/spelling.py):
each rule on a synthetic vocabulary and word list (real implementations of the two roles)."""

from __future__ import annotations

import string
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pytest

from assistant.converse.spelling import Mender, SpellingPolicy, StemVocabulary
from assistant.index.lexical import LexicalIndex, tokenize

pytestmark = pytest.mark.unit


class Words:
    """A ``WordList`` over a few words and their frequencies: the words one edit away are
    found by making every edit, as pyspellchecker does."""

    def __init__(self, frequencies: Mapping[str, float]) -> None:
        self.frequencies = dict(frequencies)

    def known(self, words: Collection[str]) -> set[str]:
        return {w for w in words if w in self.frequencies}

    def near(self, word: str) -> set[str]:
        letters = string.ascii_lowercase
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        edits = {a + b[1:] for a, b in splits if b}
        edits |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        edits |= {a + c + b[1:] for a, b in splits if b for c in letters}
        edits |= {a + c + b for a, b in splits for c in letters}
        return self.known(edits - {word})

    def frequency(self, word: str) -> float:
        return self.frequencies.get(word, 0.0)


class Documents:
    """A ``Vocabulary`` of texts, by the lexical index's stems, counted per text."""

    def __init__(self, *texts: str) -> None:
        self.texts = texts

    def stem(self, word: str) -> str:
        return next(iter(tokenize(word)), "")

    def frequencies(self, words: Sequence[str]) -> Mapping[str, int]:
        counts = {w: sum(self.stem(w) in tokenize(t) for t in self.texts) for w in words}
        return {w: n for w, n in counts.items() if n and self.stem(w)}


ENGLISH = Words({
    "appeal": 5.0, "peal": 1.0, "appal": 1.0, "target": 4.0, "raised": 4.0, "money": 6.0,
    "many": 9.0, "permanent": 3.0, "bridge": 4.0, "collapse": 2.0, "city": 8.0, "cities": 3.0,
    "marla": 0.1, "convener": 0.2, "often": 5.0, "children": 4.0, "monk": 1.0,
    "attended": 3.0, "parade": 2.0,
})  # fmt: skip
DOCUMENTS = Documents(
    "The appeal target was raised to 26.5 million marks.",
    "Many homes lost power; the money came late.",
    "A permanent bridge will cost more. The old bridge may collapse.",
    "The city of Dulcross opened two shelters.",
)


def mend(question: str, documents: Documents = DOCUMENTS, words: Words = ENGLISH) -> str:
    return Mender(documents, words).mend(question)


def test_a_word_one_edit_from_one_word_of_the_documents_is_mended() -> None:
    assert mend("Why was the apeal target raised?") == "Why was the appeal target raised?"
    assert mend("why did the bridge colapse") == "why did the bridge collapse"
    assert mend("what did the citys shelters cost") == "what did the city shelters cost"


def test_a_slip_the_stemmer_forgives_is_still_mended_into_the_documents_word() -> None:
    # "permanant" and "permanent" share the stem "perman": the documents "hold" the slip, but
    # only a word of that very stem may replace it.
    assert tokenize("permanant") == tokenize("permanent")
    assert mend("What will a permanant bridge cost?") == "What will a permanent bridge cost?"


def test_a_name_of_the_documents_in_lower_case_is_not_turned_into_an_english_word() -> None:
    # "dulcross" is one edit from no English word here, and its stem is the documents': kept.
    words = Words({**ENGLISH.frequencies, "dulcrass": 1.0})
    assert mend("what happened in dulcross", words=words) == "what happened in dulcross"


def test_a_word_that_may_stand_for_several_of_the_documents_words_is_kept() -> None:
    # "mony": "money" and "many" are both in the documents, both one edit away.
    assert mend("How much mony came in?") == "How much mony came in?"


def test_english_words_short_words_names_codes_and_contractions_are_kept() -> None:
    assert mend("Who is marla?") == "Who is marla?"  # an English word (a name), not a slip
    assert mend("Who is the convener?") == "Who is the convener?"
    assert mend("Why was the Apeal raised?") == "Why was the Apeal raised?"  # capitalised
    assert mend("Is E03 or e03 or apeal-2 on?") == "Is E03 or e03 or apeal-2 on?"
    assert mend("Why hasn't it cme?") == "Why hasn't it cme?"  # three letters
    assert mend("Why was it apeal'd?") == "Why was it apeal'd?"


def test_a_word_near_nothing_the_documents_hold_is_kept() -> None:
    # "monke" is one edit from "monk", which the documents never say.
    assert mend("Was the monke there?") == "Was the monke there?"
    assert mend("Was the monke there?", words=Words({})) == "Was the monke there?"


def test_of_several_spellings_of_one_stem_the_commoner_english_word_is_taken() -> None:
    words = Words({**ENGLISH.frequencies, "collapses": 0.5})
    documents = Documents("The bridge collapses; the collapse was slow.")
    # "collapsee" is one edit from "collapse" and from "collapses", one stem.
    assert mend("why the collapsee", documents, words) == "why the collapse"
    rarer = Words({**words.frequencies, "collapses": 9.0})
    assert mend("why the collapsee", documents, rarer) == "why the collapses"


def test_how_long_a_word_must_be_to_be_mended_is_a_policy() -> None:
    short = Mender(DOCUMENTS, ENGLISH, SpellingPolicy(min_letters=6))
    assert short.mend("Why was the apeal target raised?") == "Why was the apeal target raised?"
    assert short.mend("why did the bridge colapse") == "why did the bridge collapse"


def test_the_documents_vocabulary_reads_the_lexical_index(tmp_path: Path) -> None:
    index = LexicalIndex(tmp_path / "lexical.sqlite3")
    try:
        db = index._connect()
        db.execute("INSERT INTO fts (rowid, tokens) VALUES (1, ?)", (" ".join(tokenize(
            "The appeal target was raised. The appeal closed."
        )),))  # fmt: skip
        db.execute("INSERT INTO fts (rowid, tokens) VALUES (2, ?)", ("appeal",))
        db.commit()
        vocabulary = StemVocabulary(index.stem_counts)
        assert vocabulary.frequencies(["appeals", "target", "the", "missing"]) == {
            "appeals": 2, "target": 1,
        }  # fmt: skip
        assert vocabulary.stem("the") == ""
        assert index.stem_counts([]) == {}
    finally:
        index.close()


def test_the_english_word_list_is_pyspellcheckers() -> None:
    from assistant.converse.spelling import EnglishWords

    english = EnglishWords()
    assert english.known(["appeal", "apeal", "convener"]) == {"appeal", "convener"}
    assert "appeal" in english.near("apeal")
    assert "apeal" not in english.near("apeal")
    assert english.frequency("many") > english.frequency("money") > english.frequency("apeal")
