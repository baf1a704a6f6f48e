"""Text helpers shared by the page parsers: comparison folding, slugs, paragraphs and sentences, the language of
a text, and the site chrome (headers, menus, share bars, comment forms) that saved pages carry around content."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def fold(text: str) -> str:
    """Lower case without accents and with straight apostrophes, for comparisons ("Potosí" == "potosi")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def slugify(value: str) -> str:
    """The same slugs as django.utils.text.slugify (ASCII), without importing Django."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def truncate_slug(slug: str, max_length: int) -> str:
    """Cut a slug to `max_length` at a word (hyphen) boundary."""
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1].rsplit("-", 1)[0]
    return (cut or slug[:max_length]).strip("-")


ARTICLE_SLUG_MAX = 100
# A headline's trailing participial phrase ("... Migration Week Focusing on the Human Rights of ...") is detail,
# not identity: the article slug keeps the main clause, so it stays short and stable if the tail is reworded.
_HEADLINE_TAIL_WORDS = frozenset(
    {"focusing", "highlighting", "featuring", "including", "calling", "aiming", "marking", "targeting", "seeking"}
)


def article_slug(title: str) -> str:
    """The slug of a news headline: its main clause, slugified, at most ARTICLE_SLUG_MAX characters at a word
    boundary. The main clause ends at a colon or dash separator, or before a trailing participial phrase."""
    main = re.split(r"\s*(?::|\s[–—-]\s|\|)\s*", title.strip(), maxsplit=1)[0]
    if len(main.split()) < 3:  # "Mexico: IOM signs ..." - the part before the colon is a kicker, not the clause
        main = title
    words = main.split()
    for index, word in enumerate(words):
        if index >= 4 and fold(word) in _HEADLINE_TAIL_WORDS:
            words = words[:index]
            break
    return truncate_slug(slugify(" ".join(words)), ARTICLE_SLUG_MAX)


def thematic_area_slug(name: str) -> str:
    """Slug of an area of work: without a trailing acronym in parentheses, in the mission's British spelling."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return re.sub(r"\blabor\b", "labour", slugify(name))


def split_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cleaned = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return [line.rstrip() for line in cleaned.split("\n")]


SENTENCE_END = re.compile(r"[.!?:;][\"'”’)»]*$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)»]*\s+(?=[\"'“‘(«¿¡]?[A-ZÁÉÍÓÚÑ0-9])")


@dataclass(frozen=True)
class Paragraph:
    line: int  # first line, 1-based
    text: str


