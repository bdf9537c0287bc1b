"""Document structure as data: headings, list items, table rows and pages, carried onto
chunks and citations (synthetic input, no model, no child process)."""

from __future__ import annotations

import pytest

from assistant.documents.chunking import chunk_document
from assistant.documents.html_text import html_document
from assistant.documents.loading import content_hash
from assistant.documents.pdf_text import (
    Line,
    drop_running_lines,
    join_lines,
    join_pages,
    paragraphs,
)
from assistant.documents.structure import (
    list_items,
    markdown_headings,
    markdown_structure,
    plain_structure,
    rewrite_tables,
    row_text,
)
from assistant.index.chroma import chunk_from, metadata_of
from assistant.types import Chunk, Citation, Document, Heading, Span, Structure

pytestmark = pytest.mark.unit


def _document(text: str, structure: Structure, source: str = "doc.md") -> Document:
    return Document(source, text, content_hash(text), structure)


def _chunks(document: Document) -> list[Chunk]:
    return chunk_document(document, chunk_size=5, chunk_overlap=1)


def _sentences(document: Document) -> list[str]:
    return [document.text[s.start : s.end] for c in _chunks(document) for s in c.sentences]


MARKDOWN = """# Storm report

Intro sentence here.

## Impact

- Power: about 41,000 homes lost electricity;
* Water: two pumping stations failed.
1. First numbered item. It has two sentences.
a) a lettered item

Setext title
------------

Under the setext heading.

```
# not a heading inside a fence
```

## Open questions

Who pays for the repairs is still undecided.
"""


def test_markdown_headings_are_atx_and_setext_outside_fences() -> None:
    headings = markdown_headings(MARKDOWN)
    assert [(h.level, h.text) for h in headings] == [
        (1, "Storm report"),
        (2, "Impact"),
        (2, "Setext title"),
        (2, "Open questions"),
    ]
    for heading in headings:  # each span is the heading's text, without its markers
        assert MARKDOWN[heading.start : heading.end] == heading.text


def test_list_items_start_after_their_marker_and_take_continuation_lines() -> None:
    text = "- one\n  still one\n2) two\n(iv) four\nA. Smith is no item\n\n• five"
    items = list_items(text)
    assert [text[i.start : i.end] for i in items] == [
        "one\n  still one",
        "two",
        "four\nA. Smith is no item",
        "five",
    ]


def test_a_list_item_is_quoted_without_its_marker() -> None:
    text, structure = markdown_structure(MARKDOWN)
    sentences = _sentences(_document(text, structure))
    assert "Power: about 41,000 homes lost electricity;" in sentences
    assert "Water: two pumping stations failed." in sentences
    assert "First numbered item." in sentences
    assert "a lettered item" in sentences
    assert not any(s.startswith(("-", "*", "1.", "a)")) or s in ("-", "*") for s in sentences)


def test_plain_text_lists_are_items_too() -> None:
    text = "Damage:\n- Power: about 41,000 homes lost electricity;\n- Water: two stations failed."
    sentences = _sentences(_document(text, plain_structure(text), "notes.txt"))
    assert sentences == [
        "Damage:",
        "Power: about 41,000 homes lost electricity;",
        "Water: two stations failed.",
    ]


def test_a_one_item_list_is_no_heading() -> None:
    text = "Intro line for the list\n\n- Power\n\nThe body of the text follows here."
    document = _document(text, plain_structure(text), "notes.txt")
    chunks = _chunks(document)
    # The item is read as a sentence of its own paragraph, not carried into the next one.
    assert [c.text for c in chunks] == [
        "Intro line for the list\n\n- Power",
        "The body of the text follows here.",
    ]
    assert [text[s.start : s.end] for s in chunks[0].sentences][-1] == "Power"


def test_markdown_tables_become_rows_with_their_header_cells() -> None:
    text = "Figures:\n\n| Quarter | Revenue |\n|---|:---:|\n| Q3 | £4.1m |\n| Q4 |  |\n\nAfter."
    new, rows = rewrite_tables(text)
    assert new == "Figures:\n\nQuarter: Q3 · Revenue: £4.1m.\nQuarter: Q4.\n\nAfter."
    assert [new[r.start : r.end] for r in rows] == ["Quarter: Q3 · Revenue: £4.1m.", "Quarter: Q4."]
    structure = markdown_structure(text)[1]
    sentences = _sentences(_document(new, structure))
    assert sentences == ["Figures:", "Quarter: Q3 · Revenue: £4.1m.", "Quarter: Q4.", "After."]


