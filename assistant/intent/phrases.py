"""The wordings of each intent: the patterns ``read_intent`` tries, and the words that only
point at the documents or ask for brevity."""

from __future__ import annotations

import re

from assistant.intent.kinds import Kind
from assistant.language.lexicon import (
    ABOUT_WORDS,
    ASKING_AUXILIARIES,
    OPEN_WORDS,
    PRONOUNS_ASKED_OF,
    SAY_VERBS,
)

_Q = r"\s*[?.!]*\s*$"  # the question's end
_DOC = (
    r"(?:briefings?|documents?|docs?|texts?|reports?|articles?|files?|stor(?:y|ies)|"
    r"pieces?|materials?|corpus|collection|manual|chapters?|sections?|notes?|papers?|"
    r"sources?|memos?|updates?|coverage|news|timeline|tables?|lists?)"
)
_OVERVIEW_WORD = re.compile(
    r"\b(?:summari[sz](?:e|ed|ing)|summar(?:y|ies)|sum (?:it |this |that |them )?up|recap|"
    r"overview|synopsis|gist|tl;? ?dr|tldr|in a nutshell|brief me|debrief|rundown|run-down|"
    r"run down|digest|highlights|headlines?|in short|in brief|bottom line|big picture|"
    r"(?:key|main|major|important|central|top|salient|essential|chief|principal|core)"
    r"(?: \w+)? (?:points?|takeaways?|facts|findings|issues|themes|messages?|ideas|"
    r"developments|events|things|topics|highlights|lessons|details|elements|items))\b",
    re.IGNORECASE,
)
_ABOUT = re.compile(
    rf"^what(?:'s| is| are| was| were)\s+(?P<t>.+?)\s+(?:all\s+)?about{_Q}", re.IGNORECASE
)
_WHAT_TOPICS = re.compile(
    r"^what (?:topics|subjects|themes|issues|matters|areas) (?:do|does|did|are|is)\b",
    re.IGNORECASE,
)
_HAPPENED = re.compile(
    rf"^what (?:has |had )?happened(?:\s+(?:at|in|during|to|with|on|after|over|around)\s+"
    rf"(?P<t>.+?))?{_Q}",
    re.IGNORECASE,
)
_OPEN = re.compile(
    r"^what(?:'s| is| are| remains?| still remains?)\s+(?:still |yet |as yet )?"
    rf"(?:{OPEN_WORDS}|unknown|"
    r"to be (?:decided|resolved|settled|done)|up in the air|not (?:yet )?(?:decided|known|"
    r"settled|resolved))\b",
    re.IGNORECASE,
)
_OPEN_ITEMS = re.compile(
    r"^(?:what (?:are|were)|list|which are|name) (?:the |all the )?(?:main |key )?(?:still )?"
    r"(?:open|outstanding|unresolved|remaining|pending) (?:questions|issues|points|items|"
    r"matters|problems)\b",
    re.IGNORECASE,
)
# "what the documents say about X", "what does the briefing say about X" → an overview of X
_DOCS_SAY = re.compile(
    rf"^what (?:do|does|did)?\s*(?:the |these |this |that )?{_DOC}\s+(?:say|said|says|tell|"
    rf"report|cover|mention)\s+(?:us\s+)?(?:about|on|regarding|of)\s+(?P<t>.+?){_Q}",
    re.IGNORECASE,
)
# "what does this article cover?", "what is the FAQ about" → an overview of the documents
_DOC_COVERS = re.compile(
    rf"^what (?:do|does|did) (?:the |these |this |that |his |her |its |their )?{_DOC}\s+"
    rf"(?:cover|discuss|deal with|talk about|describe|explain|contain|say){_Q}",
    re.IGNORECASE,
)
_TOPIC_LEAD = re.compile(
    r"\b(?:about|on|of|regarding|concerning|for|covering|around|re)\s+(?P<t>.+)$", re.IGNORECASE
)
_GENERIC = re.compile(
    rf"\b(?:the|a|an|this|these|those|that|it|its|them|all|whole|entire|everything|"
    rf"everything else|overall|short|brief|quick|please|me|us|give|provide|write|make|"
    rf"say|says|said|what|do|does|did|us|here|so far|for|of|in|on|from|main|key|"
    rf"{_DOC})\b",
    re.IGNORECASE,
)

