"""Translated content in templates, marked with `lang` and a short note where it is in the other language."""

from __future__ import annotations

from django import template
from django.db import models
from django.utils.safestring import SafeString

from registry.localized import Localized, localized

register = template.Library()


@register.simple_tag
def translated(instance: models.Model, field: str) -> SafeString:
    """Inline content: `{% translated project "title" %}` gives the title, or
    `<span lang="en">Title</span> <span class="fallback-note">(en inglés)</span>` when only English exists."""
    return localized(instance, field).inline


@register.simple_tag
def translated_field(instance: models.Model, field: str) -> Localized:
    """Block content: `{% translated_field article "body" as body %}`, then `<div{{ body.lang_attr }}>` and
    `{{ body.note }}` around `{{ body.value|linebreaks }}`."""
    return localized(instance, field)
