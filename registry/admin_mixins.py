"""Reusable admin pieces: optimistic locking for versioned records, safe public links, strict import/export.

Optimistic locking: every change form of a `VersionedModel` carries the `version` it was loaded with in a hidden
field. Validation refuses a form whose version is no longer the stored one and lists what changed since (from the
django-simple-history records); saving claims the next version with a conditional UPDATE
(`... WHERE id = %s AND version = %s`), so of two forms racing past validation only one can win. The same check
covers versioned records edited in inlines (agreements on a shelter) and the history "revert" form.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch
from django.utils import formats as date_formats
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from registry.history import defer_history, record_history
from registry.models import VersionedModel
from registry.natural_keys import rejection_sentences

VERSION_FIELD = "loaded_version"
#: Changes listed in a stale-edit message before it is cut short.
MAX_LISTED_CHANGES = 12


class StaleEditError(Exception):
    """Raised when a save loses the race for the next version after validation passed."""

    def __init__(self, obj: models.Model) -> None:
        self.obj = obj
        super().__init__(f"{obj._meta.label} {obj.pk} changed while it was being saved")


def stored_version(model: type[models.Model], pk: Any) -> int | None:
    return model._default_manager.filter(pk=pk).values_list("version", flat=True).first()


def claim_next_version(obj: VersionedModel, loaded_version: int) -> None:
    """Move the stored record from `loaded_version` to the next one, or raise StaleEditError.

    The conditional UPDATE also locks the row until the surrounding transaction ends, so the full save that follows
    cannot interleave with another editor's.
    """
    claimed = type(obj)._default_manager.filter(pk=obj.pk, version=loaded_version).update(version=loaded_version + 1)
    if claimed != 1:
        raise StaleEditError(obj)
    obj.version = loaded_version + 1


def local_time(moment: datetime) -> str:
    """A moment as staff read it elsewhere in the admin: in the site's time zone, not the database's UTC."""
    return str(date_formats.localize(timezone.localtime(moment)))


def _text(value: Any, field: forms.Field) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        value = dict(field.choices).get(value, value)
    text = str(date_formats.localize(value))
    return text if len(text) <= 80 else text[:77] + "…"


def saved_since(model: type[models.Model], pk: Any, loaded_version: int) -> str | None:
    """Who saved the record after `loaded_version`, and when the last save was (from its history)."""
    history = model.history.filter(id=pk).select_related("history_user").order_by("-history_date", "-history_id")
    later = list(history.filter(version__gt=loaded_version)[:50])
    if not later:
        return None
    editors = sorted({str(record.history_user) for record in later if record.history_user is not None})
    return gettext("Saved as version %(version)s on %(date)s by %(editors)s.") % {
        "version": later[0].version,
        "date": local_time(later[0].history_date),
        "editors": ", ".join(editors) or gettext("an import or a command"),
    }


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that refuses to save over changes made since it was loaded.

    Besides the version, every field renders its loaded value in a hidden "initial-" input (Django's
    `show_hidden_initial`). So "has this row changed?" means changed by this user, not merely different from the
    database, and a refused form can say exactly which stored values differ from what the user was shown.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    #: The admin saves a change form's record even when no field changed, so a stale one is always refused.
    refuse_stale_when_unchanged = True
    #: False on a history "revert" form, whose loaded values are the old record's, not what the user last saw.
    list_changes = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.show_hidden_initial = name != VERSION_FIELD
        if self.instance.pk is not None:
            # The stored version, not the instance's: a history "revert" form is built from an old record.
            self.fields[VERSION_FIELD].initial = stored_version(type(self.instance), self.instance.pk)

    @cached_property
    def changed_data(self) -> list[str]:
        # The hidden version differs from the stored one exactly when the form is stale; that is no edit.
        return [name for name in super().changed_data if name != VERSION_FIELD]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        if not self.refuse_stale_when_unchanged and not self.has_changed():
            # An untouched inline row is not saved, so a newer stored version is no conflict.
            return cleaned
        model = type(self.instance)
        loaded = cleaned.get(VERSION_FIELD)
        current = stored_version(model, self.instance.pk)
        if current is None:
            raise ValidationError(
                _("This %(name)s was deleted after you opened it; nothing was saved."),
                code="deleted",
                params={"name": model._meta.verbose_name},
            )
        if loaded is None:
            raise ValidationError(
                _("This form does not say which version of the record it was loaded from. Reload the page."),
                code="no_version",
            )
        if loaded != current:
            summary = ValidationError(
                _(
                    "Someone else saved this %(name)s after you opened it (you loaded version %(loaded)s, it is now "
                    "version %(current)s). Nothing was saved. Their changes are listed below; reload the page to see "
                    "the current record, then make your edits again."
                ),
                code="stale",
                params={"name": model._meta.verbose_name, "loaded": loaded, "current": current},
            )
            lines = [line] if (line := saved_since(model, self.instance.pk, loaded)) else []
            if self.list_changes:
                lines += self.changes_since_loaded()
            raise ValidationError([summary, *(ValidationError(line, code="stale_detail") for line in lines)])
        return cleaned

    def changes_since_loaded(self) -> list[str]:
        """'Field: “as loaded” → “as stored now”' for every field whose stored value is no longer what the form
        was loaded with."""
        stored = self._meta.model._default_manager.get(pk=self.instance.pk)
        names = [name for name, field in self.fields.items() if field.show_hidden_initial]
        stored_values = model_to_dict(stored, fields=names)
        lines = []
        for name in names:
            field = self.fields[name]
            raw = field.hidden_widget().value_from_datadict(self.data, self.files, self.add_initial_prefix(name))
            if not field.has_changed(stored_values.get(name), raw):
                continue
            label = capfirst(str(field.label or name))
            if isinstance(field, forms.ModelMultipleChoiceField):
                loaded_ids = {str(pk) for pk in raw or []}
                now = {str(obj.pk): str(obj) for obj in stored_values.get(name) or []}
                was = {str(obj.pk): str(obj) for obj in field.queryset.filter(pk__in=loaded_ids - set(now))}
                parts = []
                if added := sorted(text for pk, text in now.items() if pk not in loaded_ids):
                    parts.append(gettext("added %(items)s") % {"items": ", ".join(added)})
                if removed := sorted(was.values()):
                    parts.append(gettext("removed %(items)s") % {"items": ", ".join(removed)})
                lines.append(f"{label}: {'; '.join(parts)}")
                continue
            try:
                old = field.to_python(raw)
            except ValidationError:
                old = raw
            new = getattr(stored, name)
            lines.append(f"{label}: “{_text(old, field)}” → “{_text(new, field)}”")
        if not lines:
            lines.append(gettext("No field you can see here differs, but the record was saved again meanwhile."))
        return lines[:MAX_LISTED_CHANGES]


class VersionedInlineForm(VersionedModelForm):
    refuse_stale_when_unchanged = False


def ensure_version_field(fieldsets: Iterable[tuple[Any, dict[str, Any]]]) -> list[tuple[Any, dict[str, Any]]]:
    """Fieldsets with the hidden version field added, so the admin renders it."""
    fieldsets = [(name, dict(options)) for name, options in fieldsets]
    for _name, options in fieldsets:
        if VERSION_FIELD in options.get("fields", ()):
            return fieldsets
    if not fieldsets:
        return [(None, {"fields": [VERSION_FIELD]})]
    name, options = fieldsets[0]
    options["fields"] = [*options.get("fields", ()), VERSION_FIELD]
    fieldsets[0] = (name, options)
    return fieldsets


class VersionedInlineMixin:
    """For inlines of a `VersionedModel`: each row carries its version and is checked like a change form."""

    form = VersionedInlineForm

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        return ensure_version_field(super().get_fieldsets(request, obj))  # type: ignore[misc]


class VersionedAdminMixin:
    """For the admin of a `VersionedModel` (Shelter, CooperationAgreement, Project, Article)."""

    form = VersionedModelForm

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> list:
        return ensure_version_field(super().get_fieldsets(request, obj))  # type: ignore[misc]

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)  # type: ignore[misc]
        if getattr(request, "_reverting_to", None):
            form = type(form.__name__, (form,), {"list_changes": False})
        return form

    def save_model(self, request: HttpRequest, obj: VersionedModel, form: forms.ModelForm, change: bool) -> None:
        if change:
            claim_next_version(obj, form.cleaned_data[VERSION_FIELD])
            if revert_of := getattr(request, "_reverting_to", None):
                obj._change_reason = gettext("Reverted to the record of %(date)s") % {"date": revert_of}
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            instance = inline_form.instance
            if (
                isinstance(instance, VersionedModel)
                and instance.pk is not None
                and inline_form.has_changed()
                and inline_form not in formset.deleted_forms
            ):
                claim_next_version(instance, inline_form.cleaned_data[VERSION_FIELD])
        super().save_formset(request, form, formset, change)  # type: ignore[misc]

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except StaleEditError as exc:
            # Lost the race between validation and save: the transaction has rolled back, say so and reload.
            self._refuse_stale(request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]
        record = self.model.history.filter(history_id=version_id).first()
        request._reverting_to = local_time(record.history_date) if record else version_id
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)  # type: ignore[misc]
        except StaleEditError as exc:
            self._refuse_stale(request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def _refuse_stale(self, request: HttpRequest, exc: StaleEditError) -> None:
        self.message_user(  # type: ignore[attr-defined]
            request,
            gettext("“%(obj)s” was saved by someone else at the same moment; nothing was saved. Make your edits again.")
            % {"obj": exc.obj},
            messages.ERROR,
        )


def public_link(obj: models.Model) -> str:
    """A link to the record's public page, or a dash while the public site has no URL for it."""
    try:
        url = obj.get_absolute_url()  # type: ignore[attr-defined]
    except (AttributeError, NoReverseMatch):
        return "—"
    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("View"))


