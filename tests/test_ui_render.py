"""ui/render.py: document text stays inert in the chat's Markdown, and the document view is a
bounded window around the cited spans."""

from __future__ import annotations

import re

import pytest

from assistant.types import Answer, Citation
from ui.render import (
    DOCUMENT_CONTEXT,
    answer_markdown,
    document_html,
    partial_markdown,
    plain_text,
)

pytestmark = pytest.mark.unit

HOSTILE = (
    "See the [official page](http://127.0.0.1:9/phish) and ![photo](http://127.0.0.1:9/t.png), "
    "<img src=http://127.0.0.1:9/raw.png>, www.example.org, mail@example.org, `code`, "
    "*stars* _under_ ~~gone~~ $$x$$ | a | b | \\[x\\] & &amp;"
)


def answer(text: str, *, abstained: bool = False) -> Answer:
    return Answer(
        question="q", query="q", text=text, citations=(), passages=(), abstained=abstained
    )


def test_document_markdown_and_html_are_escaped_in_the_chat_answer() -> None:
    markdown = answer_markdown(answer(f"{HOSTILE} [1]. # Heading\n1. item\n- item [2]."))
    unescaped_syntax = re.compile(r"(?<!\\)[\[\]()!<`*_~$|:@#]")
    document_part = re.sub(r"\[\[\d\]\]\(#src-\d\)", "", markdown)
    assert unescaped_syntax.findall(document_part) == []
    assert "www\\.example\\.org" in markdown  # no autolink either
    assert "\n1\\. item" in markdown
    assert "\n\\- item" in markdown
    assert "[[1]](#src-1)" in markdown  # markers stay links
    assert "[[2]](#src-2)." in markdown


def test_a_streamed_partial_answer_is_as_inert_as_the_whole() -> None:
    partial = partial_markdown(f"**No** — {HOSTILE} [1]. <img src=x")
    assert partial.startswith("**No** — See the \\[official page\\]\\(http\\:")
    assert re.findall(r"(?<!\\)[\[\]()!<`_~$|:@#]", partial.replace("[[1]](#src-1)", "")) == []
    assert partial_markdown(HOSTILE) == answer_markdown(answer(HOSTILE))


def test_plain_text_gives_back_the_document_text_exactly() -> None:
    text = f"{HOSTILE} [1]. Ends with a backslash \\ [2]."
    assert plain_text(answer_markdown(answer(text))) == text
    refused = answer(HOSTILE, abstained=True)
    assert plain_text(answer_markdown(refused)) == HOSTILE


def citation(marker: int, start: int, end: int, text: str) -> Citation:
    return Citation(
        marker=marker, source="big.txt", paragraph=1, start=start, end=end,
        quote=text[start:end], score=1.0, passage_start=start, passage_end=end,
        passage_text=text[start:end],
    )  # fmt: skip


def test_the_document_view_is_a_window_around_the_citations_whatever_the_size() -> None:
    filler = "Nothing to see in this sentence at all. " * 25_000  # 1 MB
    quote = "The harbour pilot is named Ilse Varga."
    text = filler + quote + " " + filler + quote + " " + filler
    first = len(filler)
    second = 2 * len(filler) + len(quote) + 1
    cited = [citation(1, first, first + len(quote), text),
             citation(2, second, second + len(quote), text)]  # fmt: skip
    view = document_html("big.txt", text, cited)
    assert len(view) < 2 * (2 * DOCUMENT_CONTEXT + len(quote)) + 1000
    assert f'<mark class="quote" id="doc-1">{quote}</mark>' in view
    assert f'<mark class="quote" id="doc-2">{quote}</mark>' in view
    assert view.count('class="gap"') == 3  # before, between and after the two windows
    body = re.sub(r"<[^>]+>", "", view.split('<div class="document-text">')[1])
    first_word = body.removeprefix("…").split(" ")[0]
    assert first_word in {"Nothing", "to", "see", "in", "this", "sentence", "at", "all."}


def test_a_short_document_is_shown_whole_without_gaps() -> None:
    text = "First sentence here. The harbour pilot is named Ilse Varga. Last one."
    start = text.index("The harbour")
    view = document_html("big.txt", text, [citation(1, start, start + 38, text)])
    assert "gap" not in view
    assert re.sub(r"<[^>]+>", "", view) == "big.txt" + text


def test_close_citations_share_one_window() -> None:
    text = "word " * 2000
    cited = [citation(1, 4000, 4004, text), citation(2, 4500, 4504, text)]
    view = document_html("big.txt", text, cited, context=300)
    assert view.count('class="gap"') == 2
    assert 'id="doc-1"' in view
    assert 'id="doc-2"' in view


def test_the_document_view_marks_page_breaks_and_opens_at_the_cited_page() -> None:
    pages = ["Page one text. " * 10, "Page two text. " * 10, "The cited sentence is here. "]
    text = "\n\n".join(pages)
    starts = [(0, 1), (len(pages[0]) + 2, 2), (len(pages[0]) + len(pages[1]) + 4, 3)]
    quote_at = text.index("The cited")
    cited = [citation(1, quote_at, quote_at + len("The cited sentence is here."), text)]
    view = document_html("big.txt", text, cited, context=40, pages=starts)
    # The window around the quote opens with the page it starts on, then marks page 3.
    assert re.findall(r'data-page="(\d)"', view) == ["2", "3"]
    assert view.index('data-page="3"') < view.index('<mark class="quote" id="doc-1">')
    assert "page" not in document_html("big.txt", text, cited, context=40)


def test_a_source_card_says_the_page_and_section() -> None:
    from dataclasses import replace

    from ui.render import citation_card

    text = "Who pays for the repairs is still undecided."
    card = citation_card(
        replace(citation(1, 0, len(text), text), page=3, section=("Storm", "Open questions")),
        show_scores=False,
    )
    assert "big.txt · page 3 · Storm › Open questions · paragraph 1 · chars 0–44" in card
