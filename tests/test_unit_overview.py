"""Fast unit tests of the overview answerer (assistant/answerers/overview.py) over an in-memory
library (the real chunker and sentence index), a passage finder over it and the word-overlap
reranker: one document, several documents, a topic, and naming a document."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer.reader import Draft
from assistant.answerers.compose import Composed, Request
from assistant.answerers.overview import OverviewAnswerer, OverviewPolicy
from assistant.answerers.scope import named_document
from assistant.index.centrality import tfidf
from assistant.intent.classifier import read_intent
from assistant.intent.kinds import Intent, Reading
from tests.fakes import NO_ENTITIES, KeywordEmbedder, WordOverlapReranker
from tests.reader_fakes import InMemoryLibrary, LibraryFinder

pytestmark = pytest.mark.unit

# No bonus for where a sentence stands: centrality alone (and the lean penalty) decides.
PLACELESS = OverviewPolicy(lead_bonus=0.0, paragraph_lead_bonus=0.0, early_bonus=0.0)


class Overview:
    """An overview answerer over documents, and what it read."""

    def __init__(
        self,
        documents: Mapping[str, str],
        directory: Path,
        policy: OverviewPolicy | None = None,
        embedder: KeywordEmbedder | None = None,
    ) -> None:
        self.library = InMemoryLibrary(documents, directory, NO_ENTITIES)
        self.reranker = WordOverlapReranker()
        self.finder = LibraryFinder(self.library, self.reranker)
        self.answerer = OverviewAnswerer(
            self.library, self.finder, self.reranker, policy, embedder=embedder
        )

    def ask(self, topic: str = "", question: str = "Summarize the briefing.") -> Composed:
        request = Request(question, question, question, (), Reading(Intent.OVERVIEW, topic=topic))
        composed = self.answerer.answer(request)
        assert composed is not None
        return composed

    def quotes(self, topic: str = "") -> list[str]:
        return [c.quote for c in self.ask(topic).draft.citations]


Make = Callable[..., Overview]


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Make]:
    made: list[Overview] = []

    def build(
        documents: Mapping[str, str],
        policy: OverviewPolicy | None = None,
        embedder: KeywordEmbedder | None = None,
    ) -> Overview:
        overview = Overview(documents, tmp_path / str(len(made)), policy, embedder)
        made.append(overview)
        return overview

    yield build
    for overview in made:
        overview.library.close()


# --- one document -----------------------------------------------------------------------------

FLOOD = (
    "The council met on Monday evening in the town hall.\n\n"
    "Flood pumps failed along the river when the river flood rose. River flood walls held "
    "near the bridge. The flood pumps need repairs, engineers said.\n\n"
    "Volunteers filled sandbags near the river flood walls. Was the warning too late? "
    "Short one.\n\n"
    "A new flood plan for the river pumps and walls was approved. It costs a lot."
)


def test_one_document_one_sentence_per_paragraph_in_document_order(make: Make) -> None:
    overview = make({"flood.txt": FLOOD})
    composed = overview.ask()
    assert composed.layout == "list"
    assert composed.lead == ""
    assert not composed.draft.abstained
    quotes = [c.quote for c in composed.draft.citations]
    assert quotes == [
        "The council met on Monday evening in the town hall.",
        "Flood pumps failed along the river when the river flood rose.",
        "Volunteers filled sandbags near the river flood walls.",
        "A new flood plan for the river pumps and walls was approved.",
    ]  # one per paragraph; no question, nothing under five words
    assert composed.draft.text == (
        "The council met on Monday evening in the town hall [1]. "
        "Flood pumps failed along the river when the river flood rose [2]. "
        "Volunteers filled sandbags near the river flood walls [3]. "
        "A new flood plan for the river pumps and walls was approved [4]."
    )
    for citation in composed.draft.citations:
        assert FLOOD[citation.start : citation.end] == citation.quote
        assert citation.passage_text[citation.start - citation.passage_start :].startswith(
            citation.quote
        )
    assert {p.chunk.source for p in composed.passages} == {"flood.txt"}


def test_the_documents_opening_sentence_is_preferred(make: Make) -> None:
    def first(policy: OverviewPolicy) -> list[str]:
        return make({"flood.txt": FLOOD}, policy).quotes()

    opening = "The council met on Monday evening in the town hall."
    central = "A new flood plan for the river pumps and walls was approved."
    # Centrality alone picks the plan; the opening sentence's bonus alone puts it first.
    assert first(OverviewPolicy(max_sentences=1, lead_bonus=0.0, paragraph_lead_bonus=0.0,
                                early_bonus=0.0)) == [central]  # fmt: skip
    assert first(OverviewPolicy(max_sentences=1, paragraph_lead_bonus=0.0,
                                early_bonus=0.0)) == [opening]  # fmt: skip
    assert first(OverviewPolicy(max_sentences=1)) == [opening]  # and by default


def test_a_document_of_few_paragraphs_gives_more_than_one_sentence_a_paragraph(
    make: Make,
) -> None:
    two = (
        "The council met on Monday evening in the town hall. Engineers reported on the "
        "flood walls. Volunteers filled sandbags near the harbour.\n\n"
        "A new flood plan for the river was approved after midnight."
    )
    quotes = make({"two.txt": two}).quotes()
    assert len(quotes) == 4  # every sentence: two paragraphs are too few to spread over
    assert make({"two.txt": two}, OverviewPolicy(min_paragraphs=2)).quotes() == [
        "The council met on Monday evening in the town hall.",
        "A new flood plan for the river was approved after midnight.",
    ]


LEAN = (
    "Engineers inspected the river flood walls on Monday morning. They also found the river "
    "flood walls need new pumps soon. Volunteers filled sandbags near the harbour gates and "
    "tested new pumps."
)


def test_a_sentence_leaning_on_the_one_before_is_penalised(make: Make) -> None:
    leaning = "They also found the river flood walls need new pumps soon."
    one = replace(PLACELESS, max_sentences=1)
    assert make({"l.txt": LEAN}, one).quotes() == [
        "Engineers inspected the river flood walls on Monday morning."
    ]
    # Without the penalty the leaning sentence, the most central, is taken.
    unpenalised = replace(one, lean_penalty=0.0)
    assert make({"l.txt": LEAN}, unpenalised).quotes() == [leaning]


REFRAIN_A = (
    "Residents can call the Holmvik hotline for news about failed pumps, broken walls, closed "
    "schools and flooded cellars across Northgate."
)
REFRAIN_B = (
    "Residents can call the Holmvik hotline for news while volunteers deliver sandwiches, "
    "blankets, candles and batteries to Eastmarsh families."
)


def test_no_refrain_is_repeated_even_when_the_words_differ(make: Make) -> None:
    vectors = tfidf([REFRAIN_A, REFRAIN_B])
    assert float(vectors[0] @ vectors[1]) < OverviewPolicy().repeat  # not a repeat by words
    text = f"The council met on Monday evening in the town hall.\n\n{REFRAIN_A}\n\n{REFRAIN_B}"
    # (the cosine rule off, so only the refrain rule can drop it)
    quotes = make({"r.txt": text}, OverviewPolicy(repeat=1.1)).quotes()
    assert quotes == ["The council met on Monday evening in the town hall.", REFRAIN_A]


def test_no_sentence_repeating_a_chosen_one_by_its_words(make: Make) -> None:
    text = (
        "The council met on Monday evening in the town hall.\n\n"
        "Storm surge flooded the northern harbour district overnight.\n\n"
        "Overnight the northern harbour district was flooded by a storm surge."
    )
    quotes = make({"r.txt": text}).quotes()
    assert quotes == [
        "The council met on Monday evening in the town hall.",
        "Storm surge flooded the northern harbour district overnight.",
    ]


def test_at_most_max_sentences_within_max_chars(make: Make) -> None:
    text = "\n\n".join(
        f"Paragraph {word} tells of the {word} pumps near the {word} walls today."
        for word in ("first", "second", "third", "fourth", "fifth", "sixth", "seventh")
    )
    assert len(make({"p.txt": text}).quotes()) == 6
    assert len(make({"p.txt": text}, OverviewPolicy(max_sentences=2)).quotes()) == 2
    budget = OverviewPolicy(max_chars=150)  # two sentences of ~70 characters fit, not three
    quotes = make({"p.txt": text}, budget).quotes()
    assert len(quotes) == 2
    assert sum(len(q) for q in quotes) <= 150
    # The first chosen sentence is quoted even when it alone is over the budget.
    assert len(make({"p.txt": text}, OverviewPolicy(max_chars=10)).quotes()) == 1


SUMMARISED = (
    "# Port of Holmvik\n\n"
    "The harbour cranes stopped when the storm hit the harbour cranes.\n\n"
    "## Executive summary\n\n"
    "The port reopened on Monday after repairs. Exports fell by a third in March.\n\n"
    "## Details\n\n"
    "The harbour cranes were inspected and the harbour cranes restarted."
)


def test_a_summary_section_is_the_summary(make: Make) -> None:
    assert make({"port.md": SUMMARISED}).quotes() == [
        "The port reopened on Monday after repairs.",
        "Exports fell by a third in March.",  # both: a summary is not one per paragraph
    ]


def test_an_empty_library_is_left_to_the_look_up(make: Make) -> None:
    overview = make({})
    request = Request("q", "q", "q", (), Reading(Intent.OVERVIEW))
    assert overview.answerer.answer(request) is None


def test_a_document_of_nothing_summarisable_says_so(make: Make) -> None:
    composed = make({"t.md": "# Title\n\nShort line.\n\nIs it open?"}).ask()
    assert composed.draft.abstained
    assert composed.lead == "The documents do not say."
    assert composed.draft.citations == ()


# --- several documents ------------------------------------------------------------------------

SEVERAL = {
    "a-port.txt": "The port reopened on Monday after storm repairs.\n\nCranes moved cargo again.",
    "b-river.txt": (
        "Short.\n\nThe river fell below the flood mark by Tuesday night.\n\nPumps ran all day."
    ),
    "c-school.txt": "Schools in Northgate will reopen next week, the council said.",
}


def test_several_documents_one_line_each_in_their_order(make: Make) -> None:
    composed = make(SEVERAL).ask()
    assert composed.lead == "3 documents, one line each:"
    assert composed.layout == "list"
    assert [(c.source, c.quote) for c in composed.draft.citations] == [
        ("a-port.txt", "The port reopened on Monday after storm repairs."),
        ("b-river.txt", "The river fell below the flood mark by Tuesday night."),
        ("c-school.txt", "Schools in Northgate will reopen next week, the council said."),
    ]


def test_summarize_the_briefing_among_several_documents_takes_the_briefing(make: Make) -> None:
    documents = {**SEVERAL, "z-briefing.md": FLOOD}
    overview = make(documents)
    composed = overview.ask(question="Summarize the briefing.")
    assert composed.lead == ""  # one document's overview, not one line each
    assert {c.source for c in composed.draft.citations} == {"z-briefing.md"}
    # A kind of document no name holds: one line each.
    assert make(documents).ask(question="Summarize the memo.").lead == (
        "4 documents, one line each:"
    )


def test_more_documents_than_lines_give_the_gist_of_some(make: Make) -> None:
    composed = make(SEVERAL, OverviewPolicy(max_documents=2)).ask()
    assert composed.lead == "3 documents; the gist of 2 of them:"
    sources = [c.source for c in composed.draft.citations]
    assert len(sources) == 2
    assert sources == sorted(sources)  # in the documents' order


# --- a topic ----------------------------------------------------------------------------------

OPS = (
    "# Holmvik situation report\n\n"
    "## Power\n\n"
    "Crews restored power to the north district on Monday. About 41,000 homes lost "
    "electricity in the storm.\n\n"
    "## Health\n\n"
    "Clinics remain open across the whole district.\n\n"
    "### Acute watery diarrhoea\n\n"
    "Twelve cases were confirmed at the camp this week. Chlorine tablets were handed out to "
    "families.\n\n"
    "## Supplies\n\n"
    "- Water: two pumps failed at the main station.\n"
    "- Food: the warehouse holds rations for ten days.\n"
    "- Fuel: generators have diesel for three days.\n\n"
    "The logistics cluster meets daily to review stock.\n\n"
    "## Open questions\n\n"
    "Whether the bridge can carry lorries is not yet known. The date of the school reopening "
    "is undecided."
)
# Only the parts at the best score (the word-overlap scores are whole numbers).
BEST_ONLY = OverviewPolicy(part_margin=0.5, floor=1.0)


def test_a_topic_takes_the_section_its_heading_is_about_and_the_one_below(make: Make) -> None:
    # "health" is in no sentence: the "## Health" heading rates its own section and the
    # "### Acute watery diarrhoea" section under it.
    assert make({"ops.md": OPS}, BEST_ONLY).quotes("health") == [
        "Clinics remain open across the whole district.",
        "Twelve cases were confirmed at the camp this week.",
        "Chlorine tablets were handed out to families.",
    ]


def test_a_heading_labels_the_sections_below_only_where_the_embeddings_put_it_near(
    make: Make,
) -> None:
    # The same as above, but the embeddings put "Health" far from "health" (no word they
    # know): the heading still rates its own section (read with the prose under it), not
    # the one below it.
    far = make({"ops.md": OPS}, BEST_ONLY, KeywordEmbedder(("clinics", "cases")))
    assert far.quotes("health") == ["Clinics remain open across the whole district."]
    near = make({"ops.md": OPS}, BEST_ONLY, KeywordEmbedder(("health", "clinics")))
    assert near.quotes("health") == [
        "Clinics remain open across the whole district.",
        "Twelve cases were confirmed at the camp this week.",
        "Chlorine tablets were handed out to families.",
    ]
    # "health clinics" against "Health": cosine 0.707 — near under a threshold of 0.70,
    # far under one of 0.71.
    embedder = KeywordEmbedder(("health", "clinics"))
    policy = replace(BEST_ONLY, part_margin=1.0)
    under = make({"ops.md": OPS}, replace(policy, heading_similarity=0.70), embedder)
    over = make({"ops.md": OPS}, replace(policy, heading_similarity=0.71), embedder)
    assert under.quotes("health clinics") == near.quotes("health")
    assert over.quotes("health clinics") == far.quotes("health")


def test_a_heading_is_rated_with_the_first_sentence_under_it(make: Make) -> None:
    # One passage read (Power's: 2 words of "crews storm"); the Roads section is rated by
    # its heading read with "Crews cleared the main roads …" (1 word), within the margin of 1.
    text = (
        "# Report\n\n## Power\n\nCrews restored power after the storm.\n\n"
        "## Roads\n\nCrews cleared the main roads into town by Tuesday."
    )
    policy = replace(BEST_ONLY, top_k=1, part_margin=1.0)
    overview = make({"r.md": text}, policy)
    assert overview.quotes("crews storm") == [
        "Crews restored power after the storm.",
        "Crews cleared the main roads into town by Tuesday.",
    ]


def test_a_documents_title_speaks_for_no_section(make: Make) -> None:
    # "situation report" is only in the titles ("# …") of two documents (so it names neither
    # of them): no section is about it.
    north = OPS.replace("# Holmvik situation", "# Northgate situation")
    documents = {"ops.md": OPS, "north.md": north}
    overview = make(documents, BEST_ONLY)
    composed = overview.ask("situation report")
    assert overview.finder.queries == ["situation report"]  # the topic was searched
    assert composed.draft.abstained
    assert composed.lead == "The documents say nothing about situation report."
    assert composed.draft.citations == ()


def test_a_topic_below_the_floor_is_refused_by_name(make: Make) -> None:
    composed = make({"ops.md": OPS}, BEST_ONLY).ask("volcano eruptions?")
    assert composed.draft.abstained
    assert composed.lead == "The documents say nothing about volcano eruptions."


def test_a_list_section_is_quoted_by_its_items(make: Make) -> None:
    assert make({"ops.md": OPS}, BEST_ONLY).quotes("supplies") == [
        "- Water: two pumps failed at the main station.",
        "- Food: the warehouse holds rations for ten days.",
        "- Fuel: generators have diesel for three days.",
    ]  # not "The logistics cluster meets daily …", which is no item


def test_a_long_part_is_quoted_by_its_best_sentences(make: Make) -> None:
    policy = OverviewPolicy(part_margin=0.5, floor=1.0, max_sentences=1)
    assert make({"ops.md": OPS}, policy).quotes("chlorine tablets") == [
        "Chlorine tablets were handed out to families."
    ]


def test_parts_within_the_margin_of_the_best_at_most_max_parts(make: Make) -> None:
    # "district": the Power section (1 shared word) and the Health section (1).
    best = make({"ops.md": OPS}, BEST_ONLY).quotes("district")
    assert best == [
        "Crews restored power to the north district on Monday.",
        "About 41,000 homes lost electricity in the storm.",
        "Clinics remain open across the whole district.",
    ]
    one = OverviewPolicy(part_margin=0.5, floor=1.0, max_parts=1)
    assert make({"ops.md": OPS}, one).quotes("district") == best[:2]


def test_a_templated_refrain_does_not_make_a_part_about_the_topic(make: Make) -> None:
    refrain = "Residents can call the Holmvik hotline for news at any hour of the day."
    text = (
        f"## Power\n\nCrews restored power on Monday. {refrain}\n\n"
        f"## Health\n\nClinics remain open across the district. {refrain}"
    )
    composed = make({"r.md": text}, BEST_ONLY).ask("hotline")
    assert composed.draft.abstained
    assert composed.lead == "The documents say nothing about hotline."


@pytest.mark.parametrize(
    "question", ["What is still undecided?", "What remains unresolved?", "What's still open?"]
)
def test_what_is_still_open_takes_the_open_questions_section(make: Make, question: str) -> None:
    reading = read_intent(question)
    assert reading.intent is Intent.OVERVIEW
    overview = make({"ops.md": OPS}, BEST_ONLY)
    assert overview.quotes(reading.topic) == [
        "Whether the bridge can carry lorries is not yet known.",
        "The date of the school reopening is undecided.",
    ]
    assert overview.finder.queries == []  # straight to the section: no search


def test_next_steps_are_no_open_questions(make: Make) -> None:
    text = (
        "## Repairs\n\nCrews restored power to the north district on Monday.\n\n"
        "## Next steps\n\nThe council will review the flood plan on Friday."
    )
    overview = make({"n.md": text}, BEST_ONLY)
    overview.ask(read_intent("What is still undecided?").topic)
    assert overview.finder.queries == ["What is still undecided"]  # searched: no such section


@pytest.mark.parametrize(
    "question", ["What are the open questions?", "List the outstanding issues."]
)
def test_the_open_questions_phrasings_take_the_open_questions_section(
    make: Make, question: str
) -> None:
    reading = read_intent(question)
    assert make({"ops.md": OPS}, BEST_ONLY).quotes(reading.topic) == [
        "Whether the bridge can carry lorries is not yet known.",
        "The date of the school reopening is undecided.",
    ]


def test_a_topic_that_names_a_document_summarises_that_document(make: Make) -> None:
    documents = {"holmvik.md": OPS, "holmvik-academy.md": FLOOD}
    overview = make(documents)
    quotes = overview.quotes("Holmvik")
    assert quotes[0] == "Crews restored power to the north district on Monday."
    assert all(q in OPS for q in quotes)
    assert overview.finder.queries == []  # a document's overview, no search
    assert all(q in FLOOD for q in overview.quotes("Holmvik academy"))


# --- naming a document ------------------------------------------------------------------------


def test_named_document_exact_name_beats_a_longer_one() -> None:
    sources = ["holmvik.md", "holmvik-academy.md"]
    assert named_document("Holmvik", sources) == "holmvik.md"
    assert named_document("Holmvik academy", sources) == "holmvik-academy.md"
    assert named_document("academy", sources) == "holmvik-academy.md"  # the only one holding it
    assert named_document("Kestmoor", sources) is None


def test_named_document_docstring_example() -> None:
    assert named_document("the Holmvik article", ["holmvik.md", "holmvik-academy.md"]) == (
        "holmvik.md"
    )


def test_named_document_reads_numbers_in_words_and_figures() -> None:
    sources = ["chapter-08.txt", "chapter-09.txt"]
    assert named_document("chapter eight", sources) == "chapter-08.txt"
    assert named_document("Chapter 9", sources) == "chapter-09.txt"
    assert named_document("chapter", sources) is None  # several hold it


def test_named_document_by_its_title() -> None:
    sources = ["a.md", "b.md"]
    titles = {"a.md": "Port strike enters second week", "b.md": "Flood defences"}
    assert named_document("the port strike", sources, titles) == "a.md"
    assert named_document("flood defences", sources, titles) == "b.md"
    assert named_document("harbour", sources, titles) is None


def test_named_document_needs_content_words() -> None:
    assert named_document("", ["a.md"]) is None
    assert named_document("the md", ["a.md"]) is None  # file extensions are no words


# --- the edges of a summary section and of one line a document ---------------------------------

REOPENED = "The port reopened on Monday after the storm repairs."
EXPORTS = "Exports of grain fell by a third during March."
RETIRED = "The harbour master retired after forty years of service."


def test_a_summary_section_ends_at_the_next_heading_of_its_level(make: Make) -> None:
    assert make({"p.md": f"# Summary\n\n{REOPENED}\n\n# Next part\n\n{EXPORTS}"}).quotes() == [
        REOPENED
    ]


def test_a_heading_without_a_mark_does_not_end_a_summary_section(make: Make) -> None:
    text = f"## Summary\n\n{REOPENED}\n\nKey numbers\n\n{EXPORTS}\n\n## Details\n\n{RETIRED}"
    assert make({"p.md": text}).quotes() == [REOPENED, EXPORTS]


def test_a_summary_heading_without_a_mark_runs_over_lower_level_headings(make: Make) -> None:
    text = f"Summary\n\n{REOPENED}\n\n## Details\n\n{EXPORTS}"
    assert make({"p.md": text}).quotes() == [REOPENED, EXPORTS]


def test_a_documents_line_is_its_weightiest_sentence_not_its_last(make: Make) -> None:
    composed = make({"a.txt": f"{REOPENED} {RETIRED}", "b.txt": EXPORTS}).ask()
    assert [c.quote for c in composed.draft.citations] == [REOPENED, EXPORTS]


def test_the_lines_of_several_documents_keep_within_their_own_budget(make: Make) -> None:
    documents = {"a.txt": REOPENED, "b.txt": EXPORTS, "c.txt": RETIRED}
    composed = make(documents, OverviewPolicy(max_document_chars=120)).ask()
    assert composed.lead == "3 documents; the gist of 2 of them:"
    assert [c.quote for c in composed.draft.citations] == [REOPENED, EXPORTS]


HELD = "The harbour cranes were inspected and restarted on Monday."
HELD_AGAIN = "The harbour cranes were inspected and restarted on Monday morning."
GRAIN = "Exports of grain fell by a third during March."
KEEPER = "The old lighthouse keeper retired after forty long years of faithful service to the town."


def test_a_summary_and_a_refusal_have_no_lead_or_text_of_their_own(make: Make) -> None:
    summary = make({"port.md": SUMMARISED}).ask()
    assert (summary.lead, summary.draft.abstained) == ("", False)
    refused = make({"t.md": "# Title\n\nShort line.\n\nIs it open?"}).ask()
    assert refused.draft == Draft("", (), abstained=True)


def test_a_topic_named_only_by_a_sections_heading_takes_that_section(make: Make) -> None:
    text = (
        "# Report\n\n## Sanctions\n\nThe measures took effect in May.\n\n"
        "## Weather\n\nRain fell all week long here."
    )
    composed = make({"s.md": text}, BEST_ONLY).ask("sanctions")
    assert [c.quote for c in composed.draft.citations] == ["The measures took effect in May."]
    assert composed.lead == ""


def test_a_repeat_is_passed_over_for_the_next_sentence(make: Make) -> None:
    assert make({"r.txt": f"{HELD} {HELD_AGAIN} {GRAIN}"}, PLACELESS).quotes() == [HELD, GRAIN]


def test_a_sentence_over_the_budget_is_passed_over_for_one_within_it(make: Make) -> None:
    policy = replace(PLACELESS, max_chars=len(HELD) + len(GRAIN) + 5)
    assert make({"b.txt": f"{HELD} {KEEPER} {GRAIN}"}, policy).quotes() == [HELD, GRAIN]


def test_sentences_may_fill_the_budget_exactly(make: Make) -> None:
    policy = OverviewPolicy(max_chars=len(HELD) + len(GRAIN))
    assert make({"b.txt": f"{HELD} {GRAIN}"}, policy).quotes() == [HELD, GRAIN]


def test_nothing_open_is_said_in_words_of_its_own(make: Make) -> None:
    # No open-questions section, and no passage about what is still open.
    reading = read_intent("What is still open?")
    composed = make({"r.md": "# Report\n\n## Power\n\nCrews restored power."}, BEST_ONLY).ask(
        reading.topic
    )
    assert composed.draft.abstained
    assert composed.lead == "The documents do not say what is still open."


def test_only_the_headings_nearest_the_topic_are_read_with_their_prose(make: Make) -> None:
    # As above; the embeddings know none of the words (every cosine 0: nearest in document
    # order). Reading the title's and Power's headings only, Roads is not found.
    text = (
        "# Report\n\n## Power\n\nCrews restored power after the storm.\n\n"
        "## Roads\n\nCrews cleared the main roads into town by Tuesday."
    )
    policy = replace(BEST_ONLY, top_k=1, part_margin=1.0)
    blind = KeywordEmbedder(("lamp",))
    three = make({"r.md": text}, replace(policy, max_rated_headings=3), blind)
    assert three.quotes("crews storm") == [
        "Crews restored power after the storm.",
        "Crews cleared the main roads into town by Tuesday.",
    ]
    two = make({"r.md": text}, replace(policy, max_rated_headings=2), blind)
    assert two.quotes("crews storm") == ["Crews restored power after the storm."]
