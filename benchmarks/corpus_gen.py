"""A seeded, readable multi-document corpus for scale benchmarks, with facts planted in it.

    python benchmarks/corpus_gen.py --chunks 10000 OUT_DIR [--seed 7]

Three genres, each from hand-written sentence templates filled from word lists:

- ``news/``: weekly bulletins of a region's towns (a headline line, then paragraphs);
- ``manuals/``: service manuals of household and garden appliances (Markdown sections);
- ``encyclopedia/``: gazetteer volumes of towns (Markdown: lead, Geography, History, …).

``corpus/briefing.txt`` is copied in at the top (source name ``briefing.txt``). Files hold 30
to 80 chunks as ``assistant ingest`` cuts them (``chunk_size`` sentences per chunk, sharing
``chunk_overlap``, never across a paragraph; headings ride with the paragraph after them): the
count is estimated while writing from the generated sentences, with the chunker's own window
function, and the corpus stops at about the requested number of chunks (briefing included).

Planted facts (``PLANTS``) go into specific files; the names and numbers they use are kept out
of everything else, so each planted question has exactly one right answer in one file
(``generate`` checks this and raises if not). Everything is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.documents.chunking import sentence_windows
from assistant.documents.segmentation import MAX_CHUNK_CHARS

ROOT = Path(__file__).resolve().parents[1]
BRIEFING = ROOT / "corpus" / "briefing.txt"
BRIEFING_CHUNKS = 5  # five paragraphs of five sentences

# -- planted facts ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plant:
    """One fact planted in one file: the question, the answer that must come back, and the
    paragraph (a topic's generated sentences with ``sentence`` inserted) that carries it."""

    key: str
    genre: str  # news | manual | encyclopedia
    question: str
    answer: str
    sentence: str
    # What the host file is about: a region's town (news), a product (manual), a town
    # (encyclopedia); the host is made about it.
    subject: str
    topic: str  # which topic or section the carrying paragraph is drawn from
    reserved: tuple[str, ...] = ()  # strings no other file may contain
    # Templates containing one of these stay out of the host's paragraphs on ``topic`` (they
    # would state a rival answer about the same subject).
    excludes: tuple[str, ...] = ()


PLANTS: tuple[Plant, ...] = (
    Plant(
        "harbour-master",
        "news",
        "Who is the harbour master of Port Ellery?",
        "Annika Voss",
        "The harbour master of Port Ellery is Annika Voss, who has run the port's pilot service"
        " for eleven years.",
        "Port Ellery",
        "harbour",
        ("Port Ellery", "Annika Voss"),
        ("harbour master",),
    ),
    Plant(
        "hospital-beds",
        "news",
        "How many beds will the new Saltmarsh Community Hospital have?",
        "212",
        "The new Saltmarsh Community Hospital will have 212 beds when its second wing opens.",
        "Saltmarsh",
        "health",
        ("Saltmarsh", " 212 "),
        ("beds",),
    ),
    Plant(
        "sailing-cup",
        "news",
        "Who won the Barrowdale Cup sailing race?",
        "Tomasz Reyne",
        "Tomasz Reyne won the Barrowdale Cup sailing race after leading the fleet from the"
        " first mark to the finish.",
        "Barrowdale",
        "sport",
        ("Barrowdale", "Tomasz Reyne"),
        ("won",),
    ),
    Plant(
        "head-librarian",
        "news",
        "Who is the head librarian of the Quillon Street Library?",
        "Marguerite Oduya",
        "Marguerite Oduya, the head librarian of the Quillon Street Library, said the reading"
        " room would stay open until eight on weekdays.",
        "Quillon",
        "library",
        ("Quillon", "Marguerite Oduya"),
        ("librarian",),
    ),
    Plant(
        "pump-torque",
        "manual",
        "What torque should the tensioner bolt of the Kestrel 40 pump be tightened to?",
        "18 newton metres",
        "On the Kestrel 40 pump, tighten the tensioner bolt to 18 newton metres and check the"
        " belt again after the first hour of running.",
        "Kestrel 40",
        "maintenance",
        ("Kestrel 40", "18 newton metres"),
        ("newton",),
    ),
    Plant(
        "thermostat-code",
        "manual",
        "What is the reset code for the Aurora X2 thermostat?",
        "4471",
        "To restore the factory settings of the Aurora X2 thermostat, enter the reset code 4471"
        " and hold the dial down for five seconds.",
        "Aurora X2",
        "controls",
        ("Aurora X2", "4471"),
        ("hold",),
    ),
    Plant(
        "filter-interval",
        "manual",
        "How often should the filter of the Heron 7 dehumidifier be replaced?",
        "every nine weeks",
        "Replace the filter of the Heron 7 dehumidifier every nine weeks, or sooner if the"
        " room is dusty.",
        "Heron 7",
        "cleaning",
        ("Heron 7", "every nine weeks"),
        ("weeks", "Replace"),
    ),
    Plant(
        "viaduct-year",
        "encyclopedia",
        "In what year was the Tolland Viaduct completed?",
        "1887",
        "The Tolland Viaduct, completed in 1887, carries the railway across the valley on"
        " twenty-two brick arches.",
        "Tolland",
        "transport",
        ("Tolland", "1887"),
        ("completed",),
    ),
    Plant(
        "river",
        "encyclopedia",
        "Which river flows through Ashgrove Minster?",
        "Wendle",
        "The River Wendle flows through Ashgrove Minster from the moors in the north to the"
        " estuary below the town.",
        "Ashgrove Minster",
        "geography",
        ("Ashgrove", "Wendle"),
        ("River",),
    ),
    Plant(
        "glassworks",
        "encyclopedia",
        "Who founded the Corriemoor Glassworks?",
        "Edith Larkspur",
        "The Corriemoor Glassworks was founded by Edith Larkspur, who had learned the trade in"
        " the workshops of her uncle.",
        "Corriemoor",
        "economy",
        ("Corriemoor", "Edith Larkspur"),
        ("founded",),
    ),
    Plant(
        "population",
        "encyclopedia",
        "What is the population of Fennick Cross?",
        "8,340",
        "Fennick Cross has a population of 8,340, according to the most recent census.",
        "Fennick Cross",
        "lead",
        ("Fennick", "8,340"),
        ("population",),
    ),
)

# The briefing's own check: the answer, and the file it must cite.
PARADE = {"question": "Who attended the parade?", "answer": "Xi Jinping", "source": "briefing.txt"}
# Kept out of every generated file, so the briefing's question has one answer (a first version
# had "people attended the lantern parade" in its news, and answered with that at 10k chunks).
BRIEFING_RESERVED = ("parade", "Xi Jinping", "Red Square", "Victory Day")

# -- word lists ------------------------------------------------------------------------------


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _split(
    "Amira Ben Clara Daniel Eleanor Farid Grace Hamish Ingrid Jonah Karim Leah Malcolm Nadia"
    " Owen Priya Quentin Rosa Samuel Tara Umar Vera William Yasmin Zofia Aidan Bethan Callum"
    " Delphine Emeka Fiona Gareth Hannah Isaac Joanna Kwame Lucia Martin Niamh Oscar Petra"
    " Rhys Sofia Thomas Ursula Victor Wendy Xavier Yusuf Agnes Bruno Cerys Dominic Esther"
    " Felix Gwen Hugo Imogen Jasper Keira Luca Maeve Nathan Olive Patrick Ruth Simon Tessa"
)
LAST = _split(
    "Abbott Barker Chandra Dunmore Ellison Fairweather Gallagher Hartley Iqbal Jennings Kowalski"
    " Lindqvist Morrow Nakamura Okafor Pritchard Quayle Ramsay Sutherland Thorne Underwood"
    " Varga Whitlock Yates Zielinski Ashworth Brennan Castell Devlin Everett Forsyth Greaves"
    " Holloway Ivanova Kerr Lowther Mbeki Norcross Oyelaran Penhale Rowntree Strand Tolliver"
    " Urquhart Vance Wainwright Adeyemi Bellamy Crane Drummond Eastwood Fenwick Goodall"
    " Hollins Ingram Jowett Kinsella Llewellyn Marsh Naylor Orme Prosser Redfern Seddon Tindall"
)
PLACE_HEAD = _split(
    "Ald Bram Cald Dun Elm Fal Gar Hal Ink Kel Lang Mar Nor Oak Pen Rook Sel Thorn Ulver Wal"
    " Whit Yar Brack Cold Dray Fox Glen Hart Lyth Mell Ravens Stan Tre Wick Amble Birch Clay"
    " Drum Hazel Kirk Lin Moss Pell Sand Ting Well Wren"
)
PLACE_TAIL = _split(
    "by ford ham ley mouth wick stead bridge field haven ton well moor combe thorpe hope"
    " borough cliff dale minster"
)
PLACE_EXTRA = ("Upper {}", "Lower {}", "Great {}", "Little {}", "{} Quay", "{} Green", "{} Bay")
COUNTIES = ("Eastmere", "Harrowshire", "the Caldon Vale", "North Lyndon", "the Western Fells")
CITIES = ("Carrick", "Holmbury", "Stanmoor", "Westerfield", "Beaulieu Regis")
RIVERS = _split(
    "Alder Brede Cray Dove Esk Frome Garnock Hodder Irthing Kennet Lune Meon Nidd Otter Parrett"
    " Rother Sker Tavy Ure Wharfe"
)
HILLS = ("Black Knowe", "Carn Dhu", "High Stile", "Raven Tor", "Sheep Law", "the Beacon")
SAINTS = ("Mary", "Peter", "Andrew", "Michael", "Oswald", "Helen", "Cuthbert", "Bride")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = _split(
    "January February March April May June July August September October November December"
)
STREETS = ("Mill", "Church", "Station", "Harbour", "Bridge", "Market", "Castle", "Orchard")
STREET_KINDS = ("Street", "Road", "Lane", "Row", "Walk")
TRADES = ("rope", "glass", "furniture", "cheese", "leather", "pottery", "paper", "cider")
NUMBER_WORDS = _split(
    "two three four five six seven eight ten eleven twelve fifteen twenty thirty forty"
)
BIRDS = _split(
    "Swift Plover Merlin Osprey Curlew Falcon Linnet Petrel Avocet Dunlin Gannet Harrier Skua"
    " Tern Wagtail Warbler"
)
COLOURS = ("green", "amber", "red", "blue", "white")
PRODUCTS: dict[str, tuple[str, ...]] = {
    "pump": ("impeller", "intake strainer", "pressure switch", "tensioner bolt", "drive belt",
             "outlet valve", "priming plug", "float switch"),
    "thermostat": ("dial", "display", "wall plate", "battery cover", "relay", "room sensor",
                   "mode button"),
    "dehumidifier": ("water tank", "filter", "fan grille", "humidity sensor", "drain hose",
                     "compressor", "float valve"),
    "boiler": ("burner", "flue", "pressure gauge", "expansion vessel", "condensate trap",
               "ignition electrode", "diverter valve"),
    "lawn mower": ("blade", "grass box", "height lever", "safety key", "battery pack",
                   "rear roller", "motor housing"),
    "coffee machine": ("brew unit", "drip tray", "water tank", "steam wand", "grinder",
                       "milk pump", "descaling valve"),
    "electric bicycle": ("battery", "brake lever", "chain", "rear hub motor", "display unit",
                         "pedal sensor", "charging port"),
    "wood stove": ("door seal", "baffle plate", "air control", "ash pan", "grate", "flue collar",
                   "glass panel"),
}  # fmt: skip

# -- templates -------------------------------------------------------------------------------
# ``[a|b|c]`` picks one; ``{name}`` fills a slot (see ``_draw``); a trailing digit names a
# second value of the same kind ({person2}). Slots fixed per paragraph: place, person, product,
# model, town.

NEWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "council": (
        (
            "{place} council agrees its budget",
            "Council tax to rise in {place}",
            "Councillors in {place} split over spending plans",
        ),
        (
            "Councillors in {place} voted {small} to {small2} on {day} evening to approve a"
            " budget of {millions} for the coming year.",
            "The largest share of the money will go to [road repairs|social care|school"
            " transport|flood defences], with smaller sums set aside for [parks|libraries|street"
            " lighting|youth clubs].",
            "{person}, who chairs the finance committee, said the council had [no choice but"
            " to|reluctantly decided to] raise council tax by {pct} percent.",
            "Opposition members argued that the rise would fall hardest on [pensioners|young"
            " families|small shops] in the [older|northern|eastern] parts of the town.",
            "The council expects to save {thousands} a year by sharing [refuse collection|payroll"
            " services|a vehicle depot] with {place2}.",
            "A public consultation drew {count} responses, most of them about [bus routes|bin"
            " collections|car parking charges].",
            "Officers warned that the reserves would [run low|fall below a safe level] within"
            " {word} years unless costs were brought under control.",
            "The budget also includes a one-off grant of {thousands} for the [restoration of the"
            " market hall|new skate park|repair of the sea wall].",
            "\u201cWe have tried to protect the services people rely on most,\u201d {person2}"
            " told the meeting.",
            "The final figures will be published on the council's website by the end of {month}.",
        ),
    ),
    "roads": (
        (
            "Bridge repairs to close {road} for {word} weeks",
            "Roadworks planned at {place}",
            "Potholes top the list of complaints in {place}",
        ),
        (
            "Work to repair the bridge on the {road} near {place} is due to begin on {date} and"
            " should take about {word} weeks.",
            "Drivers will be diverted through {place2}, adding roughly {minutes} minutes to a"
            " typical journey.",
            "Engineers found that the [deck|bearings|parapet|drainage] had [corroded|cracked|"
            "shifted] after [years of heavy traffic|the floods of {year}|a hard winter].",
            "{person}, the county's highways manager, said the repairs could not be put off any"
            " longer.",
            "Buses will continue to run, but the stop outside the [post office|school|church]"
            " will move to {street} for the duration.",
            "Residents have reported more than {count} potholes since the start of the year.",
            "A temporary footbridge will keep the path open for walkers and cyclists.",
            "The contractor, {firm}, has promised to work [at night|at weekends|in two shifts]"
            " to shorten the closure.",
            "Local businesses fear that the closure will keep shoppers away during the busiest"
            " weeks of the year.",
            "The total cost of the scheme is estimated at {millions}.",
        ),
    ),
    "harbour": (
        (
            "Dredging to begin at {place} harbour",
            "Ferry timetable changes at {place}",
            "Fishing fleet has a [strong|difficult] season at {place}",
        ),
        (
            "The harbour master of {place}, {person}, said [dredging|the repairs to the north"
            " quay|the new pontoons] would allow larger vessels to berth at low tide.",
            "Ferry crossings to the islands were cancelled on {day} after winds reached {speed}"
            " miles an hour.",
            "Fishing boats landed {tonnes} tonnes of [mackerel|crab|herring|scallops|lobster]"
            " last month, the [best|worst] total since {year}.",
            "The lifeboat was called out {small} times in {month}, twice to yachts that had lost"
            " their engines.",
            "A new fuel berth will open next spring so that boats no longer have to queue at the"
            " old jetty.",
            "Harbour dues will rise by {pct} percent from {month}, the first increase in {word}"
            " years.",
            "{person2}, who has fished out of {place} for thirty years, said the channel had"
            " been silting up for a decade.",
            "The summer ferry to {place2} will run {small} times a day from the first week of"
            " {month}.",
            "Visitors are asked to keep clear of the slipway while the crane is working.",
            "The harbour trust hopes to bring cruise ships back to the town within {word} years.",
        ),
    ),
    "health": (
        (
            "New clinic opens at {place} hospital",
            "Waiting times fall at {place} surgery",
            "Health board approves plans for {place}",
        ),
        (
            "The {place} Community Hospital has [opened a new outpatient clinic|reopened its"
            " minor injuries unit|added a day surgery suite], which will see up to {count}"
            " patients a week.",
            "The hospital in {place2} has {beds} beds and employs about {count} staff.",
            "{person}, the practice manager, said waiting times for routine appointments had"
            " fallen to {small} days.",
            "The health board has approved plans for a [larger pharmacy|new ambulance station|"
            "physiotherapy unit] on the site of the old [cottage hospital|clinic|depot].",
            "Patients are asked to book flu vaccinations before the end of {month}.",
            "A community nurse team of {small} will visit patients at home across the district.",
            "\u201cThe new unit means that fewer people will have to travel to {city},\u201d"
            " said {person2}.",
            "Volunteers from the hospital friends group raised {thousands} for new equipment"
            " last year.",
            "The car park will be extended by {count} spaces, with free parking for blue badge"
            " holders.",
            "Building work is expected to finish in {month}, about {word} weeks later than"
            " planned.",
        ),
    ),
    "sport": (
        (
            "{place} win the county cup",
            "Regatta returns to {place}",
            "Record entry for the {place} fun run",
        ),
        (
            "{place} beat {place2} by {small} goals to {fewer} in the county cup final on {day}.",
            "{person} [scored twice|saved a penalty|was named player of the match] in front of"
            " a crowd of about {count}.",
            "The regatta at {place} drew {small2}0 boats, and {person2} won the senior sculls"
            " for the [second|third|fourth] year running.",
            "More than {count} runners took part in the {place} fun run, raising {thousands} for"
            " the [lifeboat|hospice|air ambulance].",
            "The cricket club has appointed {person} as captain for the coming season.",
            "Floodlights at the recreation ground will be replaced over the winter at a cost of"
            " {thousands}.",
            "The bowls club celebrated its centenary with a match against a team from {place2}.",
            "Junior training sessions start again on {date} and are open to anyone under sixteen.",
            "Heavy rain forced the organisers to shorten the course by {small} kilometres.",
            "Tickets for the final went on sale on {day} and sold out within {small} hours.",
        ),
    ),
    "library": (
        (
            "Library hours extended in {place}",
            "Reading challenge for children in {place}",
            "Local history archive goes online",
        ),
        (
            "The library on {street} in {place} will open on Saturday afternoons from {month}.",
            "{person}, the librarian at {place2}, said loans of e-books had doubled in {word}"
            " years.",
            "The summer reading challenge signed up {count} children, the most the branch has"
            " ever recorded.",
            "Volunteers have scanned more than {count} photographs for the local history archive.",
            "The mobile library will visit the outlying villages every {word} weeks.",
            "A new study room with {small} computers has been fitted out with money from a"
            " national grant.",
            "Fines on overdue children's books have been scrapped.",
            "Talks by local authors will take place on the first {day} of each month.",
            "The building will close for {small} days in {month} while the heating is replaced.",
            "\u201cPeople still come to us for far more than books,\u201d said {person2}.",
        ),
    ),
    "weather": (
        (
            "Storm brings down trees across {place}",
            "Flood warnings issued for {place}",
            "Driest spring on record in {county}",
        ),
        (
            "Winds of up to {speed} miles an hour brought down trees across {place} on {day}"
            " night.",
            "About {count} homes lost power for several hours before engineers restored supplies.",
            "The River {river} burst its banks at {place2}, flooding [the cricket ground|fields"
            " along the valley|the lower car park].",
            "Flood warnings remain in place for low-lying roads near the river.",
            "Rainfall in {month} was {pct} percent above the long-term average.",
            "Farmers say the wet weather has delayed [the harvest|sowing|lambing] by about {word}"
            " weeks.",
            "{person}, who runs the weather station at {place}, recorded {small} millimetres of"
            " rain in a single hour.",
            "The council has put out sandbags at the fire station for residents who need them.",
            "Forecasters expect calmer weather by the weekend, with frost in sheltered places.",
            "Several schools closed early so that pupils could get home before the roads flooded.",
        ),
    ),
    "railway": (
        (
            "New timetable for {place} station",
            "Station car park to be extended",
            "Rail line to reopen after landslip",
        ),
        (
            "Trains between {place} and {city} will run every {minutes} minutes under the new"
            " timetable that starts on {date}.",
            "The line through {place2} reopened on {day} after a landslip closed it for {word}"
            " weeks.",
            "{person}, the station manager, said passenger numbers had recovered to {pct}"
            " percent of their former level.",
            "The station car park will gain {count} spaces and charging points for electric cars.",
            "A footbridge with lifts will make both platforms accessible for the first time.",
            "Rail campaigners want the last train from {city} to leave later on Fridays.",
            "Engineers will replace {small} kilometres of track over {small2} weekends in {month}.",
            "Replacement buses will call at all stations while the line is closed.",
            "The old goods shed is to become a cycle hire centre and cafe.",
            "Season ticket prices will rise by {pct} percent in {month}.",
        ),
    ),
    "culture": (
        (
            "Museum opens new gallery in {place}",
            "Festival brings crowds to {place}",
            "Arts centre wins lottery grant",
        ),
        (
            "The {place} Museum has opened a gallery on [the fishing industry|rural crafts|the"
            " town's mills|the railway], with objects lent by local families.",
            "The curator, {person}, spent {word} years gathering the collection.",
            "About {count} people attended the {place} [folk festival|food fair|lantern"
            " festival] over the weekend.",
            "The arts centre in {place2} has won a grant of {thousands} to repair its roof.",
            "A brass band from {place2} opened the festival on {day} afternoon.",
            "Entry to the museum will remain free for residents of the district.",
            "Schools will be invited to workshops on [weaving|boat building|printing|pottery]"
            " during the spring term.",
            "{person2} said the festival had brought trade to cafes and shops across the town.",
            "The exhibition runs until the end of {month}.",
            "Organisers are looking for volunteers to help next year.",
        ),
    ),
    "farming": (
        (
            "Harvest [begins|ends] early in {county}",
            "Market prices [rise|fall] at {place}",
            "Young farmers show at {place}",
        ),
        (
            "Cattle prices at the {place} livestock market [rose|fell] by {pct} percent on {day}.",
            "{person}, who farms {count} acres near {place2}, said the [barley|wheat|potato]"
            " crop was the [best|poorest] in {word} years.",
            "The young farmers' show attracted {count} visitors and {small2}0 entries in the"
            " sheep classes.",
            "A new cooperative will let small dairy farms sell milk directly to shops in {city}.",
            "Hedge planting grants are available until the end of {month}.",
            "Contractors worked through the night to bring in the harvest before the rain.",
            "The price of fertiliser has risen by {pct} percent in a year.",
            "The farmers' market moves to {street} from {month}.",
            "Apprenticeships in [dry stone walling|hedge laying|farm mechanics] will start in"
            " the autumn.",
            "\u201cThe weather decides everything in the end,\u201d said {person2}.",
        ),
    ),
}

