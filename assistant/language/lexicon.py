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
    r"to protect|to make room|named after|named for|called after|means that|meant that|"
    # A reason given in so many words: an answer to "why" reported ("When Quence asked why
    # not, Vane said …", not "was asked why but declined to comment"), a thing held necessary.
    r"asked why\b[^.;]*,\s*(?:\w+\s+){0,3}(?:said|replied|answered|told)|"
    r"as (?:essential|necessary|vital|crucial|needed|indispensable) (?:for|to))\b"
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


def alternation(words: tuple[str, ...]) -> str:
    """``words`` as a regex alternation ("a|b|c"), in the order given."""
    return "|".join(words)


# -- numbers ----------------------------------------------------------------------------------
# Three lists of number words, each as a regex alternation, share their pieces but not their
# ends: merged, each would change answers (a "both" or "several" shown as a short answer; a
# sentence with "first" hidden as a repeat of one with "second" no longer), so each keeps its
# own and says what it is for.
_UNITS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    "(?:thir|four|fif|six|seven|eigh|nine)teen"
)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SCALES = "hundred|thousand|million|billion|dozen"
_SCALES_PLURAL = "hundreds?|thousands?|millions?|billions?|dozens?"
_ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
# A figure spelt out, as a short answer may give it ("forty-two", "two hundred").
SPELT_FIGURE = f"{_UNITS}|{_TENS}|{_SCALES}"
# Any word that says how many: a sentence holding one holds an answer to "how many …?" (the
# gate's ``type_match`` was fitted on this list).
COUNT_WORDS = f"{_UNITS}|{_TENS}|{_SCALES_PLURAL}|half|both|several"
# Words that make two similar sentences different facts ("six pounds" is not "five pounds",
# the "first" is not the "second" time).
QUANTITY_WORDS = f"zero|{_UNITS}|{_TENS}|{_SCALES_PLURAL}|half|{_ORDINALS}|once|twice"

# -- negation ---------------------------------------------------------------------------------
# Three negation lists, for three questions; the short answer's "No" was measured with its
# own, a denied list item and a different fact with theirs, so none is widened to the union.
# What turns a clause round (a "No"). "only" alone restricts without denying, so it is no cue.
NEGATION_CUES = (
    r"\b(?:not|no|never|neither|nor|none|nobody|nothing|without|cannot|absent|instead|"
    r"declined|refused|failed|unable|denied|rather than|stayed away|kept away)\b|n['’]t\b"
)
# What denies the name right after it ("not Kim Jong Un", "never Moscow"), a word between.
DENIED_BEFORE = r"\b(?:not|never|no|nor|without)\s+(?:\w+\s+)?$"
# What makes a sentence another fact than a similar one ("no longer closed" is not "closed").
NEGATION_WORDS = r"\b(?:not|no|never|none|nor|neither|without|longer)\b|n't\b"

# -- the calendar -----------------------------------------------------------------------------
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
MONTH_ABBREVIATIONS = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEASONS = ("spring", "summer", "autumn", "winter")
RELATIVE_DAYS = ("today", "yesterday", "tomorrow")
# Lower-case alternations of the above, for patterns that ignore case.
MONTH_NAMES = alternation(tuple(m.lower() for m in MONTHS))
WEEKDAY_NAMES = alternation(tuple(d.lower() for d in WEEKDAYS))

# -- words without content of their own -------------------------------------------------------
# Lucene's classic English stop set (the one bm25s used here before: importing that package
# for these words cost every process 0.25 s), and question words.
STOPWORDS = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is",
    "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there",
    "these", "they", "this", "to", "was", "will", "with",
    "did", "does", "do", "what", "who", "whom", "which", "how",
))  # fmt: skip
# Words a restatement may add, drop or change: they carry no claim of their own (grounding).
LIGHT_WORDS = frozenset((
    "a", "an", "the", "be", "is", "are", "was", "were", "been", "being", "am",
    "has", "have", "had", "having", "do", "does", "did",
))  # fmt: skip
# Words that carry no content of their own beyond the stop words (pronouns and adverbs a
# phrase answer may hold without counting them).
CONTENTLESS = _words("she he it they we you her him them his its their also then there still")
# Words that only lead into the phrase that answers ("… for triggering instability").
LEAD_WORDS = _words(
    "for by with like as to of that which who whom and or but such including about from "
    "against into on in at through"
)
# Auxiliary verbs: "which is …" names no noun; a yes/no question opens with one.
AUXILIARIES = _words(
    "is was are were did does do has have had can could will would should may might must"
)
# Small words inside a name that are not capitalised ("Bank of England", "Charles de Gaulle").
NAME_PARTICLES = frozenset({"of", "the", "and", "de", "du", "da", "la", "le", "del", "y", "et"})