def test_a_row_stays_one_sentence_and_text_without_tables_is_untouched() -> None:
    assert row_text(["Place", "Note"], ["St. Ives", "Opened. Closed again."]) == (
        "Place: St. Ives · Note: Opened. Closed again."
    )
    assert rewrite_tables("a | b\nno rule line") == ("a | b\nno rule line", ())
    row = "Place: St. Ives · Note: Opened. Closed again."
    document = _document(row, Structure(rows=(Span(0, len(row)),)))
    assert _sentences(document) == [row]


def test_section_is_the_heading_path_of_the_body_outermost_first() -> None:
    text, structure = markdown_structure(MARKDOWN)
    chunks = _chunks(_document(text, structure))
    by_text = {c.text.splitlines()[-1]: c.section for c in chunks}
    assert by_text["Intro sentence here."] == ("Storm report",)
    assert by_text["a) a lettered item"] == ("Storm report", "Impact")
    assert by_text["Under the setext heading."] == ("Storm report", "Setext title")
    assert by_text["Who pays for the repairs is still undecided."] == (
        "Storm report",
        "Open questions",
    )


def test_section_at_pops_deeper_and_equal_levels() -> None:
    structure = Structure(
        headings=(
            Heading(0, 1, 1, "A"),
            Heading(10, 11, 2, "B"),
            Heading(20, 21, 3, "C"),
            Heading(30, 31, 2, "D"),
            Heading(40, 41, 1, "E"),
        )
    )
    assert structure.section_at(0) == ("A",)
    assert structure.section_at(25) == ("A", "B", "C")
    assert structure.section_at(35) == ("A", "D")
    assert structure.section_at(45) == ("E",)
    assert Structure().section_at(5) == ()


def test_pages_are_found_by_offset_and_carried_per_sentence() -> None:
    text = "Page one says this. It ends here.\n\nPage two starts. More on two."
    structure = Structure(pages=(0, 35))
    assert [structure.page_at(i) for i in (0, 34, 35, 60)] == [1, 1, 2, 2]
    assert Structure().page_at(3) is None
    chunks = _chunks(_document(text, structure, "doc.pdf"))
    assert [c.pages for c in chunks] == [(1, 1), (2, 2)]
    assert chunks[1].page_at(chunks[1].sentences[1].start) == 2
    assert Chunk("x", "a.txt", 1, 0, 1, "a", (Span(0, 1),)).page_at(0) is None


def test_chunk_metadata_round_trips_and_old_stores_read_with_defaults() -> None:
    text, structure = markdown_structure(MARKDOWN)
    chunk = _chunks(_document(text, structure))[-1]
    assert chunk_from(chunk.id, chunk.text, metadata_of(chunk)) == chunk
    paged = Chunk("p", "a.pdf", 1, 0, 3, "abc", (Span(0, 3),), "h", ("Ünïcode",), (7,))
    assert chunk_from("p", "abc", metadata_of(paged)) == paged
    old = {k: v for k, v in metadata_of(chunk).items() if k not in ("section", "pages")}
    read = chunk_from(chunk.id, chunk.text, old)
    assert (read.section, read.pages) == ((), ())


def test_citation_says_page_and_section() -> None:
    citation = Citation(1, "a.pdf", 4, 0, 3, "abc", 1.0, 0, 3, "abc", 3, ("Findings", "Power"))
    assert citation.location() == "page 3 · Findings › Power · paragraph 4"
    assert citation.to_dict()["page"] == 3
    assert citation.to_dict()["section"] == ["Findings", "Power"]
    plain = Citation(1, "a.txt", 2, 0, 3, "abc", 1.0, 0, 3, "abc")
    assert plain.location() == "paragraph 2"


def test_html_structure_has_headings_items_and_rows() -> None:
    markup = (
        "<h1>Report</h1><p>Intro.</p><h2> Impact </h2><ul><li>Power: out.</li>"
        "<li>Water: <b>off</b>.</li></ul><table><tr><th>Q</th></tr><tr><td>Q3</td></tr></table>"
    )
    text, structure = html_document(markup)
    assert [(h.level, h.text) for h in structure.headings] == [(1, "Report"), (2, "Impact")]
    assert [text[i.start : i.end] for i in structure.items] == ["Power: out.", "Water: off."]
    assert [text[r.start : r.end] for r in structure.rows] == ["Q", "Q3"]
    chunks = _chunks(_document(text, structure, "a.html"))
    assert chunks[-1].section == ("Report", "Impact")


def _line(text: str, top: float, left: float = 72, right: float = 520) -> Line:
    return Line(text, left, top - 10, right, top)


def test_a_word_hyphenated_across_lines_is_joined() -> None:
    assert join_lines("a para\x02", "graph") == "a paragraph"
    assert join_lines("a para-", "graph") == "a paragraph"
    assert join_lines("Franco-", "Prussian war") == "Franco-Prussian war"
    assert join_lines("one", "two") == "one two"


