"""Staff roles: one definition, applied by the data migration `registry/0003_roles` and by `manage.py setup_roles`.

Editors keep the registry by hand: they add and change its records but delete nothing and manage no users.
Viewers read everything in the admin and change nothing. Superusers keep Django's usual all-access.
Reference data (states, services, population groups) is view-only for both roles: Editors still need to see it
to pick a shelter's state or services, and the admin's autocomplete asks for view permission on the target model.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

EDITORS = "Editors"
VIEWERS = "Viewers"
#: The group names are stored in English; this is how staff read them.
ROLE_LABELS = {EDITORS: _("Editors"), VIEWERS: _("Viewers")}

#: The records Editors maintain, as "app_label.model_name".
EDITED_MODELS: tuple[str, ...] = (
    "registry.shelter",
    "registry.donor",
    "registry.cooperationagreement",
    "registry.supportitem",
    "registry.openinghours",
    "projects.project",
    "projects.projectobjective",
    "projects.thematicarea",
    "news.article",
)
REFERENCE_MODELS: tuple[str, ...] = ("registry.state", "registry.service", "registry.populationgroup")
#: Records visitors file and Editors decide (accept or reject), never add.
MODERATED_MODELS: tuple[str, ...] = ("registry.correctionreport",)

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    EDITORS: {
        **dict.fromkeys(EDITED_MODELS, ("add", "change", "view")),
        **dict.fromkeys(REFERENCE_MODELS, ("view",)),
        **dict.fromkeys(MODERATED_MODELS, ("change", "view")),
    },
    VIEWERS: dict.fromkeys(EDITED_MODELS + REFERENCE_MODELS + MODERATED_MODELS, ("view",)),
}


def role_permission_names(role: str) -> set[str]:
    """The role's permissions as dotted names (`registry.add_shelter`), the form `user.has_perm()` takes."""
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in ROLE_PERMISSIONS[role].items()
        for action in actions
    }


def apply_roles(*, group_model: Any, permission_model: Any, models: set[str] | None = None) -> dict[str, int]:
    """Create the role groups if needed and give each exactly its permissions (extra ones are removed).

    Takes the Group and Permission models as arguments so the data migration can pass its historical models, and
    the "app_label.model_name" of the models that exist at that point of the migrations (a later migration adding
    a model applies the roles again). Returns the number of permissions each group now holds.
    """
    applied: dict[str, int] = {}
    for role in ROLE_PERMISSIONS:
        wanted = {
            name
            for name in role_permission_names(role)
            if models is None or "{}.{}".format(name.split(".")[0], name.split("_", 1)[1]) in models
        }
        condition = Q()
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            condition |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(permission_model.objects.filter(condition).select_related("content_type"))
        found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
        if missing := sorted(wanted - found):
            raise LookupError(
                f"Cannot set up the {role} role: permissions {', '.join(missing)} do not exist. "
                "Run `manage.py migrate` first."
            )
        group, _ = group_model.objects.get_or_create(name=role)
        group.permissions.set(permissions)
        applied[role] = len(permissions)
    return applied