MANUAL: dict[str, tuple[str, tuple[str, ...]]] = {
    "safety": (
        "Safety",
        (
            "Read these instructions before you install or use the {model} {product}.",
            "Switch off the {product} and disconnect it from the supply before you remove the"
            " {part}.",
            "Keep children and pets away from the {product} while it is running.",
            "Do not operate the {product} if the {part} is damaged or missing.",
            "Wear gloves when you handle the {part}, as its edges can be sharp.",
            "Only a qualified person may open the {part2} housing or replace internal wiring.",
            "Never cover the {product} or place objects on top of it.",
            "Keep this manual with the {product} and pass it on to any new owner.",
        ),
    ),
    "installation": (
        "Installation",
        (
            "Place the {product} on a firm, level surface that can carry its weight.",
            "Keep at least {cm} centimetres of clear space around the {product} so that air can"
            " circulate.",
            "Fit the {part} to the {part2} and turn it clockwise until it clicks into place.",
            "Check that the {part} sits flat against the {part2} and that no cable is trapped"
            " beneath it.",
            "Connect the {product} to a socket protected by a residual current device.",
            "Leave the {product} upright for {small} hours after delivery before you switch it on.",
            "The {model} must not be installed in a bathroom or anywhere it could be splashed.",
            "Use the fixings supplied; the wall plugs suit solid brick and concrete only.",
        ),
    ),
    "controls": (
        "Controls",
        (
            "Press and hold the power button for {small} seconds to switch the {model} on.",
            "The display shows the current setting; turn the dial to change it.",
            "If the indicator light flashes {colour}, the {part} needs attention.",
            "Press the mode button to move between the automatic, eco and manual settings.",
            "The {model} remembers its last setting after a power cut.",
            "To lock the controls, hold the mode and power buttons together for {small} seconds.",
            "A steady {colour} light means that the {product} is ready to use.",
            "The timer can be set in steps of {small2}0 minutes up to {small} hours.",
        ),
    ),
    "use": (
        "Everyday use",
        (
            "Run the {product} for a few minutes before you start work, so that the {part}"
            " reaches its working temperature.",
            "Do not overload the {product}; if it slows down, reduce the load and let it recover.",
            "The {model} draws about {watts} watts in normal use.",
            "Empty the {part} whenever the indicator shows it is full.",
            "In cold weather the {product} may take longer to start.",
            "Switch the {product} off at the end of each session and let it cool down.",
            "For the best results, use the eco setting for light work.",
            "A slight smell during the first hours of use is normal and will soon disappear.",
        ),
    ),
    "cleaning": (
        "Cleaning",
        (
            "Clean the {part} with warm water and a soft brush every {digit} weeks.",
            "Do not use solvents or scouring pads on the {part}, as they damage its coating.",
            "Remove the {part} by pulling it gently towards you, and let it dry before you refit"
            " it.",
            "Wipe the outside of the {product} with a damp cloth; never spray water into it.",
            "Check the {part2} for dust and fluff once a month.",
            "Replace the {part} if it is torn, bent or discoloured.",
            "A dirty {part} makes the {product} work harder and use more power.",
            "After cleaning, run the {product} for a minute to make sure everything is seated.",
        ),
    ),
    "maintenance": (
        "Maintenance",
        (
            "Tighten the {part} to {torque} newton metres with a calibrated torque wrench.",
            "Inspect the {part} every {digit} months and replace it if it shows wear.",
            "Have the {product} serviced once a year by an authorised engineer.",
            "Grease the {part2} sparingly; too much grease attracts dirt.",
            "Record the date of each service in the log at the back of this manual.",
            "Use only genuine spare parts; others may void the warranty.",
            "After {count} hours of running, check the {part} for cracks and loose fixings.",
            "Replace the {part2} together with its seal; an old seal may leak.",
        ),
    ),
    "troubleshooting": (
        "Troubleshooting",
        (
            "When the display shows error code E{code}, the {part} is [blocked|disconnected|"
            "overheating].",
            "If the {product} does not start, check the fuse in the plug and the safety cut-out.",
            "A rattling noise usually means that the {part} is loose.",
            "If water collects under the {product}, check the {part2} for leaks.",
            "If the {product} stops after a few minutes, let it cool and clean the {part}.",
            "Weak performance is often caused by a dirty {part}.",
            "If the {product} still does not work, contact an authorised service centre and quote"
            " the serial number on the rating plate.",
            "Do not try to repair the {part2} yourself.",
        ),
    ),
    "specifications": (
        "Specifications",
        (
            "The {model} weighs {kg} kilograms and measures {cm} by {cm2} centimetres.",
            "Rated power is {watts} watts at 230 volts.",
            "The {product} works at room temperatures between {small} and {temp} degrees.",
            "Noise level is {decibels} decibels at a distance of one metre.",
            "The {part} is made of [stainless steel|glass-filled nylon|aluminium|cast iron].",
            "The {model} is supplied with a {small} metre cable and a moulded plug.",
            "The warranty covers faults in materials and workmanship for {small} years from the"
            " date of purchase.",
            "Spare parts will be available for at least {word} years after production ends.",
        ),
    ),
}