# -- question words and small words of grammar -------------------------------------------------
# Words that open a question and add nothing to what is asked ("And did …", "So where …").
QUESTION_OPENERS = r"and|so|but|also|then|ok|okay|well"
# Words that wrap a wh-question in a polite one ("Can you tell me when …", "Do you know who …").
EMBEDDING_OPENERS = (
    r"(?:can|could|would|will) (?:you|u) (?:please )?(?:tell|show|remind) me|"
    r"(?:do|does|did) (?:you|u|anyone) (?:happen to )?(?:know|remember|recall)|"
    r"any idea|i(?:'d| would) like to know|i (?:want|need) to know|i wonder|"
    r"(?:please )?(?:tell|remind) me"
)
# The words that ask ("who", "how many"): no part of what a question asks about.
ASKING_WORDS = "who whom whose what when where which why how many much long often far"
# A description of several people that opens a sentence ("Both leaders", "The two men").
GROUP_DESCRIPTIONS = r"both|the two|the three|all three"
# Relative pronouns and adverbs: a role that opens with one is a clause ("who led the talks").
RELATIVES = r"who|which|that|whose|whom|where|when"
# Nouns of what someone says ("criticism from the U.S."): the name after them is the source.
ATTRIBUTING_NOUNS = (
    r"criticism|statement|warning|call|calls|demand|proposal|"
    r"accusation|comments?|remarks?|message|response|reaction|announcement|report|advice|"
    r"evidence|testimony|ruling|verdict|complaint|appeal|offer|promise|pledge"
)
# What opens a yes/no question ("Did …", "Isn't …").
YES_NO_OPENERS = (
    r"did|does|do|is|are|was|were|can|could|will|would|has|have|had|should|may|might|must|"
    r"isn't|wasn't|didn't|doesn't|aren't|weren't"
)
# The auxiliaries between "what" and its subject in "what did X say" (not the modal ones a
# yes/no question may open with: "what should X do" is not a question about statements).
ASKING_AUXILIARIES = r"is|was|are|were|did|does|do|has|have|had|will|would|can|could"
# Prepositions after a verb of saying that bring its topic ("said about China").
ABOUT_WORDS = r"about|on|regarding|concerning|over|of|in|at|to|against|for|after|with"
# Prepositions before a place that make it where something happened ("in Moscow").
PLACE_PREPOSITIONS = (
    r"in|at|on|near|from|to|into|across|around|outside|inside|beyond|within|throughout|"
    r"of|for|over"
)
# Conjunctions that end a clause and start a new assertion.
CLAUSE_CONJUNCTIONS = r"but|although|though|while|whereas|yet|however"
# Words that open a clause of cause when the parser marks one (not "after the summit").
CAUSAL_MARKS = frozenset({"because", "since", "after", "once"})
# Words that say what kind of document a topic names, not which ("article", "story"); they
# are stemmed where they are used.
DOCUMENT_NOUNS = (
    "article articles story stories document documents briefing report page entry piece"
)

# -- people -----------------------------------------------------------------------------------
# Pronouns of a person (one of them, not "they"), and of several; the possessive ones.
PERSONAL_PRONOUNS = ("she", "he", "her", "him", "his", "hers")
PLURAL_PRONOUNS = ("they", "them", "their", "theirs")
# Whose a role is ("our chief operating officer"): left out of the role.
POSSESSIVE_DETERMINERS = r"our|their|its|his|her|my|your"
POSSESSIVES = ("his", "her", "hers")
PLURAL_POSSESSIVES = ("their", "theirs")
# Words by which a sentence leans on the one before it ("She also…", "…in that conflict").
LEANING = r"she|he|her|him|his|they|them|their|it|its|this|that|these|those|both|there"
# Words that say a matter is still open ("What is still undecided?", "## Open questions").
OPEN_WORDS = "open|outstanding|unresolved|pending|undecided|unanswered|unclear|uncertain"
# Words that, opening a sentence, make it lean on the one before ("They also …", "This trade
# …", "Additionally, …"): the pronouns and determiners above, and the connectives.
LEANING_OPENERS = (
    r"she|he|they|it|its|their|his|her|this|that|these|those|both|such|there|"
    r"additionally|also|meanwhile|however|but|and|so|then|likewise|similarly|instead|"
    r"moreover|furthermore|besides|yet|still|otherwise"
)
# Words by which a question points back into the conversation. "that" is left out: in
# questions it is mostly a relative pronoun ("the ship that sank"), not a reference.
POINTING_BACK = (
    r"she|he|her|him|his|hers|they|them|their|theirs|it|its|there|this|these|those|"
    r"the event|the same"
)
# Verbs that ask what a subject said (a sentence must report speech), not what it did.
SAYING = frozenset({"say", "said", "says", "saying", "tell", "told", "state", "stated"})
# Verbs that ask for anything a subject said or did, not one kind of it.
SAID_OR_DONE = frozenset(
    {"say", "said", "says", "saying", "do", "did", "done", "mention", "mentioned"}
)
# A pronoun left as the subject of a question ("What did he say?"): no one to look up.
PRONOUN_SUBJECTS = r"he|she|him|her|they|them|it|this|that|these|those|there"
# The same without "these" and "those", for "who/what is …": "what are these?" is asked of
# the documents, not of a person.
PRONOUNS_ASKED_OF = r"he|she|him|her|they|them|it|this|that|there"
# Verbs a question about what someone said or did asks with ("what did X say/announce/do").
SAY_VERBS = (
    r"say|said|says|saying|state|stated|claim|claimed|announce|announced|accuse|accused|"
    r"charged|allege|alleged|argue|argued|propose|proposed|want|wanted|demand|demanded|"
    r"ask|asked|urge|urged|call for|called for|warn|warned|promise|promised|pledge|pledged|"
    r"report|reported|tell|told|think|thought|believe|believed|deny|denied|suggest|suggested|"
    r"recommend|recommended|critici[sz]e|critici[sz]ed|praise|praised|condemn|condemned|"
    r"demand|request|requested|insist|insisted|admit|admitted|confirm|confirmed|write|wrote|"
    r"conclude|concluded|decide|decided|rule|ruled|advise|advised|promise|offer|offered|"
    r"respond|responded|react|reacted|reply|replied|do|done|did|achieve|achieved|"
    r"mention|mentioned|note|noted|explain|explained|describe|described|predict|predicted|"
    r"estimate|estimated|add|added|insist|object|objected|oppose|opposed|reject|rejected|"
    r"welcome|welcomed|blame|blamed|find|found|discover|discovered|show|showed|reveal|revealed"
)