_KINDS: tuple[tuple[Kind, str], ...] = (
    (Kind.PEOPLE, r"people|persons|individuals|names|officials|leaders|characters|"
                  r"key (?:figures|players|people)|main characters|figures involved|personalities"),
    (Kind.COUNTRIES, r"countries|country|nations|governments|states"),
    (Kind.PLACES, r"places|locations|cities|towns|villages|regions|areas|districts|provinces|"
                  r"sites|islands|ports"),
    (Kind.ORGANISATIONS, r"organi[sz]ations|orgs|agencies|companies|firms|institutions|bodies|"
                         r"groups|ngos|parties|businesses|unions|charities"),
    (Kind.YEARS, r"years"),
    (Kind.DATES, r"dates|days|months|key dates|times"),
    (Kind.MONEY, r"sums(?: of money)?|money|costs|prices|fees|budgets|funds|funding|"
                 r"amounts of money|monetary amounts|dollar amounts|payments"),
    (Kind.AMOUNTS, r"amounts|figures|numbers|quantities|statistics|stats|percentages|totals|"
                   r"measurements"),
)  # fmt: skip
_KIND = "|".join(f"(?P<{kind.value}>{words})" for kind, words in _KINDS)
_MENTIONED = (
    r"(?:mentioned|named|cited|referenced|discussed|involved|listed|featured|covered|"
    r"appear(?:ing|s)?|included|brought up|referred to|talked about|come up|comes up|"
    rf"(?:in|from|within) (?:the |this |these |that )?{_DOC})"
)
_INVENTORY = (
    # "Which countries are mentioned?", "What organisations does the briefing mention?"
    re.compile(
        rf"^(?:which|what|what are the|what were the|which are the|what other|which other)\s+"
        rf"(?:\w+\s+)?(?:{_KIND})\b(?:\s+(?:are|were|is|was|get|gets|got|have been|has been))?"
        rf"(?:\s+(?:all|ever|actually|even|specifically))?\s+{_MENTIONED}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^(?:which|what)\s+(?:\w+\s+)?(?:{_KIND})\s+(?:does|do|did)\s+(?:the |this |these |it|"
        rf"they|his |her |its |their |that )\s*(?:\w+\s+)?(?:{_DOC}\s+)?(?:mention|name|cite|"
        rf"reference|discuss|list|cover|talk about|"
        rf"refer to|include)",
        re.IGNORECASE,
    ),
    # "List the countries (mentioned).", "Name all the people in the briefing."
    re.compile(
        rf"^(?:list|name|enumerate|give(?: me)?(?: a list of)?|show(?: me)?|what are|who are)\s+"
        rf"(?:all\s+)?(?:of\s+)?(?:the\s+)?(?:\w+\s+)?(?:{_KIND})(?:\s+{_MENTIONED}){{0,2}}{_Q}",
        re.IGNORECASE,
    ),
    re.compile(
        rf"^how many (?:different\s+)?(?:{_KIND})\s+(?:are|were|is|get|does|do)\s+(?:\w+\s+)?"
        rf"(?:{_MENTIONED}|mention)",
        re.IGNORECASE,
    ),
)
_WHOS_WHO = re.compile(
    rf"^(?:who(?:'s| is) who|who(?: all)? (?:is|are|gets?) (?:mentioned|named|involved)|"
    rf"who (?:appears|features|shows up)|who are (?:all )?(?:the )?(?:people|persons|"
    rf"individuals|players|characters|key (?:figures|players|people)|main characters|"
    rf"officials|leaders)(?:\s+(?:\w+\s+)?{_MENTIONED})?{_Q})",
    re.IGNORECASE,
)

