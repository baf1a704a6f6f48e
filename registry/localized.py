"""Which language a translated field is shown in, so pages can mark content in the other language.

django-modeltranslation already falls back (`project.title` is the English title when no Spanish one is written);
templates also need to know *that* it fell back, to set `lang` and say so. Every app's templates use this.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import models
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

#: The note after content shown in the other language, in the page's language.
FALLBACK_NOTES = {"en": _("(in English)"), "es": _("(in Spanish)")}


def language_order(language: str | None = None) -> tuple[str, ...]:
    """The site's languages, the requested (or active) one first."""
    current = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return _language_order(current, tuple(code for code, _name in settings.LANGUAGES))


@cache  # a page asks once per translated field it shows
def _language_order(current: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    return (current, *(code for code in codes if code != current)) if current in codes else codes


@dataclass(frozen=True)
class Localized:
    value: str
    language: str  # the language `value` is written in
    fallback: bool  # True when the page's language had no text and `value` is the other language's

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)

    @property
    def lang_attr(self) -> SafeString:
        """` lang="en"` for an element holding fallback content, else nothing."""
        return format_html(' lang="{}"', self.language) if self.fallback else mark_safe("")

    @property
    def note(self) -> SafeString:
        """ "(en inglés)" after fallback content, in the page's language, else nothing."""
        if not self.fallback:
            return mark_safe("")
        return format_html(' <span class="fallback-note">{}</span>', FALLBACK_NOTES.get(self.language, ""))

    @property
    def inline(self) -> SafeString:
        """The value for inline use: wrapped in `<span lang="..">` with its note when it is fallback content."""
        if not self.fallback:
            return conditional_escape(self.value)
        return format_html('<span lang="{}">{}</span>{}', self.language, self.value, self.note)


def localized(instance: models.Model, field: str, language: str | None = None) -> Localized:
    """`instance.<field>` in the active language, or in the other language (marked as fallback) when it has none."""
    order = language_order(language)
    for code in order:
        value = getattr(instance, f"{field}_{code}", None)
        if value:
            return Localized(value=value, language=code, fallback=code != order[0])
    return Localized(value="", language=order[0], fallback=False)


def every_language(*fields: str) -> list[str]:
    """The language columns of translated `fields` (`title` -> `title_es`, `title_en`), e.g. to search them all:
    a lookup on `title` alone is rewritten by django-modeltranslation to the active language's column only."""
    return [f"{field}_{code}" for field in fields for code, _name in settings.LANGUAGES]
