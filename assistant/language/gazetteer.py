"""Countries and the many ways a text names them, from the ``countryinfo`` package (250
countries: name, other spellings, ISO codes, capital, demonym; MIT licence, no network).

"U.S.", "US", "USA", "United States", "America", "American(s)" and "Washington" all name the
United States; "Beijing" and "Chinese" name China; "DPRK", "Pyongyang" and "North Korean"
North Korea. A form claimed by several countries goes to the one that outnumbers each of the
others tenfold in people ("American": the United States, not American Samoa; "Chinese":
China), else to none ("Korea": North and South). Abbreviations (all capitals, dots or not:
"U.K.", "UK") match only in capitals; names match in any case, with or without "the" in front
and "'s" after.

Which forms: the country's name; its other spellings in ``countryinfo`` (but two-letter ISO
codes only when they are also the initials of one of its names: "US" yes, "IN" or "IT" no);
the initials of every name of two or more capitalised words ("DPRK", "UAE", "PRC"); the part
after "of" in a name like "United States of America" ("America"); the capital, without a
trailing "D.C." ("Washington"); the demonym and its plural ("Chinese", "North Koreans").
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from assistant.language.lexicon import NAME_PARTICLES

_CAPITALISED = re.compile(r"^[A-Z][\w'’.-]*$")
_ABBREVIATION = re.compile(r"^(?:[A-Z]\.){1,4}[A-Z]\.?$|^[A-Z]{2,5}$")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_NAME_WORD = re.compile(r"[\w'’]+(?:\.(?:[A-Z]\.)*)?")


@dataclass(frozen=True, slots=True)
class Country:
    """A country and every form of it a text may use."""

    name: str
    names: frozenset[str]  # the country's own names and abbreviations
    capitals: frozenset[str]
    demonyms: frozenset[str]

    @property
    def forms(self) -> frozenset[str]:
        return self.names | self.capitals | self.demonyms

    def is_name(self, text: str) -> bool:
        """Is ``text`` one of the country's own names or abbreviations ("U.S." as "US")?"""
        return any(_key(form) == _key(text) for form in self.names)

    def is_capital(self, text: str) -> bool:
        return any(_key(form) == _key(text) for form in self.capitals)


def _initials(name: str) -> str | None:
    """ "United States" → "US", "Democratic People's Republic of Korea" → "DPRK"."""
    words = [w for w in re.split(r"[\s-]+", name.replace("'s", "").replace("’s", "")) if w]
    capitals = [w for w in words if w.lower() not in NAME_PARTICLES]
    if len(capitals) < 2 or not all(_CAPITALISED.match(w) for w in capitals):
        return None
    return "".join(w[0] for w in capitals)


def _abbreviated(text: str) -> str | None:
    """An abbreviation's letters ("U.S." → "US"); None for any other text."""
    return text.replace(".", "") if _ABBREVIATION.match(text) else None


def _key(text: str) -> str:
    """How a form is looked up: abbreviations by their capitals, names in lower case."""
    text = _POSSESSIVE.sub("", _LEADING_THE.sub("", " ".join(text.split()))).strip()
    letters = _abbreviated(text)
    return f"^{letters}" if letters else text.lower()


def _forms(info: dict[str, Any]) -> tuple[set[str], set[str], set[str]]:
    name = str(info["name"])
    iso = info.get("ISO") or {}
    names = {name}
    for spelling in info.get("altSpellings") or []:
        spelling = str(spelling)
        if re.fullmatch(r"[A-Z]{2}", spelling) and spelling != iso.get("alpha2"):
            names.add(spelling)  # "UK": a two-letter form that is no ISO code
        elif not re.fullmatch(r"[A-Z]{2}", spelling) and spelling.isascii():
            names.add(spelling)
    if iso.get("alpha3"):
        names.add(str(iso["alpha3"]))
    for known in list(names):
        initials = _initials(known)
        if initials:
            names.add(initials)
        if " of " in known and known[0].isupper():
            names.add(known.rsplit(" of ", 1)[1].removeprefix("the "))
    capital = info.get("capital")
    capitals = {str(c) for c in (capital if isinstance(capital, list) else [capital]) if c}
    capitals |= {re.sub(r",?\s+D\.?C\.?$", "", c) for c in capitals}
    demonym = info.get("demonym")
    demonyms = {str(demonym), f"{demonym}s"} if demonym else set()
    return names, capitals, demonyms


