"""What kind of answer a question expects (a number, a date, a person, a place), and whether
a sentence holds one."""

from __future__ import annotations

import re
from enum import Enum

from assistant.entities import EntityRecognizer


class AnswerType(Enum):
    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"


# First match wins: "how many years" asks for a number, "what year" for a date.
_PATTERNS: tuple[tuple[re.Pattern[str], AnswerType], ...] = (
    (re.compile(r"\bhow (many|much|long|old|far|tall|high|big|large|deep|wide|heavy)\b"
                r"|\bwhat (percentage|number|proportion)\b", re.IGNORECASE), AnswerType.NUMBER),
    (re.compile(r"\bwhen\b|\b(what|which) (year|date|day|month|time|century|decade)\b",
                re.IGNORECASE), AnswerType.DATE),
    (re.compile(r"^\W*(who|whom|whose)\b", re.IGNORECASE), AnswerType.PERSON),
    (re.compile(r"^\W*where\b", re.IGNORECASE), AnswerType.PLACE),
)  # fmt: skip

_LABELS: dict[AnswerType, frozenset[str]] = {
    AnswerType.NUMBER: frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"}),
    AnswerType.DATE: frozenset({"DATE", "TIME", "EVENT"}),
    AnswerType.PERSON: frozenset({"PERSON", "ORG", "NORP", "GPE"}),
    AnswerType.PLACE: frozenset({"GPE", "LOC", "FAC", "ORG"}),
}
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen|twenty|"
    r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|"
    r"dozens?|half|both|several)\b",
    re.IGNORECASE,
)
_YEAR_OR_DAY = re.compile(
    r"\b(1\d{3}|20\d{2})\b|\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"spring|summer|autumn|winter|today|yesterday|tomorrow)\b",
    re.IGNORECASE,
)


def expected_type(question: str) -> AnswerType | None:
    """The kind of answer the question asks for; None when it is not one of these."""
    for pattern, kind in _PATTERNS:
        if pattern.search(question):
            return kind
    return None


def holds_type(
    sentence: str, kind: AnswerType | None, recognizer: EntityRecognizer, question: str = ""
) -> bool:
    """Does ``sentence`` contain an answer of ``kind`` that the question does not already
    give ("How many passengers in 2024?" is not answered by the "2024" alone)? Always true
    for no kind."""
    if kind is None:
        return True
    given = question.lower()

    def new(text: str) -> bool:
        return text.lower() not in given

    if kind is AnswerType.NUMBER and any(new(m.group(0)) for m in _NUMBER.finditer(sentence)):
        return True
    if kind is AnswerType.DATE and any(new(m.group(0)) for m in _YEAR_OR_DAY.finditer(sentence)):
        return True
    labels = _LABELS[kind]
    return any(e.label in labels and new(e.text) for e in recognizer.entities(sentence))