class StrictImportExportMixin(ImportMixin, ExportActionMixin):
    """django-import-export with the registry's rules.

    CSV and XLSX; import only for staff who may add and change the model, export for anyone who may view it;
    when any row is rejected the whole import is rolled back (the resources force it, see `registry.resources`) and
    the staff member is told so instead of seeing the library's "Import finished" message.
    """

    import_formats = [CSV, XLSX]
    # UTF-8 with a byte-order mark: how Excel recognises UTF-8 in a CSV (without it, "León" opens as "LeÃ³n").
    to_encoding = "utf-8-sig"
    export_formats = [CSV, XLSX]
    import_error_display = ("message", "row")
    show_change_form_export = False
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"

    def has_import_permission(self, request: HttpRequest) -> bool:
        opts = self.opts  # type: ignore[attr-defined]
        return all(
            request.user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
            for action in ("add", "change")
        )

    def has_export_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)  # type: ignore[attr-defined]

    def get_valid_export_item_pks(self, request: HttpRequest) -> Any:
        # The library still calls this (deprecated, warning) hook when exporting a selection, and by default lists
        # every primary key of the table; answer with the selected rows the user may see instead.
        selected = [pk for pk in request.POST.getlist("export_items") if pk.isdigit()]
        return self.get_queryset(request).filter(pk__in=selected).values_list("pk", flat=True)  # type: ignore[attr-defined]

    def add_success_message(self, result: Any, request: HttpRequest) -> None:
        # The library's message is one English sentence for every count; say it with each count's own plural.
        totals = result.totals
        parts = [
            ngettext("%(count)d new record", "%(count)d new records", totals[RowResult.IMPORT_TYPE_NEW]),
            ngettext("%(count)d updated", "%(count)d updated", totals[RowResult.IMPORT_TYPE_UPDATE]),
            ngettext("%(count)d unchanged", "%(count)d unchanged", totals[RowResult.IMPORT_TYPE_SKIP]),
        ]
        counts = [
            totals[RowResult.IMPORT_TYPE_NEW],
            totals[RowResult.IMPORT_TYPE_UPDATE],
            totals[RowResult.IMPORT_TYPE_SKIP],
        ]
        text = ", ".join(part % {"count": count} for part, count in zip(parts, counts, strict=True))
        self.message_user(  # type: ignore[attr-defined]
            request,
            gettext("Import of %(records)s finished: %(counts)s.")
            % {"records": self.opts.verbose_name_plural, "counts": text},  # type: ignore[attr-defined]
            messages.SUCCESS,
        )

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        if result.has_errors() or result.has_validation_errors():
            reasons = rejection_sentences(result)
            self.message_user(  # type: ignore[attr-defined]
                request,
                ngettext(
                    "Nothing was imported: %(count)d problem. %(reasons)s",
                    "Nothing was imported: %(count)d problems. %(reasons)s",
                    len(reasons),
                )
                % {"count": len(reasons), "reasons": " ".join(reasons[:10])},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path().replace("process_import/", "import/"))
        return super().process_result(result, request)