ENCYCLOPEDIA: dict[str, tuple[str, tuple[str, ...]]] = {
    "lead": (
        "",
        (
            "{town} is a [market town|small port|former mill town|large village|cathedral city]"
            " in {county}, about {km} kilometres [north|south|east|west] of {city}.",
            "It had a population of {population} at the last census.",
            "The name is thought to come from [an Old English word for a clearing|a Norse word"
            " for a ford|the family who held the manor].",
            "{town} is twinned with a town of similar size in [Brittany|Lower Saxony|Galicia]"
            " and holds a joint festival every {word} years.",
            "The town is the administrative centre of its district.",
            "Much of the old centre is a conservation area.",
        ),
    ),
    "geography": (
        "Geography",
        (
            "{town} lies on the [east|west|north] bank of the River {river}, where it is crossed"
            " by the old road to {place2}.",
            "To the north the land rises to {hill}, which reaches {metres} metres.",
            "The soil is mostly [clay|chalk|sandstone|peat], which shaped the [farming|building"
            " stone|drainage] of the area.",
            "Flooding has been a recurring problem, most recently in {year}.",
            "Ancient woodland covers about {pct} percent of the parish.",
            "The climate is mild, with most rain falling between {month} and {month2}.",
            "A nature reserve on the former gravel pits attracts wading birds in winter.",
            "The parish boundary follows the river for about {small} kilometres.",
        ),
    ),
    "history": (
        "History",
        (
            "A charter for a weekly market was granted in {oldyear}.",
            "The {family} family held the manor from the fourteenth century until {year}.",
            "In the nineteenth century the town grew around its [woollen mills|tannery|"
            "brickworks|railway workshops].",
            "The railway reached {town} in {year}, and the population doubled within {word} years.",
            "During the Second World War the [airfield|harbour|mill] was used by [the navy|the"
            " air force|a munitions company].",
            "A fire in {oldyear} destroyed much of the medieval centre.",
            "The last of the mills closed in {year}, and the buildings are now flats.",
            "Excavations near the church in {year} found the remains of a Roman road.",
        ),
    ),
    "economy": (
        "Economy",
        (
            "Today the largest employers are [a food processing plant|the district hospital|a"
            " logistics depot|the council].",
            "Tourism brings about {count} visitors a year, drawn by [the coast path|the castle"
            " ruins|the annual fair].",
            "The {family} {trade} works, founded in {year} by {person}, still trades from"
            " premises on {street}.",
            "A weekly market is held on {day}s in the square.",
            "Unemployment is [below|above] the average for {county}.",
            "Several small technology firms have moved into the former station buildings.",
            "Farming remains important, mainly [dairy|sheep|arable] on the higher ground.",
            "A business park opened on the edge of the town in {year}.",
        ),
    ),
    "culture": (
        "Culture",
        (
            "The parish church of St {saint} dates from the [twelfth|thirteenth|fifteenth]"
            " century and has a [tower|spire] that can be seen for miles.",
            "The town museum holds collections on [local history|the fishing industry|rural"
            " crafts].",
            "An annual [music festival|regatta|agricultural show] takes place each {month}.",
            "The town band was formed in {year} and still plays in the park on summer Sundays.",
            "The theatre on {street} seats {count} people.",
            "A local dialect survives among older residents.",
            "The library holds the papers of the {family} family.",
            "The football club plays at a ground beside the river.",
        ),
    ),
    "transport": (
        "Transport",
        (
            "The {road} passes [through|to the south of|to the east of] the town.",
            "Trains run every {minutes} minutes to {city}.",
            "The {family} Bridge, completed in {year}, carries the road across the {river}.",
            "Buses link the town with {place2} and the surrounding villages.",
            "A cycle path follows the course of the old railway.",
            "The nearest airport is at {city}, about {km} kilometres away.",
            "The station was rebuilt in {year} after a fire.",
            "A small ferry crossed the river until {year}.",
        ),
    ),
    "people": (
        "Notable people",
        (
            "{person}, the [engineer|poet|botanist|painter], was born in the town in {year}.",
            "{person}, who [played cricket for the county|sat in parliament for the borough|ran"
            " the lifeboat for thirty years], is buried in the churchyard.",
            "The novelist {person} lived on {street} for many years.",
            "{person}, an early aviator, made the first flight from the town in {year}.",
            "A plaque on {street} marks the birthplace of the composer {person}.",
            "{person} founded the town's first school for girls.",
        ),
    ),
}
ENCYCLOPEDIA_SECTIONS = ("geography", "history", "economy", "culture", "transport", "people")
MANUAL_SECTIONS = tuple(MANUAL)

