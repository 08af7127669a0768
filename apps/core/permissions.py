"""DRF permission classes built from the role permissions (apps.core.models.SystemPermission),
and the typed user of an authenticated request."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView


class HasPermission(BasePermission):
    """Allows a request whose user holds ``perm``; use ``HasPermission.of("core.view_risk")``."""

    perm = ""

    @classmethod
    def of(cls, perm: str) -> type[HasPermission]:
        return type(f"Has_{perm.replace('.', '_')}", (cls,), {"perm": perm})

    def has_permission(self, request: Request, view: APIView) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(self.perm))


def request_user(request: Request | HttpRequest) -> User:
    """The logged-in user of a request that passed authentication (an API view's permission
    classes, the admin's login); refused as a permission error should it be anonymous."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied("authentication required")
    return user