def change_reason(form: forms.BaseForm, change: bool) -> str:
    """The history's reason for an admin save: which fields the staff member changed."""
    if not change:
        return gettext("Added in the admin")
    labels = [str(form.fields[name].label or name) for name in form.changed_data if name in form.fields]
    if not labels:
        return gettext("Saved in the admin without changes")
    return gettext("Changed in the admin: %(fields)s") % {"fields": ", ".join(labels)}


def revert_form(form: type[forms.ModelForm], record: models.Model) -> type[forms.ModelForm]:
    """The change form loaded with the history entry's many-to-many values (simple-history fills the fields only:
    its form would show the current services, and saving it would keep them)."""
    initial: dict[str, list[Any]] = {}
    for field in getattr(type(record), "_history_m2m_fields", ()):
        if field.name in form.base_fields:
            snapshot = getattr(record, field.name).model
            target = snapshot._meta.get_field(field.m2m_reverse_field_name()).attname
            initial[field.name] = list(getattr(record, field.name).values_list(target, flat=True))

    def __init__(self: forms.ModelForm, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {**initial, **(kwargs.get("initial") or {})}
        form.__init__(self, *args, **kwargs)

    return type(form.__name__, (form,), {"__init__": __init__})


#: Web addresses typed without a scheme are taken as https (Django 6's default, set now to avoid its warning).
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class HistoryAdmin(StrictImportExportMixin, SimpleHistoryAdmin):
    """Base admin for every app's records: history with revert, CSV/XLSX import and export."""

    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_per_page = 50
    # Counting the unfiltered table on every filtered page costs a query that grows with the table.
    show_full_result_count = False

    def save_model(self, request: HttpRequest, obj: models.Model, form: forms.ModelForm, change: bool) -> None:
        if not getattr(obj, "_change_reason", None):
            obj._change_reason = change_reason(form, change)
        # The history entry waits for the many-to-many values (saved after the record), see log_addition/log_change.
        defer_history(obj)
        super().save_model(request, obj, form, change)

    # The admin logs a save once the record, its many-to-many values and its inlines are all saved (in the change
    # form and in the history's revert form alike): the moment to write the save's one history entry.
    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        record_history(obj, created=True, user=request.user)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        record_history(obj, created=False, user=request.user)
        return super().log_change(request, obj, message)

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if (record := getattr(request, "_reverting_record", None)) is not None:
            form = revert_form(form, record)
        return form

    def save_formset(self, request: HttpRequest, form: forms.ModelForm, formset: Any, change: bool) -> None:
        for inline_form in formset.forms:
            if inline_form.has_changed():
                inline_form.instance._change_reason = change_reason(inline_form, inline_form.instance.pk is not None)
        super().save_formset(request, form, formset, change)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        # django-simple-history only hides the revert button from users who may view but not change; a posted
        # revert form would still be saved. Refuse it.
        if request.method == "POST" and not self.has_change_history_permission(request):
            raise PermissionDenied
        record = self.model.history.filter(**{self.opts.pk.attname: object_id, "history_id": version_id}).first()
        if record is not None:
            request._reverting_record = record
            if request.method != "POST" and (left := self._not_restored(request, record)):
                self.message_user(request, left, messages.WARNING)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _not_restored(self, request: HttpRequest, record: models.Model) -> str:
        """What a revert leaves as it is now: the records edited in this page's inlines."""
        kinds = [str(inline.model._meta.verbose_name_plural) for inline in self.get_inline_instances(request)]
        if not kinds:
            return ""
        return gettext(
            "Reverting restores this record's own fields and lists to the values of %(date)s; it does not restore "
            "its %(kinds)s, which keep their current values (change them on their own pages)."
        ) % {"date": local_time(record.history_date), "kinds": ", ".join(kinds)}

    @admin.display(description=_("public page"))
    def public_page(self, obj: models.Model) -> str:
        return public_link(obj)


class VersionedHistoryAdmin(VersionedAdminMixin, HistoryAdmin):
    pass


class ReferenceAdmin(StrictImportExportMixin, admin.ModelAdmin):
    """For reference data without a history (services, population groups)."""

    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    list_per_page = 100