def paragraphs(lines: Sequence[tuple[int, str]]) -> list[Paragraph]:
    """Join lines into paragraphs.

    Pages come either with one paragraph per line or hard-wrapped at ~65 columns with no blank line between
    paragraphs. A paragraph ends at a blank line, after a line that ends a sentence, or after a long line (a
    paragraph that was never wrapped).
    """
    found: list[Paragraph] = []
    start = 0
    buffer: list[str] = []
    for number, raw in lines:
        text = raw.strip()
        if not text:
            if buffer:
                found.append(Paragraph(start, " ".join(buffer)))
                buffer = []
            continue
        if not buffer:
            start = number
        buffer.append(text)
        if SENTENCE_END.search(text) or len(text) > 100:
            found.append(Paragraph(start, " ".join(buffer)))
            buffer = []
    if buffer:
        found.append(Paragraph(start, " ".join(buffer)))
    return [Paragraph(p.line, re.sub(r"\s+", " ", p.text)) for p in found]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def shorten(text: str, limit: int = 300) -> str:
    """The first sentences of `text` that fit in `limit` characters (a word-boundary cut if the first is longer)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


# --- language ----------------------------------------------------------------------------------------------------

# Two languages to tell apart in whole articles: counting their commonest words is exact enough and, unlike the
# statistical detectors (langdetect is randomised), gives the same answer for the same page every time.
_STOPWORDS = {
    "en": frozenset("the of and to in for with that on is are was were by from this its as at be has have it".split()),
    "es": frozenset("de la que el en los las del por para con una un se su al es y lo como más sus ha son".split()),
}


def detect_language(text: str) -> str:
    """ "es" or "en" for a text that is clearly one of them, else "" (too short or mixed)."""
    words = re.findall(r"[a-záéíóúñü]+", text.lower())
    counts = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    (best, top), (_, second) = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    if top < 5 or top < 2 * second:
        return ""
    return best


# --- site chrome -------------------------------------------------------------------------------------------------

# Menu entries of the IOM sites' headers (global and regional, English and Spanish).
_NAV_ITEMS = frozenset(
    fold(item)
    for item in (
        "who we are",
        "our work",
        "what we do",
        "partnerships",
        "highlights",
        "where we work",
        "take action",
        "work with us",
        "get involved",
        "data and research",
        "data and resources",
        "2030 agenda",
        "iom global",
        "about us",
        "cross-cutting priorities",
        "cross-cutting priorities (global)",
        "quiénes somos",
        "sobre nosotros",
        "oim global",
        "nuestro trabajo",
        "prioridades transversales",
        "prioridades transversales (global)",
        "datos y recursos",
        "actúa",
        "dónde trabajamos",
        "agenda 2030",
    )
)
# Single lines of chrome around a headline: skip links, section and region tags, syndication notes.
_CHROME_LINES = frozenset(
    fold(item)
    for item in (
        "skip to main content",
        "saltar al contenido principal",
        "ir al contenido principal",
        "news",
        "news -",
        "noticias",
        "noticias -",
        "comunicado",
        "comunicado -",
        "comunicado de prensa",
        "press release",
        "press releases",
        "global",
        "news and press release",
        "originally published",
        "view original",
        "story",
        "historia",
        "events",
        "eventos",
        "menu",
        "menú",
        "search",
        "buscar",
        "english",
        "español",
    )
)
# Lines at which the article proper is over: comment forms, share bars, "like" widgets, related lists.
FOOTER_STARTS = (
    "use facebook to comment",
    "leave a reply",
    "leave a comment",
    "deja una respuesta",
    "deja un comentario",
    "no comments yet",
    "comments (",
    "comentarios (",
    "your email address will not be published",
    "tu direccion de correo electronico no sera publicada",
    "%d bloggers like this",
    "protected by wp anti spam",
    "related posts",
    "related news",
    "noticias relacionadas",
    "post navigation",
)
# Single debris lines that may turn up anywhere in the body.
_DEBRIS_LINES = frozenset(
    {
        "written by",
        "share",
        "share this:",
        "share this article",
        "compartir",
        "like this:",
        "tweet",
        "facebook",
        "twitter",
        "linkedin",
        "whatsapp",
        "email",
        "print",
        "like loading...",
        "related",
        "please leave these two fields as-is:",
    }
)
_DEBRIS_PATTERNS = (
    re.compile(r"^what is \d+ ?[-+x*] ?\d+ ?\?$"),
    re.compile(r"^important! to be able to proceed"),
    re.compile(r"^click to (share|email|print)"),
)
_URL = re.compile(r"^(https?://|www\.)\S+$", re.IGNORECASE)


def is_nav_line(line: str) -> bool:
    text = line.strip()
    if text.startswith("- "):
        text = text[2:].strip()
    folded = fold(text)
    if folded in _NAV_ITEMS:
        return True
    # Menu entries whose teaser was glued on without a space: "WHO WE AREThe International Organization ..."
    for item in _NAV_ITEMS:
        if folded.startswith(item) and len(folded) > len(item) and text[len(item) : len(item) + 1].isupper():
            return True
    return False


def is_chrome_line(line: str) -> bool:
    """A header line that is never content: a menu entry, a skip link, a section tag, a bare URL."""
    text = line.strip()
    folded = fold(text).rstrip(" -–—:")
    return is_nav_line(text) or folded in _CHROME_LINES or fold(text) in _CHROME_LINES or bool(_URL.match(text))


def is_menu_item(line: str) -> bool:
    """A "- About"-style entry of a site menu: a dash, then a few words and no sentence."""
    text = line.strip()
    return text.startswith("- ") and len(text.split()) <= 10 and not SENTENCE_END.search(text)


def is_debris(line: str) -> bool:
    folded = fold(line.strip())
    return folded in _DEBRIS_LINES or any(p.match(folded) for p in _DEBRIS_PATTERNS)


def is_footer(line: str) -> bool:
    folded = fold(line.strip())
    return any(folded.startswith(marker) for marker in FOOTER_STARTS)