# -- slots -----------------------------------------------------------------------------------

_CHOICE = re.compile(r"\[([^\[\]]*)\]")
_SLOT = re.compile(r"\{([a-z]+)(\d?)\}")


class _Words:
    """Every random draw of the corpus, from one seeded ``random.Random``; never returns a
    reserved string (a planted fact's names and numbers) outside the file that hosts it."""

    def __init__(self, rng: random.Random, reserved: tuple[str, ...]) -> None:
        self.rng = rng
        self.reserved = tuple(r.strip().lower() for r in reserved)
        self.allowed: frozenset[str] = frozenset()  # the host file's own reserved strings
        self.product = "pump"  # the product of the manual being written
        self._places = self._make_places()
        self._makers = self._make_makers()

    def hosting(self, plants: list[Plant]) -> None:
        self.allowed = frozenset(r.strip().lower() for p in plants for r in p.reserved)

    def ok(self, text: str) -> bool:
        padded = f" {text.lower()} "
        return not any(r in padded for r in self.reserved if r not in self.allowed)

    def _make_places(self) -> list[str]:
        names = sorted({h + t for h in PLACE_HEAD for t in PLACE_TAIL})
        self.rng.shuffle(names)
        out = []
        for name in names:
            if self.rng.random() < 0.15:
                name = self.rng.choice(PLACE_EXTRA).format(name)
            if self.ok(name):
                out.append(name)
        return out

    def place(self) -> str:
        return self.rng.choice(self._places)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def number(self, lo: int, hi: int, *, fmt: str = "{:d}") -> str:
        while True:
            text = fmt.format(self.rng.randint(lo, hi))
            if self.ok(text):
                return text

    def _make_makers(self) -> dict[str, Callable[[], str]]:
        rng = self.rng
        return {
            "place": self.place,
            "town": self.place,
            "person": self.person,
            "small": lambda: str(rng.randint(2, 9)),
            "fewer": lambda: str(rng.randint(0, 1)),
            "digit": lambda: str(rng.randint(2, 12)),
            "word": lambda: rng.choice(NUMBER_WORDS),
            "count": lambda: self.number(30, 2400),
            "thousands": lambda: self.number(12, 480, fmt="{:d},000 pounds"),
            "millions": lambda: f"{rng.randint(2, 60)}.{rng.randint(1, 9)} million pounds",
            "pct": lambda: str(rng.randint(3, 40)),
            "day": lambda: rng.choice(DAYS),
            "month": lambda: rng.choice(MONTHS),
            "date": lambda: f"{rng.randint(1, 28)} {rng.choice(MONTHS)}",
            "year": lambda: self.number(1840, 2019),
            "oldyear": lambda: self.number(1190, 1690),
            "minutes": lambda: str(rng.choice((10, 15, 20, 25, 30, 40, 45, 60))),
            "speed": lambda: str(rng.randint(45, 95)),
            "tonnes": lambda: str(rng.randint(20, 900)),
            "beds": lambda: self.number(24, 480),
            "road": lambda: f"{rng.choice('ABM')}{rng.randint(10, 999)}",
            "street": lambda: f"{rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
            "firm": lambda: f"{rng.choice(LAST)} and {rng.choice(LAST)}",
            "city": lambda: rng.choice(CITIES),
            "county": lambda: rng.choice(COUNTIES),
            "river": lambda: rng.choice(RIVERS),
            "hill": lambda: rng.choice(HILLS),
            "saint": lambda: rng.choice(SAINTS),
            "family": lambda: rng.choice(LAST),
            "trade": lambda: rng.choice(TRADES),
            "km": lambda: str(rng.randint(4, 90)),
            "metres": lambda: str(rng.randint(180, 890)),
            "population": lambda: self.number(900, 96000, fmt="{:,d}"),
            "cm": lambda: str(rng.choice((20, 25, 30, 40, 50, 60, 75))),
            "kg": lambda: str(rng.randint(3, 60)),
            "watts": lambda: str(rng.choice((40, 60, 250, 450, 800, 1200, 1800, 2400))),
            "temp": lambda: str(rng.randint(30, 40)),
            "decibels": lambda: str(rng.randint(38, 78)),
            "torque": lambda: self.number(4, 60, fmt="{:d} newton metres").split()[0],
            "code": lambda: f"{rng.randint(1, 9)}{rng.randint(0, 9)}",
            "colour": lambda: rng.choice(COLOURS),
            "part": lambda: rng.choice(PRODUCTS[self.product]),
        }

    def draw(self, kind: str) -> str:
        return self._makers[kind]()


