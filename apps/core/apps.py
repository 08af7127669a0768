from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # The Celery app is loaded here rather than in riskmonitor/__init__.py so that importing
        # the pure engine (riskmonitor.engine) never drags in Celery or Django.
        import riskmonitor.celery  # noqa: F401
        from apps.core.bootstrap import bootstrap_loader_register, roles_bootstrap
        from apps.core.signals import sync_roles_after_migrate

        bootstrap_loader_register("roles", roles_bootstrap)

        # Runs once per migrate, after every app's permissions exist.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="core-sync-roles")
