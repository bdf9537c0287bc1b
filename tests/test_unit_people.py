"""Fast unit tests of finding where the documents speak of someone (assistant/answerers/mentions.py)
and of the profile and statements answerers (assistant/answerers/people.py), over an in-memory
library, the word-overlap reranker and a rule-based parser."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answer.reader import Draft
from assistant.answerers.compose import Composed, Request
from assistant.answerers.mentions import Found, MentionFinder
from assistant.answerers.people import PeoplePolicy, ProfileAnswerer, StatementsAnswerer
from assistant.index.sentences import Sentence
from assistant.intent.classifier import read_intent
from assistant.intent.kinds import Intent, Reading
from assistant.types import ShortAnswer
from tests.fakes import NO_ENTITIES, WordOverlapReranker
from tests.reader_fakes import InMemoryLibrary, RuleParser, world_gazetteer

pytestmark = pytest.mark.unit

BRIEF = (
    "Ambassador Dorothy Shea accused Moscow of arming Pyongyang. She said the transfers broke "
    "the sanctions. Shea urged the council to act.\n\n"
    "Moscow accused Dorothy Shea of lying. She denied it.\n\n"
    "Isobel Marr, the chief engineer, said the dam was safe. Her father built the first "
    "bridge. Marr warned about the spillway. Isobel later left.\n\n"
    "According to the U.S., China blocked the report. Washington criticised Beijing over the "
    "sanctions. The envoy told us nothing. American officials met Xi Jinping.\n\n"
    "Nadia Fenwick leads Tidewell Relief. Colonel Oliver Fenwick commands the engineers. "
    "Fenwick said nothing else.\n\n"
    "The parade on Victory Day drew crowds."
)
# A document that names Shea by her surname alone: "Shea" there may be anyone.
OTHER = "Shea visited the port. She left early."


class People:
    """The finder and both answerers over ``documents``."""

    def __init__(
        self, documents: dict[str, str], directory: Path, policy: PeoplePolicy | None = None
    ) -> None:
        self.library = InMemoryLibrary(documents, directory, NO_ENTITIES)
        self.parser = RuleParser()
        self.reranker = WordOverlapReranker()
        self.finder = MentionFinder(self.library, world_gazetteer(), self.parser)
        self.profile = ProfileAnswerer(
            self.library, self.finder, self.reranker, self.parser, policy
        )
        self.statements = StatementsAnswerer(
            self.library, self.finder, self.reranker, self.parser, policy
        )

    def found(self, asked: str) -> list[tuple[str, str, str]]:
        """(how, sentence, the words found) of every sentence about ``asked``."""
        return [
            (f.how, f.sentence.text, f.sentence.text[f.span.start : f.span.end])
            for f in self.finder.find(self.finder.subject(asked))
        ]

    def ask(self, question: str, reading: Reading | None = None) -> Composed | None:
        reading = reading or read_intent(question)
        answerer = self.profile if reading.intent is Intent.PROFILE else self.statements
        return answerer.answer(Request(question, question, question, (), reading))

    def answer(self, question: str, reading: Reading | None = None) -> Composed:
        composed = self.ask(question, reading)
        assert composed is not None
        return composed


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> Iterator[People]:
    made = People({"brief.txt": BRIEF, "other.txt": OTHER}, tmp_path_factory.mktemp("people"))
    yield made
    made.library.close()


@pytest.fixture(scope="module")
def focused(tmp_path_factory: pytest.TempPathFactory) -> Iterator[People]:
    """With a floor and margin that the word-overlap scores can meet: a sentence must share a
    word with the topic (or the question)."""
    made = People(
        {"brief.txt": BRIEF, "other.txt": OTHER},
        tmp_path_factory.mktemp("focused"),
        PeoplePolicy(floor=1.0, margin=0.5),
    )
    yield made
    made.library.close()


def quotes(composed: Composed) -> list[str]:
    return [c.quote for c in composed.draft.citations]


# --- the subject ------------------------------------------------------------------------------


def test_a_country_subject_has_every_form_dotted_abbreviations_too(people: People) -> None:
    subject = people.finder.subject("the US")
    assert subject.asked == "US"
    assert {"US", "U.S.", "USA", "U.S.A.", "United States", "Washington", "American"} <= set(
        subject.forms
    )
    assert list(subject.forms) == sorted(subject.forms, key=len, reverse=True)  # longest first
    assert (subject.named, subject.person) == (True, False)


@pytest.mark.parametrize(
    ("asked", "named", "person"),
    [
        ("Dorothy Shea", True, True),
        ("Colonel Fenwick", True, True),  # a title makes one name a person's
        ("Shea", True, False),  # one name alone: maybe a person, maybe not
        ("Tidewell Relief", True, True),  # two capitalised words read as a name
        ("Victory Day parade", False, False),  # a description
        ("the two leaders", False, False),
    ],
)
def test_a_subject_is_named_when_its_words_are_capitalised(
    people: People, asked: str, named: bool, person: bool
) -> None:
    subject = people.finder.subject(asked)
    assert (subject.named, subject.person) == (named, person)


# --- where the documents speak of the subject -------------------------------------------------


def test_a_person_by_name_surname_and_pronoun_in_document_order(people: People) -> None:
    assert people.found("Dorothy Shea") == [
        ("name", "Ambassador Dorothy Shea accused Moscow of arming Pyongyang.", "Dorothy Shea"),
        ("pronoun", "She said the transfers broke the sanctions.", "She"),
        ("surname", "Shea urged the council to act.", "Shea"),
        ("name", "Moscow accused Dorothy Shea of lying.", "Dorothy Shea"),
    ]  # not "She denied it." (Shea was not the subject), nothing from other.txt


def test_a_surname_counts_only_where_the_document_names_the_person_in_full(
    people: People,
) -> None:
    found = people.found("Dorothy Shea")
    assert all("port" not in text for _, text, _ in found)
    # Asked by surname alone, every "Shea" counts, in every document.
    assert [text for _, text, _ in people.found("Shea")][-1] == "Shea visited the port."


def test_no_surname_form_where_a_namesake_shares_it(people: People) -> None:
    assert people.found("Nadia Fenwick") == [
        ("name", "Nadia Fenwick leads Tidewell Relief.", "Nadia Fenwick")
    ]  # "Fenwick said nothing else." may be Oliver


def test_a_first_name_alone_but_not_inside_the_full_name(people: People) -> None:
    assert people.found("Isobel Marr") == [
        ("name", "Isobel Marr, the chief engineer, said the dam was safe.", "Isobel Marr"),
        ("pronoun", "Her father built the first bridge.", "Her"),  # the only name before
        ("surname", "Marr warned about the spillway.", "Marr"),
        ("first name", "Isobel later left.", "Isobel"),
    ]


def test_a_country_by_its_other_names_abbreviations_in_capitals_only(people: People) -> None:
    assert people.found("US") == [
        ("alias", "According to the U.S., China blocked the report.", "U.S."),
        ("alias", "Washington criticised Beijing over the sanctions.", "Washington"),
        ("alias", "American officials met Xi Jinping.", "American"),
    ]  # not "The envoy told us nothing."


def test_a_thing_by_every_content_word_of_its_name(people: People) -> None:
    assert people.found("Victory Day parade") == [
        ("words", "The parade on Victory Day drew crowds.", "parade")
    ]


def test_pronouns_continue_only_within_the_paragraph_and_before_another_name(
    tmp_path: Path,
) -> None:
    text = (
        "Lena Aldous opened the clinic. She hired six nurses. She also bought beds. Then "
        "Putin said she was wrong. She left.\n\n"
        "She returned in May."
    )
    made = People({"a.txt": text}, tmp_path)
    assert [(how, said) for how, said, _ in made.found("Lena Aldous")] == [
        ("name", "Lena Aldous opened the clinic."),  # the only name
        ("pronoun", "She hired six nurses."),
        ("pronoun", "She also bought beds."),  # and so on while sentences keep doing so
    ]  # "Then Putin said she …" names another first; the next paragraph is another matter
    made.library.close()


def test_pronouns_do_not_continue_into_the_next_paragraph(tmp_path: Path) -> None:
    text = "Lena Aldous opened the clinic. She hired six nurses.\n\nShe returned in May."
    made = People({"a.txt": text}, tmp_path)
    assert [said for _, said, _ in made.found("Lena Aldous")] == [
        "Lena Aldous opened the clinic.",
        "She hired six nurses.",
    ]
    made.library.close()


def test_no_pronoun_after_a_sentence_where_the_subject_is_neither_subject_nor_only_name(
    tmp_path: Path,
) -> None:
    text = "Moscow accused Lena Aldous of lying. She denied it."
    made = People({"a.txt": text}, tmp_path)
    assert [how for how, _, _ in made.found("Lena Aldous")] == ["name"]
    made.library.close()


def test_a_title_and_surname_find_the_person_given_that_title(people: People) -> None:
    assert "Colonel Oliver Fenwick commands the engineers." in [
        text for _, text, _ in people.found("Colonel Fenwick")
    ]


def test_a_question_in_the_documents_says_nothing_of_its_subject(tmp_path: Path) -> None:
    text = "Q: Who is Lena Aldous? Lena Aldous runs the clinic. Is Lena Aldous still there?"
    made = People({"faq.txt": text}, tmp_path)
    assert [said for _, said, _ in made.found("Lena Aldous")] == ["Lena Aldous runs the clinic."]
    made.library.close()


def test_a_description_stands_for_the_one_person_the_documents_give_that_role(
    people: People, tmp_path: Path
) -> None:
    resolved = people.finder.resolve("the chief engineer")
    assert resolved is not None
    assert resolved.asked == "Isobel Marr"
    assert quotes(people.answer("What did the chief engineer say?")) == [
        "Isobel Marr, the chief engineer, said the dam was safe.",
        "Marr warned about the spillway.",
    ]
    assert people.finder.resolve("the night watchman") is None
    # Two people of that role: the description stands for neither.
    text = (
        "Isobel Marr, the chief engineer, said the dam was safe. Tom Hale, the chief engineer "
        "of the port, said the cranes were safe."
    )
    made = People({"two.txt": text}, tmp_path)
    assert made.finder.resolve("the chief engineer") is None
    assert made.ask("What did the chief engineer say?") is None  # left to the look-up
    made.library.close()


def test_a_description_is_a_role_not_whose_the_role_is(tmp_path: Path) -> None:
    text = (
        "Isolde Fenwick, the Earl's only daughter, kept the accounts. Ann Lee, the engineer of "
        "the dam, inspected the spillway."
    )
    made = People({"a.txt": text}, tmp_path)
    # Isolde is a daughter, no earl; "the dam's engineer" is the engineer of the dam.
    assert made.finder.resolve("the earl") is None
    assert made.finder.resolve("the only daughter") is not None
    resolved = made.finder.resolve("the dam's engineer")
    assert resolved is not None
    assert resolved.asked == "Ann Lee"
    # Whose the role is counts when the description says it too.
    said = People({"b.txt": "Marcus Brannigan, the dam's engineer, inspected the spillway. "
                   "Helen Ashe, the Earl's only daughter, kept the accounts."},
                  tmp_path / "said")  # fmt: skip
    for description, name in [("the dam's engineer", "Marcus Brannigan"),
                              ("the Earl’s daughter", "Helen Ashe")]:  # fmt: skip
        found = said.finder.resolve(description)
        assert found is not None
        assert found.asked == name
    assert said.finder.resolve("the earl") is None
    made.library.close()
    said.library.close()


# --- profile ----------------------------------------------------------------------------------


def test_a_profile_quotes_the_sentences_about_the_person_with_the_role_in_bold(
    people: People,
) -> None:
    composed = people.answer("Who is Dorothy Shea?")
    assert composed.layout == "prose"
    assert not composed.draft.abstained
    assert quotes(composed)[0] == "Ambassador Dorothy Shea accused Moscow of arming Pyongyang."
    start = BRIEF.index("Ambassador")
    assert composed.draft.short == ShortAnswer(
        "Ambassador", 1, start, start + len("Ambassador"), "role", "role"
    )
    cited, role = composed.draft.citations[0], composed.draft.short
    assert role is not None
    assert BRIEF[role.start : role.end] == "Ambassador"
    assert cited.start <= role.start < role.end <= cited.end


def test_a_profile_role_from_an_appositive_at_document_offsets(people: People) -> None:
    composed = people.answer("Who is Isobel Marr?")
    short = composed.draft.short
    assert short is not None
    assert (short.text, short.basis, short.kind) == ("chief engineer", "role", "role")
    assert BRIEF[short.start : short.end] == "chief engineer"
    marked = next(c for c in composed.draft.citations if c.marker == short.marker)
    assert marked.quote == "Isobel Marr, the chief engineer, said the dam was safe."


def test_a_form_of_address_is_no_role(tmp_path: Path) -> None:
    text = "Dr Lena Aldous opened the clinic. Lena Aldous, the district surgeon, left."
    made = People({"a.txt": text}, tmp_path)
    assert made.parser.analyse("Dr Lena Aldous opened the clinic.").roles  # "Dr", by the parser
    composed = made.answer("Who is Lena Aldous?")
    assert composed.draft.short is not None
    assert composed.draft.short.text == "district surgeon"  # not "Dr"
    alone = People({"b.txt": "Dr Lena Aldous opened the clinic."}, tmp_path / "alone")
    assert alone.answer("Who is Lena Aldous?").draft.short is None
    made.library.close()
    alone.library.close()


def test_a_role_is_given_without_whose_it_is(tmp_path: Path) -> None:
    made = People({"a.txt": "Rajesh Menon, our chief operating officer, will lead it."}, tmp_path)
    short = made.answer("Who is Rajesh Menon?").draft.short
    assert short is not None
    assert short.text == "chief operating officer"
    assert made.library.documents["a.txt"][short.start : short.end] == short.text
    made.library.close()


def test_the_role_sentence_is_always_quoted(tmp_path: Path) -> None:
    text = (
        "Lena Aldous opened the clinic in Holmvik. Lena Aldous hired nurses in Holmvik. "
        "Lena Aldous, the district surgeon, left."
    )
    made = People({"a.txt": text}, tmp_path, PeoplePolicy(max_sentences=1))
    composed = made.answer("Who is Lena Aldous?")
    assert quotes(composed) == ["Lena Aldous, the district surgeon, left."]
    assert composed.draft.short is not None
    assert composed.draft.short.text == "district surgeon"
    made.library.close()


def test_the_sentence_introducing_the_subject_counts_for_more(tmp_path: Path) -> None:
    text = "Tidewell Relief opened a camp near Holmvik. Tidewell Relief is famous in Holmvik."
    question = "What is Tidewell Relief?"  # shares 2 words with the first, 3 with the second
    made = People({"a.txt": text}, tmp_path, PeoplePolicy(max_sentences=1))
    assert quotes(made.answer(question)) == ["Tidewell Relief opened a camp near Holmvik."]
    plain = People({"a.txt": text}, tmp_path / "plain",
                   PeoplePolicy(max_sentences=1, introduction_bonus=0.0))  # fmt: skip
    assert quotes(plain.answer(question)) == ["Tidewell Relief is famous in Holmvik."]
    made.library.close()
    plain.library.close()


def test_a_sentence_naming_only_something_of_theirs_counts_for_less(tmp_path: Path) -> None:
    text = "Isobel Marr designed the spillway. Her father built the first bridge. Marr left."
    made = People({"a.txt": text}, tmp_path, PeoplePolicy(max_sentences=2))
    # "Her father …" reads "Isobel Marr's father …": 2 words of the question, less 2.
    assert quotes(made.answer("Who is Isobel Marr?")) == [
        "Isobel Marr designed the spillway.", "Marr left."
    ]  # fmt: skip
    plain = People({"a.txt": text}, tmp_path / "plain",
                   PeoplePolicy(max_sentences=2, possessive_penalty=0.0))  # fmt: skip
    assert quotes(plain.answer("Who is Isobel Marr?")) == [
        "Isobel Marr designed the spillway.", "Her father built the first bridge."
    ]  # fmt: skip
    # The reranker read the pronoun as the name.
    assert "Isobel Marr father built the first bridge." in made.reranker.scored_texts
    made.library.close()
    plain.library.close()


def test_a_profile_within_its_budget_in_document_order(tmp_path: Path) -> None:
    text = " ".join(f"Lena Aldous visited ward {n} of the Holmvik clinic." for n in range(1, 9))
    made = People({"a.txt": text}, tmp_path)
    cited = quotes(made.answer("Who is Lena Aldous?"))
    assert len(cited) == PeoplePolicy().max_sentences
    assert cited == sorted(cited, key=text.index)
    made.library.close()


def test_a_name_never_mentioned_is_said_not_to_be(people: People) -> None:
    composed = people.answer("Who is Kim Yo Jong?")
    assert composed.lead == "The documents do not mention Kim Yo Jong."
    assert composed.draft.abstained
    assert composed.draft.citations == ()
    assert composed.draft.short is None


def test_a_description_not_found_and_a_pronoun_are_left_to_the_look_up(people: People) -> None:
    assert (
        people.ask("Who is the night watchman?", Reading(Intent.PROFILE, "night watchman")) is None
    )
    assert people.ask("Who is he?") is None  # a pronoun the chat did not resolve
    assert people.ask("Who?", Reading(Intent.PROFILE, subject="")) is None


# --- statements -------------------------------------------------------------------------------


def test_statements_are_the_sentences_where_the_subject_acts(people: People) -> None:
    composed = people.answer("What did Dorothy Shea say?")
    assert composed.layout == "list"
    assert not composed.draft.abstained
    assert composed.draft.short is None
    assert quotes(composed) == [
        "Ambassador Dorothy Shea accused Moscow of arming Pyongyang.",
        "She said the transfers broke the sanctions.",
        "Shea urged the council to act.",
    ]  # not "Moscow accused Dorothy Shea of lying.": Moscow acts there


def test_a_country_speaks_by_any_of_its_names_and_as_a_source(people: People) -> None:
    assert quotes(people.answer("What did the US do?")) == [
        "According to the U.S., China blocked the report.",  # attributed to it
        "Washington criticised Beijing over the sanctions.",  # its capital as its government
        "American officials met Xi Jinping.",  # its demonym
    ]


def test_what_a_subject_said_is_a_sentence_that_reports_speech(people: People) -> None:
    assert quotes(people.answer("What did the US say?")) == [
        "According to the U.S., China blocked the report.",
        "Washington criticised Beijing over the sanctions.",
    ]  # "American officials met Xi Jinping.": they acted, but said nothing


def test_statements_on_a_topic_keep_only_those_about_it(focused: People) -> None:
    assert quotes(focused.answer("What did the US say about China?")) == [
        "According to the U.S., China blocked the report.",
        "Washington criticised Beijing over the sanctions.",  # "Beijing": China's other name
    ]


def test_a_subject_mentioned_but_silent_on_the_topic_is_said_so_with_citations(
    focused: People,
) -> None:
    composed = focused.answer("What did Isobel Marr say about sanctions?")
    assert composed.draft.abstained
    assert composed.lead == (
        "The documents mention Isobel Marr but report nothing they said or did about "
        "sanctions. They mention Isobel Marr here:"
    )
    assert quotes(composed) == [
        "Isobel Marr, the chief engineer, said the dam was safe.",
        "Her father built the first bridge.",
    ]  # where the documents mention her, cited
    assert composed.draft.text.endswith("[2].")


def test_a_named_subject_never_mentioned_is_said_not_to_be(people: People) -> None:
    composed = people.answer("What did Kim Yo Jong say?")
    assert (composed.lead, composed.draft.abstained) == (
        "The documents do not mention Kim Yo Jong.", True
    )  # fmt: skip


def test_a_description_that_says_nothing_is_left_to_the_look_up(people: People) -> None:
    # "the council" is mentioned ("Shea urged the council to act.") but never acts.
    assert people.ask("What did the council say?") is None


def test_one_kind_of_act_is_still_the_subjects_own(focused: People) -> None:
    assert quotes(focused.answer("What did Shea accuse Moscow of?")) == [
        "Ambassador Dorothy Shea accused Moscow of arming Pyongyang."
    ]


def test_several_subjects_each_speak_in_a_sentence_naming_both(people: People) -> None:
    assert "Washington criticised Beijing over the sanctions." in quotes(
        people.answer("What did the US and China say?")
    )


def test_several_subjects_are_each_found(people: People) -> None:
    cited = quotes(people.answer("What did Dorothy Shea and Isobel Marr say?"))
    assert "Ambassador Dorothy Shea accused Moscow of arming Pyongyang." in cited
    assert "Isobel Marr, the chief engineer, said the dam was safe." in cited
    assert len(cited) == PeoplePolicy().max_sentences


def test_what_someone_of_theirs_did_is_not_their_statement(people: People) -> None:
    assert "Her father built the first bridge." not in quotes(
        people.answer("What did Isobel Marr do?")
    )


def test_a_pronoun_subject_is_left_to_the_look_up(people: People) -> None:
    assert people.ask("What did she say?") is None


# --- the edges of finding someone and of statements ---------------------------------------------


def test_a_pronoun_continues_after_lower_case_words_and_a_bare_title(tmp_path: Path) -> None:
    text = (
        "Lena Aldous opened the clinic. Later that year she hired six nurses. "
        "When the Minister called, she resigned."
    )
    made = People({"a.txt": text}, tmp_path)
    assert [how for how, _, _ in made.found("Lena Aldous")] == ["name", "pronoun", "pronoun"]
    made.library.close()


def test_a_thing_by_its_words_is_found_from_the_first_of_them(tmp_path: Path) -> None:
    text = (
        "The crane at the harbour broke, and the crane was replaced. "
        "Crane crews at the harbour went on strike."
    )
    made = People({"a.txt": text}, tmp_path)
    assert made.found("harbour crane") == [
        ("words", "The crane at the harbour broke, and the crane was replaced.", "crane"),
        ("words", "Crane crews at the harbour went on strike.", "Crane"),
    ]
    made.library.close()


ROLES = (
    "Marcus Brannigan, the chief engineer at Garrow Dam, said the spillway held. "
    "Ann Lee, the medical director of the Holmvik district clinic, said beds were short."
)


def test_a_description_of_up_to_four_words_in_any_order_resolves(tmp_path: Path) -> None:
    made = People({"a.txt": ROLES}, tmp_path)
    resolved = made.finder.resolve("the chief engineer at the Garrow dam")
    assert resolved is not None
    assert resolved.asked == "Marcus Brannigan"
    four = made.finder.resolve("the district clinic medical director")
    assert four is not None
    assert four.asked == "Ann Lee"
    # Five content words are more than a description: no one, though the role holds them all.
    assert made.finder.resolve("the Holmvik district clinic medical director") is None
    made.library.close()


def test_a_name_never_mentioned_is_a_refusal_without_text(people: People) -> None:
    composed = people.answer("What did Kim Yo Jong say?")
    assert composed.draft == Draft("", (), abstained=True)


def test_a_description_never_mentioned_is_left_to_the_look_up(people: People) -> None:
    assert people.ask("What did the mayor say?") is None


def test_a_subject_silent_on_one_kind_of_act_is_said_so_without_a_topic(tmp_path: Path) -> None:
    made = People(
        {"brief.txt": "Isobel Marr, the chief engineer, said the dam was safe."},
        tmp_path,
        PeoplePolicy(floor=5.0, margin=0.5),
    )
    composed = made.answer("What did Isobel Marr propose?")
    assert composed.lead == (
        "The documents mention Isobel Marr but report nothing they said or did. "
        "They mention Isobel Marr here:"
    )
    made.library.close()


@pytest.mark.parametrize(
    "asked", ["Bank of England", "the Bank of England", "Society of Arts and Crafts"]
)
def test_a_name_may_hold_the_of_and_and_in_lower_case(people: People, asked: str) -> None:
    assert people.finder.subject(asked).named
    composed = people.answer(f"What did {asked} say?")
    assert composed.lead == f"The documents do not mention {asked.removeprefix('the ')}."


def test_a_profile_skips_a_sentence_that_says_again_what_a_better_one_says(
    tmp_path: Path,
) -> None:
    text = (
        "Marit Sollen was born in Kelsing in 1841. Marit Sollen was born in Kelsing in the "
        "year 1841. Marit Sollen founded the school for girls."
    )
    question = "Who was Marit Sollen, born in Kelsing in 1841?"
    reading = Reading(Intent.PROFILE, subject="Marit Sollen")
    made = People({"a.txt": text}, tmp_path, PeoplePolicy(max_sentences=2))
    # The second scores next best, but it says again what the first says: the one on the
    # school is quoted instead.
    assert quotes(made.answer(question, reading)) == [
        "Marit Sollen was born in Kelsing in 1841.",
        "Marit Sollen founded the school for girls.",
    ]
    loose = People({"a.txt": text}, tmp_path / "loose",
                   PeoplePolicy(max_sentences=2, repeat=1.01))  # fmt: skip
    assert quotes(loose.answer(question, reading)) == [
        "Marit Sollen was born in Kelsing in 1841.",
        "Marit Sollen was born in Kelsing in the year 1841.",
    ]
    made.library.close()
    loose.library.close()


ARTICLE = (
    "# Marit Sollen\n\n"
    "Marit Sollen was a teacher from the islands. She described the Elsey saxifrage.\n\n"
    "Marit Sollen was born in Kelsing. Marit Sollen died in Holmvik."
)
TOWN = (
    "# Kelsing\n\n"
    "Kelsing is a village. Who was Marit Sollen? Marit Sollen was a famous naturalist who "
    "was born in the village."
)


def test_a_profile_opens_with_the_document_on_its_subject(tmp_path: Path) -> None:
    made = People({"marit-sollen.md": ARTICLE, "kelsing.md": TOWN}, tmp_path,
                  PeoplePolicy(max_sentences=2))  # fmt: skip
    # The article's opening paragraph, its "She …" sentence too, before any better-scored
    # sentence elsewhere.
    composed = made.answer("Who was Marit Sollen?")
    assert quotes(composed) == [
        "Marit Sollen was a teacher from the islands.",
        "She described the Elsey saxifrage.",
    ]
    # Its role is the article's, and every citation has a score a run file can hold.
    assert composed.draft.short is not None
    assert composed.draft.short.text == "teacher from the islands"
    assert all(math.isfinite(c.score) for c in composed.draft.citations)
    made.library.close()


def test_the_article_leads_wherever_its_name_sorts(tmp_path: Path) -> None:
    # "zz-marit-sollen"? No: the article is named for her; "a-kelsing.md" sorts before it.
    made = People({"marit-sollen.md": ARTICLE, "a-kelsing.md": TOWN}, tmp_path,
                  PeoplePolicy(max_sentences=3))  # fmt: skip
    cited = quotes(made.answer("Who was Marit Sollen?"))
    assert cited[:2] == [
        "Marit Sollen was a teacher from the islands.",
        "She described the Elsey saxifrage.",
    ]
    made.library.close()


def test_an_article_opening_with_a_list_or_not_on_the_subject_gives_no_opening(
    tmp_path: Path,
) -> None:
    listed = "# Marit Sollen\n\n- Born: 1841\n- Died: 1919\n\nMarit Sollen taught at Holmvik."
    other = "# Marit Sollen\n\nThe ferry left at noon. It was full.\n\nMarit Sollen was on it."
    for text in (listed, other):
        made = People({"marit-sollen.md": text, "kelsing.md": TOWN}, tmp_path / str(len(text)),
                      PeoplePolicy(max_sentences=5))  # fmt: skip
        cited = quotes(made.answer("Who was Marit Sollen?"))
        assert not any(q.startswith(("Born", "The ferry", "It was full")) for q in cited)
        made.library.close()


def test_only_a_document_named_exactly_for_the_subject_is_its_article(tmp_path: Path) -> None:
    # "marit-sollen-school.md", "# Marit Sollen School": the subject's words and one more.
    school = ARTICLE.replace("# Marit Sollen", "# Marit Sollen School")
    made = People({"marit-sollen-school.md": school, "kelsing.md": TOWN}, tmp_path,
                  PeoplePolicy(max_sentences=2))  # fmt: skip
    assert "She described the Elsey saxifrage." not in quotes(made.answer("Who was Marit Sollen?"))
    made.library.close()


def test_a_heading_is_quoted_only_when_nothing_else_names_the_subject(tmp_path: Path) -> None:
    text = "# Tove Ring\n\nTove Ring ran the ferry office in Holmvik."
    made = People({"a.md": text}, tmp_path)
    cited = quotes(made.answer("Who is Tove Ring?"))
    assert cited == ["Tove Ring ran the ferry office in Holmvik."]
    only = People({"b.md": "# Tove Ring\n\nThe office opened in 1901."}, tmp_path / "only")
    composed = only.answer("Who is Tove Ring?")
    assert quotes(composed) == ["# Tove Ring"]  # mentioned, but only there
    made.library.close()
    only.library.close()


def test_several_people_go_on_into_a_paragraph_that_opens_with_a_description_of_them(
    tmp_path: Path,
) -> None:
    text = (
        "Ann Lee and Tom Hale met in Holmvik. They said the port was safe.\n\n"
        "Both leaders urged the council to act. They criticised the ferry company.\n\n"
        "Both ferries sailed late. They criticised the weather."
    )
    made = People({"a.txt": text}, tmp_path)
    reading = Reading(Intent.STATEMENTS, subject="Ann Lee and Tom Hale", verb="say")
    cited = quotes(made.answer("What did Ann Lee and Tom Hale say?", reading))
    assert "Both leaders urged the council to act." in cited
    assert "They criticised the ferry company." in cited
    # "Both ferries" opens a paragraph after one that does not name them: not them.
    assert "They criticised the weather." not in cited
    made.library.close()


def test_a_sentence_naming_a_country_topic_by_any_name_is_on_it(tmp_path: Path) -> None:
    text = "Ann Lee met the envoy. Ann Lee criticised Washington over the tariffs."
    # A floor the word-overlap scores never reach: only the name keeps a sentence.
    made = People({"a.txt": text}, tmp_path, PeoplePolicy(floor=50.0))
    reading = Reading(Intent.STATEMENTS, subject="Ann Lee", topic="the United States", verb="say")
    cited = quotes(made.answer("What did Ann Lee say about the United States?", reading))
    assert cited == ["Ann Lee criticised Washington over the tariffs."]
    made.library.close()


def _sentences(*texts: str, paragraphs: tuple[int, ...] | None = None) -> list[Sentence]:
    out, at = [], 0
    for i, text in enumerate(texts):
        paragraph = paragraphs[i] if paragraphs else 1
        out.append(Sentence("a.txt", i, at, at + len(text), paragraph, "c", 0.0, text))
        at += len(text) + 1
    return out


def test_a_chain_of_pronouns_goes_on_through_its_paragraph_only_from_a_sentence_before() -> None:
    from assistant.answerers.mentions import _chain

    she = re.compile(r"\b(?:she|her)\b", re.IGNORECASE)
    # Nothing comes before the first sentence: no chain starts there.
    out: dict[tuple[str, int], Found] = {}
    _chain(_sentences("She left.", "She came back."), 0, she, out)
    assert out == {}
    # From the third sentence on, within the second's paragraph: the third and the fourth —
    # "She met Tom Ward" names a person after the pronoun, not before it.
    sentences = _sentences(
        "Ann Lee was born in 1901.", "Tom Ward ran the mill.", "She met Tom Ward there.",
        "She left in 1930.", "Her mill burned.", paragraphs=(1, 2, 2, 2, 3),
    )  # fmt: skip
    _chain(sentences, 2, she, out)
    assert sorted(f.sentence.position for f in out.values()) == [2, 3]


def test_a_role_is_its_words_without_whose_it_is() -> None:
    from assistant.answerers.mentions import _role_words

    assert _role_words("the Earl's only daughter") == {"the", "only", "daugh"}
    assert _role_words("the Earl's only daughter", "the Earl's daughter") == {
        "the", "earl", "only", "daugh",
    }  # fmt: skip


def test_a_document_titled_for_the_subject_is_its_article_whatever_its_file_name(
    tmp_path: Path,
) -> None:
    made = People({"notes-7.md": ARTICLE, "kelsing.md": TOWN}, tmp_path,
                  PeoplePolicy(max_sentences=2))  # fmt: skip
    assert quotes(made.answer("Who was Marit Sollen?")) == [
        "Marit Sollen was a teacher from the islands.",
        "She described the Elsey saxifrage.",
    ]
    made.library.close()