# What may follow the verb: a preposition and its object ("about China"), or any words
# ("countries to drop", "since the flood").
_TAIL = rf"(?:\s+(?P<p>{ABOUT_WORDS})(?:\s+(?P<y>.+?))?|\s+(?P<rest>.+?))?{_Q}"
# A clause before the question ("Besides warning about the region's arms build-up, …").
_CLAUSE = r"^(?:[^,?]{3,80},\s*)?"
_STATEMENTS = (
    # "What did X say (about Y)?", "What has X said?"
    re.compile(
        rf"{_CLAUSE}what (?:exactly |else |actually )?(?:did|does|do|has|have|had|will|would|was|"
        rf"were|is|are)\s+(?P<x>(?:(?:the|a|an|this|that|these|those|its|their)\s+)?"
        rf"(?!(?:{SAY_VERBS})\b)\S.*?)\s+(?:\w+ly\s+)?"
        rf"(?P<v>{SAY_VERBS})(?:\s+(?:that|so far|exactly|"
        rf"publicly|officially))?{_TAIL}",
        re.IGNORECASE,
    ),
    # "what X said about Y" (embedded)
    re.compile(
        rf"^what (?P<x>(?:(?!\b(?:{ASKING_AUXILIARIES})\b).)+?)\s+"
        rf"(?P<v>said|says|claimed|announced|accused|"
        rf"argued|proposed|wanted|demanded|urged|warned|promised|reported|told|thinks|thought|"
        rf"believes|denied|wrote|concluded|decided|ruled|recommended){_TAIL}",
        re.IGNORECASE,
    ),
    # "What was X's position on Y?", "What is X's reaction to Y?"
    re.compile(
        rf"^what(?:'s| was| were| is| are| has been)\s+(?P<x>.+?)'s?\s+(?P<v>position|stance|view|"
        rf"views|response|reaction|statement|message|argument|claim|criticism|complaint|"
        rf"demand|demands|proposal|warning|promise|comments?|remarks?|words|opinion|"
        rf"take|line|advice|answer|reply|verdict|ruling|conclusion|evidence|testimony)"
        rf"(?:\s+(?P<p>{ABOUT_WORDS})\s+(?P<y>.+?))?{_Q}",
        re.IGNORECASE,
    ),
    # "How did X respond (to Y)?", "How did X react?"
    re.compile(
        rf"^how (?:did|does|do|has|have|had)\s+(?P<x>.+?)\s+(?P<v>respond|react|reply|answer|"
        rf"take it|talk about|speak about|describe|characteri[sz]e)(?:\s+(?P<p>to|about|on)?\s*"
        rf"(?P<y>.+?))?{_Q}",
        re.IGNORECASE,
    ),
    # "Did X say anything about Y?", "Has X commented on Y?"
    re.compile(
        rf"^(?:did|does|has|have|had)\s+(?P<x>.+?)\s+(?P<v>say|said|comment|commented|speak|"
        rf"spoken|talk|talked|mention|mentioned|announce|announced)\s+(?:anything|something|"
        rf"much)?\s*(?P<p>about|on|regarding|concerning)\s+(?P<y>.+?){_Q}",
        re.IGNORECASE,
    ),
)

_LIVING = re.compile(r"\bdo (?:for a living|for work|as a job)\b", re.IGNORECASE)
_REASON = re.compile(
    r"^(?:why|how come|wh?y)\b|\bfor what reasons?\b|\bwhy\s*$|^what'?s behind\b|"
    r"^what (?:can|could|might|may|would|will) (?:cause|explain|lead to|trigger)\b|"
    r"^what(?:'s| is| was| are| were)\s+(?:the\s+)?(?:main\s+|real\s+|official\s+)?"
    r"(?:reasons?|causes?|motives?|motivation|rationale|explanation|purpose|point|grounds)\b|"
    r"^what (?:caused|causes|led to|leads to|prompted|triggered|drove|motivated|made|explains|"
    r"brought about|is behind|was behind|lay behind|lies behind|is making|is causing|"
    r"was causing|brought)\b",
    re.IGNORECASE,
)

