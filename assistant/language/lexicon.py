"""The word lists the answer policy uses, each once.

Closed classes of English — titles, function words, reporting verbs — not any document's
names: a list here earns its place by what it buys on the evaluation suite's dev halves."""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[\w'’.-]+", text.lower()))


# Forms of address that say nothing of a person's role ("Dr", "Mrs", "Prof Sir").
HONORIFICS = _words(
    "mr mr. mrs mrs. ms ms. miss mx dr dr. prof prof. sir dame lord lady madam madame "
    "monsieur herr señor señora rev rev. hon hon."
)
# Titles and forms of address that stand before a name ("Ambassador Dorothy Shea", "Dr Lena
# Aldous"): a role when a profile asks who someone is; never part of the person's key.
TITLES = _words(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. professor sir dame lord lady rev rev. "
    "reverend father brother sister mother saint st st. captain capt capt. colonel col col. "
    "general gen gen. major lieutenant lt lt. sergeant sgt corporal admiral commander "
    "commodore president presidents vice prime minister ministers ambassador ambassadors "
    "governor governors mayor mayors senator senators congressman congresswoman councillor "
    "councilor chancellor secretary deputy chief director king queen prince princess emperor "
    "pope bishop archbishop cardinal judge justice magistrate sheriff inspector detective "
    "constable superintendent officer chairman chairwoman chair premier envoy consul "
    "dean principal headteacher head coach skipper"
)
# Words that can open a sentence before a name without being part of it ("Beyond Moscow, …",
# "After Putin …"): prepositions, conjunctions and sentence adverbs.
FUNCTION_WORDS = _words(
    "about above across after against along amid among around as at before behind below "
    "beneath beside besides between beyond but by despite during except for from given in "
    "inside into like near of off on onto outside over past per since than through "
    "throughout till to toward towards under unlike until up upon via with within without "
    "and or nor so yet also although though while whereas because if unless when whenever "
    "where wherever meanwhile however moreover furthermore nevertheless still then thus "
    "hence instead otherwise indeed already even just only yesterday today tomorrow "
    "earlier later now meanwhile additionally according"
)

# Numbers spelt out, and their values ("chapter eight" is "chapter-08").
NUMBER_WORDS: dict[str, int] = {
    word: value
    for value, word in enumerate(
        re.findall(
            r"\w+",
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty",
        )
    )
}

# Words that give a cause or a purpose ("because", "due to", "led to", "blamed … on"); the
# ambiguous ones ("after", "since", "as", "to") are left to the parser (``syntax``).
CAUSAL = (
    r"\b(?:because|due to|owing to|thanks to|as a result|as a consequence|"
    r"result(?:ed|s|ing)? (?:of|from|in)|caus(?:e|es|ed|ing)|led to|leads? to|lead to|"
    r"so that|in order to|so as to|blam(?:e|es|ed|ing)|the reasons? (?:for|why|was|is)|"
    r"reason (?:for|why)|therefore|consequently|hence|for fear|on the grounds|given that|"
    r", so\b|, making\b|, leaving\b|, forcing\b|which meant\b|which means\b|"
    r"prompted|triggered|forced|was needed|were needed|to prevent|to avoid|to keep|to stop|"
    r"to protect|to make room|named after|named for|called after|means that|meant that)\b"
)

# Words that make a name an institution, a place or a work, not a person ("Kestmoor General
# Hospital", "Harrowdene Instruments Ltd", "Mill Road").
NOT_PEOPLE = _words(
    "hospital clinic university college school academy institute institution company "
    "corporation corp inc inc. ltd ltd. llc plc group holdings bank ministry department "
    "council agency society foundation trust association centre center church cathedral club "
    "party union hotel restaurant café cafe pub airport station street road avenue lane "
    "bridge river lake mount mountain island bay harbour harbor port park square award prize "
    "medal festival museum library gallery theatre theater stadium arena court house hall "
    "service services board committee commission authority office news times post press "
    "radio television tv magazine journal review"
)
# Verbs and nouns that report speech ("said", "told", "announced", "warned", "statement"): a
# question about what someone said is answered by a sentence that reports it.
REPORTING = (
    r"\b(?:said|says|say|saying|told|tells|tell|stated|states|announced|announces|declared|"
    r"claimed|claims|argued|argues|insisted|insists|warned|warns|urged|urges|called for|"
    r"calls for|accused|accuses|charged|charges|alleged|denied|denies|admitted|admits|"
    r"confirmed|confirms|added|adds|noted|notes|explained|explains|described|describes|"
    r"praised|praises|critici[sz]ed|criticises|criticizes|condemned|condemns|promised|"
    r"promises|pledged|pledges|proposed|proposes|suggested|suggests|recommended|recommends|"
    r"asked|asks|demanded|demands|replied|replies|responded|responds|wrote|writes|"
    r"reported|reports|predicted|predicts|estimated|estimates|agreed|agrees|objected|"
    r"complained|complains|acknowledged|acknowledges|according to|statement|remarks?|"
    r"comments?|speech|interview|testimony|quoted)\b|[\"“”]"
)
