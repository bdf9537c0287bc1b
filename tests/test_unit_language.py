"""Fast unit tests of the language helpers: the country gazetteer
(assistant/language/gazetteer.py) over synthetic countryinfo-like records (and once over the
packaged data), names (assistant/language/names.py) and the vocabulary
(assistant/language/vocabulary.py)."""

from __future__ import annotations

import pytest

from assistant.factory import Components
from assistant.language.gazetteer import DOMINANT, Gazetteer
from assistant.language.names import bare, group_people, person_words, same_person, without_lead
from assistant.language.vocabulary import is_word
from tests.reader_fakes import country, world_gazetteer

pytestmark = pytest.mark.unit

WORLD = world_gazetteer()


def named(text: str, where: Gazetteer = WORLD) -> str | None:
    found = where.country(text)
    return None if found is None else found.name


# --- the gazetteer's forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "name"),
    [
        # the name, its other spellings, its three-letter ISO code
        ("United States", "United States"),
        ("United States of America", "United States"),
        ("USA", "United States"),
        ("IND", "India"),
        # initials of every name of two or more capitalised words
        ("US", "United States"),
        ("PRC", "China"),  # People's Republic of China: the "'s" and "of" left out
        ("DPRK", "North Korea"),
        ("FPN", "Norland"),  # Federated Provinces of Norland
        ("RF", "Russia"),  # Russian Federation
        # the part after "of" in a name
        ("America", "United States"),
        ("Norland", "Norland"),
        # the capital, with and without a trailing "D.C."
        ("Washington D.C.", "United States"),
        ("Washington", "United States"),
        ("Carston, D.C.", "Norland"),
        ("Carston", "Norland"),
        ("Beijing", "China"),
        ("Pyongyang", "North Korea"),
        # the demonym and its plural
        ("Chinese", "China"),
        ("Norlander", "Norland"),
        ("Norlanders", "Norland"),
        ("North Koreans", "North Korea"),
        ("Ukrainian", "Ukraine"),
    ],
)
def test_every_form_of_a_country_names_it(form: str, name: str) -> None:
    assert named(form) == name


def test_a_two_letter_iso_code_is_kept_only_when_it_is_a_names_initials() -> None:
    assert named("US") == "United States"  # ISO code and the initials of "United States"
    assert named("IN") is None  # India's ISO code, the initials of none of its names
    assert named("UA") is None
    assert named("NL") is None  # Norland's code; "FPN" are its initials
    assert named("UK") == "United Kingdom"  # a two-letter spelling that is no ISO code
    assert named("GB") == "United Kingdom"  # the ISO code, but also Great Britain's initials


def test_a_spelling_outside_ascii_is_not_a_form() -> None:
    assert named("Amerika Sāmoa") is None
    assert named("Zhōngguó") is None


def test_a_form_several_countries_claim_goes_to_the_one_tenfold_more_populous() -> None:
    # "American": the United States (331 M), not American Samoa (55 k).
    assert named("American") == "United States"
    assert named("Americans") == "United States"
    assert named("American Samoa") == "American Samoa"  # its own name stays its own
    # "Korea": North (25 M) and South (51 M) both; neither outnumbers the other tenfold.
    assert named("Korea") is None
    assert named("North Korea") == "North Korea"
    assert named("Republic of Korea") == "South Korea"


def test_the_population_rule_is_a_tenfold_margin() -> None:
    def claimants(big: float) -> Gazetteer:
        return Gazetteer(
            records=[
                country("Aldavia", alt=["Greater Vell"], demonym="Vellish", population=big),
                country("Bordavia", alt=["Lesser Vell"], demonym="Vellish", population=1_000),
            ]
        )

    assert named("Vellish", claimants(DOMINANT * 1_000)) == "Aldavia"
    assert named("Vellish", claimants(DOMINANT * 1_000 - 1)) is None
    # A record without a population counts as none (and one with text, too).
    records = [
        country("Cordavia", demonym="Vellish", population=5_000),
        {**country("Dordavia", demonym="Vellish"), "population": "unknown"},
    ]
    assert named("Vellish", Gazetteer(records=records)) == "Cordavia"


def test_abbreviations_match_only_in_capitals_with_or_without_dots() -> None:
    assert named("U.S.") == "United States"
    assert named("U.S") == "United States"
    assert named("U.S.A.") == "United States"
    assert named("D.P.R.K.") == "North Korea"
    assert named("U.K.") == "United Kingdom"
    assert named("us") is None  # the pronoun
    assert named("Us") is None
    assert named("usa") is None


def test_names_match_in_any_case_with_the_and_a_possessive_ignored() -> None:
    assert named("china") == "China"
    assert named("the United States") == "United States"
    assert named("The United States") == "United States"
    assert named("United States's") == "United States"
    assert named("the Russian Federation's") == "Russia"
    assert named("China’s") == "China"
    assert named("Russia'") == "Russia"
    assert named("  united   states ") == "United States"
    assert named("") is None
    assert named("   ") is None
    assert named("Atlantis") is None


def test_a_short_name_in_capitals_is_still_its_country() -> None:
    assert named("CHINA") == "China"
    assert named("INDIA") == "India"