def _fill(words: _Words, template: str, fixed: dict[str, str]) -> str:
    """One sentence from ``template``; fixed slots keep their paragraph-wide value."""
    rng = words.rng
    for _ in range(20):
        text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
        local = dict(fixed)

        def slot(match: re.Match[str], local: dict[str, str] = local) -> str:
            name = match.group(1) + match.group(2)
            if name not in local:
                value = words.draw(match.group(1))
                # A second value of a kind differs from the first where it can.
                for _ in range(5):
                    if value not in local.values():
                        break
                    value = words.draw(match.group(1))
                local[name] = value
            return local[name]

        text = _SLOT.sub(slot, text)
        if words.ok(text):
            return text[0].upper() + text[1:]
    raise RuntimeError(f"cannot fill {template!r} without a reserved string")


# -- documents -------------------------------------------------------------------------------


@dataclass
class _Doc:
    """A document being written: its paragraphs and its estimated chunk count."""

    chunk_size: int
    chunk_overlap: int
    paragraphs: list[str] = field(default_factory=list)
    chunks: int = 0
    _lead: int = 0  # characters of headings waiting for the next paragraph

    def heading(self, text: str) -> None:
        self.paragraphs.append(text)
        self._lead += len(text) + 1

    def paragraph(self, sentences: list[str]) -> None:
        self.paragraphs.append(" ".join(sentences))
        before = [0]
        for sentence in sentences:
            before.append(before[-1] + len(sentence) + 1)
        lead = self._lead

        def fits(lo: int, hi: int) -> bool:
            return (lead if lo == 0 else 0) + before[hi] - before[lo] - 1 <= MAX_CHUNK_CHARS

        self.chunks += len(
            sentence_windows(len(sentences), self.chunk_size, self.chunk_overlap, fits)
        )
        self._lead = 0

    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"


