"""The one base of every app's CSV/XLSX import and export resources (django-import-export), keyed on natural keys.

Rules shared by every resource of registry, projects and news: rows are matched on the natural key (a shelter's slug,
an agreement's reference, ...), related records are named by their natural keys too (a state by its ISO code, a
donor by its acronym); each row is validated like a form (model `full_clean`: choices, constraints, uniqueness);
an unknown key is a rejected row with a reason, never a silent blank; and when any row is rejected the whole import
is rolled back, even when the library is asked to keep the good rows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from registry.formulas import NeutralisedSpreadsheetMixin
from registry.history import defer_history, record_history
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


def cell_text(value: Any) -> str:
    return str(value).strip()


class WholeNumberWidget(widgets.IntegerWidget):
    """A whole number; anything else is refused with a sentence (the library's says "[<class 'ConversionSyntax'>]")."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        try:
            number = widgets.DecimalWidget().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError, TypeError):
            number = ""
        if number is None:
            return None
        if number == "" or not number.is_finite() or number != number.to_integral_value():
            raise ValueError(gettext("“%(value)s” is not a whole number.") % {"value": cell_text(value)})
        return int(number)


class NumberWidget(widgets.DecimalWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        try:
            number = super().clean(value, row, **kwargs)
        except (ArithmeticError, ValueError, TypeError):
            number = Decimal("NaN")
        if number is not None and not number.is_finite():
            raise ValueError(
                gettext("“%(value)s” is not a number (write decimals with a point, e.g. 1500.50).")
                % {"value": cell_text(value)}
            )
        return number


class DayWidget(widgets.DateWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        try:
            return super().clean(value, row, **kwargs)
        except (ValueError, TypeError):
            raise ValueError(
                gettext("“%(value)s” is not a date (write it as YYYY-MM-DD, e.g. 2025-06-30).")
                % {"value": cell_text(value)}
            ) from None


def normal_header(text: Any) -> str:
    """A column heading as compared: accents, case, spaces and punctuation don't count ("Fuente URL" = "fuente_url")."""
    return slugify(str(text or "")).replace("-", "_")


def spreadsheet_row(number: int) -> int:
    """The library counts data rows from 1; the spreadsheet shows the header as row 1."""
    return number + 1


def rejection_sentences(result: Any) -> list[str]:
    """Every problem of the import, one sentence each, naming the spreadsheet's row and the column."""
    sentences = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        for error in errors:
            sentences.append(gettext("Row %(row)s: %(error)s") % {"row": spreadsheet_row(number), "error": error.error})
    for invalid in result.invalid_rows:
        for field, messages in invalid.field_specific_errors.items():
            for message in messages:
                sentences.append(
                    gettext("Row %(row)s, %(field)s: %(error)s")
                    % {"row": spreadsheet_row(invalid.number), "field": field, "error": message}
                )
        for message in invalid.non_field_specific_errors:
            sentences.append(
                gettext("Row %(row)s: %(error)s") % {"row": spreadsheet_row(invalid.number), "error": message}
            )
    return sentences


class BlankDiff(resources.Diff):
    """The preview's before/after cells: an empty value shows as an empty cell, not "None"."""

    def __init__(self, resource: Any, instance: Any, new: bool) -> None:
        super().__init__(resource, instance, new)
        self.left = self._blank(self.left)

    def compare_with(self, resource: Any, instance: Any) -> None:
        super().compare_with(resource, instance)
        self.right = self._blank(self.right)

    @staticmethod
    def _blank(values: list[Any]) -> list[Any]:
        return ["" if value is None else value for value in values]


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

    # Text columns left empty (an empty spreadsheet cell reads as None) import as "", like the admin's forms;
    # numbers and dates that cannot be read are refused with a sentence.
    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "TextField": widgets.CharWidget,
        **dict.fromkeys(
            ("IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField"),
            WholeNumberWidget,
        ),
        "DecimalField": NumberWidget,
        "DateField": DayWidget,
    }
    #: Other names partners give the columns (compared as `normal_header`), mapped to the resource's own.
    column_aliases: dict[str, str] = {}
    #: Columns without which no row could be imported; a file lacking one is refused with its name.
    required_columns: tuple[str, ...] = ()

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

    def get_diff_class(self) -> type[resources.Diff]:
        return BlankDiff

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        """Read the partner's headings: known ones (in any case, with or without accents, or a known alias) are
        renamed to the resource's columns, the others are set aside and listed in the preview."""
        super().before_import(dataset, **kwargs)
        known = {normal_header(field.column_name): field.column_name for field in self.get_import_fields()}
        known.update({normal_header(alias): column for alias, column in self.column_aliases.items()})
        headers, self.ignored_columns = [], []
        for header in dataset.headers or []:
            column = known.get(normal_header(header))
            if column is None or column in headers:
                self.ignored_columns.append(str(header))
                column = f"ignored: {header}"
            headers.append(column)
        if dataset.headers:
            dataset.headers = headers
        if missing := [column for column in self.required_columns if column not in headers]:
            raise ValueError(
                gettext("The file has no “%(missing)s” column, which the import needs. Columns it reads: %(known)s.")
                % {"missing": "”, “".join(missing), "known": ", ".join(sorted(set(known.values())))}
            )

    def after_import(self, dataset: Any, result: Any, **kwargs: Any) -> None:
        super().after_import(dataset, result, **kwargs)
        result.ignored_columns = getattr(self, "ignored_columns", [])

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
        instance._history_created = instance.pk is None
        defer_history(instance)  # one history entry per row, written in save_m2m once the row's lists are saved
        instance._change_reason = gettext("Imported from %(file)s") % {"file": kwargs.get("file_name") or "a file"}
        if user is not None and getattr(user, "is_authenticated", False):
            instance._history_user = user

    def save_m2m(self, instance: models.Model, row: dict[str, Any], **kwargs: Any) -> None:
        super().save_m2m(instance, row, **kwargs)
        if instance.pk is not None:
            record_history(instance, created=instance._history_created)

    def filter_export(self, queryset: models.QuerySet, **kwargs: Any) -> models.QuerySet:
        queryset = super().filter_export(queryset, **kwargs)
        return queryset.select_related(*self.export_select_related).prefetch_related(*self.export_prefetch_related)
