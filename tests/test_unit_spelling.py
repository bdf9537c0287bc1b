"""Fast unit tests of mending a question's misspelt words (assistant/converse/spelling.py):
each rule on a synthetic vocabulary and word list (real implementations of the two roles)."""

from __future__ import annotations

import re
import string
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

import pytest

from assistant.converse.spelling import Mender, StemVocabulary
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


class Documents:
    """A ``Vocabulary`` of texts, by the lexical index's stems, counted per text."""

    def __init__(self, *texts: str) -> None:
        self.texts = texts

    def uses(self, word: str, *, lower_case: bool) -> bool:
        flags = 0 if lower_case else re.IGNORECASE
        return any(re.search(rf"\b{word}\b", t, flags) for t in self.texts)

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
    "Power was lost in many homes; the money came late.",
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


def test_a_word_of_the_documents_in_any_case_is_kept() -> None:
    # "dulcross" is one edit from an English word, but the documents name "Dulcross".
    words = Words({**ENGLISH.frequencies, "dulcrass": 1.0})
    documents = Documents(*DOCUMENTS.texts, "The dulcrass was dry.")
    assert mend("what happened in dulcross", documents, words) == "what happened in dulcross"
    # "childrens" as the documents write it, though "children" is one edit away.
    childrens = Documents("The childrens library opened. The children came.")
    assert mend("when did the childrens library open", childrens) == (
        "when did the childrens library open"
    )


def test_a_word_is_mended_only_into_one_the_documents_use_in_lower_case() -> None:
    # "jordon" is one edit from "jordan", an English word, which the documents use only as
    # a name: a person they do not mention is not turned into one they do.
    words = Words({**ENGLISH.frequencies, "jordan": 2.0})
    named = Documents("The harbour was built by the engineer Jordan Pike.")
    assert mend("who is jordon pike", named, words) == "who is jordon pike"
    common = Documents("The harbour was built by the engineer Jordan Pike.", "A jordan is a pot.")
    assert mend("who is jordon pike", common, words) == "who is jordan pike"


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


def test_a_word_one_edit_from_several_words_of_the_documents_is_kept() -> None:
    # "enginer": "engineer" and "engine" (one stem, "engin") are both the documents' words.
    words = Words({**ENGLISH.frequencies, "engineer": 2.0, "engine": 3.0})
    both = Documents("The engineer fixed the engine.")
    assert mend("who is the enginer", both, words) == "who is the enginer"
    one = Documents("The engineer fixed the pump.")
    assert mend("who is the enginer", one, words) == "who is the engineer"


def test_addresses_paths_and_contractions_however_typed_are_kept() -> None:
    documents = Documents("The ferry sails at noon; the local shop should open.")
    words = Words({"ferry": 2.0, "local": 2.0, "should": 5.0, "shop": 1.0, "open": 1.0})
    for question in (
        "what is at www.ferri.net?", "is it in /usr/lcoal/bin?", "mail ferri@port.org",
        "shouldn`t we go?", "shouldn´t we go?", "shouldn‘t we go?", "is it ferri:8080?",
    ):  # fmt: skip
        assert mend(question, documents, words) == question
    # A full stop ends a word; the word before it is mended.
    assert mend("when does the ferri sail.", documents, words) == "when does the ferry sail."


def test_a_question_of_many_unknown_words_has_only_its_first_few_mended() -> None:
    documents = Documents("The appeal target was raised by the city.")
    few = Mender(documents, ENGLISH, max_words=1)
    assert few.mend("apeal citys") == "appeal citys"
    assert Mender(documents, ENGLISH).mend("apeal citys") == "appeal city"


def test_how_long_a_word_must_be_to_be_mended_is_a_policy() -> None:
    short = Mender(DOCUMENTS, ENGLISH, min_letters=6)
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
        texts = ["The appeal target was raised.", "An Appeal closed."]
        vocabulary = StemVocabulary(
            index.stem_counts, lambda word: [t for t in texts if word[:4].lower() in t.lower()]
        )
        assert vocabulary.frequencies(["appeals", "target", "the", "missing"]) == {
            "appeals": 2, "target": 1,
        }  # fmt: skip
        assert vocabulary.stem("the") == ""
        assert vocabulary.uses("appeal", lower_case=True)
        assert vocabulary.uses("closed", lower_case=True)
        assert vocabulary.uses("APPEAL", lower_case=False)
        assert not vocabulary.uses("appea", lower_case=False)
        assert not vocabulary.uses("an", lower_case=True)
        assert index.stem_counts([]) == {}
    finally:
        index.close()


def test_the_english_word_list_is_pyspellcheckers() -> None:
    from assistant.converse.spelling import EnglishWords

    english = EnglishWords()
    assert english.known(["appeal", "apeal", "convener"]) == {"appeal", "convener"}
    assert "appeal" in english.near("apeal")
    assert "apeal" not in english.near("apeal")


def test_a_name_of_the_documents_typed_in_lower_case_is_kept_beside_a_word_of_its_stem() -> None:
    # "hobb" is "Hobb" of the documents; "hobbs", one edit away and of the same stem, is a
    # word they also use in lower case: the name is kept.
    words = Words({**ENGLISH.frequencies, "hobbs": 1.0})
    documents = Documents("A carter named Hobb Tallis.", "The hobbs were sold.")
    assert tokenize("hobbs") == tokenize("hobb")
    assert mend("who is hobb tallis", documents, words) == "who is hobb tallis"


def test_a_word_of_the_shortest_length_mended_is_mended() -> None:
    documents = Documents("The ferry is often late.")
    assert mend("is it oftn late", documents) == "is it often late"


def test_a_store_with_a_lexical_index_gives_a_mender_into_its_words() -> None:
    from assistant.converse.spelling import mender_of
    from tests.fakes import InMemoryStore, KeywordEmbedder, make_chunk

    chunks = [
        make_chunk("The appeal target was raised.", id="a"),
        make_chunk("Jordan Pike built the harbour.", source="b.txt", id="b"),
    ]
    store = InMemoryStore(chunks, KeywordEmbedder(("appeal",)))
    words = Words({**ENGLISH.frequencies, "jordan": 2.0})
    mender = mender_of(store, words)
    assert mender is not None
    assert mender.mend("Why was the apeal target raised?") == "Why was the appeal target raised?"
    assert mender.mend("who is jordon pike") == "who is jordon pike"  # their name, not a word
    # Whether a word is used as written is read in the chunks that best match it: none here.
    blind = mender_of(store, words, reach=0)
    assert blind is not None
    assert blind.mend("apeal") == "apeal"
    assert mender_of(object(), words) is None


def test_whether_a_word_is_used_in_lower_case_is_read_in_the_best_few_chunks() -> None:
    from assistant.converse.spelling import mender_of
    from assistant.policy import POLICY
    from tests.fakes import InMemoryStore, KeywordEmbedder, make_chunk

    # As many chunks as are read say "Appeal" (a name, as far as they go); the next says it
    # in lower case.
    named = [make_chunk(f"Appeal House {i} opened.", id=f"n{i}") for i in range(5)]
    chunks = [*named, make_chunk("The appeal closed.", id="lower")]
    store = InMemoryStore(chunks, KeywordEmbedder(("appeal",)))
    assert POLICY.spelling_reach == len(named)
    default, wider = mender_of(store, ENGLISH), mender_of(store, ENGLISH, reach=len(chunks))
    assert default is not None
    assert wider is not None
    assert default.mend("the apeal") == "the apeal"
    assert wider.mend("the apeal") == "the appeal"
