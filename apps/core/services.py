"""Writes of the core app: roles, role users, the scheduler heartbeat."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group, Permission, User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from rest_framework.authtoken.models import Token

from apps.core.roles import OWN_APP_LABELS, ROLE_GRANTS, ROLES

SCHEDULER_TICK_KEY = "riskmonitor:scheduler:last_tick"


def roles_sync() -> None:
    """Create the role groups and give each exactly the permissions its grant names."""
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        grant = ROLE_GRANTS[role]
        wanted = Q(content_type__app_label="core", codename__in=grant.custom)
        for action in grant.model_actions:
            wanted |= Q(
                content_type__app_label__in=OWN_APP_LABELS, codename__startswith=f"{action}_"
            ) & ~Q(content_type__app_label="core")
        group.permissions.set(Permission.objects.filter(wanted))


@transaction.atomic
def role_user_create(*, username: str, role: str, password: str, email: str = "") -> AbstractUser:
    """A user in exactly one role; staff (admin access) when the role works in the back office."""
    if role not in ROLE_GRANTS:
        raise ValueError(f"role: must be one of {', '.join(ROLES)}, got {role!r}")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValueError(f"name: a user named {username!r} already exists")
    user = user_model.objects.create_user(username=username, password=password, email=email)
    user.is_staff = ROLE_GRANTS[role].staff
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name=role))
    return user


def api_token_issue(*, user: User | AbstractUser) -> str:
    token, _ = Token.objects.get_or_create(user_id=user.pk)
    return str(token.key)


def scheduler_tick_record() -> float:
    """Called by the heartbeat job: proves the scheduler fired and a worker ran it."""
    now = time.time()
    cache.set(SCHEDULER_TICK_KEY, now, timeout=None)
    return now
