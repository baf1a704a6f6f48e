"""Who may do what through the API: anyone reads, staff holding the model permission write."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.request import Request


class StaffModelPermissionsOrAnonReadOnly(DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing takes a staff account that also holds the model's add/change/delete permission."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method not in SAFE_METHODS:
            user = request.user
            if user and user.is_authenticated and not user.is_staff:
                return False
        return super().has_permission(request, view)