def test_running_headers_footers_and_page_numbers_are_dropped() -> None:
    pages = [
        (
            [
                _line("Quarterly Briefing", 800),
                _line(f"Body of page {n} with its own words.", 700),
                _line(f"Page {n} of 3", 40),
            ],
            842.0,
        )
        for n in (1, 2, 3)
    ]
    kept = drop_running_lines(pages)
    assert [[line.text for line in lines] for lines in kept] == [
        [f"Body of page {n} with its own words."] for n in (1, 2, 3)
    ]
    single = drop_running_lines([([_line("A title alone", 800), _line("7", 40)], 842.0)])
    assert [line.text for line in single[0]] == ["A title alone"]


def test_a_sentence_that_repeats_but_for_its_digits_is_body_text() -> None:
    pages = [
        (
            [
                _line(f"The harbour gauge read {n + 3} metres at 6 o'clock on day {n}.", 800),
                _line("Report 2024", 785),
                _line(f"Body of page {n}.", 700),
            ],
            842.0,
        )
        for n in (1, 2, 3)
    ]
    kept = drop_running_lines(pages)
    assert [[line.text for line in lines] for lines in kept] == [
        [f"The harbour gauge read {n + 3} metres at 6 o'clock on day {n}.", f"Body of page {n}."]
        for n in (1, 2, 3)
    ]


def test_paragraphs_are_rebuilt_from_line_gaps_and_markers() -> None:
    lines = [
        _line("The first paragraph runs over", 700),
        _line("two lines and ends here.", 686, right=300),
        _line("A second paragraph after a gap.", 650),
        _line("• an item", 636),
        _line("• another item", 622),
    ]
    assert paragraphs(lines) == [
        "The first paragraph runs over two lines and ends here.",
        "A second paragraph after a gap.\n• an item\n• another item",
    ]


def test_a_wider_gap_than_the_line_spacing_ends_a_paragraph() -> None:
    full = "a line that fills the whole measure of the column."
    lines = [_line(full, 700), _line(full, 686), _line(full, 650), _line(full, 636)]
    assert paragraphs(lines) == [f"{full} {full}", f"{full} {full}"]


def test_pages_join_and_a_sentence_runs_on_to_the_next_page() -> None:
    text, structure = join_pages([["First page.", "It goes on"], ["to the next page.", "fine."]])
    assert text == "First page.\n\nIt goes on to the next page.\n\nfine."
    assert structure.pages == (0, text.index("to the"))
    text, structure = join_pages([["One."], [], ["Three."]])
    assert text == "One.\n\nThree."
    assert [structure.page_at(text.index("Three")), structure.page_at(0)] == [3, 1]


def test_ligatures_become_letters() -> None:
    lines = [_line("The ﬁnance oﬃce ﬂoor.", 700)]
    assert paragraphs(lines) == ["The finance office floor."]


@pytest.mark.parametrize("marker", ["- ", "* ", "+ ", "1. ", "12) ", "a) ", "b. ", "(iii) ", "• "])
def test_each_marker_kind_opens_an_item(marker: str) -> None:
    text = f"{marker}Power: about 41,000 homes lost electricity;"
    (item,) = list_items(text)
    assert text[item.start : item.end] == "Power: about 41,000 homes lost electricity;"


def test_an_answer_quoting_a_row_keeps_the_whole_row() -> None:
    from assistant.answer.citations import split_cited

    row = row_text(["District", "Displaced", "Deaths"], ["Fennaway", "11,900", "4"])
    assert row == "District: Fennaway · Displaced: 11,900 · Deaths: 4."
    (piece,) = split_cited(f"{row[:-1]} [1].")
    assert (piece.text, piece.marker) == (row, 1)


def test_a_chunk_that_opens_with_a_list_item_opens_with_its_marker() -> None:
    text = "Priorities:\n\n1. Finish the search.\n2. Move people out.\n3. Restore power."
    document = _document(text, plain_structure(text), "plan.txt")
    chunks = chunk_document(document, chunk_size=1, chunk_overlap=0)
    assert [c.text for c in chunks] == [
        "Priorities:",
        "1. Finish the search.",
        "2. Move people out.",
        "3. Restore power.",
    ]
    assert [c.sentence_texts() for c in chunks][1:] == [
        ("Finish the search.",),
        ("Move people out.",),
        ("Restore power.",),
    ]


def test_link_text_right_after_a_sentence_starts_after_it() -> None:
    from assistant.documents.html_text import html_to_text

    page = "<p>The weir was cleared by Oswin Tarrant in 1911.<a href=x>click here</a></p>"
    assert html_to_text(page).strip() == "The weir was cleared by Oswin Tarrant in 1911. click here"
    # inside a sentence a link runs on as the browser shows it
    assert html_to_text("<p>See <a href=x>the map</a>.</p>").strip() == "See the map."
