from typing import Any

from apps.core.services import roles_sync


def sync_roles_after_migrate(sender: Any, **kwargs: Any) -> None:
    roles_sync()