def _sentences(
    words: _Words, templates: tuple[str, ...], fixed: dict[str, str], count: int
) -> list[str]:
    """``count`` different sentences, in the order their templates are listed (which tell a
    topic roughly in order)."""
    picked = sorted(words.rng.sample(range(len(templates)), min(count, len(templates))))
    return [_fill(words, templates[i], fixed) for i in picked]


def _story(
    words: _Words, templates: tuple[str, ...], fixed: dict[str, str], sizes: list[int]
) -> list[list[str]]:
    """Paragraphs of ``sizes`` sentences that never repeat a template within the story."""
    order = words.rng.sample(range(len(templates)), min(sum(sizes), len(templates)))
    paragraphs = []
    for size in sizes:
        mine, order = sorted(order[:size]), order[size:]
        if mine:
            paragraphs.append([_fill(words, templates[i], fixed) for i in mine])
    return paragraphs


def _without(templates: tuple[str, ...], plants: list[Plant]) -> tuple[str, ...]:
    """``templates`` less those that would state a rival answer to one of ``plants``."""
    excludes = [x for p in plants for x in p.excludes]
    return tuple(t for t in templates if not any(x in t for x in excludes))


def _paragraph_size(rng: random.Random, chunk_size: int) -> int:
    """Sentences in a paragraph: mostly one or two chunks' worth, sometimes three."""
    return rng.choice((chunk_size - 1, chunk_size, chunk_size + 2, 2 * chunk_size - 1,
                       2 * chunk_size - 1, 3 * chunk_size - 2))  # fmt: skip


