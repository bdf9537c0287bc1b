"""Fast unit tests of reading a question's intent (assistant/intent/classifier.py): what
it asks for, in many phrasings (casing, typos, politeness, terse and follow-up forms), the words
that fill it in, and the look-ups that must stay look-ups."""

from __future__ import annotations

import pytest

from assistant.intent.classifier import read_intent
from assistant.intent.kinds import LOOKUP, Intent, Kind, Reading
from assistant.intent.wording import normalise

pytestmark = pytest.mark.unit

# --- normalising ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "normal"),
    [
        ("  Hi,   could you   please tell me who Isobel Marr is? ", "who Isobel Marr is?"),
        ("Ok, so, and also now what’s the gist? Thank you.", "what's the gist?"),
        ("I would like to know which contries are mentiond", "which countries are mentioned"),
        ("Let me know why the dam was opened", "why the dam was opened"),
        ("Summarize the briefing, thanks!", "Summarize the briefing"),
        ("Can you summerize the breifing for me?", "summarize the briefing"),
        ("Explain to me why the gates opened.", "why the gates opened."),
        ("Do you know what Shea said?", "what Shea said?"),
        ("Who is Noor Haddad? 🌊", "Who is Noor Haddad?"),
        ("What did the US say? 🙏🏽 ", "What did the US say?"),
    ],
)
def test_normalise_drops_fillers_unwraps_embedded_questions_and_mends_cue_words(
    question: str, normal: str
) -> None:
    assert normalise(question) == normal


def test_a_misspelt_cue_word_is_mended_keeping_its_capital_and_punctuation() -> None:
    assert normalise("Summerize (the breifing), pls?") == "Summarize (the briefing), pls?"
    assert normalise("Which organisatons are mentiond?") == "Which organisations are mentioned?"
    assert normalise("what happend") == "what happened"


@pytest.mark.parametrize(
    "word",
    [
        "criticism",  # an English word close to "criticise": spelt right, kept
        "reached",  # close to "reacted", but a word of its own
        "points",  # a cue word itself
        "point",  # another form of a cue word, not a misspelling
        "mentions",
        "Kestmoor",  # a name the vocabulary does not know, but near no cue word
        "dates",  # too short to mend
        "Tidewell",
    ],
)
def test_words_that_are_not_near_misses_are_left_alone(word: str) -> None:
    assert normalise(f"What about {word}?") == f"What about {word}?"


def test_normalise_keeps_case_and_straightens_apostrophes() -> None:
    assert normalise("WHO IS Dorothy Shea‘s boss´s aide") == "WHO IS Dorothy Shea's boss's aide"


def test_an_empty_or_only_polite_question_is_a_look_up() -> None:
    assert read_intent("") == LOOKUP
    assert read_intent("   ") == LOOKUP
    assert read_intent("please") == LOOKUP


# --- overview ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Summarize the briefing.", ""),
        ("summerize the breifing", ""),
        ("SUMMARISE THE DOCUMENTS", ""),
        ("What is this briefing about?", ""),
        ("what's the briefing about", ""),
        ("What are the key points?", ""),
        ("KEY POINTS?", ""),
        ("Key findings?", ""),
        ("tl;dr", ""),
        ("TLDR please", ""),
        ("Could you please give me an overview of the report?", ""),
        ("Hi, can you sum it up?", ""),
        ("Give me a quick recap.", ""),
        ("What’s the gist?", ""),
        ("In a nutshell?", ""),
        ("What are the main takeaways?", ""),
        ("Ok so what are the main points?", ""),
        ("I'm curious about the key points.", ""),
        ("What topics does the briefing cover?", ""),
        ("Can you give me the big picture?", ""),
        # of a topic
        ("Summarize what the documents say about sanctions.", "sanctions"),
        ("What do the documents say about the flood defences?", "flood defences"),
        ("What does the briefing say about the budget?", "budget"),
        ("Brief me on the port strike.", "port strike"),
        ("Summary of the port strike?", "port strike"),
        ("What happened at the UN Security Council meeting?", "UN Security Council meeting"),
        ("What happened?", ""),
        # of a named document
        ("Summarise the Holmvik article.", "Holmvik"),
        ("Can you summarize the article on Holmvik for me?", "Holmvik"),
        ("what are the main points of the Holmvik article?", "Holmvik"),
        ("Give me an overview of the plan for the week", "plan for the week"),
    ],
)
def test_overview_phrasings(question: str, topic: str) -> None:
    assert read_intent(question) == Reading(Intent.OVERVIEW, topic=topic)


@pytest.mark.parametrize(
    "question",
    [
        "What is still undecided?",
        "What remains open?",
        "What's still unresolved?",
        "What are the open questions?",
        "List the outstanding issues.",
        "what is yet to be decided",
    ],
)
def test_what_is_still_open_is_an_overview_of_the_question_itself(question: str) -> None:
    # The overview answerer reads the topic for what is still open: it gets the question.
    assert read_intent(question) == Reading(Intent.OVERVIEW, topic=question.rstrip("?. "))


