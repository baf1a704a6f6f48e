"""Staff accounts in the admin: the role decides who may sign in, and permissions read in the staff's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import services

ACTIONS = {"add": _("can add"), "change": _("can change"), "delete": _("can delete"), "view": _("can view")}


def permission_label(permission: Permission) -> str:
    """'Shelter: can change' in the staff's language (Django stores permission names in English only)."""
    model = permission.content_type.model_class()
    action = ACTIONS.get(permission.codename.split("_", 1)[0])
    if model is None or action is None:
        return str(permission)
    if original := getattr(model, "instance_type", None):  # a django-simple-history model
        subject = gettext("history of %(records)s") % {"records": original._meta.verbose_name_plural}
    else:
        subject = str(model._meta.verbose_name)
    return f"{model._meta.app_config.verbose_name} · {subject[:1].upper()}{subject[1:]}: {action}"


class PermissionLabels:
    def formfield_for_manytomany(self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name == "user_permissions" or db_field.name == "permissions":
            field.queryset = field.queryset.select_related("content_type")
            field.label_from_instance = permission_label
        return field


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(PermissionLabels, GroupAdmin):
    pass


@admin.register(User)
class StaffUserAdmin(PermissionLabels, UserAdmin):
    def get_form(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> type[forms.ModelForm]:
        form = super().get_form(request, obj, **kwargs)
        if "is_staff" in form.base_fields:
            form.base_fields["is_staff"].disabled = True
            form.base_fields["is_staff"].help_text = _(
                "Follows the role: set when the user is in the Editors or Viewers group, cleared when in neither."
            )
        return form

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        user = form.instance
        roles = services.user_apply_role(user=user)
        if roles:
            text = gettext("%(user)s can sign in to the admin with the role %(roles)s.")
            level = messages.SUCCESS
        elif user.is_superuser:
            return
        else:
            text = gettext(
                "%(user)s has no role, so they cannot sign in to the admin: add them to the Editors group (to "
                "keep the registry) or the Viewers group (to read it)."
            )
            level = messages.WARNING
        self.message_user(request, text % {"user": user.get_username(), "roles": roles}, level)