def _with_plant(sentences: list[str], plant: Plant | None) -> list[str]:
    if plant is not None:
        sentences.insert(min(1, len(sentences)), plant.sentence)
    return sentences


_GENERIC_NEWS = (
    "A spokesperson for the council said more details would be announced in {month}.",
    "Residents can comment on the plans at a drop-in session in the village hall on {day}.",
    "The decision will be reviewed after {word} months.",
    "Not everyone is convinced, and a petition against the plans has gathered {count} signatures.",
    "Similar schemes have already been tried in {place2} with mixed results.",
    "The work is paid for partly by a government grant.",
)


def _news_item(words: _Words, doc: _Doc, region: list[str], plant: Plant | None,
               plants: list[Plant]) -> None:  # fmt: skip
    rng = words.rng
    topic = plant.topic if plant else rng.choice(sorted(NEWS))
    headlines, templates = NEWS[topic]
    generic = tuple(rng.sample(_GENERIC_NEWS, 2))
    pool = _without(templates, [p for p in plants if p.topic == topic]) + generic
    place = plant.subject if plant else rng.choice(region)
    fixed = {"place": place, "person": words.person(), "person2": words.person()}
    fixed["place2"] = rng.choice([p for p in region if p != place])
    doc.heading(_fill(words, rng.choice(headlines), fixed))
    sizes = [_paragraph_size(rng, doc.chunk_size) for _ in range(rng.randint(1, 3))]
    for number, sentences in enumerate(_story(words, pool, fixed, sizes)):
        doc.paragraph(_with_plant(sentences, plant if number == 0 else None))


def _news_file(words: _Words, doc: _Doc, target: int, plants: list[Plant]) -> str:
    rng = words.rng
    region = [words.place() for _ in range(6)]
    home = plants[0].subject if plants else region[0]
    doc.heading(f"{home} and District Weekly Bulletin")
    queue = list(plants)
    while doc.chunks < target or queue:
        plant = queue.pop(0) if queue and rng.random() < 0.3 else None
        _news_item(words, doc, region, plant, plants)
    return home


_MANUAL_PRODUCTS = {"Kestrel 40": "pump", "Aurora X2": "thermostat", "Heron 7": "dehumidifier"}


def _manual_file(words: _Words, doc: _Doc, target: int, plants: list[Plant]) -> str:
    rng = words.rng
    if plants:
        model = plants[0].subject
        product = _MANUAL_PRODUCTS[model]
    else:
        while True:
            suffix = rng.choice(("", "X", "S", "Pro "))
            model = f"{rng.choice(BIRDS)} {suffix}{rng.randint(2, 90)}"
            if words.ok(model):
                break
        product = rng.choice(sorted(PRODUCTS))
    words.product = product
    fixed = {"model": model, "product": product}
    doc.heading(f"# {model} {product.title()} Service Manual")
    chapter = 0
    queue = list(plants)
    while doc.chunks < target or queue:
        chapter += 1
        for number, key in enumerate(MANUAL_SECTIONS, start=1):
            title, templates = MANUAL[key]
            here = [p for p in plants if p.topic == key]
            pool = _without(templates, here)
            doc.heading(f"## {chapter}.{number} {title}")
            plant = next((p for p in queue if p.topic == key), None)
            if plant is not None:
                queue.remove(plant)
            sizes = [_paragraph_size(rng, doc.chunk_size) for _ in range(rng.randint(1, 2))]
            for paragraph, sentences in enumerate(_story(words, pool, fixed, sizes)):
                doc.paragraph(_with_plant(sentences, plant if paragraph == 0 else None))
            if doc.chunks >= target and not queue:
                break
    return f"{model} {product}"


def _encyclopedia_file(words: _Words, doc: _Doc, target: int, plants: list[Plant]) -> str:
    rng = words.rng
    towns = [p.subject for p in plants]
    first = towns[0] if towns else words.place()
    county = rng.choice(COUNTIES).removeprefix("the ")
    doc.heading(f"# Gazetteer of {county}: {first} and neighbouring places")
    queue = list(plants)
    while doc.chunks < target or queue:
        town = towns.pop(0) if towns else words.place()
        fixed = {"town": town, "place2": words.place(), "county": rng.choice(COUNTIES)}
        doc.heading(f"## {town}")
        for key in ("lead", *ENCYCLOPEDIA_SECTIONS):
            title, templates = ENCYCLOPEDIA[key]
            here = [p for p in plants if p.subject == town and p.topic == key]
            pool = _without(templates, here)
            if title:
                doc.heading(f"### {title}")
            plant = next((p for p in queue if p.subject == town and p.topic == key), None)
            if plant is not None:
                queue.remove(plant)
            count = rng.randint(1, 2) if key != "lead" else 1
            sizes = [_paragraph_size(rng, doc.chunk_size) for _ in range(count)]
            for paragraph, sentences in enumerate(_story(words, pool, fixed, sizes)):
                doc.paragraph(_with_plant(sentences, plant if paragraph == 0 else None))
    return first


