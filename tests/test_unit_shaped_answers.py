"""Fast unit tests of answers shaped to the question: the extractive reader's short answers,
Yes/No and lists (assistant/answer/reader.py), their verification in the chain and citations,
the reader registry, the UI's rendering of a short answer, and scoring it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answer.abstention import LogisticGate
from assistant.answer.citations import verify, verify_short, with_short
from assistant.answer.reader import (
    ABSTAIN_TEXT,
    CROSS_ENCODER_LOGIT,
    Draft,
    ExtractiveReader,
    ReadRequest,
)
from assistant.chain import build_chain
from assistant.errors import ConfigError
from assistant.evaluation.metrics import case_metrics, short_text
from assistant.factory import DEFAULT_MODE, Components, register_reader
from assistant.stages import Asked
from assistant.types import Answer, ShortAnswer
from tests.fakes import (
    GazetteerRecognizer,
    make_chunk,
    make_passage,
    request,
)
from ui.render import answer_markdown, citation_card, plain_text

pytestmark = pytest.mark.unit

NER = GazetteerRecognizer(
    {
        "Xi Jinping": "PERSON",
        "Kim Jong Un": "PERSON",
        "China": "GPE",
        "North Korea": "GPE",
        "Moscow": "GPE",
        "Red Square": "FAC",
        "May 9": "DATE",
        "Thursday": "DATE",
        "Thirteen": "CARDINAL",
    }
)
PARADE = make_chunk(
    "Xi Jinping attended the parade in Red Square on May 9. "
    "Thirteen foreign contingents joined the event, with China sending the most guards. "
    "North Korea, although invited, sent only an ambassador, not Kim Jong Un. "
    "Security remains tight in Moscow during the commemorations. "
    "China also sent a band.",
    source="brief.txt",
    start=1000,
)
SUMMIT = make_chunk(
    "Russia and China denounce sanctions after a summit in Moscow on Thursday.",
    source="brief.txt",
    start=0,
)


def reader(**options: object) -> ExtractiveReader:
    return ExtractiveReader(delta=1.5, max_sentences=3, recognizer=NER, **options)  # type: ignore[arg-type]


def read(question: str, chunk: object, scores: list[float | None], **options: object) -> Draft:
    return reader(**options).read(request([make_passage(chunk, scores)], question))  # type: ignore[arg-type]


# --- short answers ----------------------------------------------------------------------------


def test_a_place_question_gets_the_place_with_its_exact_document_span() -> None:
    draft = read("Where was the summit held?", SUMMIT, [5.0])
    assert draft.short == ShortAnswer(
        "Moscow", 1, SUMMIT.text.index("Moscow"), SUMMIT.text.index("Moscow") + 6, "place",
        "entity", rivals=1,
    )  # fmt: skip
    assert draft.text == SUMMIT.text[:-1] + " [1]."  # the draft text is the sentence alone
    assert (draft.score, draft.score_kind) == (5.0, CROSS_ENCODER_LOGIT)


def test_the_short_answer_offsets_are_document_offsets() -> None:
    draft = read("When was the parade?", PARADE, [6.0, None, None, None, None])
    assert draft.short is not None
    assert draft.short.text == "May 9"
    assert PARADE.text[draft.short.start - PARADE.start : draft.short.end - PARADE.start] == "May 9"


def test_no_short_answer_when_no_span_fits_the_kind() -> None:
    held = make_chunk("The summit was held in Moscow on Thursday.", source="s.txt")
    draft = read("Who designed the summit hall?", held, [5.0])  # where, not who
    assert draft.short is None
    assert read("Why was the summit held?", SUMMIT, [5.0]).short is not None  # a phrase
    no_words = read("Why did it rain?", SUMMIT, [5.0])
    assert no_words.short is None  # no word of the question in the sentence


def test_a_yes_no_question_is_answered_no_from_a_denying_clause() -> None:
    draft = read("Did Kim Jong Un go?", PARADE, [None, None, 6.0, None, None])
    assert draft.short is not None
    assert (draft.short.text, draft.short.kind, draft.short.marker) == ("No", "yes/no", 1)
    denied = PARADE.text[draft.short.start - PARADE.start : draft.short.end - PARADE.start]
    assert denied == "not Kim Jong Un"


def test_a_yes_no_question_is_answered_yes_when_the_sentence_affirms_it() -> None:
    draft = read("Did Xi Jinping attend the parade?", PARADE, [6.0, None, None, None, None])
    assert draft.short is not None
    assert draft.short.text == "Yes"
    unsure = read("Did Xi Jinping enjoy the food?", PARADE, [6.0, None, None, None, None])
    assert unsure.short is None


def test_when_no_cited_sentence_holds_the_kind_a_further_one_within_reach_is_cited() -> None:
    chunk = make_chunk(
        "The summit drew crowds of reporters. It took place in Moscow.", source="s.txt"
    )
    draft = read("Where was the summit?", chunk, [6.0, 3.0])  # 3.0 is outside delta 1.5
    assert [c.quote for c in draft.citations] == [
        "The summit drew crowds of reporters.",
        "It took place in Moscow.",
    ]
    assert draft.short is not None
    assert (draft.short.text, draft.short.marker) == ("Moscow", 2)
    far = read("Where was the summit?", chunk, [6.0, 1.0])  # beyond reach_margin 4
    assert len(far.citations) == 1
    assert far.short is None
    off = read("Where was the summit?", chunk, [6.0, 3.0], reach=False)
    assert len(off.citations) == 1
    assert off.short is None


# --- lists ------------------------------------------------------------------------------------


def test_who_attended_gathers_the_run_of_sentences_that_name_new_attendees() -> None:
    draft = read("Who attended the parade?", PARADE, [7.0, -0.2, -5.5, -7.6, -9.0])
    assert [c.quote for c in draft.citations] == [
        "Xi Jinping attended the parade in Red Square on May 9.",
        "Thirteen foreign contingents joined the event, with China sending the most guards.",
        "North Korea, although invited, sent only an ambassador, not Kim Jong Un.",
    ]  # "in Moscow" names where, not who; the list ends there, before "China also …"
    assert [c.marker for c in draft.citations] == [1, 2, 3]
    assert draft.short is None  # the list is the answer


def test_a_list_keeps_within_its_margin_and_budget() -> None:
    scores: list[float | None] = [7.0, -0.2, -5.5, -7.6, -9.0]
    narrow = read("Who attended the parade?", PARADE, scores, list_margin=8.0)
    assert len(narrow.citations) == 2
    short = read("Who attended the parade?", PARADE, scores, list_sentences=2)
    assert len(short.citations) == 2
    tight = read("Who attended the parade?", PARADE, scores, list_chars=140)
    assert len(tight.citations) == 2


def test_a_list_goes_on_after_the_best_sentence_not_before_it() -> None:
    draft = read("Who attended the parade?", PARADE, [-0.2, 7.0, -5.5, -7.6, -9.0])
    assert draft.citations[0].quote.startswith("Thirteen")
    assert all(not c.quote.startswith("Xi") for c in draft.citations)


def test_a_sentence_naming_no_new_item_ends_the_list() -> None:
    chunk = make_chunk(
        "Xi Jinping attended the parade. Xi Jinping waved. China sent guards.", source="p.txt"
    )
    draft = read("Who attended the parade?", chunk, [7.0, 1.0, 1.0])
    assert len(draft.citations) == 1
    assert draft.short is not None
    assert draft.short.text == "Xi Jinping"


def test_only_questions_for_several_gather() -> None:
    draft = read("Who hosted the parade?", PARADE, [7.0, -0.2, -5.5, -7.6, -9.0])
    assert len(draft.citations) == 1
    assert draft.short is not None
    assert draft.short.text == "Xi Jinping"
    gathered = read(
        "Who hosted the parade?", PARADE, [7.0, -0.2, -5.5, -7.6, -9.0], gather=frozenset()
    )
    assert len(gathered.citations) == 1


def test_a_sentence_already_naming_several_is_the_list() -> None:
    chunk = make_chunk("Xi Jinping and Kim Jong Un attended. China sent guards.", source="p.txt")
    draft = read("Who attended the parade?", chunk, [7.0, 5.0])
    assert len(draft.citations) == 1


# --- the chain: verification and composition -------------------------------------------------


class _Retriever:
    def __init__(self, passages: list[object]) -> None:
        self.passages = passages

    def invoke(self, query: str, **_: object) -> list[object]:
        from assistant.retrieve.hybrid import passage_to_document

        return [passage_to_document(p) for p in self.passages]  # type: ignore[arg-type]


GATE = LogisticGate((1.0, 0.0, 0.0, 0.0, 0.0, 0.0), -1.0, threshold=0.0)


def ask(
    question: str,
    chunk: object,
    scores: list[float | None],
    *,
    gate: LogisticGate = GATE,
    rd: object = None,
) -> Answer:
    chain = build_chain(
        _Retriever([make_passage(chunk, scores)]),  # type: ignore[arg-type]
        rd or reader(),  # type: ignore[arg-type]
        gate,
        NER,
    )
    return chain.invoke(Asked(question))


def test_the_answer_reads_short_answer_first_then_the_cited_sentence() -> None:
    answer = ask("Where was the summit held?", SUMMIT, [5.0])
    assert answer.text == f"**Moscow** — {SUMMIT.text[:-1]} [1]."
    assert answer.short is not None
    assert answer.short.marker == 1
    assert answer.to_dict()["short"] == {
        "text": "Moscow",
        "marker": 1,
        "start": answer.short.start,
        "end": answer.short.end,
        "kind": "place",
        "basis": "entity",
        "rivals": 1,  # another place the sentence names, not given by the question
    }
    assert (answer.reader_score, answer.reader_score_kind) == (5.0, CROSS_ENCODER_LOGIT)


def test_did_kim_jong_un_go_starts_with_no() -> None:
    answer = ask("Did Kim Jong Un go?", PARADE, [None, None, 6.0, None, None])
    assert answer.text.startswith("**No** — North Korea")


def test_a_refusal_has_no_short_answer() -> None:
    answer = ask("Where was the summit held?", SUMMIT, [5.0], gate=GATE.with_threshold(99.0))
    assert (answer.text, answer.short, answer.abstained) == (ABSTAIN_TEXT, None, True)
    assert answer.to_dict()["short"] is None


class _WrongShort:
    """A reader whose short answer is not what its citation quotes."""

    def read(self, req: ReadRequest) -> Draft:
        draft = reader().read(req)
        assert draft.short is not None
        return replace(draft, short=replace(draft.short, text="Paris"))


def test_a_short_answer_not_in_its_citation_is_dropped() -> None:
    answer = ask("Where was the summit held?", SUMMIT, [5.0], rd=_WrongShort())
    assert answer.short is None
    assert answer.text == f"{SUMMIT.text[:-1]} [1]."


def test_verify_short_renumbers_and_checks_the_span() -> None:
    chunk = make_chunk("Gulls nest here. The summit was in Moscow.", source="s.txt")
    draft = ExtractiveReader(delta=9.0, max_sentences=3, recognizer=NER).read(
        request([make_passage(chunk, [5.0, 4.0])], "Where was the summit?")
    )
    assert draft.short is not None
    assert draft.short.marker == 2
    kept = verify("The summit was in Moscow [2].", draft.citations)[1]
    moved = verify_short(draft.short, draft.citations, kept)
    assert moved is not None
    assert moved.marker == 1
    assert verify_short(draft.short, draft.citations, ()) is None  # its citation was dropped
    outside = replace(draft.short, start=chunk.start, end=chunk.start + 5)
    assert verify_short(outside, draft.citations, kept) is None  # not inside its quote
    verdict = replace(draft.short, text="No", kind="yes/no")
    checked = verify_short(verdict, draft.citations, kept)
    assert checked is not None
    assert checked.marker == 1
    away = replace(verdict, start=chunk.start, end=chunk.start + 5)  # "Gulls": not its quote
    assert verify_short(away, draft.citations, kept) is None
    assert verify_short(replace(verdict, text="Maybe"), draft.citations, kept) is None
    assert verify_short(None, draft.citations, kept) is None


def test_with_short_puts_the_short_answer_first() -> None:
    short = ShortAnswer("Moscow", 1, 0, 6, "place")
    assert with_short("In Moscow [1].", short) == "**Moscow** — In Moscow [1]."
    assert with_short("In Moscow [1].", None) == "In Moscow [1]."
    assert with_short("", short) == ""


# --- the registry and the assistant's seam -----------------------------------------------------


def test_readers_are_registered_by_mode() -> None:
    from assistant.config import Settings

    components = Components()  # its own registry: nothing registered here outlives the test
    assert components.reader_modes() == (DEFAULT_MODE, "llm")
    assert DEFAULT_MODE == "extractive"
    made = components.reader("extractive", Settings(), NER)
    assert isinstance(made, ExtractiveReader)
    with pytest.raises(ConfigError, match="No answer mode named 'nope'"):
        components.reader("nope", Settings(), NER)
    components.register_reader("test-echo", lambda settings, recognizer: _WrongShort())
    assert components.reader_modes() == (DEFAULT_MODE, "llm", "test-echo")
    assert "test-echo" not in Components().reader_modes()
    assert "test-echo" not in Components.shared().reader_modes()


def test_register_reader_registers_with_the_process_s_components(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from assistant.app import Assistant

    process = Components()
    monkeypatch.setattr(Components, "_shared", process)  # the process's, for this test alone
    register_reader("test-echo", lambda settings, recognizer: _WrongShort())
    assert "test-echo" in Components.shared().reader_modes()
    bot = Assistant(store_dir=tmp_path / "s", mode="test-echo", recognizer=NER)
    assert bot.components is process
    assert isinstance(bot.writer, _WrongShort)
    assert bot.name == "briefing-assistant (test-echo)"
    with pytest.raises(ConfigError, match="No answer mode named 'test-echo'"):
        Assistant(
            store_dir=tmp_path / "s", mode="test-echo", recognizer=NER, components=Components()
        )


def test_a_reader_is_injected_into_the_assistant(tmp_path: Path) -> None:
    from assistant.app import Assistant

    mine = _WrongShort()
    bot = Assistant(store_dir=tmp_path / "s", reader=mine, recognizer=NER)
    assert bot.reader is mine
    assert bot.name == "briefing-assistant (_WrongShort)"
    assert Assistant(store_dir=tmp_path / "s", recognizer=NER).name == (
        "briefing-assistant (extractive)"
    )
    with pytest.raises(ConfigError, match="No answer mode"):
        Assistant(store_dir=tmp_path / "s", mode="nope", recognizer=NER)


def test_an_assistant_takes_the_store_its_settings_name_and_no_other(tmp_path: Path) -> None:
    from assistant.app import Assistant
    from assistant.config import load_settings
    from assistant.index.store import store_for

    settings = load_settings(store_dir=tmp_path / "s")
    store = store_for(settings)
    assert Assistant(settings=settings, store=store, recognizer=NER).store is store
    for other in (
        load_settings(store_dir=tmp_path / "t"),
        load_settings(store_dir=tmp_path / "s", collection="other"),
        load_settings(store_dir=tmp_path / "s", chroma_url="http://127.0.0.1:9"),
    ):
        with pytest.raises(ValueError, match="not the one the settings name"):
            Assistant(settings=settings, store=store_for(other), recognizer=NER)
    # the same place, spelled otherwise
    same = load_settings(store_dir=tmp_path / "x" / ".." / "s")
    assert Assistant(settings=settings, store=store_for(same), recognizer=NER)
    server = load_settings(store_dir=tmp_path / "s", chroma_url="http://127.0.0.1:9")
    slash = load_settings(store_dir=tmp_path / "s", chroma_url="http://127.0.0.1:9/")
    assert Assistant(settings=server, store=store_for(slash), recognizer=NER)
    with pytest.raises(TypeError, match=r"store must be a Store \(assistant.protocols\), not str"):
        Assistant(settings=settings, store=str(tmp_path / "s"), recognizer=NER)  # type: ignore[arg-type]


# --- UI and scoring ---------------------------------------------------------------------------


def test_the_chat_shows_the_short_answer_in_bold_and_the_card_marks_its_span() -> None:
    answer = ask("Where was the summit held?", SUMMIT, [5.0])
    markdown = answer_markdown(answer)
    assert markdown.startswith("**Moscow** — ")
    assert plain_text(markdown) == answer.text
    card = citation_card(answer.citations[0], show_scores=False, short=answer.short)
    assert '<strong class="short">Moscow</strong>' in card
    other = citation_card(answer.citations[0], show_scores=False, short=None)
    assert "short" not in other


def test_f1_scores_the_short_answer_and_contains_the_whole_answer() -> None:
    case = {"id": "c", "question": "Where?", "answers": ["Moscow"], "answerable": True}
    run = {
        "answer": "**Moscow** — Russia and China met in Moscow on Thursday [1].",
        "short": {"text": "Moscow", "marker": 1, "start": 0, "end": 6, "kind": "place"},
        "abstained": False,
        "citations": [],
        "retrieved": [],
    }
    metrics = case_metrics(case, run)
    assert (metrics["f1"], metrics["exact_match"], metrics["contains"]) == (1.0, 1.0, 1.0)
    without = case_metrics(case, {**run, "short": None})
    assert without["f1"] is not None
    assert without["f1"] < 0.5
    older = {k: v for k, v in run.items() if k != "short"}
    assert short_text(older) == ""
    assert case_metrics(case, older)["f1"] == without["f1"]
    wrong = case_metrics(case, {**run, "short": {**run["short"], "text": "Paris"}})
    assert (wrong["f1"], wrong["contains"]) == (0.0, 1.0)


def test_a_name_denied_adds_no_item_to_a_list() -> None:
    chunk = make_chunk(
        "Xi Jinping attended the parade. The parade went ahead without Kim Jong Un.",
        source="p.txt",
    )
    draft = read("Who attended the parade?", chunk, [7.0, 3.0])
    assert len(draft.citations) == 1


def test_a_list_reads_in_document_order() -> None:
    passages = [
        make_passage(PARADE, [7.0, -0.2, -5.5, -7.6, -9.0]),
        # within delta of the best, earlier in the same document
        make_passage(make_chunk("The parade was the largest yet.", source="brief.txt"), [6.0]),
    ]
    draft = reader().read(request(passages, "Who attended the parade?"))
    assert [c.quote[:8] for c in draft.citations] == [
        "The para",
        "Xi Jinpi",
        "Thirteen",
        "North Ko",
    ]
    assert [c.marker for c in draft.citations] == [1, 2, 3, 4]


def test_yes_is_read_off_the_best_sentence_not_the_first_cited() -> None:
    chunk = make_chunk("Xi Jinping attended the parade. He left early.", source="p.txt")
    passage = make_passage(chunk, [2.0, 6.0], leans=[False, True])
    draft = reader().read(request([passage], "Did Xi Jinping attend the parade?"))
    assert [c.quote for c in draft.citations] == [
        "Xi Jinping attended the parade.",  # brought along before the best sentence
        "He left early.",
    ]
    assert draft.short is None  # the best sentence does not affirm it on its own


def test_groundedness_checks_the_cited_sentences_not_the_short_answer_in_front() -> None:
    case = {"id": "c", "question": "Did it work?", "answers": ["No"], "answerable": True}
    run = {
        "answer": "**No** — It failed [1].",
        "short": {"text": "No", "marker": 1, "start": 3, "end": 9, "kind": "yes/no"},
        "abstained": False,
        "citations": [{"marker": 1, "text": "Alas. It failed."}],
        "retrieved": [],
    }
    assert case_metrics(case, run)["groundedness"] == 1.0
    assert case_metrics(case, {**run, "short": None})["groundedness"] == 0.0


# --- the edges of reaching further and of gathering ---------------------------------------------


def quoted(draft: Draft) -> list[str]:
    return [c.quote for c in draft.citations]


def test_a_further_sentence_exactly_reach_margin_behind_is_within_reach() -> None:
    chunk = make_chunk(
        "The summit drew crowds of reporters. It took place in Moscow.", source="s.txt"
    )
    draft = read("Where was the summit?", chunk, [6.0, 2.0])  # 6.0 - reach_margin 4.0
    assert quoted(draft)[1:] == ["It took place in Moscow."]
    assert draft.short is not None
    assert draft.short.text == "Moscow"


def test_a_further_sentence_that_leans_on_another_is_not_reached_for() -> None:
    chunk = make_chunk(
        "The summit drew crowds of reporters. It took place in Moscow.", source="s.txt"
    )
    passage = make_passage(chunk, [6.0, 3.0], leans=[False, True])
    draft = reader().read(request([passage], "Where was the summit?"))
    assert quoted(draft) == ["The summit drew crowds of reporters."]
    assert draft.short is None


KIM_NO = "North Korea sent only an ambassador, not Kim Jong Un."


def test_a_no_close_behind_the_best_sentence_answers_a_yes_no_question() -> None:
    chunk = make_chunk(f"Crowds gathered in Moscow on Friday. {KIM_NO}", source="p.txt")
    draft = read("Did Kim Jong Un go to the parade?", chunk, [7.0, 4.0])
    assert quoted(draft) == [KIM_NO]
    assert draft.short is not None
    at = chunk.text.index("not Kim")
    assert (draft.short.text, draft.short.start, draft.short.end) == ("No", at, at + 15)


def test_a_no_further_behind_must_be_said_of_a_name_the_question_gives() -> None:
    chunk = make_chunk(
        "Crowds gathered in Moscow on Friday. "
        "The parade did not go ahead, said Kim Jong Un's aides.",
        source="p.txt",
    )
    draft = read("Did Kim Jong Un go to the parade?", chunk, [7.0, 4.0])
    assert quoted(draft) == ["Crowds gathered in Moscow on Friday."]
    assert draft.short is None


def test_a_best_sentence_about_something_else_lets_a_no_be_reached_from_further_behind() -> None:
    # The best passage names no Kim Jong Un: the verdict may come from within list_margin.
    beijing = make_chunk("The parade in Beijing drew crowds.", source="b.txt")
    moscow = make_chunk(KIM_NO, source="m.txt")
    passages = [make_passage(beijing, [7.0]), make_passage(moscow, [-2.0])]
    draft = reader().read(request(passages, "Did Kim Jong Un go to the parade?"))
    assert quoted(draft) == [KIM_NO]
    assert draft.short is not None
    assert draft.short.text == "No"


ATTENDED = "Xi Jinping attended the parade."


def test_the_list_ends_at_a_sentence_naming_only_someone_named_before() -> None:
    chunk = make_chunk(
        f"{ATTENDED} Kim Jong Un attended too. Xi Jinping waved again. China sent guards.",
        source="l.txt",
    )
    draft = read("Who attended the parade?", chunk, [7.0, 3.0, 2.0, 1.0])
    assert quoted(draft) == [ATTENDED, "Kim Jong Un attended too."]


def test_chosen_sentences_naming_two_between_them_are_the_list() -> None:
    chunk = make_chunk(
        f"{ATTENDED} Kim Jong Un attended the parade. China sent guards.", source="t.txt"
    )
    draft = read("Who attended the parade?", chunk, [7.0, 6.0, 3.0])
    assert quoted(draft) == [ATTENDED, "Kim Jong Un attended the parade."]


GATHERED = make_chunk(f"{ATTENDED} The parade was long. Kim Jong Un attended too.", source="g.txt")
GATHERED_LENGTH = sum(len(text) for text in GATHERED.sentence_texts())


def test_a_list_passes_over_a_chosen_sentence_and_goes_on() -> None:
    draft = read("Who attended the parade?", GATHERED, [7.0, 6.0, 3.0])
    assert quoted(draft) == list(GATHERED.sentence_texts())
    assert draft.short is None


def test_a_list_may_fill_its_budget_exactly() -> None:
    full = read("Who attended the parade?", GATHERED, [7.0, 6.0, 3.0], list_chars=GATHERED_LENGTH)
    assert len(full.citations) == 3
    over = read(
        "Who attended the parade?", GATHERED, [7.0, 6.0, 3.0], list_chars=GATHERED_LENGTH - 1
    )
    assert len(over.citations) == 2


def test_a_sentence_exactly_list_margin_behind_joins_the_list() -> None:
    chunk = make_chunk(f"{ATTENDED} Kim Jong Un attended too.", source="m.txt")
    draft = read("Who attended the parade?", chunk, [7.0, 3.0], list_margin=4.0)
    assert len(draft.citations) == 2
    assert len(read("Who attended the parade?", chunk, [7.0, 2.9], list_margin=4.0).citations) == 1


def test_the_list_goes_on_only_within_the_best_sentences_passage() -> None:
    home = make_chunk(ATTENDED, source="brief.txt", start=0)
    after = make_chunk("Kim Jong Un attended too.", source="brief.txt", start=home.end)
    passages = [make_passage(home, [7.0]), make_passage(after, [3.0])]
    draft = reader().read(request(passages, "Who attended the parade?"))
    assert quoted(draft) == [ATTENDED]


def test_an_item_after_one_of_another_kind_or_one_denied_still_counts() -> None:
    question = "Who attended the parade?"
    dated = make_chunk(f"{ATTENDED} On May 9 Kim Jong Un attended too.", source="d.txt")
    assert len(read(question, dated, [7.0, 3.0]).citations) == 2
    denied = make_chunk(f"{ATTENDED} Without Kim Jong Un, China sent guards.", source="n.txt")
    assert len(read(question, denied, [7.0, 3.0]).citations) == 2


def test_a_name_is_denied_where_the_sentence_first_names_it() -> None:
    question = "Who attended the parade?"
    chunk = make_chunk(f"{ATTENDED} Not Kim Jong Un's aide but Kim Jong Un came.", source="a.txt")
    assert len(read(question, chunk, [7.0, 3.0]).citations) == 1
    opening = make_chunk(f"{ATTENDED} Not Kim Jong Un, as it turned out.", source="o.txt")
    assert len(read(question, opening, [7.0, 3.0]).citations) == 1


def test_items_of_a_kind_with_no_labels_of_its_own_are_any_named_thing() -> None:
    chunk = make_chunk("Xi Jinping sailed on the ship. Kim Jong Un sailed too.", source="s.txt")
    draft = read("Which ships sailed?", chunk, [7.0, 3.0])
    assert len(draft.citations) == 2


def test_the_extractive_mode_reads_with_the_settings_and_the_recognizer() -> None:
    from assistant.config import Settings

    settings = Settings(answer_delta=0.5, max_answer_sentences=2)
    made = Components().reader("extractive", settings, NER)
    assert isinstance(made, ExtractiveReader)
    assert (made.delta, made.max_sentences, made.recognizer) == (0.5, 2, NER)


def test_a_registered_mode_makes_its_reader_from_the_settings_and_recognizer() -> None:
    from assistant.config import Settings

    made: list[object] = []

    def factory(settings: object, recognizer: object) -> _WrongShort:
        made.append((settings, recognizer))
        return _WrongShort()

    components = Components()
    components.register_reader("test-made", factory)
    settings = Settings()
    assert isinstance(components.reader("test-made", settings, NER), _WrongShort)
    assert made == [(settings, NER)]
    with pytest.raises(ConfigError) as raised:
        components.reader("nope", settings, NER)
    assert str(raised.value) == (
        f"No answer mode named 'nope'. The modes are: {', '.join(components.reader_modes())}."
    )


def test_a_verdict_is_read_off_the_one_sentence_that_decides_it_cited_alone() -> None:
    # Two sentences chosen; the second denies: it alone is the answer, its marker 1.
    draft = read("Did Kim Jong Un go?", PARADE, [6.5, None, 6.0, None, None])
    assert quoted(draft) == [PARADE.sentence_texts()[2]]
    assert draft.short is not None
    assert (draft.short.text, draft.short.marker) == ("No", 1)


def test_a_reader_told_not_to_gather_does_not() -> None:
    draft = read("Who attended the parade?", PARADE, [7.0, -0.2, -5.5, -7.6, -9.0],
                 gather=frozenset())  # fmt: skip
    assert len(draft.citations) == 1
    assert draft.short is not None


def test_a_denial_in_a_passage_about_someone_else_decides_nothing() -> None:
    chunk = make_chunk("The leader did not go to the parade.", source="beijing.txt")
    draft = read("Did Kim Jong Un go to the parade?", chunk, [6.0])
    assert draft.short is None


def test_a_list_of_things_of_no_known_kind_is_answered_by_a_phrase() -> None:
    chunk = make_chunk("The ships sailed with grain for the north.", source="s.txt")
    ships = read("Which ships sailed?", chunk, [6.0]).short
    assert ships is not None
    assert (ships.text, ships.basis) == ("grain for the north", "phrase")
    anything = read("List what the ships carried.", chunk, [6.0]).short
    assert anything is not None
    assert anything.basis == "phrase"


def test_a_pair_that_fits_exactly_is_quoted_and_one_that_does_not_is_passed_over() -> None:
    marr = make_chunk(
        "Corran Point Lighthouse stands on the tip of Tarrow. "
        "It was designed by the engineer Isobel Marr.",
        source="marr.txt",
    )
    leaning = make_passage(marr, [1.0, 6.0], leans=[False, True])
    two = ExtractiveReader(delta=1.5, max_sentences=2).read(request([leaning]))
    assert len(two.citations) == 2  # the pair fills max_sentences exactly
    first = make_chunk("Isobel Marr trained in Leith.", source="a.txt")
    later = make_chunk("Isobel Marr retired in 1901.", source="b.txt")
    passages = [make_passage(first, [7.0]), leaning, make_passage(later, [5.0])]
    draft = ExtractiveReader(delta=3.0, max_sentences=2).read(request(passages))
    assert quoted(draft) == ["Isobel Marr trained in Leith.", "Isobel Marr retired in 1901."]


def test_a_citation_carries_the_page_and_section_of_its_sentence() -> None:
    chunk = replace(
        make_chunk("The port reopened. Exports fell.", source="p.pdf"),
        section=("Trade",),
        pages=(3, 4),
    )
    draft = reader().read(request([make_passage(chunk, [1.0, 6.0])], "What fell?"))
    assert [(c.page, c.section) for c in draft.citations] == [(4, ("Trade",))]
