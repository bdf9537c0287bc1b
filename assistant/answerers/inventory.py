"""Inventory: "Which countries are mentioned?", "List the people named in the briefing." —
each item once, cited to the sentence of its first mention, from the named entities the
sentence index found at ingest.

Which mentions count, by kind: people are PERSON entities (a sentence-opening word the NER
took in dropped, "Beyond Moscow" no person at all when the rest names a place), the short
forms of one person ("Putin", "President Putin") merged into the fullest ("Vladimir Putin");
countries are any entity whose text names a country in the gazetteer (its name, an
abbreviation or a demonym: "U.S.", "DPRK", "Ukrainian" — not its capital, which is a city),
merged by country; places are GPE, LOC and FAC entities and every country; organisations are
ORG entities that name no country; dates are DATE entities that hold a day, month or year;
years are the four-digit years in dates; amounts are MONEY, PERCENT and QUANTITY entities.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from assistant.answer.citations import with_marker
from assistant.answer.reader import Draft
from assistant.answerers.compose import Composed, Request
from assistant.answerers.library import Library
from assistant.answerers.quoting import cite, passages
from assistant.answerers.scope import document_named, titles
from assistant.index.sentences import Mention, Sentence
from assistant.intent.kinds import Kind
from assistant.language.gazetteer import Gazetteer
from assistant.language.labels import PLACE_LABELS
from assistant.language.lexicon import (
    MONTH_ABBREVIATIONS,
    MONTHS,
    NOT_PEOPLE,
    TITLES,
    WEEKDAYS,
    alternation,
)
from assistant.language.names import bare, group_people, person_words, without_lead
from assistant.policy import POLICY

# The most items an answer lists; the lead says how many there are in all.
MAX_ITEMS = POLICY.max_items  # ``Policy.max_items``

_PLURAL = {
    Kind.PEOPLE: "people", Kind.COUNTRIES: "countries", Kind.PLACES: "places",
    Kind.ORGANISATIONS: "organisations", Kind.DATES: "dates", Kind.YEARS: "years",
    Kind.MONEY: "sums of money", Kind.AMOUNTS: "amounts",
}  # fmt: skip
_ONE = {
    Kind.PEOPLE: "person", Kind.COUNTRIES: "country", Kind.PLACES: "place",
    Kind.ORGANISATIONS: "organisation", Kind.DATES: "date", Kind.YEARS: "year",
    Kind.MONEY: "sum of money", Kind.AMOUNTS: "amount",
}  # fmt: skip
_MONTH = rf"(?:{alternation(MONTHS)}|{MONTH_ABBREVIATIONS})\.?"
_WEEKDAY = rf"(?:{alternation(WEEKDAYS)})"
# A date on the calendar: "17 October", "October 17, 2030", "May 2024", "Thursday", "1987".
_CALENDAR = re.compile(
    rf"\b(?:(?:{_WEEKDAY},? )?\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}(?:,? \d{{4}})?|"
    rf"(?:{_WEEKDAY},? )?{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|{_MONTH} \d{{4}}|"
    rf"{_WEEKDAY}|1\d{{3}}|20\d{{2}})\b"
)
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def _place_like(text: str) -> bool:
    """Could ``text`` name a place: a capital letter somewhere ("percent", "east bank" have
    none), and not one word of letters and digits (a code: "E09")? "NYC", "Route 66",
    "Camp 4" and "'s-Hertogenbosch" can."""
    return any(ch.isupper() for ch in text) and not re.fullmatch(
        r"(?=\S*\d)(?=\S*[A-Za-z])\S+", text
    )


@dataclass(frozen=True, slots=True)
class Item:
    """One thing an inventory lists: ``text`` as quoted (a span of ``sentence``), ``key``
    what makes two mentions the same item."""

    key: object
    text: str
    sentence: Sentence
    start: int


class InventoryAnswerer:
    """See the module's words."""

    def __init__(self, library: Library, gazetteer: Gazetteer, *, max_items: int = MAX_ITEMS):
        self.library = library
        self.gazetteer = gazetteer
        self.max_items = max_items

    def answer(self, request: Request) -> Composed | None:
        kind = request.reading.kind
        if kind is None:
            return None
        sources = self.library.sources()
        # "… mentioned in the memo": that document's items only.
        source = (
            document_named(request.question, sources, titles(self.library, sources))
            if len(sources) > 1
            else None
        )
        items = self.items(kind, source)
        name = "The documents name" if source is None else f"{source} names"
        if not items:
            return Composed(Draft("", (), abstained=True), lead=f"{name} no {_PLURAL[kind]}.")
        shown = items[: self.max_items]
        chunks = self.library.chunks([i.sentence.chunk for i in shown])
        citations = cite([i.sentence for i in shown], chunks)
        text = " ".join(
            with_marker(i.text, c.marker) for i, c in zip(shown, citations, strict=True)
        )
        if len(items) == 1:
            lead = f"{name} one {_ONE[kind]}:"
        elif len(shown) < len(items):
            lead = f"{name} {len(items)} {_PLURAL[kind]}; the first {len(shown)}:"
        else:
            lead = f"{name} {len(items)} {_PLURAL[kind]}:"
        return Composed(
            Draft(text, citations, abstained=False),
            passages(citations, chunks),
            lead=lead,
            layout="list",
        )

    def items(self, kind: Kind, source: str | None = None) -> list[Item]:
        """Every item of ``kind`` (in ``source`` only, when given), each at its first mention,
        in order of first mention."""
        return [item for item, _ in self.counted(kind, source)]

    def counted(self, kind: Kind, source: str | None = None) -> list[tuple[Item, int]]:
        """Every item of ``kind`` (in ``source`` only, when given) at its first mention, with
        how many times it is named, in order of first mention."""
        pick = _PICKERS[kind]
        found: dict[object, Item] = {}
        counts: Counter[object] = Counter()
        mentions = voted(self.library.mentions())
        if source is not None:
            mentions = [m for m in mentions if m.sentence.source == source]
        # A picker gives every mention, the one to show first for its item.
        for item in pick(self, mentions):
            found.setdefault(item.key, item)
            counts[item.key] += 1
        ordered = sorted(found.values(), key=lambda i: (i.sentence.source, i.start))
        return [(item, counts[item.key]) for item in ordered]

    # -- by kind ------------------------------------------------------------------------------

    def _people(self, mentions: Sequence[Mention]) -> list[Item]:
        named = []
        for mention in mentions:
            if mention.label != "PERSON":
                continue
            text = without_lead(bare(mention.text))
            if (
                not text
                or self.gazetteer.country(text) is not None
                or (" " not in text and (not text[:1].isupper()))
            ):
                continue
            if any(w.lower().strip(".,") in NOT_PEOPLE for w in text.split()):
                continue  # "Kestmoor General Hospital": an institution the NER took for a person
            named.append((mention, text))
        keys = group_people(text for _, text in named)
        items = []
        for mention, text in named:
            key = keys.get(text)
            if key:
                items.append(_item(("person", key), text, mention))
        # A person is shown by the fullest form of their name, at its first place (an article
        # names a person in full first).
        return sorted(items, key=lambda i: (-len(person_words(i.text)), _titled(i.text)))

    def _countries(self, mentions: Sequence[Mention]) -> list[Item]:
        named: list[Item] = []
        adjectives: list[Item] = []
        for mention in mentions:
            text = without_lead(bare(mention.text))
            country = self.gazetteer.country(text)
            if country is None or country.is_capital(text):
                continue
            item = _item(("country", country.name), text, mention)
            (named if country.is_name(text) else adjectives).append(item)
        # A country is shown by its name where the documents give one ("Ukraine"), else by the
        # word they use ("Ukrainian strikes").
        return [*named, *adjectives]

    def _places(self, mentions: Sequence[Mention]) -> list[Item]:
        items = []
        for mention in mentions:
            text = without_lead(bare(mention.text))
            country = self.gazetteer.country(text) if text else None
            if country is not None and not country.is_capital(text) and not country.is_name(text):
                continue  # a demonym ("Russian media") names no place
            if country is not None and country.is_name(text):
                items.append(_item(("country", country.name), text, mention))
            elif country is not None or (mention.label in PLACE_LABELS and _place_like(text)):
                items.append(_item(("place", text.lower()), text, mention))
        return items

    def _organisations(self, mentions: Sequence[Mention]) -> list[Item]:
        items = []
        for mention in mentions:
            text = bare(mention.text)
            if mention.label == "ORG" and text and self.gazetteer.country(text) is None:
                items.append(_item(("org", text.lower()), text, mention))
        return items

    def _dates(self, mentions: Sequence[Mention]) -> list[Item]:
        items = []
        for mention in mentions:
            if mention.label not in {"DATE", "TIME"}:
                continue
            for match in _CALENDAR.finditer(mention.text):
                date, start = match.group(0), mention.start + match.start()
                items.append(Item(("date", date.lower()), date, mention.sentence, start))
        return items

    def _years(self, mentions: Sequence[Mention]) -> list[Item]:
        items = []
        for mention in mentions:
            if mention.label not in {"DATE", "CARDINAL"}:
                continue
            for match in _YEAR.finditer(mention.text):
                start = mention.start + match.start()
                items.append(
                    Item(("year", match.group(1)), match.group(1), mention.sentence, start)
                )
        return items

    def _money(self, mentions: Sequence[Mention]) -> list[Item]:
        return [
            _item(("money", bare(m.text).lower()), bare(m.text), m)
            for m in mentions
            if m.label == "MONEY"
        ]

    def _amounts(self, mentions: Sequence[Mention]) -> list[Item]:
        return [
            _item(("amount", bare(m.text).lower()), bare(m.text), m)
            for m in mentions
            if m.label in {"MONEY", "PERCENT", "QUANTITY"}
        ]


