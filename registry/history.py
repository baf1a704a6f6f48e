"""One save, one history entry: the record's fields and its many-to-many values as that save left them.

django-simple-history writes an entry on `post_save` and another on every many-to-many change (`m2m_fields`), so a
form that saves a shelter and then its services leaves two or three entries, the first showing the new fields with
the old services, a state the record never had. Writers that save many-to-many values (the admin, imports) hold
the library back with `defer_history()` and write the one entry with `record_history()` once everything is saved;
bulk writers (the seed) call `snapshot_m2m()` on the entries they create.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

_DEFER = "skip_history_when_saving"  # simple-history's own switch, honoured by its post_save and m2m handlers


def is_tracked(instance: models.Model) -> bool:
    return hasattr(type(instance)._meta, "simple_history_manager_attribute")


def defer_history(instance: models.Model) -> None:
    """Stop simple-history writing entries for this instance until `record_history()`."""
    if is_tracked(instance):
        setattr(instance, _DEFER, True)


def history_deferred(instance: models.Model) -> bool:
    return hasattr(instance, _DEFER)


def snapshot_m2m(entries: Iterable[models.Model]) -> None:
    """Copy each tracked many-to-many relation of the entries' records, as stored now, into the entries."""
    entries = list(entries)
    if not entries:
        return
    history_model = type(entries[0])
    pk_name = history_model.instance_type._meta.pk.attname
    by_record = {getattr(entry, pk_name): entry for entry in entries}
    for field in history_model._history_m2m_fields:
        snapshot_model = getattr(history_model, field.name).model
        through = field.remote_field.through
        columns = [f.attname for f in through._meta.concrete_fields]
        links = through.objects.filter(**{f"{field.m2m_field_name()}__in": list(by_record)}).values(*columns)
        owner = field.m2m_column_name()
        snapshot_model.objects.bulk_create(snapshot_model(history=by_record[link[owner]], **link) for link in links)


def record_history(instance: models.Model, *, created: bool, user: Any = None) -> models.Model | None:
    """Write the one history entry of a save that `defer_history()` held back, many-to-many values included."""
    if not history_deferred(instance):
        return None
    delattr(instance, _DEFER)
    manager = getattr(type(instance), type(instance)._meta.simple_history_manager_attribute)
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user  # type: ignore[attr-defined]
    entries = manager.bulk_history_create([instance], update=not created)
    if not entries:  # history switched off (SIMPLE_HISTORY_ENABLED)
        return None
    snapshot_m2m(entries)
    for attribute in ("_change_reason",):
        if hasattr(instance, attribute):
            delattr(instance, attribute)
    return entries[0]
