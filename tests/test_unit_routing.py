"""Fast unit tests of the chain's routing by intent (assistant/chain.py): an intent's answerer
or the look-up, how a composed answer is checked and laid out, a reader's precise refusal
and the bold policy — over the fakes, answerers of our own and the real overview and
inventory answerers on an in-memory library."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from assistant.answer.abstention import LogisticGate
from assistant.answer.bold import FEATURES, BoldPolicy
from assistant.answer.citations import with_marker
from assistant.answer.reader import ABSTAIN_TEXT, Draft, ExtractiveReader
from assistant.answer.reason import ReasonReader
from assistant.answerers.compose import Answerer, Composed, Layout, Request
from assistant.answerers.inventory import InventoryAnswerer
from assistant.answerers.overview import OverviewAnswerer
from assistant.answerers.quoting import cite, passages
from assistant.chain import build_chain, layout
from assistant.index.sentences import Sentence
from assistant.intent.kinds import Intent
from assistant.protocols import Reader
from assistant.retrieve.hybrid import FusionConfig, HybridRetriever
from assistant.stages import Asked
from assistant.types import Answer, Chunk, ShortAnswer
from tests.fakes import (
    NO_ENTITIES,
    GazetteerRecognizer,
    InMemoryStore,
    KeywordEmbedder,
    WordOverlapReranker,
    make_chunk,
)
from tests.reader_fakes import InMemoryLibrary, LibraryFinder, RuleParser, world_gazetteer

pytestmark = pytest.mark.unit

DAM = make_chunk(
    "Engineers opened the dam gates on Monday. Crowds watched from the bridge. "
    "Ambassador Lena Aldous visited the dam on Tuesday.",
    source="dam.txt",
)
CONFIG = FusionConfig(
    dense_k=10, bm25_k=10, rrf_k=60, dense_weight=1.0, bm25_weight=1.0,
    rerank_candidates=5, top_k=5, duplicate_threshold=0.6,
)  # fmt: skip
# confidence = the best sentence's word-overlap score − 1
GATE = LogisticGate((1.0, 0.0, 0.0, 0.0, 0.0, 0.0), -1.0, threshold=1.0)


@dataclass
class QuotingAnswerer:
    """An ``Answerer`` that quotes, in order, every sentence of ``chunks`` holding a word of the
    question's subject or topic (None when none does), framed by ``lead``, laid out as
    ``layout``, abstaining when told to; with ``role``, the word of the first quote to give as
    its short answer (as a profile gives a role). Every request is kept in ``requests``."""

    chunks: Sequence[Chunk]
    lead: str = ""
    layout: Layout = "prose"
    abstained: bool = False
    role: str = ""
    requests: list[Request] = field(default_factory=list)

    def answer(self, request: Request) -> Composed | None:
        self.requests.append(request)
        wanted = set(re.findall(r"\w+", f"{request.reading.subject} {request.reading.topic}"))
        wanted = {w.lower() for w in wanted}
        chosen = [
            (chunk, index)
            for chunk in self.chunks
            for index, text in enumerate(chunk.sentence_texts())
            if wanted & set(re.findall(r"\w+", text.lower()))
        ]
        if not chosen:
            return None
        citations = cite(
            [_sentence(chunk, index) for chunk, index in chosen], {c.id: c for c in self.chunks}
        )
        text = " ".join(with_marker(c.quote, c.marker) for c in citations)
        short = None
        if self.role:
            first = citations[0]
            at = first.start + first.quote.index(self.role)
            short = ShortAnswer(self.role, 1, at, at + len(self.role), "role", "role")
        return Composed(
            Draft(text, citations, abstained=self.abstained, short=short),
            passages(citations, {c.id: c for c in self.chunks}),
            lead=self.lead,
            layout=self.layout,
        )


def _sentence(chunk: Chunk, index: int) -> Sentence:
    span = chunk.sentences[index]
    text = chunk.sentence_texts()[index]
    return Sentence(chunk.source, index, span.start, span.end, chunk.paragraph, chunk.id, 1.0, text)


@dataclass
class Guard:
    """A guard that counts how often it was held."""

    held: int = 0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.held += 1
        yield


def ask(
    question: str,
    *,
    answerers: Mapping[Intent, Answerer] | None = None,
    readers: Mapping[Intent, Reader] | None = None,
    gate: LogisticGate = GATE,
    bold: BoldPolicy | None = None,
    chunks: Sequence[Chunk] = (DAM,),
    guard: Guard | None = None,
) -> Answer:
    embedder = KeywordEmbedder(("dam", "gates"))
    retriever = HybridRetriever(
        store=InMemoryStore(list(chunks), embedder),
        embedder=embedder,
        reranker=WordOverlapReranker(),
        recognizer=NO_ENTITIES,
        config=CONFIG,
    )
    options: dict[str, Any] = {"answerers": answerers, "readers": readers}
    if bold is not None:
        options["bold"] = bold
    if guard is not None:
        options["guard"] = guard
    chain = build_chain(
        retriever, ExtractiveReader(delta=0.0, max_sentences=3), gate, NO_ENTITIES, **options
    )
    answer = chain.invoke(Asked(question))
    assert isinstance(answer, Answer)
    return answer


# --- routing ----------------------------------------------------------------------------------


def test_a_question_goes_to_its_intents_answerer() -> None:
    profile = QuotingAnswerer([DAM])
    guard = Guard()
    answer = ask("Who is Lena Aldous?", answerers={Intent.PROFILE: profile}, guard=guard)
    assert answer.intent == "profile"
    assert [r.reading.subject for r in profile.requests] == ["Lena Aldous"]
    assert profile.requests[0].question == "Who is Lena Aldous?"
    assert answer.text == "Ambassador Lena Aldous visited the dam on Tuesday [1]."
    assert not answer.abstained
    assert answer.layout == "prose"
    assert "compose" in answer.timings
    assert "retrieve" not in answer.timings
    assert guard.held == 1  # held while the answerer read the store


def test_an_answerer_that_cannot_tell_hands_the_question_to_the_look_up() -> None:
    declining = QuotingAnswerer([])  # quotes nothing: returns None
    answer = ask("Who is Lena Aldous?", answerers={Intent.PROFILE: declining})
    assert len(declining.requests) == 1
    assert answer.intent == "profile"  # still what it asked for
    assert "retrieve" in answer.timings
    assert "compose" in answer.timings
    assert answer.text == "Ambassador Lena Aldous visited the dam on Tuesday [1]."  # looked up


def test_an_intent_without_an_answerer_is_looked_up() -> None:
    profile = QuotingAnswerer([DAM])
    answer = ask("When were the dam gates opened?", answerers={Intent.PROFILE: profile})
    assert profile.requests == []
    assert answer.intent == "lookup"
    assert answer.text == "**Monday** — Engineers opened the dam gates on Monday [1]."


def test_a_composed_refusal_with_citations_reads_lead_then_quotes() -> None:
    refusing = QuotingAnswerer(
        [DAM], lead="The documents mention Lena Aldous but report nothing she said.",
        abstained=True,
    )  # fmt: skip
    answer = ask("What did Lena Aldous say?", answerers={Intent.STATEMENTS: refusing})
    assert answer.abstained
    assert answer.text == (
        "The documents mention Lena Aldous but report nothing she said. "
        "Ambassador Lena Aldous visited the dam on Tuesday [1]."
    )
    assert [c.quote for c in answer.citations] == [
        "Ambassador Lena Aldous visited the dam on Tuesday."
    ]


def test_a_composed_refusal_without_citations_is_its_lead() -> None:
    nothing = Composed(Draft("", (), abstained=True), lead="The documents name no countries.")

    class Refusing:
        def answer(self, request: Request) -> Composed | None:
            return nothing

    answer = ask("Which countries are mentioned?", answerers={Intent.INVENTORY: Refusing()})
    assert (answer.text, answer.abstained, answer.citations) == (
        "The documents name no countries.", True, ()
    )  # fmt: skip
    assert answer.intent == "inventory"


def test_a_composed_answer_whose_quotes_fail_the_check_is_refused() -> None:
    class Inventing:
        def answer(self, request: Request) -> Composed | None:
            good = QuotingAnswerer([DAM]).answer(request)
            assert good is not None
            return Composed(
                Draft("The dam was built by giants [1].", good.draft.citations, abstained=False),
                good.passages,
            )

    answer = ask("Who is Lena Aldous?", answerers={Intent.PROFILE: Inventing()})
    assert (answer.text, answer.abstained, answer.citations) == (ABSTAIN_TEXT, True, ())


def test_a_list_layout_reads_one_cited_item_a_line_after_its_lead() -> None:
    listing = QuotingAnswerer([DAM], lead="The documents say:", layout="list")
    answer = ask("Summarize what the documents say about the dam.",
                 answerers={Intent.OVERVIEW: listing})  # fmt: skip
    assert answer.layout == "list"
    assert answer.text == (
        "The documents say:\n"
        "- Engineers opened the dam gates on Monday [1].\n"
        "- Ambassador Lena Aldous visited the dam on Tuesday [2]."
    )


def test_a_list_of_one_item_reads_as_prose() -> None:
    assert layout("Only one thing [1].", None, "list") == "Only one thing [1]."
    short = ShortAnswer("one", 1, 5, 8, "thing", "role")
    assert layout("Only one thing [1].", short, "prose") == "**one** — Only one thing [1]."
    assert layout("A [1]. B [2].", None, "prose") == "A [1]. B [2]."


# --- a reader's precise refusal ---------------------------------------------------------------

NO_CAUSE = make_chunk(
    "Engineers opened the dam gates on Monday. Crowds watched from the bridge.",
    source="dam.txt",
)


def test_a_readers_precise_refusal_is_shown_when_the_gate_is_confident() -> None:
    readers: dict[Intent, Reader] = {Intent.REASON: ReasonReader(RuleParser())}
    answer = ask("Why were the dam gates opened?", readers=readers, chunks=[NO_CAUSE],
                 gate=GATE.with_threshold(0.0))  # fmt: skip
    assert answer.intent == "reason"
    assert answer.abstained
    assert answer.text == (
        "The documents do not say why; they report: Engineers opened the dam gates on Monday [1]."
    )
    assert [c.quote for c in answer.citations] == ["Engineers opened the dam gates on Monday."]
    assert answer.short is None


def test_a_readers_precise_refusal_is_the_plain_refusal_when_the_gate_is_not() -> None:
    readers: dict[Intent, Reader] = {Intent.REASON: ReasonReader(RuleParser())}
    answer = ask("Why were the dam gates opened?", readers=readers, chunks=[NO_CAUSE],
                 gate=GATE.with_threshold(50.0))  # fmt: skip
    assert (answer.text, answer.abstained, answer.citations) == (ABSTAIN_TEXT, True, ())


def test_a_reason_reader_answers_only_why_questions() -> None:
    with_cause = make_chunk(
        "Engineers opened the dam gates on Monday because the reservoir was full.",
        source="dam.txt",
    )
    readers: dict[Intent, Reader] = {Intent.REASON: ReasonReader(RuleParser())}
    why = ask("Why were the dam gates opened?", readers=readers, chunks=[with_cause])
    assert (why.abstained, why.text) == (
        False, "Engineers opened the dam gates on Monday because the reservoir was full [1]."
    )  # fmt: skip
    when = ask("When were the dam gates opened?", readers=readers, chunks=[NO_CAUSE])
    # the usual reader (with its short answer)
    assert when.text == "**Monday** — Engineers opened the dam gates on Monday [1]."


# --- bold -------------------------------------------------------------------------------------


def test_the_bold_policy_shows_a_composed_short_answer_it_is_sure_of() -> None:
    profile = QuotingAnswerer([DAM], role="Ambassador")
    answer = ask("Who is Lena Aldous?", answerers={Intent.PROFILE: profile}, bold=BoldPolicy())
    assert answer.text == "**Ambassador** — Ambassador Lena Aldous visited the dam on Tuesday [1]."
    assert answer.short is not None
    assert answer.short.text == "Ambassador"
    facts = dict(zip(FEATURES, answer.short_features, strict=True))
    assert math.isnan(facts["confidence"])  # not gated: an answerer's answer


def test_the_bold_policy_drops_a_short_answer_it_is_not_sure_of() -> None:
    profile = QuotingAnswerer([DAM], role="Ambassador")
    answer = ask("Who is Ambassador Aldous?", answerers={Intent.PROFILE: profile},
                 bold=BoldPolicy())  # fmt: skip
    assert answer.text == "Ambassador Lena Aldous visited the dam on Tuesday [1]."
    assert answer.short is None
    assert len(answer.short_features) == len(FEATURES)  # weighed, and not shown


def test_the_bold_policy_weighs_a_look_ups_short_answer_with_its_sentences_score() -> None:
    shown = ask("When were the dam gates opened?", bold=BoldPolicy(min_score=0.0))
    assert shown.short is not None
    assert shown.text.startswith(f"**{shown.short.text}** — ")
    hidden = ask("When were the dam gates opened?", bold=BoldPolicy(min_score=50.0))
    assert hidden.short is None
    assert hidden.text == "Engineers opened the dam gates on Monday [1]."


# --- the real answerers through the chain -----------------------------------------------------


@pytest.fixture
def markdown_library(tmp_path: Path) -> Iterator[InMemoryLibrary]:
    text = (
        "## Supplies\n\n"
        "- Water: two pumps failed at the main station.\n"
        "- Food: the warehouse holds rations for ten days.\n\n"
        "The U.S. and the U.N. sent help."
    )
    recognizer = GazetteerRecognizer({"U.S.": "GPE", "U.N.": "ORG"})
    library = InMemoryLibrary({"ops.md": text}, tmp_path, recognizer)
    yield library
    library.close()


def test_an_overview_of_a_list_reads_one_bullet_an_item(
    markdown_library: InMemoryLibrary,
) -> None:
    reranker = WordOverlapReranker()
    overview = OverviewAnswerer(markdown_library, LibraryFinder(markdown_library, reranker),
                                reranker)  # fmt: skip
    answer = ask("Summarize what the documents say about supplies.",
                 answerers={Intent.OVERVIEW: overview})  # fmt: skip
    lines = answer.text.splitlines()
    assert lines[0] == "- Water: two pumps failed at the main station [1]."
    assert not any(line.startswith("- - ") for line in lines)


def test_an_inventory_item_keeps_an_abbreviations_stop(
    markdown_library: InMemoryLibrary,
) -> None:
    inventory = InventoryAnswerer(markdown_library, world_gazetteer())
    answer = ask("Which countries are mentioned?", answerers={Intent.INVENTORY: inventory})
    assert answer.text == "The documents name one country:\nU.S. [1]"
    organisations = ask(
        "Which organisations are mentioned?", answerers={Intent.INVENTORY: inventory}
    )
    assert organisations.text == "The documents name one organisation:\nU.N. [1]"


def test_an_inventory_through_the_chain_is_a_cited_list(tmp_path: Path) -> None:
    text = "Holmvik and Kestmoor flooded. Dale stayed dry."
    recognizer = GazetteerRecognizer({"Holmvik": "GPE", "Kestmoor": "GPE", "Dale": "GPE"})
    library = InMemoryLibrary({"a.txt": text}, tmp_path, recognizer)
    inventory = InventoryAnswerer(library, world_gazetteer())
    answer = ask("Which places are mentioned?", answerers={Intent.INVENTORY: inventory})
    library.close()
    assert answer.intent == "inventory"
    assert answer.layout == "list"
    assert answer.text == (
        "The documents name 3 places:\n- Holmvik [1]\n- Kestmoor [2]\n- Dale [3]"
    )
    assert [c.quote for c in answer.citations] == [
        "Holmvik and Kestmoor flooded.",
        "Holmvik and Kestmoor flooded.",
        "Dale stayed dry.",
    ]