@pytest.mark.parametrize(
    "question",
    [
        "Summarize the briefing pls",
        "summarise the briefing thx",
        "Summarize the report plz",
        "Summarize the briefing in a few lines",
        "Summarise it briefly, pls",
        "Give me the key points in three bullets",
    ],
)
def test_words_asking_for_brevity_or_politeness_are_no_topic(question: str) -> None:
    assert read_intent(question) == Reading(Intent.OVERVIEW, topic="")


@pytest.mark.parametrize(
    "question",
    [
        "What does this article cover?",
        "what does the briefing discuss",
        "What do these documents talk about?",
        "What did the report describe?",
    ],
)
def test_what_a_document_covers_is_an_overview_of_it(question: str) -> None:
    assert read_intent(question) == Reading(Intent.OVERVIEW)


# --- profile ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("Who is Dorothy Shea?", "Dorothy Shea"),
        ("who's dorothy shea", "dorothy shea"),
        ("WHO IS DOROTHY SHEA", "DOROTHY SHEA"),
        ("who is dorthy shea?", "dorthy shea"),  # a name misspelt is kept as typed
        ("Who was Isobel Marr exactly?", "Isobel Marr"),
        ("Who exactly is Nadia Fenwick?", "Nadia Fenwick"),
        ("Who's Fenwick?", "Fenwick"),
        ("who is Kim Jong Un", "Kim Jong Un"),
        ("Tell me about Tidewell Relief.", "Tidewell Relief"),
        ("Tell me more about Isobel Marr", "Isobel Marr"),
        ("Please tell me about the Garrow Dam.", "Garrow Dam"),
        ("Could you tell me who Isobel Marr is?", "Isobel Marr"),
        ("Hi, could you please tell me who Isobel Marr is?", "Isobel Marr"),
        ("What is the Garrow Dam?", "Garrow Dam"),
        ("What is Tidewell Relief?", "Tidewell Relief"),
        ("What do we know about Colonel Fenwick?", "Colonel Fenwick"),
        ("What can you tell me about Tidewell Relief?", "Tidewell Relief"),
        ("Background on Nadia Fenwick please", "Nadia Fenwick"),
        ("Give me some background on Oliver Fenwick.", "Oliver Fenwick"),
        ("What's Marr's background?", "Marr"),
        ("What was Fenwick's role?", "Fenwick"),
        ("What is a dam?", "dam"),  # the article dropped
        ("Explain the Garrow Dam.", "Garrow Dam"),
    ],
)
def test_profile_phrasings_and_their_subject(question: str, subject: str) -> None:
    assert read_intent(question) == Reading(Intent.PROFILE, subject=subject)


@pytest.mark.parametrize(
    "question",
    ["What is Tidewell Relief known for?", "What is Isobel Marr famous for?"],
)
def test_known_for_is_not_part_of_the_subject(question: str) -> None:
    reading = read_intent(question)
    assert reading.intent is Intent.PROFILE
    assert reading.subject in {"Tidewell Relief", "Isobel Marr"}


@pytest.mark.parametrize(
    "question", ["Who is in charge?", "Who is at fault?", "Who is behind the attack?"]
)
def test_who_is_with_a_prepositional_phrase_asks_for_a_name(question: str) -> None:
    assert read_intent(question).intent is Intent.LOOKUP


# --- statements -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "subject", "topic", "verb"),
    [
        ("What did the US say?", "US", "", "say"),
        ("What did the US say about China?", "US", "China", "say"),
        ("what did the us say about china", "us", "china", "say"),
        ("And what did Fenwick say?", "Fenwick", "", "say"),
        ("What has Shea said so far?", "Shea", "", "said"),
        ("How did Moscow respond?", "Moscow", "", "respond"),
        ("How did Russia react to the sanctions?", "Russia", "the sanctions", "react"),
        ("What was the Kremlin's position on the talks?", "Kremlin", "the talks", "position"),
        ("What was Shea's response?", "Shea", "", "response"),
        ("Did Putin say anything about Ukraine?", "Putin", "Ukraine", "say"),
        ("Did the mayor comment on the flood?", "mayor", "the flood", "comment"),
        ("What did Dorothy Shea accuse Moscow of?", "Dorothy Shea", "", "accuse"),
        ("what did shea propose", "shea", "", "propose"),
        ("What does Fenwick want?", "Fenwick", "", "want"),
        ("What did the court rule?", "court", "", "rule"),
        ("What did the panel report?", "panel", "", "report"),
        ("what has the kremlin said about the sanctions", "kremlin", "the sanctions", "said"),
        (
            "Could you tell me what Fenwick said about the bridge?",
            "Fenwick", "the bridge", "said",
        ),
        ("I'd like to know what the mayor said about the budget.", "mayor", "the budget", "said"),
        (
            "Besides warning about the build-up, what did the minister announce?",
            "minister", "", "announce",
        ),
        # follow-up forms: the pronoun is the subject the chain resolves before reading
        ("what did she say about it?", "she", "it", "say"),
        ("And what did he say?", "he", "", "say"),
        ("What did they do?", "they", "", "do"),
        ("What did the US and China say?", "US and China", "", "say"),
        # a misspelt reporting verb mended
        ("What did the US critisize China for?", "US", "", "criticize"),
        ("what did shea annouced", "shea", "", "announced"),
    ],
)  # fmt: skip
def test_statements_phrasings_their_subject_topic_and_verb(
    question: str, subject: str, topic: str, verb: str
) -> None:
    assert read_intent(question) == Reading(
        Intent.STATEMENTS, subject=subject, topic=topic, verb=verb
    )


