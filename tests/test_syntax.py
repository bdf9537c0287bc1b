"""The roles and causes the real spaCy parser reads (assistant/language/syntax.py): the rules
of ``_role`` in the order they are tried, on sentences of the kinds the documents hold."""

from __future__ import annotations

import pytest

from assistant.language.syntax import SpacyParser
from assistant.types import Span

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def parser() -> SpacyParser:
    return SpacyParser()


def role(parser: SpacyParser, sentence: str, name: str) -> str | None:
    at = sentence.index(name)
    found = parser.analyse(sentence).role_of(Span(at, at + len(name)))
    return None if found is None else sentence[found.start : found.end]


@pytest.mark.parametrize(
    ("sentence", "name", "expected"),
    [
        # A title before the name.
        ("Ambassador Dorothy Shea accused Moscow of blocking sanctions.", "Dorothy Shea",
         "Ambassador"),
        # A noun the name stands beside comes before a clause after the name.
        ("The harbour was built in 1842 by the engineer Jordan Pike, who also designed the "
         "lighthouse at Crail Point.", "Jordan Pike", "engineer"),
        ("It was first described in 1886 by the naturalist Marit Sollen, who found it growing "
         "on wet ledges.", "Marit Sollen", "naturalist"),
        # Else a phrase in apposition after the name, or a clause about it.
        ("The crossing is run by Oliver Fenwick, commander of the army's engineers.",
         "Oliver Fenwick", "commander of the army's engineers"),
        ("The work is led by Nadia Fenwick, who leads Tidewell Relief.", "Nadia Fenwick",
         "who leads Tidewell Relief"),
        # Else what the name is said to be.
        ("Dorothy Shea is the U.S. ambassador.", "Dorothy Shea", "U.S. ambassador"),
    ],
)  # fmt: skip
def test_the_role_a_sentence_gives_a_name(
    parser: SpacyParser, sentence: str, name: str, expected: str
) -> None:
    assert role(parser, sentence, name) == expected


def test_a_cause_or_a_purpose_is_read_from_the_parse(parser: SpacyParser) -> None:
    assert parser.analyse("The bridge closed after the flood damaged a pier.").gives_cause
    assert parser.analyse("The gates were opened to prevent an overtopping.").gives_cause
    assert not parser.analyse("The bridge closed on Monday.").gives_cause
