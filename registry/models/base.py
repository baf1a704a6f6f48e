"""Base models and constraint helpers every registry model (and the other apps' models) builds on."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record staff edit by hand: `version` rises on every save, so a stale form can be refused."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def text_is(field: str, value: str) -> Q:
    """`field` equals `value`, where an empty value also matches NULL (a language column never filled in)."""
    if value:
        return Q(**{field: value})
    return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})


def one_language_required(field: str, *, label: str, message: str) -> models.CheckConstraint:
    """A check that the translated `field` is written in Spanish or in English (or both); NULL is not written."""
    return models.CheckConstraint(
        condition=(Q(**{f"{field}_es__isnull": False}) & ~Q(**{f"{field}_es": ""}))
        | (Q(**{f"{field}_en__isnull": False}) & ~Q(**{f"{field}_en": ""})),
        name=f"{label}_{field}_in_one_language",
        violation_error_message=message,
    )


def choice_label(choices: type[models.Choices], value: str) -> str:
    """What `get_FOO_display()` gives, for list pages: Django 5.2 rebuilds the field's whole choices dict on every
    call of that, 60 times on a page of 20 shelters; the enum looks the value up directly."""
    try:
        return str(choices(value).label)
    except ValueError:  # a value outside the choices (the database's check constraints prevent it)
        return value