@pytest.mark.parametrize(
    ("question", "subject", "verb"),
    [("What did the report conclude?", "report", "conclude"),
     ("What did the report find?", "report", "find")],
)  # fmt: skip
def test_a_subject_that_is_also_a_reporting_verb_stays_the_subject(
    question: str, subject: str, verb: str
) -> None:
    reading = read_intent(question)
    assert (reading.subject, reading.verb) == (subject, verb)


@pytest.mark.parametrize(
    "question", ["What did you say?", "What did we decide?", "What did I say?"]
)
def test_statements_of_the_conversation_itself_are_look_ups(question: str) -> None:
    assert read_intent(question) == LOOKUP


# --- inventory --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which countries are mentioned?", Kind.COUNTRIES),
        ("which contries are mentiond", Kind.COUNTRIES),
        ("WHICH COUNTRIES ARE MENTIONED", Kind.COUNTRIES),
        ("List the countries.", Kind.COUNTRIES),
        ("list all countries mentioned in the documents", Kind.COUNTRIES),
        ("Which countries does the report mention?", Kind.COUNTRIES),
        ("How many countries are mentioned?", Kind.COUNTRIES),
        ("Quick question: which countries are mentioned?", Kind.COUNTRIES),
        ("Who are the people mentioned?", Kind.PEOPLE),
        ("Name all the people in the briefing.", Kind.PEOPLE),
        ("Which people are mentioned?", Kind.PEOPLE),
        ("Who's who?", Kind.PEOPLE),
        ("Who is mentioned?", Kind.PEOPLE),
        ("Who are the key players?", Kind.PEOPLE),
        ("What organisations does the briefing mention?", Kind.ORGANISATIONS),
        ("Which organizations are named?", Kind.ORGANISATIONS),
        ("Give me a list of the organisations.", Kind.ORGANISATIONS),
        ("What places are mentioned in the briefing?", Kind.PLACES),
        ("Which cities are mentioned?", Kind.PLACES),
        ("list the places named in the report", Kind.PLACES),
        ("Which dates are mentioned?", Kind.DATES),
        ("What are all the dates mentioned?", Kind.DATES),
        ("Which years are mentioned?", Kind.YEARS),
        ("What sums of money are mentioned?", Kind.MONEY),
        ("What amounts are mentioned?", Kind.AMOUNTS),
        ("What figures are mentioned?", Kind.AMOUNTS),
        ("Which places does his biography mention?", Kind.PLACES),
        ("What people does that old report name?", Kind.PEOPLE),
    ],
)
def test_inventory_phrasings_and_their_kind(question: str, kind: Kind) -> None:
    assert read_intent(question) == Reading(Intent.INVENTORY, kind=kind)


# --- reason -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Why does the US criticise China?",
        "why did the US criticise china",
        "WHY DID SHE RESIGN",
        "whY were the gates opened",
        "Wy did the dam fail?",
        "why?",
        "and why?",
        "Why so?",
        "Why not?",
        "how come?",
        "How come Dulcross still has no power?",
        "Could you explain why the dam was opened?",
        "Explain why the dam was opened.",
        "please, why?",
        "What caused the flood?",
        "What caused it?",
        "What is the reason for the delay?",
        "What was the reason?",
        "What led to the evacuation?",
        "For what reason was the bridge closed?",
        "What was the main motive?",
        "What prompted the strike?",
        "What explains the drop in revenue?",
        "What is behind the delay?",
    ],
)
def test_reason_phrasings(question: str) -> None:
    assert read_intent(question) == Reading(Intent.REASON)


def test_whats_behind_is_a_reason_like_what_is_behind() -> None:
    assert read_intent("What's behind the delay?") == Reading(Intent.REASON)


