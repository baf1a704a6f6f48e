"""The one base of every app's CSV/XLSX import and export resources (django-import-export), keyed on natural keys.

Rules shared by every resource of registry, projects and news: rows are matched on the natural key (a shelter's slug,
an agreement's reference, ...), related records are named by their natural keys too (a state by its ISO code, a
donor by its acronym); each row is validated like a form (model `full_clean`: choices, constraints, uniqueness);
an unknown key is a rejected row with a reason, never a silent blank; and when any row is rejected the whole import
is rolled back, even when the library is asked to keep the good rows.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from registry.formulas import NeutralisedSpreadsheetMixin
from registry.models import VersionedModel


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related record's natural key; an unknown key is a validation error."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                gettext("No %(model)s has %(field)s “%(value)s”.")
                % {
                    "model": self.model._meta.verbose_name,
                    "field": self.model._meta.get_field(self.field).verbose_name,
                    "value": value,
                }
            ) from None


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """A many-to-many relation written as comma-separated natural keys; unknown keys are a validation error."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> models.QuerySet:
        queryset = super().clean(value, row, **kwargs)
        if not value:
            return queryset
        wanted = {part.strip() for part in str(value).split(self.separator) if part.strip()}
        found = {str(key) for key in queryset.values_list(self.field, flat=True)}
        if missing := sorted(wanted - found):
            raise ValueError(
                gettext("Unknown %(model)s: %(values)s.")
                % {"model": self.model._meta.verbose_name_plural, "values": ", ".join(missing)}
            )
        return queryset


def natural_key_field(attribute: str, model: type[models.Model], key: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=NaturalKeyWidget(model, field=key))


def natural_keys_field(attribute: str, model: type[models.Model], key: str) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=attribute, widget=NaturalKeysWidget(model, field=key))


class NaturalKeyResource(NeutralisedSpreadsheetMixin, resources.ModelResource):
    """Base for every import/export resource of every app (see the module docstring); its cells are safe to open
    in a spreadsheet (registry.formulas)."""

    #: select_related / prefetch_related applied to exports, so an export runs a fixed number of queries.
    export_select_related: tuple[str, ...] = ()
    export_prefetch_related: tuple[str, ...] = ()

    # Text columns left empty (an empty spreadsheet cell reads as None) import as "", like the admin's forms.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": widgets.CharWidget}

    class Meta:
        # Inherited by every subclass's Meta (django-import-export merges the options of base resources).
        clean_model_instances = True  # run full_clean: choices, constraints and uniqueness reject the row
        skip_unchanged = True
        report_skipped = True  # the preview lists unchanged rows too, so staff see every row accounted for

    @classmethod
    def widget_kwargs_for_field(cls, field_name: str, django_field: models.Field) -> dict[str, Any]:
        kwargs = super().widget_kwargs_for_field(field_name, django_field)
        if isinstance(django_field, models.IntegerField | models.DecimalField | models.FloatField):
            # Locale-free numbers in CSV ("1500.50", never the Spanish "1500,50"), so a file means the same to
            # every reader and imports back unchanged.
            kwargs.setdefault("coerce_to_string", False)
        return kwargs

    def import_data(self, dataset: Any, **kwargs: Any) -> Any:
        # The library keeps the valid rows of a partly invalid file unless told otherwise; staff get all or nothing.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)

    def import_instance(self, instance: models.Model, row: dict[str, Any], **kwargs: Any) -> None:
        # The library checks many-to-many columns only when it saves them; check them with the other fields so an
        # unknown code is reported as the row's validation error.
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance: models.Model, row: dict[str, Any], **kwargs: Any) -> None:
        if isinstance(instance, VersionedModel) and instance.pk is not None:
            # Bump the version so a change form opened before the import cannot save over it.
            instance.version += 1
        user = kwargs.get("user")
        instance._change_reason = gettext("Imported from %(file)s") % {"file": kwargs.get("file_name") or "a file"}
        if user is not None and getattr(user, "is_authenticated", False):
            instance._history_user = user

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        queryset = super().filter_export(queryset, **kwargs)
        return queryset.select_related(*self.export_select_related).prefetch_related(*self.export_prefetch_related)