def _titled(name: str) -> bool:
    """Does the name carry a title ("President Putin")? The plain name is shown first."""
    return any(w.lower() in TITLES for w in name.split())


def voted(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions, each labelled as its text is labelled most often across the documents
    ("one sense per discourse": a place the NER once took for a person stays a place); a
    one-word name that ends a person's fuller name is that person's ("Marsk" of "Helena
    Marsk")."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for mention in mentions:
        counts[bare(mention.text)][mention.label] += 1
    surnames = {
        name.split()[-1]
        for name, labels in counts.items()
        if " " in name and labels.most_common(1)[0][0] == "PERSON"
    }
    out = []
    for mention in mentions:
        text = bare(mention.text)
        label, top = counts[text].most_common(1)[0]
        if top == counts[text][mention.label]:
            label = mention.label  # a tie keeps the mention's own label
        if text in surnames:
            label = "PERSON"
        out.append(mention if label == mention.label else replace(mention, label=label))
    return out


def _item(key: object, text: str, mention: Mention) -> Item:
    at = mention.sentence.text.find(text, max(0, mention.start - mention.sentence.start))
    start = mention.sentence.start + at if at >= 0 else mention.start
    return Item(key, text, mention.sentence, start)


_PICKERS: dict[Kind, Callable[[InventoryAnswerer, Sequence[Mention]], list[Item]]] = {
    Kind.PEOPLE: InventoryAnswerer._people,
    Kind.COUNTRIES: InventoryAnswerer._countries,
    Kind.PLACES: InventoryAnswerer._places,
    Kind.ORGANISATIONS: InventoryAnswerer._organisations,
    Kind.DATES: InventoryAnswerer._dates,
    Kind.YEARS: InventoryAnswerer._years,
    Kind.MONEY: InventoryAnswerer._money,
    Kind.AMOUNTS: InventoryAnswerer._amounts,
}
