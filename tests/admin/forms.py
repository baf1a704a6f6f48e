"""Turn a rendered admin change form (and its inlines) back into the POST data a browser would send."""

from __future__ import annotations

from typing import Any

from django import forms


def _form_values(form: forms.BaseForm, data: dict[str, Any]) -> None:
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        _set(data, key, field, value)
        if field.show_hidden_initial:
            # the hidden "initial-" copy of the loaded value that the page carries alongside each field
            _set(data, form.add_initial_prefix(name), field, value)


def _set(data: dict[str, Any], key: str, field: forms.Field, value: Any) -> None:
    if isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
    elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        data[key] = [str(item) for item in value or []]
    elif isinstance(value, list | tuple):
        data[key] = [str(item) for item in value]
    else:
        data[key] = "" if value is None else str(value)


def admin_form_data(response: Any) -> dict[str, Any]:
    """The data of the form on an admin add/change page, as loaded: edit it and post it back."""
    data: dict[str, Any] = {}
    _form_values(response.context["adminform"].form, data)
    inlines = response.context["inline_admin_formsets"] if "inline_admin_formsets" in response.context else []
    for inline in inlines:
        formset = inline.formset
        _form_values(formset.management_form, data)
        for form in formset.forms:
            _form_values(form, data)
    return data