def test_aliases_are_every_form_of_the_country_and_countries_lists_each_once() -> None:
    assert WORLD.aliases("U.S.") == {
        "United States", "United States of America", "US", "USA", "America", "Washington",
        "Washington D.C.", "American", "Americans",
    }  # fmt: skip
    assert WORLD.aliases("Atlantis") == frozenset()
    names = [c.name for c in WORLD.countries()]
    assert len(names) == len(set(names)) == 10
    south = WORLD.country("South Korea")
    assert south is not None
    assert "Korea" not in south.forms


def test_a_country_separates_its_names_capitals_and_demonyms() -> None:
    usa = WORLD.country("America")
    assert usa is not None
    assert usa.capitals == {"Washington", "Washington D.C."}
    assert usa.demonyms == {"American", "Americans"}
    assert "US" in usa.names
    assert "United States" in usa.names


def test_a_record_without_a_name_is_skipped_and_no_capital_is_no_form() -> None:
    where = Gazetteer(records=[{"name": ""}, country("Estland", capital=None, demonym=None)])
    estland = where.country("Estland")
    assert estland is not None
    assert (estland.capitals, estland.demonyms) == (frozenset(), frozenset())
    assert [c.name for c in where.countries()] == ["Estland"]


def test_the_packaged_gazetteer() -> None:
    components = Components()
    shared = components.gazetteer()
    assert shared is components.gazetteer()  # one per set of components
    assert shared is not Components().gazetteer()
    for form in ("U.S.", "Washington", "American", "United States", "America"):
        assert named(form, shared) == "United States", form
    assert named("Korea", shared) is None
    assert named("DPRK", shared) == "North Korea"
    assert named("Beijing", shared) == "China"


# --- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bared"),
    [
        ("the Korean Peninsula", "Korean Peninsula"),
        ("The Kremlin", "Kremlin"),
        ("Putin's", "Putin"),
        ("Shea’s", "Shea"),
        ("Fenwicks'", "Fenwicks"),
        ("U.S.", "U.S."),  # an abbreviation's stop kept
        ("U.S.'s", "U.S."),
        ("the U.N.", "U.N."),
        ("Moscow.", "Moscow"),  # a sentence's stop dropped
        ('"Moscow."', "Moscow"),
        ("(Xi Jinping)", "Xi Jinping"),
        ("  Xi   Jinping ", "Xi Jinping"),
    ],
)
def test_bare_drops_the_possessive_and_punctuation_around_a_name(text: str, bared: str) -> None:
    assert bare(text) == bared


def test_without_lead_drops_leading_function_words_only() -> None:
    assert without_lead("Beyond Moscow") == "Moscow"
    assert without_lead("And then Xi Jinping") == "Xi Jinping"
    assert without_lead("according to Shea") == "Shea"
    assert without_lead("Moscow") == "Moscow"
    assert without_lead("Moscow after dark") == "Moscow after dark"
    assert without_lead("") == ""


def test_person_words_leave_titles_out() -> None:
    assert person_words("Ambassador Dorothy Shea") == ("dorothy", "shea")
    assert person_words("Dr. Lena Aldous") == ("lena", "aldous")
    assert person_words("President Putin's") == ("putin",)
    assert person_words("the Prime Minister") == ()


@pytest.mark.parametrize(
    ("short", "full", "same"),
    [
        ("Putin", "Vladimir Putin", True),  # the surname
        ("Xi", "Xi Jinping", True),  # the first word
        ("President Putin", "Vladimir Putin", True),  # a title left out
        ("Vladimir Putin", "Vladimir Putin", True),
        ("putin", "Vladimir Putin", True),
        ("Jong", "Kim Jong Un", False),  # a middle word
        ("Jinping Xi", "Xi Jinping", False),
        ("Vladimir Putin", "Putin", False),  # the longer is not a short form
        ("Mr", "Vladimir Putin", False),  # only a title
        ("Puti", "Vladimir Putin", False),
    ],
)
def test_same_person(short: str, full: str, same: bool) -> None:
    assert same_person(short, full) is same


def test_group_people_merges_short_forms_into_the_fullest_name() -> None:
    groups = group_people(["Putin", "Vladimir Putin", "President Putin", "Putin's", "Xi"])
    assert groups == {
        "Putin": ("vladimir", "putin"),
        "Vladimir Putin": ("vladimir", "putin"),
        "President Putin": ("vladimir", "putin"),
        "Putin's": ("vladimir", "putin"),
        "Xi": ("xi",),
    }


def test_group_people_keeps_a_surname_two_people_share_apart() -> None:
    groups = group_people(["Nadia Fenwick", "Oliver Fenwick", "Fenwick", "Nadia"])
    assert groups["Fenwick"] == ("fenwick",)
    assert groups["Nadia"] == ("nadia", "fenwick")  # a first name one person has
    assert groups["Oliver Fenwick"] == ("oliver", "fenwick")


def test_group_people_settles_chains_through_the_longest_name() -> None:
    groups = group_people(["Kim", "Kim Jong", "Kim Jong Un"])
    assert set(groups.values()) == {("kim", "jong", "un")}
    assert group_people(["Mr", "Ambassador"]) == {}  # titles alone name nobody


# --- the vocabulary ---------------------------------------------------------------------------


def test_is_word_knows_whole_english_words_in_any_case() -> None:
    assert is_word("criticism")
    assert is_word("Briefing")
    assert is_word("REACHED")
    assert not is_word("summerize")  # cut into word pieces by the tokenizer
    assert not is_word("mentiond")
    assert not is_word("Kestmoor")
    assert not is_word("")