# --- look-ups ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "Who is the mayor of Kestmoor?",  # a description to be named
        "Who attended the parade?",
        "What did her father do for a living?",  # a job, not statements
        "What did Fenwick do for work?",
        "Who is the president?",
        "Who was the first to arrive?",
        "Who is leading the talks?",  # a verb phrase
        "Who is responsible for the delay?",
        "What is the name of the ambassador?",
        "What is the capital?",
        "What is happening in Kestmoor?",
        "What is it?",  # a pronoun left over
        "Where was the summit held?",
        "Where is the Garrow Dam?",
        "When was the bridge closed?",
        "How many people died?",
        "How many people attended the parade?",
        "What is the population of Kestmoor?",
        "Which country hosted the summit?",
        "Which country is the largest donor?",
        "What year did the dam open?",
        "Who won the match?",
        "Did Kim Jong Un go?",
    ],
)
def test_one_fact_questions_stay_look_ups(question: str) -> None:
    assert read_intent(question) == LOOKUP


def test_reason_wins_over_every_other_reading() -> None:
    # "what did X say" and "summary" are in it, but it asks why.
    assert read_intent("Why did the US say that?").intent is Intent.REASON
    assert read_intent("Why is the summary missing?").intent is Intent.REASON


def test_inventory_wins_over_overview_and_overview_over_statements() -> None:
    # "mentioned" in a list question is an inventory, not the overview's "main points".
    assert read_intent("Which key people are mentioned?") == Reading(
        Intent.INVENTORY, kind=Kind.PEOPLE
    )
    # "What did the report say about X" is what the documents say: an overview of X.
    assert read_intent("What did the report say about Kestmoor?") == Reading(
        Intent.OVERVIEW, topic="Kestmoor"
    )


def test_a_long_subject_is_not_a_subject() -> None:
    long = "What did the man who came from the far north and sold the boats yesterday say?"
    assert read_intent(long) == LOOKUP


def test_a_symbol_after_the_question_is_not_part_of_its_subject() -> None:
    assert read_intent("Who is Noor Haddad? 🌊").subject == "Noor Haddad"
    assert read_intent("What did the US say? 🙏").intent is Intent.STATEMENTS


# --- the edges of reading a question -----------------------------------------------------------


def test_fillers_are_dropped_round_after_round() -> None:
    # "Can you please" is dropped in one round, "also" and "tell me" only in the next.
    assert normalise("Can you please also tell me who Isobel Marr is?") == "who Isobel Marr is?"


@pytest.mark.parametrize(
    ("question", "reading"),
    [
        # A topic loses the punctuation and words around it, never its own letters.
        ("What do the documents say about sanctions, overall?",
         Reading(Intent.OVERVIEW, topic="sanctions")),
        ("Summarize what the documents say about Xi", Reading(Intent.OVERVIEW, topic="Xi")),
        ("What is the Holmvik dispute all about?",
         Reading(Intent.OVERVIEW, topic="Holmvik dispute")),
        # A subject loses its quotes and article, never its own letters.
        ('What did "Shea" say?', Reading(Intent.STATEMENTS, subject="Shea", verb="say")),
        ("What did Xi say?", Reading(Intent.STATEMENTS, subject="Xi", verb="say")),
        ("What did Shea say about Xi?",
         Reading(Intent.STATEMENTS, subject="Shea", topic="Xi", verb="say")),
        ("Who is Xi?", Reading(Intent.PROFILE, subject="Xi")),
        # "the report" names the subject and "Conclude" the act, whatever its case.
        ("What did the report Conclude?",
         Reading(Intent.STATEMENTS, subject="report", verb="conclude")),
    ],
)  # fmt: skip
def test_topics_and_subjects_keep_their_own_letters(question: str, reading: Reading) -> None:
    assert read_intent(question) == reading


def test_a_statements_subject_has_at_most_eight_words() -> None:
    eight = read_intent("What did the old chief engineer of the Garrow Dam Trust say?")
    assert eight.subject == "old chief engineer of the Garrow Dam Trust"
    assert read_intent("What did the old chief engineer of the new Garrow Dam Trust say?") == LOOKUP


def test_a_profiles_subject_has_at_most_seven_words() -> None:
    seven = read_intent("Who is Anna Maria Lopez de la Vega Cruz?")
    assert seven == Reading(Intent.PROFILE, subject="Anna Maria Lopez de la Vega Cruz")
    assert read_intent("Who is Anna Maria Lopez de la Vega y Cruz?") == LOOKUP


def test_who_is_the_and_a_name_asks_for_a_name_not_a_profile() -> None:
    assert read_intent("Who is the Garrow Dam Trust?") == LOOKUP
    assert read_intent("What is the Garrow Dam Trust?") == Reading(
        Intent.PROFILE, subject="Garrow Dam Trust"
    )