class Gazetteer:
    """Country forms from ``countryinfo``, built on first use (about 0.9 s; once a process)."""

    def __init__(self, records: Iterable[dict[str, Any]] | None = None) -> None:
        self._records = None if records is None else list(records)
        self._lock = threading.Lock()
        self._by_key: dict[str, Country] | None = None

    def _load(self) -> dict[str, Country]:
        with self._lock:
            if self._by_key is None:
                self._by_key = _build(self._records if self._records is not None else _packaged())
            return self._by_key

    def country(self, text: str) -> Country | None:
        """The country ``text`` names ("U.S.", "the United States", "Beijing", "Chinese",
        "CHINA"), or None."""
        if not text.strip():
            return None
        table = self._load()
        found = table.get(_key(text))
        if found is None and _abbreviated(text.strip()):
            found = table.get(_LEADING_THE.sub("", text.strip()).lower())  # "CHINA", a name
        return found

    def aliases(self, text: str) -> frozenset[str]:
        """Every form of the country ``text`` names (``text`` among them); empty when it
        names none."""
        found = self.country(text)
        return found.forms if found is not None else frozenset()

    def named_in(self, text: str) -> list[tuple[str, Country]]:
        """The countries ``text`` names, each with the words that name it (longest first at
        each place: "North Korea", not "Korea"), in order."""
        words = list(_NAME_WORD.finditer(text))
        found: list[tuple[str, Country]] = []
        i = 0
        while i < len(words):
            for size in range(min(4, len(words) - i), 0, -1):
                start, end = words[i].start(), words[i + size - 1].end()
                phrase = text[start:end]
                country = self.country(phrase) if phrase[:1].isupper() else None
                if country is not None:
                    found.append((phrase, country))
                    i += size
                    break
            else:
                i += 1
        return found

    def countries(self) -> Iterator[Country]:
        yield from dict.fromkeys(self._load().values())


def _packaged() -> list[dict[str, Any]]:
    import countryinfo

    return [dict(c.info()) for c in countryinfo.all_countries()]


# A form several countries claim goes to one that has this many times the people of each other.
DOMINANT = 10


def _population(info: dict[str, Any]) -> float:
    try:
        return float(info.get("population") or 0)
    except (TypeError, ValueError):
        return 0.0


def _build(records: Iterable[dict[str, Any]]) -> dict[str, Country]:
    claims: dict[str, set[str]] = defaultdict(set)
    built: dict[str, tuple[set[str], set[str], set[str]]] = {}
    people: dict[str, float] = {}
    for info in records:
        if not info.get("name"):
            continue
        forms = _forms(info)
        built[str(info["name"])] = forms
        people[str(info["name"])] = _population(info)
        for group in forms:
            for form in group:
                claims[_key(form)].add(str(info["name"]))
    owner: dict[str, str] = {}
    for key, names in claims.items():
        ranked = sorted(names, key=lambda n: -people[n])
        if len(ranked) == 1 or people[ranked[0]] >= DOMINANT * max(people[ranked[1]], 1.0):
            owner[key] = ranked[0]
    by_key: dict[str, Country] = {}
    for name, (names, capitals, demonyms) in built.items():

        def own(forms: set[str], name: str = name) -> frozenset[str]:
            return frozenset(f for f in forms if owner.get(_key(f)) == name)

        country = Country(name, own(names) | {name}, own(capitals), own(demonyms))
        for form in country.forms:
            by_key[_key(form)] = country
    return by_key