_PROFILE = (
    # "What is X known for?", "What's X's background?"
    re.compile(rf"^what(?:'s| is| was)\s+(?P<x>.+?)\s+(?:known|famous|noted) for{_Q}", re.I),
    re.compile(
        rf"^what(?:'s| is| was| are| were)\s+(?P<x>.+?)'s?\s+(?:background|story|history|"
        rf"biography|bio|role|job|career|part in (?:this|it|all this)){_Q}",
        re.IGNORECASE,
    ),
    # "Who is X?", "who's X", "Who was X?", "What is X?", "whats a X"
    re.compile(
        rf"^(?P<w>who|what)(?:'s|s| is| was| are| were| exactly is| is exactly)\s+(?P<x>.+?)"
        rf"(?:\s+exactly)?{_Q}",
        re.IGNORECASE,
    ),
    # "Tell me (more) about X", "What do we know about X", "Background on X"
    re.compile(
        rf"^(?:tell me|talk|what (?:do|can) (?:we|you|the \w+) (?:know|tell me|say)|"
        rf"what (?:is|do we) known?|what else (?:do|can) (?:we|you) (?:know|tell me|say)|"
        rf"give me (?:some |a bit of |the )?(?:background|info|information|details|a profile)|"
        rf"(?:some |a bit of )?(?:background|info|information|details)|describe|introduce|"
        rf"explain|profile)\s*(?:more\s+)?(?:about|on|of|regarding)?\s+(?P<x>.+?){_Q}",
        re.IGNORECASE,
    ),
    # An embedded question unwrapped: "(tell me) who X is".
    re.compile(rf"^(?P<w>who|what)\s+(?P<x>.+?)\s+(?:is|was|are|were){_Q}", re.IGNORECASE),
)
# Words after "who is"/"what is" that make it a look-up for one fact, not a profile: a
# description to be named ("the mayor of Kestmoor", "the capital"), a question word, a
# possessive ("Shea's job"), a pronoun left over, a verb phrase.
_DETERMINER = re.compile(
    r"^(?:the|this|that|these|those|your|our|their|his|her|its|my|all|all the|any|some|every)\s",
    re.IGNORECASE,
)
_NOT_A_NAME = re.compile(
    # a place or state, not a name: "in charge", "at fault", "behind the attack"
    r"^(?:in|at|on|behind|for|with|from|to|under|over|by|responsible|to blame|up|out|off)\b|"
    r"\b(?:of the|in the|at the|on the|for the|who|which|that|when|where|how|why|whose|"
    r"doing|going|happening|causing|being|called|named)\b|'s\b|^[a-z]+ing\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(rf"^(?:{PRONOUNS_ASKED_OF})$", re.IGNORECASE)
_PROFILE_NOT = re.compile(
    r"^(?:the )?(?:name|number|date|time|year|day|place|cost|price|reason|cause|point|"
    r"difference|purpose|meaning|total|amount|capital|answer|plan|problem|issue|rule|"
    r"status|situation|outcome|result)\b",
    re.IGNORECASE,
)


# How a reader asks for brevity: no part of a topic ("in a few lines", "briefly", "pls").
_REQUEST = re.compile(
    r"\b(?:in|into|with) (?:a few|few|one|two|three|four|five|\d+|a couple of|a handful of) "
    r"(?:lines|words|sentences|bullets|bullet points|points|paragraphs?)\b|\b(?:briefly|quickly|"
    r"in short|in brief|short version|pls|plz|please|thx|thanks|thank you|for me)\b",
    re.IGNORECASE,
)
