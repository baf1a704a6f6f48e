"""What a news item says about the programme: the shelters it names (with the state to file each under if the
registry does not know it yet), and for an article announcing cooperation agreements the donor, the programme
phase and the support the shelters receive."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from registry.importers.pages.places import MEXICAN_STATES, StateName, find_states
from registry.importers.pages.text import Paragraph, fold, sentences


@dataclass(frozen=True)
class ShelterMention:
    """A shelter the article names, with the state to file it under if the registry does not know it yet."""

    name: str
    line: int
    state_iso: str | None
    state_basis: str  # "clause", "sentence", "paragraph" or "article": where state_iso was found


@dataclass(frozen=True)
class DonorMention:
    name: str
    acronym: str
    country: str
    line: int


@dataclass(frozen=True)
class SupportMention:
    category: str  # medicines, medical_supplies, hygiene, construction, training
    description: str


@dataclass
class Mentions:
    state_isos: list[str] = field(default_factory=list)
    announces_agreements: bool = False
    shelters: list[ShelterMention] = field(default_factory=list)
    donors: list[DonorMention] = field(default_factory=list)
    programme_phase: int | None = None
    support_items: list[SupportMention] = field(default_factory=list)


_CAPITALISED = r"[A-ZÁÉÍÓÚÑÜ][\w'’-]*"
_CONNECTOR = r"(?:de|del|la|las|los|el|en|y|e|para|por)"
_SHELTER_WORD = r"(?:Albergue|Casa|Refugio|Estancia|Posada|Hogar|Comedor)"
# "el Albergue X y la Casa Y" names two shelters: "y"/"e" before another shelter word ends the first name.
_NEXT_SHELTER = rf"(?!\s+(?:y|e|and)\s+(?:(?:el|la|los|las|the)\s+)?{_SHELTER_WORD}\b)"
_SHELTER_NAME = re.compile(rf"\b{_SHELTER_WORD}(?:{_NEXT_SHELTER}\s+(?:{_CONNECTOR}\s+)*{_CAPITALISED})+")
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
_FUNDING = re.compile(
    r"\b(fund(ed|ing)|financ(ed|ing)|sponsor(ed)?|donors?|grant|contribution|thanks to|financiad[oa]s?|"
    r"financiamiento)\b",
    re.I,
)
_NAME_CONNECTORS = frozenset({"of", "for", "and", "on", "the", "de", "del", "la", "y", "para", "&"})
_COUNTRIES = (
    (re.compile(r"\bU\.?S\.?A?\b|\bUnited States\b|\bAmerican\b|\bEE\.\s?UU\.|\bEstados Unidos\b"), "US"),
    (re.compile(r"\bCanad(a|ian)\b"), "CA"),
    (re.compile(r"\bUnited Kingdom\b|\bUK\b|\bBritish\b"), "GB"),
    (re.compile(r"\bSpain\b|\bSpanish\b"), "ES"),
    (re.compile(r"\bGerman(y)?\b"), "DE"),
    (re.compile(r"\bSwitzerland\b|\bSwiss\b"), "CH"),
    (re.compile(r"\bJapan(ese)?\b"), "JP"),
    (re.compile(r"\bSweden\b|\bSwedish\b"), "SE"),
    (re.compile(r"\bNorway\b|\bNorwegian\b"), "NO"),
    (re.compile(r"\bNetherlands\b|\bDutch\b"), "NL"),
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ORDINAL = r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
# Strongest first: "In the first phase of our programme we focused on ..." looks back, "This is the second year"
# says where the programme stands now.
_PHASE_PATTERNS = (
    re.compile(rf"\bthis (?:is|marks) the {_ORDINAL} (?:year|phase)\b"),
    re.compile(rf"\b(?:now )?(?:in|enters|entering) its {_ORDINAL} (?:year|phase)\b"),
    re.compile(rf"\b{_ORDINAL} (?:year|phase) of (?:the|this|our|its) (?:\w+ )?program(?:me)?\b"),
)
_SUPPORT_PATTERNS = (
    ("medicines", re.compile(r"\bmedicines?\b|\bmedications?\b")),
    ("medical_supplies", re.compile(r"\bmedical (?:materials?|supplies|equipment)(?: and (?:equipment|supplies))?\b")),
    ("hygiene", re.compile(r"\bhygiene (?:products|kits|items|supplies)\b")),
    ("construction", re.compile(r"\bconstruction materials?\b")),
)
_TRAINING_TOPICS = re.compile(
    r"\btraining\b[^.]*?\b(?:on|in|about)\s+(?:(?:issues|topics|subjects)\s+)?(?:(?:including|such as|like)\s+)?(.+)$"
)
# "basic psychological support for vulnerable migrants": the audience is not part of the topic.
_AUDIENCE = re.compile(r"\s+for\s+(?:\w+\s+)?(?:migrants|people|persons|staff|women|children|victims)\b.*$")


def _ordinal(word: str) -> int:
    return _ORDINALS.get(word) or int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]


def _donor_name(before: str) -> str:
    """The capitalised name just before an "(ACRONYM)": walk back over capitalised words and connectors, stopping
    at a possessive ("... State Department's Bureau of ...") or any other lower-case word."""
    words = before.split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.strip(",")
        if bare.endswith(("'s", "’s")) or not bare:
            break
        if bare[0].isupper() or bare in _NAME_CONNECTORS:
            kept.append(word)
            continue
        break
    while kept and kept[-1].strip(",") in _NAME_CONNECTORS:
        kept.pop()
    return " ".join(reversed(kept)).strip(" ,")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def read_mentions(
    mentions: Mentions, body: str, paragraphs: list[Paragraph], states: Sequence[StateName] = MEXICAN_STATES
) -> None:
    """What an article announcing cooperation agreements says about them: shelters, donor, phase and support."""
    text = fold(body)
    mentions.state_isos = find_states(body, states)
    mentions.announces_agreements = (
        "cooperation agreement" in text
        or bool(re.search(r"\b(acuerdos?|convenios?) de (cooperacion|colaboracion)\b", text))
        or (bool(re.search(r"\bagreements?\b", text)) and bool(re.search(r"\bsign(s|ed|ing)?\b", text)))
    )
    # Shelters: every one the article names. Its state, if the registry does not know the shelter: the only state
    # named between its name and the next shelter's ("Albergue X, in Monterrey, Nuevo León, and ..."), else the
    # only one in its sentence, else the only one in its paragraph, else the first state the article names.
    names: dict[str, ShelterMention] = {}
    for paragraph in paragraphs:
        paragraph_states = find_states(paragraph.text, states)
        for sentence in sentences(paragraph.text):
            sentence_states = find_states(sentence, states)
            matches = list(_SHELTER_NAME.finditer(sentence))
            for n, match in enumerate(matches):
                name = match.group(0)
                if fold(name) in names:
                    continue
                clause_end = matches[n + 1].start() if n + 1 < len(matches) else len(sentence)
                clause_states = find_states(sentence[match.end() : clause_end], states)
                if len(clause_states) == 1:
                    iso, basis = clause_states[0], "clause"
                elif len(sentence_states) == 1:
                    iso, basis = sentence_states[0], "sentence"
                elif len(paragraph_states) == 1:
                    iso, basis = paragraph_states[0], "paragraph"
                elif mentions.state_isos:
                    iso, basis = mentions.state_isos[0], "article"
                else:
                    iso, basis = None, ""
                names[fold(name)] = ShelterMention(name, paragraph.line, iso, basis)
    mentions.shelters = list(names.values())
    if not mentions.announces_agreements:
        return

    for paragraph in paragraphs:
        for sentence in sentences(paragraph.text):
            if not _FUNDING.search(sentence):
                continue
            for match in _ACRONYM.finditer(sentence):
                name = _donor_name(sentence[: match.start()])
                acronym = match.group(1)
                if not name or any(d.acronym == acronym for d in mentions.donors):
                    continue
                found = [(m.start(), code) for pattern, code in _COUNTRIES if (m := pattern.search(sentence))]
                country = min(found)[1] if found else ""
                mentions.donors.append(DonorMention(name, acronym, country, paragraph.line))

    for pattern in _PHASE_PATTERNS:
        if m := pattern.search(text):
            mentions.programme_phase = _ordinal(m.group(1))
            break

    items: list[SupportMention] = []
    for category, pattern in _SUPPORT_PATTERNS:
        if m := pattern.search(text):
            items.append(SupportMention(category, _capitalise(m.group(0))))
    for sentence in sentences(body):
        if m := _TRAINING_TOPICS.search(sentence):
            listed = m.group(1).rstrip(" .")
            for topic in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed):
                topic = _AUDIENCE.sub("", re.sub(r"^(?:on|in|about)\s+", "", topic.strip()))
                if topic and not any(fold(i.description) == fold(topic) for i in items):
                    items.append(SupportMention("training", _capitalise(topic)))
    mentions.support_items = items
