"""DRF permission classes built from the role permissions (apps.core.models.SystemPermission)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class HasPermission(BasePermission):
    """Allows a request whose user holds ``perm``; use ``HasPermission.of("core.view_risk")``."""

    perm = ""

    @classmethod
    def of(cls, perm: str) -> type[HasPermission]:
        return type(f"Has_{perm.replace('.', '_')}", (cls,), {"perm": perm})

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.perm))