# -- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Corpus:
    """What was written: the folder, its files with estimated chunks, the planted facts with
    the files that carry them, and questions about ordinary (unplanted) content."""

    folder: Path
    files: dict[str, int]  # source name → estimated chunks
    plants: tuple[dict[str, str], ...]  # question, answer, source, key
    background_questions: tuple[str, ...]

    @property
    def estimated_chunks(self) -> int:
        return sum(self.files.values())

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["folder"] = str(self.folder)
        data["files"] = len(self.files)
        data["estimated_chunks"] = self.estimated_chunks
        return data


_GENRES = ("news", "manual", "encyclopedia")
_FOLDERS = {"news": "news", "manual": "manuals", "encyclopedia": "encyclopedia"}
_SUFFIX = {"news": ".txt", "manual": ".md", "encyclopedia": ".md"}
_WRITERS = {"news": _news_file, "manual": _manual_file, "encyclopedia": _encyclopedia_file}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _plan_files(chunks: int) -> list[tuple[str, list[Plant]]]:
    """The genre of each file and the plants it carries: genres take turns, files average
    ``_MEAN_CHUNKS`` chunks, and each genre's plants are spread over its files (first, middle,
    late); a manual describes one product, so it carries at most one plant."""
    count = max(round((chunks - BRIEFING_CHUNKS) / _MEAN_CHUNKS), 1)
    plan: list[tuple[str, list[Plant]]] = [(_GENRES[i % len(_GENRES)], []) for i in range(count)]
    for genre in _GENRES:
        mine = [p for p in PLANTS if p.genre == genre]
        slots = [i for i, (g, _) in enumerate(plan) if g == genre]
        for n, plant in enumerate(mine):
            if n < len(slots):
                plan[slots[(n * len(slots)) // len(mine)]][1].append(plant)
            elif genre == "manual" or not slots:
                plan.append((genre, [plant]))
                slots.append(len(plan) - 1)
            else:
                plan[slots[0]][1].append(plant)
    return plan


_MEAN_CHUNKS = 55


def generate(
    folder: Path, chunks: int, *, seed: int = 7, chunk_size: int = 5, chunk_overlap: int = 1
) -> Corpus:
    """Write about ``chunks`` chunks of documents (the briefing included) into ``folder``."""
    rng = random.Random(seed)
    words = _Words(rng, _reserved())
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BRIEFING, folder / "briefing.txt")
    files = {"briefing.txt": BRIEFING_CHUNKS}
    texts: dict[str, str] = {}
    total = BRIEFING_CHUNKS
    plan = _plan_files(chunks)
    plants: list[dict[str, str]] = []
    background: list[str] = []
    number = dict.fromkeys(_GENRES, 0)
    for index, (genre, carried) in enumerate(plan):
        left = len(plan) - index
        even = (chunks - total) / left
        # 30 to 80 chunks a file at scale; the last file takes what is left.
        target = max(6, round(even * rng.uniform(0.55, 1.45) if left > 1 else even))
        doc = _Doc(chunk_size, chunk_overlap)
        words.hosting(carried)
        subject = _WRITERS[genre](words, doc, target, carried)
        number[genre] += 1
        name = f"{_FOLDERS[genre]}/{number[genre]:04d}-{_slug(subject)}{_SUFFIX[genre]}"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = doc.text()
        path.write_text(text, encoding="utf-8")
        files[name] = doc.chunks
        texts[name] = text
        total += doc.chunks
        for plant in carried:
            plants.append({"key": plant.key, "question": plant.question,
                           "answer": plant.answer, "source": name})  # fmt: skip
        if not carried and len(background) < 3 * len(_GENRES):
            background.append(_background_question(genre, subject, text))
    words.hosting([])
    _check_unique(texts, plants)
    return Corpus(folder, files, tuple(plants), tuple(background))


def _background_question(genre: str, subject: str, text: str) -> str:
    """A question about an ordinary file (for latency; its answer is not checked)."""
    if genre == "news":
        headline = text.split("\n\n")[1]
        return f"What is the news about {headline[0].lower()}{headline[1:]}?"
    if genre == "manual":
        return f"How do I clean the {subject}?"
    return f"When did the railway reach {subject}?"


def _reserved() -> tuple[str, ...]:
    return (*BRIEFING_RESERVED, *(r for p in PLANTS for r in p.reserved))


def _check_unique(texts: dict[str, str], plants: list[dict[str, str]]) -> None:
    """Each plant's reserved strings occur in its host file and nowhere else; the briefing's
    in no generated file."""
    for reserved in BRIEFING_RESERVED:
        found = [n for n, t in texts.items() if reserved.lower() in t.lower()]
        if found:
            raise RuntimeError(f"{reserved!r} of the briefing also in {found[0]}")
    by_key = {p.key: p for p in PLANTS}
    for planted in plants:
        plant = by_key[planted["key"]]
        host = texts[planted["source"]]
        if plant.sentence not in host:
            raise RuntimeError(f"plant {plant.key} is missing from {planted['source']}")
        for reserved in plant.reserved:
            elsewhere = [n for n, t in texts.items() if n != planted["source"] and reserved in t]
            if elsewhere:
                raise RuntimeError(f"{reserved!r} of plant {plant.key} also in {elsewhere[0]}")
    missing = {p.key for p in PLANTS} - {p["key"] for p in plants}
    if missing:
        raise RuntimeError(f"plants not placed: {sorted(missing)}")


def new_file(folder: Path, name: str, seed: int, *, chunk_size: int = 5,
             chunk_overlap: int = 1) -> int:  # fmt: skip
    """Write one extra news file of about six chunks (for add-one-file timings)."""
    words = _Words(random.Random(seed), _reserved())
    doc = _Doc(chunk_size, chunk_overlap)
    region = [words.place() for _ in range(3)]
    fixed = {"place": region[0], "place2": region[1], "person": words.person(),
             "person2": words.person()}  # fmt: skip
    headlines, templates = NEWS["harbour"]
    doc.heading(_fill(words, headlines[0], fixed))
    pool = templates + _GENERIC_NEWS
    while doc.chunks < 6:
        doc.paragraph(_sentences(words, pool, fixed, 2 * chunk_size - 1))
    (folder / name).write_text(doc.text(), encoding="utf-8")
    return doc.chunks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--chunks", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    corpus = generate(args.out, args.chunks, seed=args.seed)
    print(json.dumps(corpus.to_dict() | {"files": len(corpus.files)}, indent=2))


if __name__ == "__main__":
    main()
