"""What a question asks for, as ``read_intent`` (``assistant.intent.classifier``) gives
it: the intents, the kinds of thing an inventory lists, and a question's reading."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Intent(Enum):
    LOOKUP = "lookup"
    OVERVIEW = "overview"
    PROFILE = "profile"
    STATEMENTS = "statements"
    INVENTORY = "inventory"
    REASON = "reason"


class Kind(Enum):
    """What an inventory lists."""

    PEOPLE = "people"
    COUNTRIES = "countries"
    PLACES = "places"
    ORGANISATIONS = "organisations"
    DATES = "dates"
    YEARS = "years"
    MONEY = "money"
    AMOUNTS = "amounts"


@dataclass(frozen=True, slots=True)
class Reading:
    """A question's intent and what fills it in.

    ``subject``: whom or what a profile or statements question is about, as typed ("Dorothy
    Shea"); ``topic``: what an overview covers ("" for everything) or what the statements are
    about ("China"; "" for anything); ``kind``: what an inventory lists; ``verb``: what a
    statements question asks the subject did ("say", "accuse", "do")."""

    intent: Intent
    subject: str = ""
    topic: str = ""
    kind: Kind | None = None
    verb: str = ""


LOOKUP = Reading(Intent.LOOKUP)
