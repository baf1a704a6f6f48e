"""News items from IOM's sites (iom.int in English and Spanish, mexico.iom.int, the regional offices' sites).

The headline is the first line after the site chrome (menus, skip links, "News", "Comunicado", "Global"), and it
must look like one: a few words, not a sentence. A page that starts with prose (a programme description, a
rewrite of an article on another site), a comment form, too little text, or text that never names IOM is
refused with the reason: the importer does not guess what a page is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from registry.importers.pages.base import PageKind, ParseError, ParseWarning, gettext_noop
from registry.importers.pages.dates import date_line, dateline
from registry.importers.pages.mentions import DonorMention, Mentions, ShelterMention, SupportMention, read_mentions
from registry.importers.pages.places import MEXICAN_STATES, StateName
from registry.importers.pages.text import (
    Paragraph,
    article_slug,
    detect_language,
    fold,
    is_chrome_line,
    is_debris,
    is_footer,
    is_menu_item,
    paragraphs,
    shorten,
)

HEADLINE_MAX = 250
MIN_WORDS = 40  # the shortest IOM news items in the corpus run to about 150 words; a junk file to a handful


@dataclass(frozen=True)
class PressContact:
    name: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""

    def as_text(self) -> str:
        parts = [", ".join(p for p in (self.name, self.organisation) if p)]
        if self.phone:
            parts.append(f"Tel: {self.phone}")
        if self.email:
            parts.append(f"Email: {self.email}")
        return ". ".join(p for p in parts if p)


@dataclass
class NewsPage:
    title: str
    slug: str
    body: str
    summary: str = ""
    language: str = ""  # "es", "en" or "" when the text does not say clearly
    published_on: date | None = None
    press_contact: PressContact | None = None
    state_isos: list[str] = field(default_factory=list)
    announces_agreements: bool = False
    shelters: list[ShelterMention] = field(default_factory=list)
    donors: list[DonorMention] = field(default_factory=list)
    programme_phase: int | None = None
    support_items: list[SupportMention] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    title_line: int = 1

    kind = PageKind.NEWS

    @property
    def key(self) -> str:
        return self.slug


_CONTACT_START = re.compile(
    r"^(for (more|further) information,? (please )?contact|press contact|media contact|para más información)", re.I
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"^(?:tel|phone|t[ée]l[ée]fono|mobile|cel)\w*\.?\s*:?\s*(.+)$", re.I)
_IOM = re.compile(
    r"\b(IOM|OIM|International Organization for Migration|Organizaci[oó]n Internacional para las Migraciones|"
    r"UN Migration|ONU Migraci[oó]n)\b"
)
_NOT_A_HEADLINE_END = re.compile(r"[.,;:][\"'”’)»]*$")


def _looks_like_headline(line: str) -> bool:
    words = line.split()
    if not 4 <= len(words) <= 20 or _NOT_A_HEADLINE_END.search(line) or line.rstrip().endswith(("!", "?")):
        return False
    capitalised = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return capitalised >= 0.6 * len(words)


def _listing_line(body_lines: list[tuple[int, str]]) -> int | None:
    """The line of the second item if the text is a list of news items (a site's news index), else None: two
    more dates or three more headlines below the first one."""
    dates = [n for n, line in body_lines if date_line(line)]
    headlines = [n for n, line in body_lines if _looks_like_headline(line.strip())]
    if len(dates) >= 2:
        return dates[1]
    if len(headlines) >= 3:
        return headlines[0]
    return None


def _press_contact(lines: Sequence[str]) -> PressContact | None:
    email = ""
    phone = ""
    others: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if found := _EMAIL.search(line):
            email = email or found.group(0)
            continue
        if m := _PHONE.match(line):
            phone = phone or m[1].strip().rstrip(".")
            continue
        if re.fullmatch(r"e-?mail:?", line, re.I):
            continue
        others.append(line)
    if not (email or phone or others):
        return None
    return PressContact(
        name=others[0] if others else "", organisation=others[1] if len(others) > 1 else "", phone=phone, email=email
    )


def content_start(lines: list[str]) -> int:
    """Index of the first line after the site header: menus, skip links, section and region tags."""
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if not line or line == "-" or is_chrome_line(line) or is_menu_item(line):
            index += 1
            continue
        break
    return index


def _headline(lines: list[str], start: int) -> tuple[int, str, date | None]:
    """The headline's index and text, and a date printed above it."""
    content = [i for i in range(start, len(lines)) if lines[i].strip()]
    if not content:
        raise ParseError(gettext_noop("the page has no content after the site's header and menus"), 1)
    published_on = date_line(lines[content[0]])
    if published_on is not None and len(content) > 1:
        content = content[1:]
    index = content[0]
    title = re.sub(r"\s+", " ", lines[index].strip())
    if is_footer(title):
        raise ParseError(gettext_noop("the page is a comment form, not a news item"), index + 1)
    if len(title) > HEADLINE_MAX or _NOT_A_HEADLINE_END.search(title):
        raise ParseError(
            gettext_noop(
                "not a news item: the page starts with a sentence, not a headline (a programme or project "
                "description, or an article rewritten on another site, is not news)"
            ),
            index + 1,
        )
    if len(title.split()) < 3:
        raise ParseError(
            gettext_noop("not a news item: “%(text)s” is too short to be a headline"), index + 1, text=title[:80]
        )
    return index, title, published_on


def parse_news_page(lines: list[str], states: Sequence[StateName] = MEXICAN_STATES) -> NewsPage:
    title_index, title, published_on = _headline(lines, content_start(lines))
    body_start = title_index + 1
    # Some pages repeat the headline and the lead below a teaser: the article proper starts after the last copy.
    for i in range(len(lines) - 1, body_start - 1, -1):
        if fold(lines[i].strip()) == fold(title):
            body_start = i + 1
            break
    # Between the headline and the text: a date, a "Date Publish:" line (sometimes empty), a section tag.
    while body_start < len(lines):
        line = lines[body_start].strip()
        if not line or is_chrome_line(line):
            body_start += 1
        elif (found := date_line(line)) is not None:
            published_on = published_on or found
            body_start += 1
        elif re.fullmatch(r"(date publish(ed)?|published|fecha de publicaci[oó]n|publicado)\s*:?", line, re.I):
            body_start += 1
        else:
            break
    if body_start < len(lines) and is_footer(lines[body_start]):
        raise ParseError(gettext_noop("the page is a comment form, not a news item"), body_start + 1)

    body_lines: list[tuple[int, str]] = []
    contact_lines: list[str] = []
    in_contact = False
    for index in range(body_start, len(lines)):
        line = lines[index]
        if is_footer(line):
            break
        if is_debris(line):
            continue
        if m := _CONTACT_START.match(line.strip()):
            in_contact = True
            # "For further information, please contact Ana Ruiz at IOM Mexico, Email: ..., Tel. ..." on one line
            rest = line.strip()[m.end() :].lstrip(" :,")
            contact_lines += [part for part in re.split(r",\s+|\s+at\s+|\s+en\s+", rest) if part.strip()]
            continue
        if in_contact:
            contact_lines.append(line)
        else:
            body_lines.append((index + 1, line))

    if (listing := _listing_line(body_lines)) is not None:
        raise ParseError(
            gettext_noop("not a news item: the page lists several items (a news index); import each item's own page"),
            listing,
        )
    kept: list[Paragraph] = []
    seen: set[str] = set()
    for paragraph in paragraphs(body_lines):
        key = fold(paragraph.text)
        if key in seen:  # the teaser's lead, repeated in the article
            continue
        seen.add(key)
        kept.append(paragraph)
    body = "\n\n".join(p.text for p in kept)
    words = len(body.split())
    if words < MIN_WORDS:
        raise ParseError(
            gettext_noop("not a news item: %(words)s words of text under the headline, fewer than %(minimum)s"),
            title_index + 1,
            words=words,
            minimum=MIN_WORDS,
        )
    if not _IOM.search(f"{title}\n{body}"):
        raise ParseError(
            gettext_noop("not an IOM news item: neither the headline nor the text names IOM (or OIM)"),
            title_index + 1,
        )
    page = NewsPage(
        title=title,
        title_line=title_index + 1,
        slug=article_slug(title),
        body=body,
        summary=shorten(kept[0].text),
        language=detect_language(body),
        published_on=published_on or dateline(kept[0].text),
        press_contact=_press_contact(contact_lines),
    )
    if not page.slug:
        raise ParseError(gettext_noop("the headline gives an empty slug"), title_index + 1)
    if not page.language:
        page.warnings.append(
            ParseWarning(title_index + 1, gettext_noop("the language of the text is unclear: not recorded"))
        )
    mentions = Mentions()
    read_mentions(mentions, body, kept, states)
    for name in (
        "state_isos",
        "announces_agreements",
        "shelters",
        "donors",
        "programme_phase",
        "support_items",
    ):
        setattr(page, name, getattr(mentions, name))
    return page
