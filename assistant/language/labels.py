"""The kinds of answer a question can ask for, and the named-entity labels (spaCy's
OntoNotes set) that can be each — every label map of the answer policy, once.

The maps disagree on purpose: each answers its own question and was measured as it is, so
none is widened to the union (that would change answers):

- ``SHORT_LABELS``: which entity may *be* the short answer, best fitting first (a person may
  be any name, the small NER often mislabels one);
- ``HOLDS_LABELS``: whether a sentence *holds* an answer of the kind (the gate's
  ``type_match`` signal was fitted on exactly these);
- ``ITEM_LABELS``: which entities add an *item* to a list answer.
"""

from __future__ import annotations

from enum import Enum


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class AnswerType(Enum):
    NUMBER = "number"
    DATE = "date"
    PERSON = "person"
    PLACE = "place"
    ORGANIZATION = "organization"
    NAME = "name"  # a named thing of no kind listed here ("Which prize …?", "the name of …")
    YES_NO = "yes/no"
    LIST = "list"
    REASON = "definition/reason"
    OTHER = "other"


PERSON = "PERSON"
# Where something is: a place right after a preposition is where it happened, not who did it.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# When something is: a date of these that is only a year, day or month is no amount.
WHEN_LABELS = frozenset({"DATE", "TIME"})
# Entity types a non-personal "it", "there" or "they" can point to.
THINGS = frozenset({"GPE", "LOC", "ORG", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"})

# Entity labels that can answer each kind of question, best fitting first.
# (The small English NER often mislabels a name: "the archaeologist Agnes Tullow" as a place,
# "the Russian Embassy" as a country; so a person may be any name, a person's best.)
SHORT_LABELS: dict[AnswerType, tuple[str, ...]] = {
    AnswerType.PERSON: ("PERSON", "ORG", "GPE", "LOC", "FAC"),
    AnswerType.PLACE: ("GPE", "LOC", "FAC", "ORG"),
    AnswerType.ORGANIZATION: ("ORG", "FAC", "GPE", "PERSON", "LOC"),
    AnswerType.DATE: ("DATE", "TIME"),
    AnswerType.NUMBER: ("CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"),
    AnswerType.NAME: ("ORG", "PERSON", "GPE", "LOC", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT"),
}
# Entity labels that make a sentence hold an answer of each kind (``holds_type``).
HOLDS_LABELS: dict[AnswerType, frozenset[str]] = {
    AnswerType.NUMBER: frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT", "DATE", "TIME"}),
    AnswerType.DATE: frozenset({"DATE", "TIME", "EVENT"}),
    AnswerType.PERSON: frozenset({"PERSON", "ORG", "NORP", "GPE"}),
    AnswerType.PLACE: frozenset({"GPE", "LOC", "FAC", "ORG"}),
}
# Entity labels that make a sentence add an item to a list answer, by the kind of item.
ITEM_LABELS: dict[AnswerType, frozenset[str]] = {
    AnswerType.PERSON: frozenset({"PERSON", "ORG", "GPE"}),
    AnswerType.PLACE: frozenset({"GPE", "LOC", "FAC"}),
    AnswerType.ORGANIZATION: frozenset({"ORG", "NORP", "FAC"}),
    AnswerType.DATE: frozenset({"DATE", "TIME", "EVENT"}),
    AnswerType.NUMBER: frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}),
}
# Nouns after "which"/"what" that name the kind of answer ("which firm", "what year"); the
# first kind whose nouns hold the word wins, so the order counts.
HEAD_NOUNS: dict[AnswerType, frozenset[str]] = {
    AnswerType.DATE: _words("year date day month time century decade season weekday hour"),
    AnswerType.NUMBER: _words(
        "number percentage proportion population height level length depth width weight "
        "distance speed temperature price cost amount total size capacity figure count "
        "share sum fee average attendance"
    ),
    AnswerType.PLACE: _words(
        "place country city town village island province region county state nation "
        "continent river street hill mountain port harbour location district area"
    ),
    AnswerType.ORGANIZATION: _words(
        "firm company organisation organization institution club team body party council "
        "agency board charity business group union association society school university "
        "newspaper station"
    ),
    AnswerType.PERSON: _words(
        "person man woman people archaeologist engineer author writer architect director "
        "leader official ambassador president minister mayor captain surgeon doctor "
        "founder owner manager coach player judge head"
    ),
}
# Any item of a list whose kind the question does not say.
ANY_ITEM = frozenset().union(*ITEM_LABELS.values()) | {"PRODUCT", "WORK_OF_ART", "LAW"}
